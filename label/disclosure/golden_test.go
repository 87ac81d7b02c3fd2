package disclosure_test

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/label/disclosure"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/disclosure")

// TestGolden compares a few rendered badges with committed PNGs, so a
// change in layout or rendering shows up as a failing test and a picture
// to look at (go test ./label/disclosure -run Golden -update rewrites them).
func TestGolden(t *testing.T) {
	kk := []string{"kk", "ru"}
	eu := []string{"kk", "ru", "en"}
	lines := func(f disclosure.Form, langs []string) []disclosure.Line {
		return disclosure.Default.Lines(disclosure.Generated, f, langs, nil)
	}
	for _, c := range []struct {
		file  string
		bg    image.Image
		langs []string
		opts  disclosure.BadgeOptions
	}{
		{"short-320x240-white.png", uniform(image.Pt(320, 240), color.White), kk, disclosure.BadgeOptions{}},
		{"mark-640x360-stripes.png", stripes(640, 360), kk, disclosure.BadgeOptions{AIMark: true, Corner: disclosure.TopLeft}},
		{"eu-960x540-gradient.png", gradient(960, 540), eu, disclosure.BadgeOptions{Corner: disclosure.TopRight, MaxCoverage: 0.2}},
		{"eu-tight-320x213-stripes.png", stripes(320, 213), eu, disclosure.BadgeOptions{Corner: disclosure.TopRight}},
		{"cn-480x480-black.png", uniform(image.Pt(480, 480), color.Black), kk, disclosure.BadgeOptions{MinHeight: 0.05}},
	} {
		c.opts.Short = lines(disclosure.Short, c.langs)
		out, _, err := disclosure.Stamp(c.bg, lines(disclosure.Long, c.langs), c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		p := extool.Testdata(t, filepath.Join("disclosure", c.file))
		if *update {
			var buf bytes.Buffer
			if err := png.Encode(&buf, out); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want := loadImage(t, p)
		if want.Bounds() != out.Bounds() {
			t.Errorf("%s: bounds %v, golden %v", c.file, out.Bounds(), want.Bounds())
			continue
		}
		// Rasterisers may round differently across CPUs (FMA): allow a few
		// pixels off by a little, never a different picture.
		off, n := 0, out.Bounds().Dx()*out.Bounds().Dy()
		b := out.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r1, g1, b1, _ := out.At(x, y).RGBA()
				r2, g2, b2, _ := want.At(x, y).RGBA()
				if absDiff(r1, r2) > 0x300 || absDiff(g1, g2) > 0x300 || absDiff(b1, b2) > 0x300 {
					off++
				}
			}
		}
		if float64(off) > 0.002*float64(n) {
			t.Errorf("%s: %d of %d pixels differ from the golden file (run with -update after checking the new picture)", c.file, off, n)
		}
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func gradient(w, h int) image.Image {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Set(x, y, color.RGBA{uint8(255 * x / w), uint8(255 * y / h), 160, 255})
		}
	}
	draw.Draw(m, image.Rect(w/2, 0, w, h/3), image.White, image.Point{}, draw.Src) // a white patch under the eu corner
	return m
}

// stripes is a busy but compressible background: diagonal bands of
// saturated colours and white.
func stripes(w, h int) image.Image {
	pal := []color.RGBA{{255, 255, 255, 255}, {220, 30, 30, 255}, {20, 160, 60, 255}, {250, 220, 0, 255}, {30, 60, 200, 255}, {0, 0, 0, 255}}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetRGBA(x, y, pal[((x+2*y)/9)%len(pal)])
		}
	}
	return m
}
