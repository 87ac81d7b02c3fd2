package disclosure

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"
	"testing"
)

func rect(w, h int) image.Rectangle { return image.Rect(0, 0, w, h) }

func longKZ() []Line  { return Default.Lines(Generated, Long, []string{"kk", "ru"}, nil) }
func shortKZ() []Line { return Default.Lines(Generated, Short, []string{"kk", "ru"}, nil) }

func filled(w, h int, c color.Color) *image.RGBA {
	m := image.NewRGBA(rect(w, h))
	draw.Draw(m, m.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
	return m
}

// The legibility floors hold for every size and profile-like option set.
func TestPlanFloors(t *testing.T) {
	sizes := []image.Point{{320, 240}, {320, 320}, {512, 512}, {640, 360}, {1080, 1920}, {1920, 1080}, {3840, 2160}, {4000, 600}, {600, 4000}}
	for _, sz := range sizes {
		for _, o := range []BadgeOptions{
			{Short: shortKZ()},
			{Short: shortKZ(), AIMark: true, Corner: TopRight},
			{Short: shortKZ(), MinHeight: 0.05},
		} {
			name := fmt.Sprintf("%dx%d/mark=%v/minH=%v", sz.X, sz.Y, o.AIMark, o.MinHeight)
			b, err := Plan(rect(sz.X, sz.Y), longKZ(), o)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			s := min(sz.X, sz.Y)
			wantCap := max(MinCapPixels, int(math.Ceil(MinCapHeight*float64(s))))
			if b.CapHeight < wantCap {
				t.Errorf("%s: cap height %d px < %d", name, b.CapHeight, wantCap)
			}
			if b.Coverage > DefaultMaxCoverage {
				t.Errorf("%s: covers %.1f%% > 10%%", name, 100*b.Coverage)
			}
			if got := float64(b.Rect.Dx()*b.Rect.Dy()) / float64(sz.X*sz.Y); math.Abs(got-b.Coverage) > 1e-9 {
				t.Errorf("%s: coverage %.4f but rect gives %.4f", name, b.Coverage, got)
			}
			if !b.Rect.In(rect(sz.X, sz.Y)) {
				t.Errorf("%s: badge %v outside the image", name, b.Rect)
			}
			if o.MinHeight > 0 && float64(b.Rect.Dy()) < 0.05*float64(s) {
				t.Errorf("%s: height %d < 5%% of %d", name, b.Rect.Dy(), s)
			}
			if b.Contrast < MinContrast {
				t.Errorf("%s: contrast %.2f", name, b.Contrast)
			}
			// Kazakh first, then Russian, every line inside the badge.
			seenRU := false
			for i, l := range b.Lines {
				if l.Lang == "ru" {
					seenRU = true
				} else if l.Lang == "kk" && seenRU {
					t.Errorf("%s: kk line after ru: %v", name, b.Lines)
				}
				if !b.LineRects[i].In(b.Rect) {
					t.Errorf("%s: line %d %v outside badge %v", name, i, b.LineRects[i], b.Rect)
				}
			}
			if o.AIMark && (b.MarkRect.Empty() || !b.MarkRect.In(b.Rect)) {
				t.Logf("%s: AI mark dropped or outside (%v)", name, b.MarkRect)
			}
		}
	}
}

func TestPlanFormChoice(t *testing.T) {
	for _, c := range []struct {
		w, h int
		form Form
		n    int // lines drawn
	}{
		{1920, 1080, Long, 2},
		{3840, 2160, Long, 2},
		{512, 512, Short, 2},
		{320, 240, Short, 2},
	} {
		b, err := Plan(rect(c.w, c.h), longKZ(), BadgeOptions{Short: shortKZ()})
		if err != nil {
			t.Fatalf("%dx%d: %v", c.w, c.h, err)
		}
		if b.Form != c.form || len(b.Lines) != c.n {
			t.Errorf("%dx%d: form %v with %d lines %v, want form %v with %d", c.w, c.h, b.Form, len(b.Lines), b.Lines, c.form, c.n)
		}
	}
	// A caller that allows more coverage gets the long form wrapped.
	b, err := Plan(rect(800, 800), longKZ(), BadgeOptions{Short: shortKZ(), MaxCoverage: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	if b.Form != Long || len(b.Lines) <= 2 {
		t.Errorf("800x800 at 30%%: form %v lines %v, want the long form wrapped", b.Form, b.Lines)
	}
	// Three short lines (eu) on a small image fit with compact spacing at
	// the same letter size.
	eu := []string{"kk", "ru", "en"}
	for _, sz := range []image.Point{{300, 200}, {320, 213}, {320, 240}} {
		b, err := Plan(rect(sz.X, sz.Y), Default.Lines(Generated, Long, eu, nil),
			BadgeOptions{Short: Default.Lines(Generated, Short, eu, nil), Corner: TopRight})
		if err != nil {
			t.Errorf("eu %v: %v", sz, err)
			continue
		}
		if b.Form != Short || len(b.Lines) != 3 || b.CapHeight < MinCapPixels || b.Coverage > DefaultMaxCoverage {
			t.Errorf("eu %v: form %v lines %d cap %d coverage %.3f", sz, b.Form, len(b.Lines), b.CapHeight, b.Coverage)
		}
	}
	// Without a short form, a small image has no room.
	if _, err := Plan(rect(320, 240), longKZ(), BadgeOptions{}); !errors.Is(err, ErrNoRoom) {
		t.Errorf("320x240 without short form: err %v, want ErrNoRoom", err)
	}
	if _, err := Plan(rect(48, 48), longKZ(), BadgeOptions{Short: shortKZ()}); !errors.Is(err, ErrNoRoom) {
		t.Errorf("48x48: err %v, want ErrNoRoom", err)
	}
	if _, err := Plan(rect(100, 100), nil, BadgeOptions{}); !errors.Is(err, ErrNoText) {
		t.Errorf("no lines: err %v, want ErrNoText", err)
	}
}

func TestPlanCorners(t *testing.T) {
	W, H := 1920, 1080
	for _, c := range []struct {
		corner    Corner
		left, top bool
	}{
		{BottomRight, false, false}, {BottomLeft, true, false}, {TopRight, false, true}, {TopLeft, true, true},
	} {
		b, err := Plan(rect(W, H), shortKZ(), BadgeOptions{Corner: c.corner})
		if err != nil {
			t.Fatal(err)
		}
		m := int(math.Round(DefaultMargin * 1080))
		if c.left && b.Rect.Min.X != m || !c.left && b.Rect.Max.X != W-m ||
			c.top && b.Rect.Min.Y != m || !c.top && b.Rect.Max.Y != H-m {
			t.Errorf("%v: rect %v, margin %d", c.corner, b.Rect, m)
		}
		if got, err := ParseCorner(c.corner.String()); err != nil || got != c.corner {
			t.Errorf("ParseCorner(%q) = %v, %v", c.corner.String(), got, err)
		}
	}
}

// The drawn capitals really are as tall as planned, in every line.
func TestDrawnCapHeight(t *testing.T) {
	for _, sz := range []image.Point{{320, 240}, {1920, 1080}, {3840, 2160}} {
		img := filled(sz.X, sz.Y, color.White)
		lines := []Line{{"kk", "HHH ӘҒҚ"}, {"ru", "HHH ЖИ"}}
		b, err := Plan(img.Bounds(), lines, BadgeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b.Draw(img)
		for i, lr := range b.LineRects {
			// Ink rows of the leading "HHH" (no diacritics, no descenders).
			top, bot := -1, -1
			for y := lr.Min.Y; y < lr.Max.Y; y++ {
				for x := lr.Min.X; x < lr.Min.X+b.CapHeight; x++ {
					if r, _, _, _ := img.At(x, y).RGBA(); r > 0x8000 {
						if top < 0 {
							top = y
						}
						bot = y
						break
					}
				}
			}
			got := bot - top + 1
			if top < 0 || got < b.CapHeight-1 || got > b.CapHeight+1 {
				t.Errorf("%v line %d: drawn cap height %d px, planned %d", sz, i, got, b.CapHeight)
			}
		}
	}
}

// Measured on the output pixels: every backdrop pixel away from the text,
// on white, black and noise, has contrast ≥ 4.5 with the text colour.
func TestDrawnContrast(t *testing.T) {
	for name, img := range map[string]*image.RGBA{
		"white": filled(1920, 1080, color.White),
		"black": filled(1920, 1080, color.Black),
		"busy":  busy(1920, 1080, 1),
	} {
		b, err := Plan(img.Bounds(), longKZ(), BadgeOptions{Short: shortKZ()})
		if err != nil {
			t.Fatal(err)
		}
		b.Draw(img)
		worst := 99.0
		// The top padding strip below the rounded corners holds backdrop only.
		r := b.Rect
		for y := r.Min.Y + 1; y < r.Min.Y+b.CapHeight/4; y++ {
			for x := r.Min.X + b.CapHeight; x < r.Max.X-b.CapHeight; x++ {
				worst = min(worst, ContrastRatio(img.At(x, y), DefaultText))
			}
		}
		if worst < MinContrast {
			t.Errorf("%s: backdrop pixel contrast %.2f < 4.5", name, worst)
		}
		t.Logf("%s: worst backdrop contrast %.2f (planned worst case %.2f)", name, worst, b.Contrast)
	}
}

// busy is deterministic clutter: random blocks of saturated colour.
func busy(w, h int, seed uint32) *image.RGBA {
	m := image.NewRGBA(rect(w, h))
	x := seed*2654435761 + 1
	next := func() uint32 { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x }
	for by := 0; by < h; by += 7 {
		for bx := 0; bx < w; bx += 11 {
			v := next()
			c := color.RGBA{uint8(v), uint8(v >> 8), uint8(v >> 16), 255}
			draw.Draw(m, image.Rect(bx, by, bx+11, by+7), image.NewUniform(c), image.Point{}, draw.Src)
		}
	}
	return m
}

// Drawing on NRGBA (own loop), RGBA (image/draw) and a generic draw.Image
// gives the same colours.
func TestDrawDestinations(t *testing.T) {
	src := busy(640, 360, 2)
	b, err := Plan(src.Bounds(), shortKZ(), BadgeOptions{AIMark: true})
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(src.Bounds())
	nrgba := image.NewNRGBA(src.Bounds())
	r64 := image.NewRGBA64(src.Bounds())
	for _, d := range []draw.Image{rgba, nrgba, r64} {
		draw.Draw(d, d.Bounds(), src, image.Point{}, draw.Src)
		b.Draw(d)
	}
	for y := b.Rect.Min.Y; y < b.Rect.Max.Y; y++ {
		for x := b.Rect.Min.X; x < b.Rect.Max.X; x++ {
			want := rgba.RGBAAt(x, y)
			for name, d := range map[string]draw.Image{"nrgba": nrgba, "rgba64": r64} {
				got := color.RGBAModel.Convert(d.At(x, y)).(color.RGBA)
				if diff(got.R, want.R) > 1 || diff(got.G, want.G) > 1 || diff(got.B, want.B) > 1 {
					t.Fatalf("%s at (%d,%d): %v, rgba %v", name, x, y, got, want)
				}
			}
		}
	}
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// A frame whose bounds do not start at the origin gets the badge at the
// same place relative to its corner.
func TestPlanOffsetBounds(t *testing.T) {
	r := image.Rect(100, 50, 100+1280, 50+720)
	b, err := Plan(r, longKZ(), BadgeOptions{Short: shortKZ()})
	if err != nil {
		t.Fatal(err)
	}
	b0, _ := Plan(rect(1280, 720), longKZ(), BadgeOptions{Short: shortKZ()})
	if b.Rect != b0.Rect.Add(r.Min) || b.LineRects[1] != b0.LineRects[1].Add(r.Min) {
		t.Errorf("offset plan %v, origin plan %v", b.Rect, b0.Rect)
	}
	img := image.NewRGBA(r)
	if err := DrawBadge(img, longKZ(), BadgeOptions{Short: shortKZ()}); err != nil {
		t.Fatal(err)
	}
	if img.RGBAAt(b.Rect.Min.X+b.CapHeight, b.Rect.Min.Y+2).A == 0 {
		t.Error("no backdrop drawn at the offset badge")
	}
}

func TestPlanConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			img := image.NewRGBA(rect(700+i*13, 500))
			if err := DrawBadge(img, longKZ(), BadgeOptions{Short: shortKZ(), AIMark: i%2 == 0}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
