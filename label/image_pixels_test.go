package label

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	stdjpeg "image/jpeg"
	stdpng "image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gwebp "github.com/gen2brain/webp"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats"
	"github.com/belgi/belgi/formats/jpeg"
	"github.com/belgi/belgi/label/disclosure"
)

// disclosureJob runs reencodeImage with the disclosure layer only, the way
// the image handler calls it.
func disclosureJob(t *testing.T, data []byte, name string, l Label) ([]byte, *Result) {
	t.Helper()
	if err := l.Normalize(); err != nil {
		t.Fatal(err)
	}
	in, err := newInput(bytes.NewReader(data), name)
	if err != nil {
		t.Fatal(err)
	}
	res := &Result{Format: in.Format}
	o := Options{Layers: []Layer{LayerDisclosure}}
	j := &Job{In: in, Label: &l, Opts: &o, Result: res, Layers: map[Layer]bool{LayerDisclosure: true}}
	out, err := reencodeImage(context.Background(), j)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(res.Layers) != 1 || res.Layers[0] != LayerDisclosure {
		t.Errorf("%s: result layers %v", name, res.Layers)
	}
	return out, res
}

// withMetadata copies src into dir and has exiftool add XMP, EXIF, ICC and
// a comment, returning the new file's bytes.
func withMetadata(t *testing.T, src, dir, name string) []byte {
	t.Helper()
	et := extool.Need(t, "exiftool")
	p := filepath.Join(dir, name)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-q", "-overwrite_original", "-XMP-dc:Title=Foreign title", "-EXIF:Artist=Someone",
		"-ICC_Profile<=" + iccFile(t)}
	if !strings.HasSuffix(name, ".webp") {
		args = append(args, "-Comment=a comment")
	}
	if out, err := exec.Command(et, append(args, p)...).CombinedOutput(); err != nil {
		t.Fatalf("exiftool: %v %s", err, out)
	}
	data, err = os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func iccFile(t *testing.T) string {
	for _, p := range []string{"/usr/share/color/icc/ghostscript/srgb.icc", "/usr/share/color/icc/colord/sRGB.icc"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if extool.InCI() {
		t.Fatal("CI: no sRGB ICC profile (apt-get install libgs-common)")
	}
	t.Skip("no sRGB ICC profile on this machine (apt-get install libgs-common)")
	return ""
}

// exifTags reads tags with exiftool as "Group:Tag=value" lines.
func exifTags(t *testing.T, data []byte, dir, name string, tags ...string) map[string]string {
	t.Helper()
	p := filepath.Join(dir, "out-"+name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-s", "-s", "-s", "-f"}
	for _, tg := range tags {
		args = append(args, "-"+tg)
	}
	out, err := exec.Command(extool.Need(t, "exiftool"), append(args, p)...).Output()
	if err != nil {
		t.Fatalf("exiftool: %v", err)
	}
	got := map[string]string{}
	for i, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if i < len(tags) {
			got[tags[i]] = line
		}
	}
	return got
}

// TestReencodeKeepsMetadata labels JPEG, PNG and WebP files carrying XMP,
// EXIF, ICC (and a comment) and checks with exiftool that all survive.
func TestReencodeKeepsMetadata(t *testing.T) {
	dir := t.TempDir()
	photoJPG := extool.Shared(t, "testdata/images/rocket.jpg")
	photoPNG := extool.Shared(t, "testdata/images/coffee.png")
	webpSrc := filepath.Join(dir, "src.webp")
	cw := extool.Need(t, "cwebp")
	if out, err := exec.Command(cw, "-quiet", "-q", "80", photoPNG, "-o", webpSrc).CombinedOutput(); err != nil {
		t.Fatalf("cwebp: %v %s", err, out)
	}
	for _, c := range []struct{ src, name string }{
		{photoJPG, "in.jpg"}, {photoPNG, "in.png"}, {webpSrc, "in.webp"},
	} {
		data := withMetadata(t, c.src, dir, c.name)
		out, _ := disclosureJob(t, data, c.name, Label{})
		tags := []string{"Title", "Artist", "ProfileDescription"}
		if !strings.HasSuffix(c.name, ".webp") {
			tags = append(tags, "Comment")
		}
		before := exifTags(t, data, dir, "src-"+c.name, tags...)
		after := exifTags(t, out, dir, c.name, tags...)
		for _, tg := range tags {
			if before[tg] == "-" || after[tg] != before[tg] {
				t.Errorf("%s: %s was %q, now %q", c.name, tg, before[tg], after[tg])
			}
		}
		if formats.Detect(out, c.name) != formats.Detect(data, c.name) {
			t.Errorf("%s: format changed", c.name)
		}
		// exiftool finds no new structural problem.
		v := exifTags(t, out, dir, "v-"+c.name, "Validate")
		if !strings.HasPrefix(v["Validate"], "OK") && !strings.Contains(v["Validate"], "minor") {
			t.Errorf("%s: exiftool -validate: %s", c.name, v["Validate"])
		}
		badgeDrawn(t, c.name, data, out, disclosure.BottomRight)
	}
}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// badgeDrawn checks that the corner where the badge goes changed a lot and
// the opposite corner hardly.
func badgeDrawn(t *testing.T, name string, before, after []byte, corner disclosure.Corner) {
	t.Helper()
	a, b := decode(t, before), decode(t, after)
	if a.Bounds() != b.Bounds() {
		t.Fatalf("%s: bounds %v became %v", name, a.Bounds(), b.Bounds())
	}
	r := a.Bounds()
	s := min(r.Dx(), r.Dy()) / 8
	br := image.Rect(r.Max.X-s, r.Max.Y-s, r.Max.X, r.Max.Y)
	tl := image.Rect(r.Min.X, r.Min.Y, r.Min.X+s, r.Min.Y+s)
	tr := image.Rect(r.Max.X-s, r.Min.Y, r.Max.X, r.Min.Y+s)
	var in, other image.Rectangle
	switch corner {
	case disclosure.TopRight:
		in, other = tr, br
	default:
		in, other = br, tl
	}
	if d := meanDiff(a, b, in); d < 20 {
		t.Errorf("%s: badge corner changed by %.1f on average, want a badge", name, d)
	}
	if d := meanDiff(a, b, other); d > 6 {
		t.Errorf("%s: opposite corner changed by %.1f on average", name, d)
	}
}

func meanDiff(a, b image.Image, r image.Rectangle) float64 {
	sum, n := 0.0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			sum += math.Abs(float64(r1)-float64(r2)) + math.Abs(float64(g1)-float64(g2)) + math.Abs(float64(b1)-float64(b2))
			n += 3
		}
	}
	return sum / float64(n) / 257
}

