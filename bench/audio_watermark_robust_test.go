package bench

// The CI-sized subset of the audio watermark evaluation (issue 6; the full
// run is `go run ./bench/robustness -audio DIR`, its table in README.md).
// It shells out to sox, lame and ffmpeg like the evaluation does and asserts
// the floors on two clips that the full evaluation decodes under every
// attack (the shorter and harder clips, which miss some, are in the table).

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/belgi/belgi/bench/extool"
	wmaudio "github.com/belgi/belgi/watermark/audio"
)

func TestAudioWatermarkRobustness(t *testing.T) {
	sox := extool.Need(t, "sox")
	lame := extool.Need(t, "lame")
	ffmpeg := extool.Need(t, "ffmpeg")
	shared := extool.Shared(t, "testdata/audio")
	tmp := t.TempDir()

	type clip struct {
		name string
		path string
	}
	// A real recording from the shared corpus and 12 s of the synthetic
	// music the speed benchmarks use, written as a 44.1 kHz stereo WAV.
	synth := filepath.Join(tmp, "synth.wav")
	soxEncode(t, sox, synth, benchMusic(12), benchRate, 2)
	clips := []clip{
		{"freesound-256529 (11.5 s, 192 kHz stereo)", filepath.Join(shared, "freesound-256529.flac")},
		{"synthetic notes (12 s, 44.1 kHz stereo)", synth},
	}
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	attacks := []struct {
		name  string
		apply func(in, out string, rate int)
	}{
		{"none", func(in, out string, rate int) { run(sox, in, out) }},
		{"MP3 64 kbps", func(in, out string, rate int) {
			run(lame, "--quiet", "-b", "64", in, out+".mp3")
			run(lame, "--quiet", "--decode", out+".mp3", out)
		}},
		{"AAC 64 kbps", func(in, out string, rate int) {
			run(ffmpeg, "-y", "-loglevel", "error", "-i", in, "-c:a", "aac", "-b:a", "64k", out+".m4a")
			run(ffmpeg, "-y", "-loglevel", "error", "-i", out+".m4a", out)
		}},
		{"telephone 8 kHz", func(in, out string, rate int) { run(sox, in, "-r", "8000", "-c", "1", out, "sinc", "300-3400") }},
		{"speed 1.02", func(in, out string, rate int) { run(sox, in, out, "speed", "1.02", "rate", strconv.Itoa(rate)) }},
		{"tempo 1.02", func(in, out string, rate int) { run(sox, in, out, "tempo", "1.02") }},
		{"cut 1.3 s", func(in, out string, rate int) { run(sox, in, out, "trim", "1.3") }},
		{"5 s excerpt", func(in, out string, rate int) { run(sox, in, out, "trim", "3.21", "5") }},
	}
	ctx := context.Background()
	for ci, c := range clips {
		x, rate, ch := soxDecode(t, sox, c.path)
		id := uint64(0x5eed0000 + ci)
		if err := wmaudio.Embed(x, rate, ch, id, wmaudio.Options{}); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		marked := filepath.Join(tmp, "marked.wav")
		soxEncode(t, sox, marked, x, rate, ch)
		for ai, a := range attacks {
			out := filepath.Join(tmp, "att"+strconv.Itoa(ai)+".wav")
			a.apply(marked, out, rate)
			y, r2, c2 := soxDecode(t, sox, out)
			d, err := wmaudio.Detect(ctx, y, r2, c2, wmaudio.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !d.Present || d.ID != id {
				t.Errorf("%s, %s: present=%v id=%x score %.1f sync %.1f (want id %x)", c.name, a.name, d.Present, d.ID, d.Score, d.Sync, id)
			}
			os.Remove(out)
		}
	}
}

func soxDecode(t *testing.T, sox, path string) ([]float32, int, int) {
	t.Helper()
	info := func(flag string) int {
		out, err := exec.Command("soxi", flag, path).Output()
		if err != nil {
			t.Fatalf("soxi %s: %v", path, err)
		}
		v, _ := strconv.Atoi(string(out[:len(out)-1]))
		return v
	}
	rate, ch := info("-r"), info("-c")
	out, err := exec.Command(sox, "-q", path, "-t", "f32", "-").Output()
	if err != nil {
		t.Fatalf("sox %s: %v", path, err)
	}
	x := make([]float32, len(out)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:]))
	}
	return x, rate, ch
}

func soxEncode(t *testing.T, sox, path string, x []float32, rate, ch int) {
	t.Helper()
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	raw := path + ".f32"
	if err := os.WriteFile(raw, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(sox, "-q", "-t", "f32", "-r", strconv.Itoa(rate), "-c", strconv.Itoa(ch), raw, "-b", "16", path).CombinedOutput(); err != nil {
		t.Fatalf("sox encode: %v\n%s", err, out)
	}
}
