package image

import (
	"math"
	"math/cmplx"
	"math/rand"
	"testing"
)

// slowDFT2 is the definition of the 2-D DFT, O(n²).
func slowDFT2(x []complex128, w, h int, inverse bool) []complex128 {
	sign := -1.0
	if inverse {
		sign = 1
	}
	out := make([]complex128, len(x))
	for v := 0; v < h; v++ {
		for u := 0; u < w; u++ {
			var s complex128
			for y := 0; y < h; y++ {
				for xx := 0; xx < w; xx++ {
					ph := sign * 2 * math.Pi * (float64(u*xx)/float64(w) + float64(v*y)/float64(h))
					s += x[y*w+xx] * cmplx.Exp(complex(0, ph))
				}
			}
			out[v*w+u] = s
		}
	}
	return out
}

func TestFFT2MatchesDFT(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, sz := range [][2]int{{1, 1}, {2, 4}, {8, 8}, {16, 4}, {32, 16}} {
		w, h := sz[0], sz[1]
		for _, inv := range []bool{false, true} {
			x := make([]complex128, w*h)
			for i := range x {
				x[i] = complex(r.NormFloat64(), r.NormFloat64())
			}
			want := slowDFT2(x, w, h, inv)
			got := append([]complex128(nil), x...)
			fft2(got, w, h, inv)
			for i := range got {
				if cmplx.Abs(got[i]-want[i]) > 1e-9*float64(w*h) {
					t.Fatalf("%dx%d inverse=%v: bin %d = %v, want %v", w, h, inv, i, got[i], want[i])
				}
			}
		}
	}
}

func TestFFT2RowsSkipsZeroRows(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	const w, h, rows = 16, 32, 11
	x := make([]complex128, w*h)
	for i := 0; i < rows*w; i++ {
		x[i] = complex(r.NormFloat64(), r.NormFloat64())
	}
	want := slowDFT2(x, w, h, false)
	got := append([]complex128(nil), x...)
	fft2Rows(got, w, h, rows, false)
	for i := range got {
		if cmplx.Abs(got[i]-want[i]) > 1e-9*float64(w*h) {
			t.Fatalf("bin %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestRealTransformsMatchComplex(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, sz := range [][3]int{{16, 16, 16}, {32, 16, 9}, {16, 32, 32}, {8, 8, 3}} {
		w, h, rows := sz[0], sz[1], sz[2]
		d := make([]float64, w*h)
		x := make([]complex128, w*h)
		for i := 0; i < rows*w; i++ {
			d[i] = r.NormFloat64()
			x[i] = complex(d[i], 0)
		}
		fft2(x, w, h, false)
		power := make([]float64, w*h)
		addPowerReal(d, w, h, rows, power, make([]complex128, w*h))
		for k, v := range x {
			want := real(v)*real(v) + imag(v)*imag(v)
			if math.Abs(power[k]-want) > 1e-9*float64(w*h)*(1+want) {
				t.Fatalf("%v: power[%d] = %v, want %v", sz, k, power[k], want)
			}
		}
		// The inverse of a Hermitian spectrum (here the power, real and
		// point-symmetric, times a point-symmetric weight) is real.
		p := make([]complex128, w*h)
		q := make([]complex128, w*h)
		for k := range p {
			kx, ky := k%w, k/w
			wt := 1 + math.Cos(2*math.Pi*float64(kx)/float64(w))*math.Cos(2*math.Pi*float64(ky)/float64(h))
			p[k] = complex(power[k]*wt, 0)
			q[k] = p[k]
		}
		fft2(q, w, h, true)
		out := make([]float64, w*h)
		realInverse(p, w, h, out)
		for k, v := range q {
			if math.Abs(out[k]-real(v)) > 1e-7*float64(w*h) {
				t.Fatalf("%v: inverse[%d] = %v, want %v", sz, k, out[k], real(v))
			}
		}
	}
}