// JPEG: the quality estimated from the source is the output's, and the
// size is within ±15 % of a re-encode at the source's quality.
func TestReencodeJPEGQuality(t *testing.T) {
	img := decode(t, mustRead(t, extool.Shared(t, "testdata/images/coffee.png")))
	for _, q := range []int{50, 75, 92} {
		var src bytes.Buffer
		if err := stdjpeg.Encode(&src, img, &stdjpeg.Options{Quality: q}); err != nil {
			t.Fatal(err)
		}
		out, _ := disclosureJob(t, src.Bytes(), "q.jpg", Label{})
		got, exact, err := jpeg.EstimateQuality(bytes.NewReader(out))
		if err != nil || got != q || !exact {
			t.Errorf("q%d: output quality %d (exact %v, %v)", q, got, exact, err)
		}
		// The reference: the same badge drawn, encoded at the true quality.
		ref := image.NewRGBA(img.Bounds())
		draw.Draw(ref, ref.Bounds(), decode(t, src.Bytes()), image.Point{}, draw.Src)
		lines, bo, _ := ImageBadge(&Label{Languages: []string{"kk", "ru"}}, &DisclosureOptions{})
		if err := disclosure.DrawBadge(ref, lines, bo); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		stdjpeg.Encode(&want, ref, &stdjpeg.Options{Quality: q})
		if r := float64(len(out)) / float64(want.Len()); r < 0.85 || r > 1.15 {
			t.Errorf("q%d: %d bytes, at the source quality %d (ratio %.2f)", q, len(out), want.Len(), r)
		}
	}
}

