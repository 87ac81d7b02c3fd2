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
	tw  []complex128 // tw[k] = exp(-2πik/n), k < n/2
}

var fftPlans sync.Map // int → *fftPlan

func planFFT(n int) *fftPlan {
	if p, ok := fftPlans.Load(n); ok {
		return p.(*fftPlan)
	}
	if n < 1 || n&(n-1) != 0 {
		panic("fft: size not a power of two")
	}
	p := &fftPlan{n: n, rev: make([]int32, n), tw: make([]complex128, n/2)}
	shift := 64 - bits.Len(uint(n-1))
	for i := range p.rev {
		if n > 1 {
			p.rev[i] = int32(bits.Reverse64(uint64(i)) >> shift)
		}
	}
	for k := range p.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		p.tw[k] = complex(c, s)
	}
	fftPlans.Store(n, p)
	return p
}

// fft transforms x in place: X[k] = Σ x[j]·exp(∓2πijk/n), minus sign for
// forward, plus for inverse (no 1/n scaling).
func (p *fftPlan) fft(x []complex128, inverse bool) {
	n := p.n
	for i, r := range p.rev {
		if int(r) > i {
			x[i], x[r] = x[r], x[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		half := size >> 1
		step := n / size
		for start := 0; start < n; start += size {
			k := 0
			for j := start; j < start+half; j++ {
				w := p.tw[k]
				if inverse {
					w = complex(real(w), -imag(w))
				}
				a, b := x[j], x[j+half]*w
				x[j], x[j+half] = a+b, a-b
				k += step
			}
		}
	}
}

// fft2 transforms the w×h row-major grid x in place (w, h powers of two).
func fft2(x []complex128, w, h int, inverse bool) {
	pw := planFFT(w)
	for y := 0; y < h; y++ {
		pw.fft(x[y*w:(y+1)*w], inverse)
	}
	ph := planFFT(h)
	col := make([]complex128, h)
	for c := 0; c < w; c++ {
		for y := 0; y < h; y++ {
			col[y] = x[y*w+c]
		}
		ph.fft(col, inverse)
		for y := 0; y < h; y++ {
			x[y*w+c] = col[y]
		}
	}
}
