package disclosure_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	xdraw "golang.org/x/image/draw"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/label/disclosure"
)

var tessLang = map[string]string{"kk": "kaz", "ru": "rus", "en": "eng"}

// TestOCRReadsBadge runs tesseract on every line of the badge drawn on
// photos, white, black and busy images at 512 px and 1920 px, and requires
// a character error rate ≤ 10 % per line.
func TestOCRReadsBadge(t *testing.T) {
	tess := extool.Need(t, "tesseract")
	photo := loadImage(t, extool.Shared(t, "testdata/images/coffee.png"))
	photo2 := loadImage(t, extool.Shared(t, "testdata/images/astronaut.png"))
	type bg struct {
		name string
		img  image.Image
	}
	// The compact three-line short form on a small eu image.
	t.Run("320x213-eu-compact", func(t *testing.T) {
		t.Parallel()
		langs := []string{"kk", "ru", "en"}
		long := disclosure.Default.Lines(disclosure.Generated, disclosure.Long, langs, nil)
		short := disclosure.Default.Lines(disclosure.Generated, disclosure.Short, langs, nil)
		out, badge, err := disclosure.Stamp(resize(photo, image.Pt(320, 213)), long, disclosure.BadgeOptions{Short: short, Corner: disclosure.TopRight})
		if err != nil {
			t.Fatal(err)
		}
		checkOCR(t, tess, "320x213/photo-coffee/kk-ru-en", out, badge)
	})
	sizes := []image.Point{{512, 512}, {1920, 1080}}
	for _, sz := range sizes {
		bgs := []bg{
			{"photo-coffee", resize(photo, sz)},
			{"photo-astronaut", resize(photo2, sz)},
			{"white", uniform(sz, color.White)},
			{"black", uniform(sz, color.Black)},
			{"busy", busyImage(sz)},
		}
		for _, b := range bgs {
			t.Run(fmt.Sprintf("%dx%d-%s", sz.X, sz.Y, b.name), func(t *testing.T) {
				t.Parallel() // tesseract is single-threaded here (OMP_THREAD_LIMIT=1)
				ocrBackground(t, tess, sz, b.name, b.img)
			})
		}
	}
}

// ocrBackground draws the kz (kk, ru) and eu (kk, ru, en) badges on one
// background and reads them back.
func ocrBackground(t *testing.T, tess string, sz image.Point, bgName string, bg image.Image) {
	for _, langs := range [][]string{{"kk", "ru"}, {"kk", "ru", "en"}} {
		name := fmt.Sprintf("%dx%d/%s/%s", sz.X, sz.Y, bgName, strings.Join(langs, "-"))
		long := disclosure.Default.Lines(disclosure.Generated, disclosure.Long, langs, nil)
		short := disclosure.Default.Lines(disclosure.Generated, disclosure.Short, langs, nil)
		opts := disclosure.BadgeOptions{Short: short}
		if len(langs) == 3 {
			// Give the long English line room too, so it is read at least once.
			opts.MaxCoverage = 0.16
			opts.Corner = disclosure.TopRight
		}
		out, badge, err := disclosure.Stamp(bg, long, opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkOCR(t, tess, name, out, badge)
		if strings.HasPrefix(bgName, "photo") && len(langs) == 2 {
			// What a viewer of a labelled JPEG sees: the badge after a q75
			// 4:2:0 re-encode.
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 75}); err != nil {
				t.Fatal(err)
			}
			dec, err := jpeg.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			checkOCR(t, tess, name+"/jpeg-q75", dec, badge)
		}
	}
}

