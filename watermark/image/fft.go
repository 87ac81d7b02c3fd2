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
	fftCols(x, w, h, 0, w, inverse)
}

// fftCols transforms columns c0 ≤ c < c1 of the w×h grid x in place.
func fftCols(x []complex128, w, h, c0, c1 int, inverse bool) {
	ph := planFFT(h)
	// Columns in groups of 8, so that each strided pass fills cache lines.
	const grp = 8
	cols := make([]complex128, grp*h)
	for c := c0; c < c1; c += grp {
		g := min(grp, c1-c)
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

// addPowerReal adds |X|² to power, X the 2-D DFT of the real w×h grid d
// (row-major; rows from `rows` on are zero). Two rows share one complex
// row transform, and by Hermitian symmetry only columns 0…w/2 are
// transformed: about half the work of a complex 2-D FFT.
func addPowerReal(d []float64, w, h, rows int, power []float64, buf []complex128) {
	pw := planFFT(w)
	rows = min(rows, h)
	clear(buf[:w*h])
	z := make([]complex128, w)
	for y := 0; y < rows; y += 2 {
		for x := 0; x < w; x++ {
			var im float64
			if y+1 < rows {
				im = d[(y+1)*w+x]
			}
			z[x] = complex(d[y*w+x], im)
		}
		pw.fft(z, false)
		// Z = A + iB with A, B the spectra of the two real rows:
		// A(k) = (Z(k) + conj Z(-k))/2, B(k) = (Z(k) - conj Z(-k))/(2i).
		for k := 0; k <= w/2; k++ {
			zk, zm := z[k], cmplxConj(z[(w-k)%w])
			buf[y*w+k] = (zk + zm) / 2
			if y+1 < h {
				buf[(y+1)*w+k] = (zk - zm) * complex(0, -0.5)
			}
		}
	}
	fftCols(buf, w, h, 0, w/2+1, false)
	for ky := 0; ky < h; ky++ {
		for kx := 0; kx <= w/2; kx++ {
			v := buf[ky*w+kx]
			p := real(v)*real(v) + imag(v)*imag(v)
			power[ky*w+kx] += p
			if mx := w - kx; kx > 0 && mx > w/2 {
				power[((h-ky)%h)*w+mx] += p
			}
		}
	}
}

// realInverse returns the real inverse 2-D DFT (no 1/n scaling) of the
// Hermitian w×h spectrum p (p(-k) = conj p(k)); buf is scratch. Only
// columns 0…w/2 are transformed, then two rows share one row transform
// (each row's partial transform is Hermitian, so its inverse is real).
func realInverse(p []complex128, w, h int, out []float64) {
	fftCols(p, w, h, 0, w/2+1, true)
	pw := planFFT(w)
	z := make([]complex128, w)
	row := func(y, k int) complex128 {
		if y >= h {
			return 0
		}
		if k <= w/2 {
			return p[y*w+k]
		}
		return cmplxConj(p[y*w+w-k])
	}
	for y := 0; y < h; y += 2 {
		for k := 0; k < w; k++ {
			a, b := row(y, k), row(y+1, k)
			z[k] = a + complex(-imag(b), real(b)) // a + i·b
		}
		pw.fft(z, true)
		for x := 0; x < w; x++ {
			out[y*w+x] = real(z[x])
			if y+1 < h {
				out[(y+1)*w+x] = imag(z[x])
			}
		}
	}
}

func cmplxConj(v complex128) complex128 { return complex(real(v), -imag(v)) }
