package audio

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// slowDFT is the reference: the definition, O(n²).
func slowDFT(x []float64) []complex128 {
	n := len(x)
	out := make([]complex128, n/2+1)
	for k := range out {
		var s complex128
		for t, v := range x {
			s += complex(v, 0) * cmplx.Exp(complex(0, -2*math.Pi*float64(k*t)/float64(n)))
		}
		out[k] = s
	}
	return out
}

func TestRealFFTAgainstDFT(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{4, 8, 16, 64, 256, 2048} {
		x := make([]float64, n)
		for i := range x {
			x[i] = r.NormFloat64()
		}
		f := newRealFFT(n)
		got := make([]complex128, n/2+1)
		f.forward(got, x)
		want := slowDFT(x)
		for k := range want {
			if cmplx.Abs(got[k]-want[k]) > 1e-9*float64(n) {
				t.Fatalf("n=%d bin %d: got %v want %v", n, k, got[k], want[k])
			}
		}
		back := make([]float64, n)
		f.inverse(back, got)
		for i := range x {
			if math.Abs(back[i]-x[i]) > 1e-9 {
				t.Fatalf("n=%d: inverse sample %d = %v, want %v", n, i, back[i], x[i])
			}
		}
	}
}

func BenchmarkRealFFT2048(b *testing.B) {
	f := newRealFFT(2048)
	x := make([]float64, 2048)
	c := make([]complex128, 1025)
	for i := range x {
		x[i] = float64(i % 7)
	}
	for i := 0; i < b.N; i++ {
		f.forward(c, x)
		f.inverse(x, c)
	}
}
