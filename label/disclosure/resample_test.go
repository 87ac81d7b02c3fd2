package disclosure

import (
	"math"
	"testing"
)

// The reference is the band-limited signal itself: a sum of sines below
// both Nyquist frequencies, evaluated exactly at the output instants.
// Away from the edges the resampled signal must match it to -50 dB, and
// a tone above the output Nyquist must be removed, not aliased.
func TestResampleAgainstAnalytic(t *testing.T) {
	tones := []struct{ f, a float64 }{{220, 0.3}, {1000, 0.3}, {3100, 0.2}}
	signal := func(rate int, n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			for _, tn := range tones {
				x[i] += float32(tn.a * math.Sin(2*math.Pi*tn.f*float64(i)/float64(rate)))
			}
		}
		return x
	}
	for _, rr := range [][2]int{{16000, 48000}, {16000, 44100}, {16000, 8000}, {16000, 22050}, {44100, 16000}} {
		from, to := rr[0], rr[1]
		x := signal(from, from) // one second
		y := Resample(x, from, to)
		if len(y) != to {
			t.Fatalf("%d→%d: %d samples", from, to, len(y))
		}
		want := signal(to, to)
		var errPow, sigPow float64
		for i := to / 10; i < to-to/10; i++ {
			d := float64(y[i] - want[i])
			errPow += d * d
			sigPow += float64(want[i]) * float64(want[i])
		}
		if snr := 10 * math.Log10(sigPow/errPow); snr < 50 {
			t.Errorf("%d→%d: SNR %.1f dB", from, to, snr)
		}
	}
	// 6 kHz at 16 kHz resampled to 8 kHz would alias to 2 kHz: must vanish.
	x := make([]float32, 16000)
	for i := range x {
		x[i] = float32(0.5 * math.Sin(2*math.Pi*6000*float64(i)/16000))
	}
	y := Resample(x, 16000, 8000)
	var p float64
	for _, v := range y[800:7200] {
		p += float64(v) * float64(v)
	}
	if rms := math.Sqrt(p / 6400); rms > 0.005 {
		t.Errorf("aliased tone rms %.4f", rms)
	}
}

// resampleSlow evaluates the kernel exactly at every tap (the reference
// for the tabulated kernel of Resample).
func resampleSlow(x []float32, from, to int) []float32 {
	ratio := float64(to) / float64(from)
	cut := 0.5 * 0.95 * math.Min(1, ratio)
	half := resampleZeros / (2 * cut)
	out := make([]float32, int(math.Round(float64(len(x))*ratio)))
	for j := range out {
		t := float64(j) / ratio
		var sum float64
		for i := range x {
			sum += float64(x[i]) * sincKernel(t-float64(i), cut, half)
		}
		out[j] = float32(sum)
	}
	return out
}

func TestResampleMatchesSlowReference(t *testing.T) {
	x := noise(3000, 1, 0.5)
	for _, rr := range [][2]int{{16000, 44100}, {16000, 8000}, {16000, 48000}} {
		a, b := Resample(x, rr[0], rr[1]), resampleSlow(x, rr[0], rr[1])
		if len(a) != len(b) {
			t.Fatalf("len %d vs %d", len(a), len(b))
		}
		for i := range a {
			if d := math.Abs(float64(a[i] - b[i])); d > 2e-5 {
				t.Fatalf("%v sample %d: %v vs %v", rr, i, a[i], b[i])
			}
		}
	}
}
