package label

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/belgi/belgi/formats"
	wimage "github.com/belgi/belgi/watermark/image"
)

// image_watermark.go plugs the invisible image watermark (watermark/image)
// into the image pipeline: a pixel stage that embeds the content ID after
// the visible disclosure (so the badge is marked too), and a verifier that
// reads the ID back from the pixels alone, metadata stripped or not.

// imageWatermarkAlgorithm names the algorithm and its version in reports
// and in XMP (belgi:WatermarkAlgorithm).
const imageWatermarkAlgorithm = "belgi-image-tiled-ss-v1"

func init() {
	registerImageStage(imageStage{layer: LayerWatermark, order: 20, apply: embedImageWatermark})
	registerImageVerifier(imageVerifier{layer: LayerWatermark, verify: verifyImageWatermark})
}

func embedImageWatermark(ctx context.Context, f *ImageFrame, j *Job) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if j.In.Format == formats.GIF {
		// The GIF encoder maps every frame back onto a 256-colour palette,
		// which erases changes of a few grey levels: claiming the layer
		// would be false.
		if j.Opts.explicit(LayerWatermark) {
			return fmt.Errorf("%w: invisible watermark in GIF (palette quantisation erases it)", ErrLayerUnavailable)
		}
		if f.Index == 0 {
			j.Result.Warnings = append(j.Result.Warnings, "invisible watermark skipped: GIF palette quantisation would erase it")
		}
		return nil
	}
	id, err := ParseContentID(j.Label.ContentID)
	if err != nil {
		return err
	}
	strength := j.Opts.Watermark.Strength
	if strength == 0 {
		strength = wimage.DefaultStrength
	}
	o := &wimage.Options{Key: j.Opts.Watermark.Key, Strength: strength}
	if err := wimage.EmbedInPlace(f.Img, id, o); err != nil {
		if errors.Is(err, wimage.ErrNotEmbeddable) {
			if j.Opts.explicit(LayerWatermark) {
				return fmt.Errorf("%w: %s frame %d: %v", ErrNotEmbeddable, j.In.Format, f.Index, err)
			}
			// Asked for by default only: the other layers go on, the
			// pixels are unchanged and the result says why.
			if f.Index == 0 {
				j.Result.Warnings = append(j.Result.Warnings, fmt.Sprintf("%v: %v", ErrNotEmbeddable, err))
			}
			return nil
		}
		return fmt.Errorf("image watermark on %s frame %d: %w", j.In.Format, f.Index, err)
	}
	j.Result.WatermarkID = FormatContentID(id)
	j.Result.WatermarkAlgorithm = imageWatermarkAlgorithm
	j.Result.addLayer(LayerWatermark)
	return nil
}

// verifyImageWatermark detects with the public key: the verifier hook does
// not carry VerifyOptions.WatermarkKey.
func verifyImageWatermark(ctx context.Context, img image.Image, in *Input, rep *Report) error {
	r, err := wimage.DetectContext(ctx, img, nil)
	if err != nil {
		return err
	}
	alg := imageWatermarkAlgorithm
	score := r.Score
	rep.Watermark.Algorithm = &alg
	if !math.IsNaN(score) && !math.IsInf(score, 0) { // JSON has no NaN or infinity
		rep.Watermark.Score = &score
	}
	if r.Present {
		id := FormatContentID(r.ID)
		rep.Watermark.Present = true
		rep.Watermark.ID = &id
	}
	return nil
}
