package label

import (
	"context"
	"image"
	"image/draw"
	"sort"
)

// Layers that change pixels or samples register stages here from their own
// files (image_disclosure.go, image_watermark.go, audio_*.go), so that the
// format handlers run them in the fixed order without knowing them.

// ImageFrame is one decoded frame handed to pixel stages.
type ImageFrame struct {
	Img   draw.Image // drawn on in place
	Index int        // frame number (animations), 0 for stills
	Count int        // number of frames
}

type imageStage struct {
	layer Layer
	order int // disclosure 10, watermark 20
	apply func(ctx context.Context, f *ImageFrame, j *Job) error
}

type imageVerifier struct {
	layer  Layer
	verify func(ctx context.Context, img image.Image, in *Input, rep *Report) error
}

var (
	imageStages    []imageStage
	imageVerifiers []imageVerifier
)

func registerImageStage(s imageStage) {
	imageStages = append(imageStages, s)
	sort.SliceStable(imageStages, func(i, j int) bool { return imageStages[i].order < imageStages[j].order })
	refreshImageHandlers() // the image handlers list the layers that have stages
}

func registerImageVerifier(v imageVerifier) { imageVerifiers = append(imageVerifiers, v) }

// imagePixelLayers reports whether j asks for any layer that needs pixels.
func imagePixelLayers(j *Job) bool {
	for _, s := range imageStages {
		if j.Layers[s.layer] {
			return true
		}
	}
	return false
}

// runImageStages applies every requested pixel stage to one frame, in order.
func runImageStages(ctx context.Context, f *ImageFrame, j *Job) error {
	for _, s := range imageStages {
		if !j.Layers[s.layer] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.apply(ctx, f, j); err != nil {
			return err
		}
	}
	return nil
}

// PCM is decoded audio handed to sample stages: interleaved samples in
// [-1, 1].
type PCM struct {
	Rate     int
	Channels int
	Samples  []float32
	// Lead counts the frames a stage inserted before the original start
	// (an audible notice), so markers such as WAV cue points can follow.
	Lead int
}

type audioStage struct {
	layer Layer
	order int // disclosure 10, watermark 20
	apply func(ctx context.Context, p *PCM, j *Job) error
}

type audioVerifier struct {
	layer  Layer
	verify func(ctx context.Context, p *PCM, in *Input, rep *Report) error
}

var (
	audioStages    []audioStage
	audioVerifiers []audioVerifier
)

func registerAudioStage(s audioStage) {
	audioStages = append(audioStages, s)
	sort.SliceStable(audioStages, func(i, j int) bool { return audioStages[i].order < audioStages[j].order })
}

func registerAudioVerifier(v audioVerifier) { audioVerifiers = append(audioVerifiers, v) }
