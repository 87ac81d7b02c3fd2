package label

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// TestImageWatermarkSurvivesStripping labels a photo with every default
// layer, throws the file's metadata away by decoding and re-encoding the
// pixels (PNG, and JPEG q75), and checks that Verify still reports the
// content ID from the pixels.
func TestImageWatermarkSurvivesStripping(t *testing.T) {
	src := filepath.Join(extool.Shared(t, "testdata/images"), "astronaut.png")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := Apply(context.Background(), bytes.NewReader(data), &out, Label{ContentID: "0123456789abcdef"}, Options{Name: "a.png"})
	if err != nil {
		t.Fatal(err)
	}
	if res.WatermarkID != "0123456789abcdef" || res.WatermarkAlgorithm != imageWatermarkAlgorithm {
		t.Fatalf("result %+v: watermark not recorded", res)
	}
	img, err := png.Decode(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []struct {
		name string
		f    func(*bytes.Buffer, image.Image) error
	}{
		{"png", func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) }},
		{"jpg", func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, &jpeg.Options{Quality: 75}) }},
	} {
		var stripped bytes.Buffer
		if err := enc.f(&stripped, img); err != nil {
			t.Fatal(err)
		}
		rep, err := Verify(context.Background(), &stripped, VerifyOptions{Name: "x." + enc.name})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Metadata.Present {
			t.Errorf("%s: metadata still present after stripping", enc.name)
		}
		w := rep.Watermark
		if !w.Present || w.ID == nil || *w.ID != "0123456789abcdef" || w.Algorithm == nil || w.Score == nil {
			t.Fatalf("%s: watermark report %+v", enc.name, w)
		}
		if !rep.Labelled {
			t.Errorf("%s: a watermarked image must count as labelled", enc.name)
		}
	}
	// The unlabelled original carries no mark.
	rep, err := Verify(context.Background(), bytes.NewReader(data), VerifyOptions{Name: "a.png"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Watermark.Present {
		t.Fatalf("unmarked image reported marked: %+v", rep.Watermark)
	}
}

// TestImageWatermarkSurvivesOutsideEncoders labels a photo with belgi's CLI
// path (ApplyFile), then has outside tools do what an upload pipeline does —
// ImageMagick (libjpeg) re-encodes at quality 75 with -strip, resizes to
// 75 % and re-encodes, cwebp re-encodes at q80 — and checks that VerifyFile
// reads the content ID from the pixels of each, with no metadata left.
func TestImageWatermarkSurvivesOutsideEncoders(t *testing.T) {
	convert := extool.Need(t, "convert")
	cwebp := extool.Need(t, "cwebp")
	dir := t.TempDir()
	src := filepath.Join(extool.Shared(t, "testdata/images"), "astronaut.png")
	labelled := filepath.Join(dir, "labelled.png")
	if _, err := ApplyFile(context.Background(), src, labelled, Label{ContentID: "00c0ffee00c0ffee"}, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		out  string
		tool string
		args []string
	}{
		{"im-q75.jpg", convert, []string{labelled, "-strip", "-quality", "75", "%OUT%"}},
		{"im-75pc-q85.jpg", convert, []string{labelled, "-strip", "-resize", "75%", "-quality", "85", "%OUT%"}},
		{"cwebp-q80.webp", cwebp, []string{"-quiet", "-q", "80", "-metadata", "none", labelled, "-o", "%OUT%"}},
	} {
		out := filepath.Join(dir, c.out)
		args := append([]string(nil), c.args...)
		for i, a := range args {
			if a == "%OUT%" {
				args[i] = out
			}
		}
		if b, err := exec.Command(c.tool, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", c.out, err, b)
		}
		rep, err := VerifyFile(context.Background(), out, VerifyOptions{})
		if err != nil {
			t.Fatalf("%s: %v", c.out, err)
		}
		w := rep.Watermark
		if rep.Metadata.Present {
			t.Errorf("%s: metadata survived the outside tool", c.out)
		}
		if !w.Present || w.ID == nil || *w.ID != "00c0ffee00c0ffee" {
			t.Errorf("%s: watermark report %+v", c.out, w)
		} else {
			t.Logf("%s: ID from the pixels, score %.1f", c.out, *w.Score)
		}
	}
}
