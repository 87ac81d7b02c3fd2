package image

import (
	"errors"
	"fmt"
	goimage "image"
	"image/draw"
	"math"

	"github.com/belgi/belgi/watermark/payload"
)

// ErrNotEmbeddable is returned (wrapped) when an image is too small or too
// saturated to carry the mark reliably.
var ErrNotEmbeddable = errors.New("image not embeddable")

// ErrUnsupported is returned (wrapped) by EmbedInPlace for an image type it
// cannot write to.
var ErrUnsupported = errors.New("unsupported image type")

// MinSide is the smallest width or height that can carry the mark.
const MinSide = 2 * tileSize

// DefaultStrength is the strength the nil Options use.
const DefaultStrength = 1.0

// Options configure embedding and detection. A nil *Options means the public
// key at DefaultStrength.
type Options struct {
	// Key selects the layout and whitening; empty means payload.DefaultKey.
	Key []byte
	// Strength scales the change: 1 is the tuned default, 0 leaves every
	// pixel as it is. It is used as given (note that the zero Options value
	// therefore embeds nothing); detection ignores it.
	Strength float64
}

func (o *Options) strength() float64 {
	if o == nil {
		return DefaultStrength
	}
	return o.Strength
}

func (o *Options) key() []byte {
	if o == nil {
		return nil
	}
	return o.Key
}

// Embed returns a copy of img carrying id. The copy has img's type when that
// is *image.YCbCr, *image.Gray, *image.RGBA or *image.NRGBA, else it is an
// *image.NRGBA.
func Embed(img goimage.Image, id uint64, o *Options) (goimage.Image, error) {
	dst := clone(img)
	if err := EmbedInPlace(dst, id, o); err != nil {
		return nil, err
	}
	return dst, nil
}

// EmbedInPlace adds the mark carrying id to img, which must be an
// *image.YCbCr (only Y changes) or a draw.Image. Images whose shorter side is
// below MinSide, or that are mostly black or white, give ErrNotEmbeddable and
// are left unchanged.
func EmbedInPlace(img goimage.Image, id uint64, o *Options) error {
	if _, ok := img.(*goimage.YCbCr); !ok {
		if _, ok := img.(draw.Image); !ok {
			return fmt.Errorf("watermark/image: %T: %w", img, ErrUnsupported)
		}
	}
	b := img.Bounds()
	if b.Dx() < MinSide || b.Dy() < MinSide {
		return fmt.Errorf("watermark/image: %dx%d is smaller than %dx%d: %w", b.Dx(), b.Dy(), MinSide, MinSide, ErrNotEmbeddable)
	}
	s := o.strength()
	if !(s > 0) || math.IsInf(s, 0) {
		if s == 0 {
			return nil // zero strength: bit-identical
		}
		return fmt.Errorf("watermark/image: strength %v not a positive number", s)
	}
	y := workingLuma(img)
	usable := 0
	for _, v := range y.p {
		if v > 4 && v < 251 {
			usable++
		}
	}
	if usable < len(y.p)/4 {
		return fmt.Errorf("watermark/image: %d%% of the image is black or white: %w", 100-100*usable/len(y.p), ErrNotEmbeddable)
	}
	d := residual(y, layoutFor(o.key()), id, s, min(b.Dx(), b.Dy()))
	addResidual(img, d)
	return nil
}

// residual is the working-grid change for id: the tiled pattern times the
// perceptual amplitude, scaled so that its RMS stays under textureCap (2 to
// 2.35 grey levels) times strength and, by ssimScale, so that it keeps the
// estimated mean SSIM of an imgShort-pixel image at ssimTarget.
func residual(y *grid, l *layout, id uint64, strength float64, imgShort int) *grid {
	tile := renderTile(l.chips(id))
	a := amplitude(y)
	var ss float64
	for yy := 0; yy < y.h; yy++ {
		trow := tile[(yy%tileSize)*tileSize:]
		row := a.p[yy*y.w : (yy+1)*y.w]
		for x := range row {
			v := row[x] * trow[x%tileSize]
			row[x] = v
			ss += float64(v) * float64(v)
		}
	}
	k := strength
	if rms := math.Sqrt(ss / float64(len(a.p))); rms > rmsCap {
		k *= textureCap(rms) / rms
	}
	k *= ssimScale(y, a, k, ssimWindow(y, imgShort))
	if k != 1 {
		for i := range a.p {
			a.p[i] *= float32(k)
		}
	}
	return a
}

func clone(img goimage.Image) goimage.Image {
	b := img.Bounds()
	switch m := img.(type) {
	case *goimage.YCbCr:
		c := *m
		c.Y = append([]byte(nil), m.Y...)
		c.Cb = append([]byte(nil), m.Cb...)
		c.Cr = append([]byte(nil), m.Cr...)
		return &c
	case *goimage.Gray:
		c := *m
		c.Pix = append([]byte(nil), m.Pix...)
		return &c
	case *goimage.RGBA:
		c := *m
		c.Pix = append([]byte(nil), m.Pix...)
		return &c
	case *goimage.NRGBA:
		c := *m
		c.Pix = append([]byte(nil), m.Pix...)
		return &c
	}
	c := goimage.NewNRGBA(b)
	draw.Draw(c, b, img, b.Min, draw.Src)
	return c
}

var _ = payload.DefaultPFA
