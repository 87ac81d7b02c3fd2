package audio

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
)

// TestExperiment is a development probe (BELGI_AWM_EXP=file): it marks the
// file with random chips, runs an attack, and prints chip statistics.
func TestExperiment(t *testing.T) {
	path := os.Getenv("BELGI_AWM_EXP")
	if path == "" {
		t.Skip("set BELGI_AWM_EXP")
	}
	x := soxRead(t, path, 44100, 2)
	r := rand.New(rand.NewPCG(5, 6))
	chips := make([]int8, 318)
	for i := range chips {
		chips[i] = int8(1 - 2*r.IntN(2))
	}
	e, err := newEmbedder(44100, 2, chips, Options{})
	if err != nil {
		t.Fatal(err)
	}
	y := e.Write(nil, x)
	y, err = e.Close(y)
	t.Logf("embed err=%v len %d/%d segSNR %.1f", err, len(y), len(x), SegmentalSNR(x, y, 2))
	soxWrite(t, "/tmp/awm/marked.wav", y, 44100, 2)
	for _, atk := range []string{"none", "mp3-64", "speed1.02", "tempo1.02", "tel"} {
		f := "/tmp/awm/marked.wav"
		out := "/tmp/awm/att.wav"
		switch atk {
		case "none":
			out = f
		case "mp3-64":
			run(t, "lame", "--quiet", "-b", "64", f, "/tmp/awm/a.mp3")
			run(t, "sox", "/tmp/awm/a.mp3", out)
		case "speed1.02":
			run(t, "sox", f, out, "speed", "1.02", "rate", "44100")
		case "tempo1.02":
			run(t, "sox", f, out, "tempo", "1.02")
		case "tel":
			run(t, "sox", f, "-r", "8000", "-c", "1", out, "sinc", "300-3400")
		}
		rate := 44100
		if atk == "tel" {
			rate = 8000
		}
		z := soxRead(t, out, rate, 1)
		d, _ := newDetector(rate, 1, len(chips), Options{})
		d.Write(z)
		res := d.soft()
		for ci, c := range res.Candidates {
			errs, mag := 0, 0.0
			for i, v := range c {
				if (v > 0) != (chips[i] > 0) {
					errs++
				}
				mag += v * float64(chips[i])
			}
			t.Logf("%-10s cand %d: sync %.1f speed %.4f pitch %.4f win %d/%d chip errors %d/%d mean %.2f",
				atk, ci, res.Sync, res.Speed, res.Pitch, res.Accepted, res.Windows, errs, len(c), mag/float64(len(c)))
		}
	}
}

func run(t testing.TB, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func soxRead(t testing.TB, path string, rate, ch int) []float32 {
	t.Helper()
	out, err := exec.Command("sox", path, "-t", "f32", "-e", "floating-point", "-r", itoa(rate), "-c", itoa(ch), "-").Output()
	if err != nil {
		t.Fatalf("sox %s: %v", path, err)
	}
	x := make([]float32, len(out)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:]))
	}
	return x
}

func soxWrite(t testing.TB, path string, x []float32, rate, ch int) {
	t.Helper()
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	raw := path + ".f32"
	if err := os.WriteFile(raw, b, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "sox", "-R", "-t", "f32", "-r", itoa(rate), "-c", itoa(ch), raw, "-b", "16", path)
	os.Remove(raw)
}

func itoa(i int) string { return fmtInt(i) }

func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for i > 0 {
		s = string(rune('0'+i%10)) + s
		i /= 10
	}
	return s
}