// JPEG with EXIF orientation 6 (shown turned 90° clockwise): stored (x, y)
// is shown at (H-1-y, x), so the shown bottom-right corner, where the badge
// goes, is the stored top-right.
func TestReencodeJPEGOrientation(t *testing.T) {
	et := extool.Need(t, "exiftool")
	dir := t.TempDir()
	p := filepath.Join(dir, "o.jpg")
	img := image.NewRGBA(image.Rect(0, 0, 800, 500))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{200, 200, 200, 255}), image.Point{}, draw.Src)
	var buf bytes.Buffer
	stdjpeg.Encode(&buf, img, &stdjpeg.Options{Quality: 90})
	os.WriteFile(p, buf.Bytes(), 0o644)
	if out, err := exec.Command(et, "-q", "-overwrite_original", "-Orientation#=6", p).CombinedOutput(); err != nil {
		t.Fatalf("exiftool: %v %s", err, out)
	}
	data := mustRead(t, p)
	if o, _ := jpeg.Orientation(bytes.NewReader(data)); o != 6 {
		t.Fatalf("orientation %d, want 6", o)
	}
	out, _ := disclosureJob(t, data, "o.jpg", Label{})
	if o, _ := jpeg.Orientation(bytes.NewReader(out)); o != 6 {
		t.Errorf("orientation tag not kept: %d", o)
	}
	a, b := decode(t, data), decode(t, out)
	tr := image.Rect(800-60, 0, 800, 60)
	br := image.Rect(800-60, 500-60, 800, 500)
	if meanDiff(a, b, tr) < 20 || meanDiff(a, b, br) > 3 {
		t.Errorf("badge not in the stored top-right (shown bottom-right): tr %.1f br %.1f", meanDiff(a, b, tr), meanDiff(a, b, br))
	}
}

// PNG: bit depth, alpha and palette survive where they can.
func TestReencodePNGKeepsForm(t *testing.T) {
	w, h := 640, 400
	gray16 := image.NewGray16(image.Rect(0, 0, w, h))
	for i := range gray16.Pix {
		gray16.Pix[i] = uint8(i * 7)
	}
	nrgba := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(nrgba.Pix); i += 4 {
		nrgba.Pix[i], nrgba.Pix[i+1], nrgba.Pix[i+2], nrgba.Pix[i+3] = 40, 90, 200, uint8(i/4%256)
	}
	flat := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.NRGBA{200, 30, 30, 255}})
	for i := range flat.Pix {
		flat.Pix[i] = uint8((i / 50) % 2)
	}
	// An opaque flat picture keeps a palette: the badge over two colours
	// adds fewer than 256.
	for _, c := range []struct {
		name  string
		img   image.Image
		model color.Model
	}{
		{"gray16", gray16, color.Gray16Model},
		{"nrgba", nrgba, color.NRGBAModel},
		{"paletted", flat, nil},
	} {
		var src bytes.Buffer
		if err := stdpng.Encode(&src, c.img); err != nil {
			t.Fatal(err)
		}
		out, _ := disclosureJob(t, src.Bytes(), c.name+".png", Label{})
		cfg, err := stdpng.DecodeConfig(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if c.model == nil {
			if _, ok := cfg.ColorModel.(color.Palette); !ok {
				t.Errorf("%s: output colour model %T, want a palette", c.name, cfg.ColorModel)
			}
		} else if cfg.ColorModel != c.model {
			t.Errorf("%s: output colour model %v, want %v", c.name, cfg.ColorModel, c.model)
		}
	}
}

// GIF: every frame gets the badge; frame count, delays and loop count stay.
func TestReencodeGIFAnimation(t *testing.T) {
	pal := color.Palette{color.RGBA{0, 0, 0, 0}, color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}, color.RGBA{0, 200, 0, 255}}
	g := &gif.GIF{LoopCount: 3}
	for i := 0; i < 3; i++ {
		// Frame 0 fills the canvas; later frames are small patches.
		r := image.Rect(0, 0, 480, 320)
		if i > 0 {
			r = image.Rect(20*i, 20*i, 20*i+100, 20*i+80)
		}
		fr := image.NewPaletted(r, pal)
		for k := range fr.Pix {
			fr.Pix[k] = uint8(1 + i)
		}
		g.Image = append(g.Image, fr)
		g.Delay = append(g.Delay, 10*(i+1))
		g.Disposal = append(g.Disposal, gif.DisposalNone)
	}
	var src bytes.Buffer
	if err := gif.EncodeAll(&src, g); err != nil {
		t.Fatal(err)
	}
	out, _ := disclosureJob(t, src.Bytes(), "a.gif", Label{})
	got, err := gif.DecodeAll(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Image) != 3 || got.LoopCount != 3 {
		t.Fatalf("%d frames, loop %d", len(got.Image), got.LoopCount)
	}
	for i, fr := range got.Image {
		if got.Delay[i] != g.Delay[i] {
			t.Errorf("frame %d: delay %d, want %d", i, got.Delay[i], g.Delay[i])
		}
		// White text pixels in the bottom-right corner of every frame.
		white := 0
		for y := 320 - 60; y < 320; y++ {
			for x := 480 - 200; x < 480; x++ {
				if r, gg, b, _ := fr.At(x, y).RGBA(); r > 0xF000 && gg > 0xF000 && b > 0xF000 {
					white++
				}
			}
		}
		if white < 50 {
			t.Errorf("frame %d: %d white pixels where the badge goes", i, white)
		}
	}
}

