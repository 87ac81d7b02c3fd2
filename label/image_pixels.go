package label

import (
	"context"
	"fmt"
)

// reencodeImage decodes the input image, runs the pixel stages on every
// frame and encodes it again in the same format, carrying the source's
// non-pixel metadata (ICC, EXIF, XMP, other chunks) over. It is called by
// the image handler only when a pixel layer is requested.
// The visible-disclosure work (issue 4) implements it.
func reencodeImage(ctx context.Context, j *Job) ([]byte, error) {
	return nil, fmt.Errorf("%w: pixel layers for %s", ErrLayerUnavailable, j.In.Format)
}