func checkOCR(t *testing.T, tess, name string, img image.Image, b *disclosure.Badge) {
	t.Helper()
	// Rejoin wrapped parts: one expected text and one OCR text per language.
	want := map[string]string{}
	got := map[string]string{}
	var order []string
	for i, l := range b.Lines {
		if _, ok := want[l.Lang]; !ok {
			order = append(order, l.Lang)
		}
		want[l.Lang] = strings.TrimSpace(want[l.Lang] + " " + l.Text)
		got[l.Lang] = strings.TrimSpace(got[l.Lang] + " " + ocrLine(t, tess, img, b, i))
	}
	for _, lang := range order {
		cer := float64(levenshtein(normSpace(want[lang]), normSpace(got[lang]))) / float64(len([]rune(normSpace(want[lang]))))
		if cer > 0.10 {
			t.Errorf("%s %s: CER %.1f%%: read %q, drew %q", name, lang, 100*cer, got[lang], want[lang])
		} else {
			t.Logf("%s %s: CER %.1f%% (%q)", name, lang, 100*cer, got[lang])
		}
	}
}

// ocrLine crops line i (with some backdrop around it), turns it into dark
// text on light grey at a size tesseract likes, and reads it as one line.
func ocrLine(t *testing.T, tess string, img image.Image, b *disclosure.Badge, i int) string {
	t.Helper()
	// Widen sideways only: reaching up or down would catch parts of the
	// neighbouring lines.
	lr := b.LineRects[i]
	r := image.Rect(lr.Min.X-b.CapHeight/2, lr.Min.Y, lr.Max.X+b.CapHeight/2, lr.Max.Y).Intersect(b.Rect)
	scale := max(1, 40.0/float64(b.CapHeight)) // tesseract reads best at ~30-40 px capitals
	w, h := int(float64(r.Dx())*scale), int(float64(r.Dy())*scale)
	big := image.NewGray(image.Rect(0, 0, w+40, h+40))
	draw.Draw(big, big.Bounds(), image.White, image.Point{}, draw.Src)
	xdraw.CatmullRom.Scale(big, image.Rect(20, 20, 20+w, 20+h), img, r, xdraw.Src, nil)
	for j, v := range big.Pix { // invert: tesseract prefers dark text on light
		big.Pix[j] = 255 - v
	}
	// The inverted margin is black again: whiten it.
	for y := 0; y < big.Bounds().Dy(); y++ {
		for x := 0; x < big.Bounds().Dx(); x++ {
			if x < 20 || y < 20 || x >= 20+w || y >= 20+h {
				big.Pix[y*big.Stride+x] = 255
			}
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "line.png")
	var buf bytes.Buffer
	if err := png.Encode(&buf, big); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tess, p, "stdout", "-l", tessLang[b.Lines[i].Lang], "--psm", "7")
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tesseract: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func loadImage(t testing.TB, p string) image.Image {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return img
}

// resize scales img to cover sz and crops the centre.
func resize(img image.Image, sz image.Point) image.Image {
	b := img.Bounds()
	s := max(float64(sz.X)/float64(b.Dx()), float64(sz.Y)/float64(b.Dy()))
	w, h := int(float64(b.Dx())*s+0.5), int(float64(b.Dy())*s+0.5)
	tmp := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(tmp, tmp.Bounds(), img, b, xdraw.Src, nil)
	out := image.NewRGBA(image.Rect(0, 0, sz.X, sz.Y))
	draw.Draw(out, out.Bounds(), tmp, image.Point{(w - sz.X) / 2, (h - sz.Y) / 2}, draw.Src)
	return out
}

func uniform(sz image.Point, c color.Color) image.Image {
	m := image.NewRGBA(image.Rect(0, 0, sz.X, sz.Y))
	draw.Draw(m, m.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
	return m
}

// busyImage is clutter that fights text: thin high-contrast stripes and
// random blocks.
func busyImage(sz image.Point) image.Image {
	m := image.NewRGBA(image.Rect(0, 0, sz.X, sz.Y))
	x := uint32(12345)
	next := func() uint32 { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x }
	for y := 0; y < sz.Y; y++ {
		for xx := 0; xx < sz.X; xx++ {
			i := m.PixOffset(xx, y)
			if (xx+y)%6 < 2 {
				m.Pix[i], m.Pix[i+1], m.Pix[i+2] = 255, 255, 255
			} else {
				v := next()
				m.Pix[i], m.Pix[i+1], m.Pix[i+2] = uint8(v), uint8(v>>8), uint8(v>>16)
			}
			m.Pix[i+3] = 255
		}
	}
	return m
}
