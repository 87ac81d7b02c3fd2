package image

import (
	"bytes"
	"errors"
	goimage "image"
	"image/color"
	"image/jpeg"
	_ "image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

func photo(t testing.TB, name string) goimage.Image {
	t.Helper()
	f, err := os.Open(filepath.Join(extool.Shared(t, "testdata/images"), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := goimage.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func jpegTrip(t testing.TB, img goimage.Image, q int) goimage.Image {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRoundTripImageTypes marks every supported pixel type and finds the
// ID again, in place and as a copy.
func TestRoundTripImageTypes(t *testing.T) {
	src := photo(t, "astronaut.png")
	b := src.Bounds()
	rgba := goimage.NewRGBA(b)
	nrgba := goimage.NewNRGBA(b)
	gray := goimage.NewGray(b)
	ycc := goimage.NewYCbCr(b, goimage.YCbCrSubsampleRatio420)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := src.At(x, y)
			rgba.Set(x, y, c)
			nrgba.Set(x, y, c)
			gray.Set(x, y, c)
			r, g, bb, _ := c.RGBA()
			yy, cb, cr := color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(bb>>8))
			ycc.Y[ycc.YOffset(x, y)] = yy
			ycc.Cb[ycc.COffset(x, y)] = cb
			ycc.Cr[ycc.COffset(x, y)] = cr
		}
	}
	rgba64 := goimage.NewRGBA64(b) // through the generic draw.Image path
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			rgba64.Set(x, y, src.At(x, y))
		}
	}
	for _, img := range []goimage.Image{rgba, nrgba, gray, ycc, rgba64} {
		id := rand.Uint64()
		m, err := Embed(img, id, nil)
		if err != nil {
			t.Fatalf("%T: %v", img, err)
		}
		r, err := Detect(m, nil)
		if err != nil || !r.Present || r.ID != id {
			t.Fatalf("%T: got %+v, %v; want %016x", img, r, err, id)
		}
		if r0, _ := Detect(img, nil); r0.Present {
			t.Fatalf("%T: Embed changed its input", img)
		}
	}
	// In place on YCbCr changes only Y.
	cb := append([]byte(nil), ycc.Cb...)
	if err := EmbedInPlace(ycc, 7, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cb, ycc.Cb) {
		t.Fatal("YCbCr chroma changed")
	}
}

func TestZeroStrengthIsIdentical(t *testing.T) {
	src := photo(t, "coffee.png")
	m, err := Embed(src, 1, &Options{Strength: 0})
	if err != nil {
		t.Fatal(err)
	}
	a, b := clone(src), m
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				t.Fatalf("pixel %d,%d changed at strength 0", x, y)
			}
		}
	}
}

func TestNotEmbeddable(t *testing.T) {
	small := goimage.NewNRGBA(goimage.Rect(0, 0, 200, 900))
	white := goimage.NewGray(goimage.Rect(0, 0, 600, 600))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	for _, img := range []goimage.Image{small, white} {
		before := append([]byte(nil), pixOf(img)...)
		err := EmbedInPlace(img.(interface {
			goimage.Image
			Set(int, int, color.Color)
		}), 1, nil)
		if !errors.Is(err, ErrNotEmbeddable) {
			t.Fatalf("%v: got %v, want ErrNotEmbeddable", img.Bounds(), err)
		}
		if !bytes.Equal(before, pixOf(img)) {
			t.Fatal("image changed although not embeddable")
		}
	}
	if err := EmbedInPlace(goimage.NewUniform(color.Black), 1, nil); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("uniform: %v", err)
	}
}

func pixOf(img goimage.Image) []byte {
	switch m := img.(type) {
	case *goimage.NRGBA:
		return m.Pix
	case *goimage.Gray:
		return m.Pix
	}
	return nil
}

// TestAbsentNotWrong: unmarked, synthetic and other-key images are never
// reported present.
func TestAbsentNotWrong(t *testing.T) {
	flat := goimage.NewGray(goimage.Rect(0, 0, 700, 500))
	for i := range flat.Pix {
		flat.Pix[i] = 128
	}
	noise := goimage.NewGray(goimage.Rect(0, 0, 520, 640))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(r.IntN(256))
	}
	stripes := goimage.NewGray(goimage.Rect(0, 0, 512, 512))
	for y := 0; y < 512; y++ {
		for x := 0; x < 512; x++ {
			stripes.Pix[y*512+x] = uint8(128 + 60*((x/64+y/64)%2))
		}
	}
	other, err := Embed(photo(t, "face.png"), 99, &Options{Key: []byte("secret"), Strength: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, img := range []goimage.Image{photo(t, "face.png"), flat, noise, stripes, other, goimage.NewGray(goimage.Rect(0, 0, 10, 10))} {
		res, err := Detect(img, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Present {
			t.Fatalf("image %d: reported present: %+v", i, res)
		}
		if math.IsNaN(res.Score) || math.IsInf(res.Score, 0) {
			t.Fatalf("image %d: score %v is not finite (reports are JSON)", i, res.Score)
		}
	}
	// The secret key finds its own mark.
	if res, _ := Detect(other, &Options{Key: []byte("secret")}); !res.Present || res.ID != 99 {
		t.Fatalf("secret key: %+v", res)
	}
}

// TestSurvivesJPEGAndFlip is a small robustness check; the full table is
// bench/robustness.
func TestSurvivesJPEGAndFlip(t *testing.T) {
	src := photo(t, "grace_hopper.jpg")
	m, err := Embed(src, 0xfeedface, nil)
	if err != nil {
		t.Fatal(err)
	}
	j := jpegTrip(t, m, 50)
	b := m.Bounds()
	flip := goimage.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			flip.Set(b.Max.X-1-(x-b.Min.X), y, m.At(x, y))
		}
	}
	for name, img := range map[string]goimage.Image{"jpeg50": j, "flip": flip} {
		r, err := Detect(img, nil)
		if err != nil || !r.Present || r.ID != 0xfeedface {
			t.Fatalf("%s: %+v %v", name, r, err)
		}
	}
}
