package label

import (
	"context"
	"fmt"

	"github.com/belgi/belgi/formats"
)

// c2paSupports reports whether a C2PA manifest can be embedded in f.
func c2paSupports(f formats.Format) bool { return false }

// applyWithC2PA runs the handler into a temporary file, then embeds and
// signs a manifest whose hard binding covers the handler's output.
func applyWithC2PA(ctx context.Context, h handler, j *Job, out interface{ Write([]byte) (int, error) }) error {
	return fmt.Errorf("%w: c2pa", ErrLayerUnavailable)
}

// verifyC2PA validates an embedded manifest, if any.
func verifyC2PA(ctx context.Context, in *Input, o *VerifyOptions, rep *Report) error { return nil }
