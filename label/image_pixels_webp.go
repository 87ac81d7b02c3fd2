package label

import (
	"bytes"
	"context"
	"fmt"

	gwebp "github.com/gen2brain/webp"

	"github.com/belgi/belgi/formats/webp"
)

// WebP goes through github.com/gen2brain/webp: libwebp compiled to
// WebAssembly and translated to Go (no cgo), the only maintained Go
// encoder that writes lossy, lossless and animated WebP; golang.org/x/image
// only decodes. It uses the system libwebp through purego when one is
// installed, and the translated code otherwise.

// webpLossyQuality is used for lossy sources whose VP8 header cannot be
// read back into a quality (webp.EstimateQuality); otherwise the estimate
// is used, like the JPEG path does with its tables.
const webpLossyQuality = 80

func reencodeWebP(ctx context.Context, j *Job, data []byte) ([]byte, error) {
	src := bytes.NewReader(data)
	lossless, err := webp.Lossless(src, int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	anim, err := gwebp.DecodeAll(bytes.NewReader(data))
	if err != nil || len(anim.Image) == 0 {
		return nil, fmt.Errorf("%w: webp: %v", ErrCorrupt, err)
	}
	alpha := false
	for i, fr := range anim.Image {
		m := toNRGBA(fr)
		if err := runImageStages(ctx, &ImageFrame{Img: m, Index: i, Count: len(anim.Image)}, j); err != nil {
			return nil, err
		}
		alpha = alpha || !m.Opaque()
		anim.Image[i] = m
	}
	quality := webpLossyQuality
	if !lossless {
		if q, err := webp.EstimateQuality(src, int64(len(data))); err == nil && q > 0 {
			quality = q
		}
	}
	opts := gwebp.Options{Lossless: lossless, Quality: quality, Method: 4, Exact: lossless}
	var enc bytes.Buffer
	if len(anim.Image) > 1 {
		err = gwebp.EncodeAll(&enc, anim, opts)
	} else {
		err = gwebp.Encode(&enc, anim.Image[0], opts)
	}
	if err != nil {
		return nil, fmt.Errorf("webp: encode: %w", err)
	}
	b := anim.Image[0].Bounds()
	var out bytes.Buffer
	if err := webp.CarryChunks(src, int64(len(data)), enc.Bytes(), &out, b.Dx(), b.Dy(), alpha); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return out.Bytes(), nil
}
