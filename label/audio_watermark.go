package label

import (
	"context"
	"errors"
	"fmt"

	wmaudio "github.com/belgi/belgi/watermark/audio"
)

// audio_watermark.go plugs the audio watermark (watermark/audio) into the
// audio pipeline: a sample stage that embeds the content ID after the
// audible notice, and a verifier that reads it back from the samples alone.

// audioWatermarkAlgorithm names the mark's layout in verify reports. v2
// (2026-12-03): 14.5 ms frames and 37 bands; the v1 layout (23 ms frames,
// 32 bands) is not read by this detector, so a v1 mark reports as absent.
const audioWatermarkAlgorithm = "belgi-audio-bandenergy-v2"

func init() {
	registerAudioStage(audioStage{layer: LayerWatermark, order: 20, apply: embedAudioWatermark})
	registerAudioVerifier(audioVerifier{layer: LayerWatermark, verify: verifyAudioWatermark})
}

func embedAudioWatermark(ctx context.Context, p *PCM, j *Job) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	id, err := ParseContentID(j.Label.ContentID)
	if err != nil {
		return err
	}
	opt := wmaudio.Options{Key: j.Opts.Watermark.Key, Strength: j.Opts.Watermark.Strength}
	if err := wmaudio.Embed(p.Samples, p.Rate, p.Channels, id, opt); err != nil {
		if errors.Is(err, wmaudio.ErrNotEmbeddable) {
			// Too short or silent: the other layers still go on; the
			// samples are unchanged and the result says why.
			j.Result.Warnings = append(j.Result.Warnings, fmt.Sprintf("%v: %v", ErrNotEmbeddable, err))
			return nil
		}
		if errors.Is(err, wmaudio.ErrFormat) {
			return fmt.Errorf("%w: audio watermark: %v", ErrLayerUnavailable, err)
		}
		return err
	}
	j.Result.WatermarkID = FormatContentID(id)
	j.Result.addLayer(LayerWatermark)
	return nil
}

func verifyAudioWatermark(ctx context.Context, p *PCM, in *Input, rep *Report) error {
	d, err := wmaudio.Detect(ctx, p.Samples, p.Rate, p.Channels, wmaudio.Options{Key: in.WatermarkKey()})
	if err != nil {
		if errors.Is(err, wmaudio.ErrFormat) {
			rep.Warnings = append(rep.Warnings, "audio watermark: "+err.Error())
			return nil
		}
		return err
	}
	alg := audioWatermarkAlgorithm
	score := d.Score
	rep.Watermark.Algorithm = &alg
	rep.Watermark.Score = &score
	if d.Present {
		id := FormatContentID(d.ID)
		rep.Watermark.Present = true
		rep.Watermark.ID = &id
	}
	return nil
}
