package label

import (
	"context"
	"fmt"
	"io"
	"os"
)

func burnIn(ctx context.Context, j *Job, ra io.ReaderAt, size int64) (*os.File, error) {
	return nil, fmt.Errorf("%w: burn-in", ErrLayerUnavailable)
}
