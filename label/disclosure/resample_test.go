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
