package label

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// TestVideoBurnIn re-encodes a short fixture with the badge drawn into
// every frame: the output decodes, keeps the audio packets, shows the badge
// in the profile's corner (bottom-right) and still gets the metadata layer.
func TestVideoBurnIn(t *testing.T) {
	extool.Need(t, "ffmpeg")
	extool.Need(t, "ffprobe")
	src := filepath.Join(extool.Shared(t, "testdata/video"), "mp4ff_prog_8s.mp4")
	dir := t.TempDir()
	out := filepath.Join(dir, "burnt.mp4")
	res, err := ApplyFile(context.Background(), src, out, videoLabel(), Options{BurnIn: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("layers %v warnings %v", res.Layers, res.Warnings)
	if !strings.Contains(strings.Join(layerNames(res.Layers), ","), "disclosure") {
		t.Errorf("layers %v", res.Layers)
	}
	probe := run(t, "ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", out)
	if !strings.Contains(probe, "h264") || !strings.Contains(probe, "aac") || !strings.Contains(probe, "mov_text") {
		t.Errorf("streams: %q", probe)
	}
	// Audio is copied: same packets (hash column) as the input.
	audio := func(f string) string {
		var hs []string
		for _, l := range strings.Split(run(t, "ffmpeg", "-v", "error", "-i", f, "-map", "0:a:0", "-c", "copy", "-f", "framemd5", "-"), "\n") {
			if fs := strings.Split(l, ","); !strings.HasPrefix(l, "#") && len(fs) == 6 {
				hs = append(hs, strings.TrimSpace(fs[5]))
			}
		}
		return strings.Join(hs, " ")
	}
	if audio(out) != audio(src) {
		t.Error("audio packets changed")
	}
	frame := func(f string) image.Image {
		p := filepath.Join(dir, "f.png")
		run(t, "ffmpeg", "-v", "error", "-y", "-ss", "3", "-i", f, "-frames:v", "1", p)
		b, _ := os.ReadFile(p)
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	a, b := frame(src), frame(out)
	bnd := a.Bounds()
	changed := func(r image.Rectangle) float64 {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				r1, g1, b1, _ := a.At(x, y).RGBA()
				r2, g2, b2, _ := b.At(x, y).RGBA()
				if absDiff(r1, r2)+absDiff(g1, g2)+absDiff(b1, b2) > 3*0x2000 {
					n++
				}
			}
		}
		return float64(n) / float64(r.Dx()*r.Dy())
	}
	w, h := bnd.Dx(), bnd.Dy()
	br := changed(image.Rect(w*2/3, h*3/4, w, h))
	tl := changed(image.Rect(0, 0, w/3, h/4))
	t.Logf("changed share: bottom-right %.3f, top-left %.3f", br, tl)
	if br < 0.05 || tl > 0.01 {
		t.Errorf("badge not found bottom-right (%.3f changed) or damage elsewhere (%.3f)", br, tl)
	}
	rep, err := VerifyFile(context.Background(), out, VerifyOptions{})
	if err != nil || !rep.Disclosure.Present || rep.Metadata.DigitalSourceType == nil {
		t.Errorf("verify: %v %+v", err, rep)
	}
}

func TestVideoBurnInWithoutFFmpeg(t *testing.T) {
	src := filepath.Join(extool.Shared(t, "testdata/video"), "gomp4_sample.mp4")
	t.Setenv("PATH", t.TempDir())
	dir := t.TempDir()
	_, err := ApplyFile(context.Background(), src, filepath.Join(dir, "o.mp4"), videoLabel(), Options{BurnIn: true})
	if !errors.Is(err, ErrNoFFmpeg) || !strings.Contains(err.Error(), "ffmpeg") {
		t.Fatalf("err = %v, want ErrNoFFmpeg", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("output left behind: %v", ents)
	}
}

func ExampleFrameLabeler() {
	fl, err := NewFrameLabeler(Label{}, Options{Layers: []Layer{LayerDisclosure}})
	if err != nil {
		panic(err)
	}
	frame := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	draw.Draw(frame, frame.Bounds(), image.White, image.Point{}, draw.Src)
	for i := 0; i < 3; i++ { // each frame your renderer makes, before your encoder
		if err := fl.Frame(context.Background(), frame, i, 3); err != nil {
			panic(err)
		}
	}
	fmt.Println(fl.Result().Layers)
	// Output: [disclosure]
}
