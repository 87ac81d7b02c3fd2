package image

// fft.go is the Fourier kernel: an iterative radix-2 complex FFT and the 2-D
// transform built on it (rows, then columns). Sizes are powers of two.

import (
	"math"
	"math/bits"
	"sync"
)

type fftPlan struct {
	n   int
	rev []int32
	// stages[s] holds the twiddles of the stage with half-size 2^s,
	// contiguous so that the inner loop reads them in order; inv the
	// conjugates for the inverse transform.
	stages, inv [][]complex128
}

var fftPlans sync.Map // int → *fftPlan

func planFFT(n int) *fftPlan {
	if p, ok := fftPlans.Load(n); ok {
		return p.(*fftPlan)
	}
	if n < 1 || n&(n-1) != 0 {
		panic("fft: size not a power of two")
	}
	p := &fftPlan{n: n, rev: make([]int32, n)}
	shift := 64 - bits.Len(uint(n-1))
	for i := range p.rev {
		if n > 1 {
			p.rev[i] = int32(bits.Reverse64(uint64(i)) >> shift)
		}
	}
	for half := 1; half < n; half <<= 1 {
		f, b := make([]complex128, half), make([]complex128, half)
		for k := range f {
			s, c := math.Sincos(-math.Pi * float64(k) / float64(half))
			f[k], b[k] = complex(c, s), complex(c, -s)
		}
		p.stages = append(p.stages, f)
		p.inv = append(p.inv, b)
	}
	fftPlans.Store(n, p)
	return p
}

// fft transforms x in place: X[k] = Σ x[j]·exp(∓2πijk/n), minus sign for
// forward, plus for inverse (no 1/n scaling).
func (p *fftPlan) fft(x []complex128, inverse bool) {
	n := p.n
	x = x[:n]
	for i, r := range p.rev {
		if int(r) > i {
			x[i], x[r] = x[r], x[i]
		}
	}
	tw := p.stages
	if inverse {
		tw = p.inv
	}
	// First stage (half 1) needs no multiplications.
	for j := 0; j+1 < n; j += 2 {
		a, b := x[j], x[j+1]
		x[j], x[j+1] = a+b, a-b
	}
	for s := 1; s < len(tw); s++ {
		w := tw[s]
		half := len(w)
		for start := 0; start < n; start += 2 * half {
			lo := x[start : start+half : start+half]
			hi := x[start+half : start+2*half : start+2*half]
			for k, wk := range w {
				a := lo[k]
				b := hi[k] * wk
				lo[k], hi[k] = a+b, a-b
			}
		}
	}
}

// fft2 transforms the w×h row-major grid x in place (w, h powers of two).
func fft2(x []complex128, w, h int, inverse bool) { fft2Rows(x, w, h, h, inverse) }

// fft2Rows is fft2 for an x whose rows from `rows` on are all zero: their
// row transforms are zero too and are skipped.
func fft2Rows(x []complex128, w, h, rows int, inverse bool) {
	pw := planFFT(w)
	for y := 0; y < min(rows, h); y++ {
		pw.fft(x[y*w:(y+1)*w], inverse)
	}
	ph := planFFT(h)
	// Columns in groups of 8, so that each strided pass fills cache lines.
	const grp = 8
	cols := make([]complex128, grp*h)
	for c := 0; c < w; c += grp {
		g := min(grp, w-c)
		for y := 0; y < h; y++ {
			row := x[y*w+c : y*w+c+g]
			for i, v := range row {
				cols[i*h+y] = v
			}
		}
		for i := 0; i < g; i++ {
			ph.fft(cols[i*h:(i+1)*h], inverse)
		}
		for y := 0; y < h; y++ {
			row := x[y*w+c : y*w+c+g]
			for i := range row {
				row[i] = cols[i*h+y]
			}
		}
	}
}
