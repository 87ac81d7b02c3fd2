package audio

import (
	"math"
	"testing"
)

// TestHalfband measures the decimation filter's response: flat over the
// band the detector reads, and what would fold onto it suppressed.
func TestHalfband(t *testing.T) {
	resp := func(f float64) float64 { // f in cycles per input sample
		var re, im float64
		for k, c := range halfbandTaps {
			re += c * math.Cos(2*math.Pi*f*float64(k))
			im -= c * math.Sin(2*math.Pi*f*float64(k))
		}
		return 20 * math.Log10(math.Hypot(re, im))
	}
	for f := 0.0; f <= 0.125; f += 0.005 {
		if g := resp(f); math.Abs(g) > 0.01 {
			t.Errorf("passband %.3f: %.4f dB", f, g)
		}
	}
	for f := 0.375; f <= 0.5; f += 0.005 {
		if g := resp(f); g > -70 {
			t.Errorf("stopband %.3f: %.1f dB", f, g)
		}
	}
	// streaming in pieces gives the same samples as one call
	x := make([]float64, 1001)
	for i := range x {
		x[i] = math.Sin(0.1*float64(i)) + 0.3*math.Cos(0.77*float64(i))
	}
	var a, b halfband
	whole := a.process(nil, x)
	var parts []float64
	for i := 0; i < len(x); i += 37 {
		parts = b.process(parts, x[i:min(i+37, len(x))])
	}
	if len(whole) != len(parts) || len(whole) != 501 {
		t.Fatalf("lengths %d, %d", len(whole), len(parts))
	}
	for i := range whole {
		if whole[i] != parts[i] {
			t.Fatalf("sample %d: %v vs %v", i, whole[i], parts[i])
		}
	}
}