// WebP: lossless stays lossless, animation stays animated.
func TestReencodeWebPForms(t *testing.T) {
	img := decode(t, mustRead(t, extool.Shared(t, "testdata/images/coffee.png")))
	var ll bytes.Buffer
	if err := gwebp.Encode(&ll, img, gwebp.Options{Lossless: true}); err != nil {
		t.Fatal(err)
	}
	out, _ := disclosureJob(t, ll.Bytes(), "ll.webp", Label{})
	if !bytes.Contains(out[:64], []byte("VP8L")) {
		t.Errorf("lossless source came out lossy: %q", out[12:16])
	}
	badgeDrawn(t, "ll.webp", ll.Bytes(), out, disclosure.BottomRight)

	anim := &gwebp.WEBP{Delay: []int{100, 200}, LoopCount: 0}
	for _, c := range []color.Color{color.RGBA{200, 50, 50, 255}, color.RGBA{50, 50, 200, 255}} {
		m := image.NewRGBA(image.Rect(0, 0, 480, 320))
		draw.Draw(m, m.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
		anim.Image = append(anim.Image, m)
	}
	var a bytes.Buffer
	if err := gwebp.EncodeAll(&a, anim, gwebp.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	out, _ = disclosureJob(t, a.Bytes(), "a.webp", Label{Profile: ProfileEU})
	got, err := gwebp.DecodeAll(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Image) != 2 || got.Delay[1] != 200 {
		t.Errorf("animation: %d frames, delays %v", len(got.Image), got.Delay)
	}
}

// The eu profile puts the badge top-right, the cn profile makes it at
// least 5 % of the shorter side high.
func TestImageBadgeProfiles(t *testing.T) {
	for _, c := range []struct {
		p      Profile
		corner disclosure.Corner
		minH   float64
		langs  int
	}{
		{ProfileKZ, disclosure.BottomRight, 0, 2},
		{ProfileEU, disclosure.TopRight, 0, 3},
		{ProfileCN, disclosure.BottomRight, 0.05, 2},
	} {
		l := Label{Profile: c.p}
		if err := l.Normalize(); err != nil {
			t.Fatal(err)
		}
		lines, bo, err := ImageBadge(&l, &DisclosureOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if bo.Corner != c.corner || bo.MinHeight != c.minH || len(lines) != c.langs || lines[0].Lang != "kk" {
			t.Errorf("%s: corner %v minH %v lines %v", c.p, bo.Corner, bo.MinHeight, lines)
		}
	}
	l := Label{}
	l.Normalize()
	if _, bo, err := ImageBadge(&l, &DisclosureOptions{Corner: "top-left"}); err != nil || bo.Corner != disclosure.TopLeft {
		t.Errorf("explicit corner: %v %v", bo.Corner, err)
	}
	if _, _, err := ImageBadge(&l, &DisclosureOptions{Corner: "middle"}); err == nil {
		t.Error("bad corner accepted")
	}
}

// An icon too small for a legible badge: an error when the disclosure was
// asked for explicitly.
func TestReencodeTinyImage(t *testing.T) {
	var src bytes.Buffer
	stdpng.Encode(&src, image.NewRGBA(image.Rect(0, 0, 40, 40)))
	l := Label{}
	l.Normalize()
	in, _ := newInput(bytes.NewReader(src.Bytes()), "tiny.png")
	o := Options{Layers: []Layer{LayerDisclosure}}
	res := &Result{}
	j := &Job{In: in, Label: &l, Opts: &o, Result: res, Layers: map[Layer]bool{LayerDisclosure: true}}
	if _, err := reencodeImage(context.Background(), j); err == nil {
		t.Error("40×40 image: no error")
	}
}

// Damaged input: an error, never a panic.
func TestReencodeCorrupt(t *testing.T) {
	good := mustRead(t, extool.Shared(t, "testdata/images/rocket.jpg"))
	for name, data := range map[string][]byte{
		"cut.jpg":  good[:len(good)/3],
		"head.jpg": good[:200],
		"bad.png":  []byte("\x89PNG\r\n\x1a\nxxxxxxxxxxxxxxxxxxxxx"),
		"bad.gif":  []byte("GIF89a\x10\x00\x10\x00"),
		"bad.webp": []byte("RIFF\x10\x00\x00\x00WEBPVP8 \x04\x00\x00\x00abcd"),
	} {
		l := Label{}
		l.Normalize()
		in, _ := newInput(bytes.NewReader(data), name)
		o := Options{Layers: []Layer{LayerDisclosure}}
		j := &Job{In: in, Label: &l, Opts: &o, Result: &Result{}, Layers: map[Layer]bool{LayerDisclosure: true}}
		if _, err := reencodeImage(context.Background(), j); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestApplyFileDisclosure is `belgi label --layers disclosure` (and the
// default layers) through ApplyFile on JPEG, PNG, WebP and an animated GIF,
// each carrying XMP, EXIF (not GIF), ICC and a comment (not WebP):
// exiftool still reads them from the output, and finds no new problem.
func TestApplyFileDisclosure(t *testing.T) {
	convert := extool.Need(t, "convert")
	cw := extool.Need(t, "cwebp")
	dir := t.TempDir()
	photo := extool.Shared(t, "testdata/images/coffee.png")
	srcs := map[string]string{"in.jpg": extool.Shared(t, "testdata/images/rocket.jpg"), "in.png": photo}
	if out, err := exec.Command(cw, "-quiet", "-q", "80", photo, "-o", filepath.Join(dir, "src.webp")).CombinedOutput(); err != nil {
		t.Fatalf("cwebp: %v %s", err, out)
	}
	srcs["in.webp"] = filepath.Join(dir, "src.webp")
	anim := filepath.Join(dir, "src.gif")
	if out, err := exec.Command(convert, "-delay", "20", photo, "-delay", "50", "(", photo, "-negate", ")", "-loop", "0", "-resize", "480x320", anim).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v %s", err, out)
	}
	srcs["in.gif"] = anim
	for name, src := range srcs {
		data := withMetadata(t, src, dir, name)
		tags := []string{"Title", "ProfileDescription"}
		if name != "in.gif" {
			tags = append(tags, "Artist")
		}
		if name != "in.webp" {
			tags = append(tags, "Comment")
		}
		before := exifTags(t, data, dir, "src-"+name, append(tags, "Warning")...)
		for _, layers := range [][]Layer{{LayerDisclosure}, nil} {
			in := filepath.Join(dir, name)
			outp := filepath.Join(dir, "labelled-"+name)
			res, err := ApplyFile(context.Background(), in, outp, Label{}, Options{Layers: layers})
			if err != nil {
				t.Fatalf("%s %v: %v", name, layers, err)
			}
			if res.Layers[0] != LayerDisclosure {
				t.Errorf("%s %v: layers %v, disclosure first", name, layers, res.Layers)
			}
			out := mustRead(t, outp)
			after := exifTags(t, out, dir, name, append(tags, "Warning", "DigitalSourceType")...)
			for _, tg := range tags {
				if before[tg] == "-" || after[tg] != before[tg] {
					t.Errorf("%s %v: %s was %q, now %q", name, layers, tg, before[tg], after[tg])
				}
			}
			if after["Warning"] != before["Warning"] {
				t.Errorf("%s %v: exiftool warning %q (source: %q)", name, layers, after["Warning"], before["Warning"])
			}
			if layers == nil && !strings.Contains(after["DigitalSourceType"], "trainedAlgorithmicMedia") {
				t.Errorf("%s: default layers wrote no DigitalSourceType: %q", name, after["DigitalSourceType"])
			}
			badgeDrawn(t, name, data, out, disclosure.BottomRight)
			if name == "in.gif" {
				g, err := gif.DecodeAll(bytes.NewReader(out))
				if err != nil {
					t.Fatal(err)
				}
				if len(g.Image) != 2 || g.Delay[0] != 20 || g.Delay[1] != 50 || g.LoopCount != 0 {
					t.Errorf("gif: %d frames, delays %v, loop %d", len(g.Image), g.Delay, g.LoopCount)
				}
			}
		}
	}
}
