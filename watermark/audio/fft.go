package audio

import (
	"math"
	"math/bits"
)

// fft.go is the transform kernel: an iterative radix-2 complex FFT and the
// real FFT built on it by packing even/odd samples into one complex sequence
// of half length. It is ours (not gonum's) because embedding runs one
// forward and one inverse transform per 14.5 ms frame and must reach 400×
// realtime on one core; this one is about three times faster at n = 2048.

// realFFT transforms real sequences of length n (a power of two ≥ 4).
type realFFT struct {
	n, h int
	tw   []complex128 // exp(-2πi k/h), k < h/2: complex FFT twiddles
	post []complex128 // exp(-2πi k/n), k ≤ h: real-split twiddles
	rev  []int32      // bit reversal permutation of h
	z    []complex128 // scratch
}

func newRealFFT(n int) *realFFT {
	if n < 4 || n&(n-1) != 0 {
		panic("audio: FFT length must be a power of two ≥ 4")
	}
	h := n / 2
	f := &realFFT{n: n, h: h,
		tw:   make([]complex128, h/2),
		post: make([]complex128, h+1),
		rev:  make([]int32, h),
		z:    make([]complex128, h),
	}
	for k := range f.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(h))
		f.tw[k] = complex(c, s)
	}
	for k := range f.post {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.post[k] = complex(c, s)
	}
	lg := bits.Len(uint(h)) - 1
	for i := range f.rev {
		f.rev[i] = int32(bits.Reverse32(uint32(i)) >> (32 - lg))
	}
	if h == 1 {
		f.rev[0] = 0
	}
	return f
}

// cfft transforms z in place (forward, unscaled).
func (f *realFFT) cfft(z []complex128) {
	h := f.h
	for i, r := range f.rev {
		if int(r) > i {
			z[i], z[r] = z[r], z[i]
		}
	}
	if h == 2 {
		z[0], z[1] = z[0]+z[1], z[0]-z[1]
		return
	}
	// First two stages fused: radix-4 butterflies need no twiddles.
	for i := 0; i+3 < h; i += 4 {
		a, b, c, d := z[i], z[i+1], z[i+2], z[i+3]
		s0, s1 := a+b, a-b
		s2, s3 := c+d, c-d
		// multiply s3 by -i
		s3 = complex(imag(s3), -real(s3))
		z[i], z[i+2] = s0+s2, s0-s2
		z[i+1], z[i+3] = s1+s3, s1-s3
	}
	// Then two radix-2 stages at a time (sizes 2m and 4m): three complex
	// multiplications per four points instead of four, one pass over memory.
	m := 4
	for ; 4*m <= h; m *= 4 {
		s1, s2 := h/(2*m), h/(4*m)
		for start := 0; start < h; start += 4 * m {
			b := z[start : start+4*m]
			q0, q1, q2, q3 := b[:m], b[m:2*m], b[2*m:3*m], b[3*m:4*m]
			for k := 0; k < m; k++ {
				w1, w2 := f.tw[k*s1], f.tw[k*s2]
				a0, a1, a2, a3 := q0[k], q1[k], q2[k], q3[k]
				t1 := cmul(a1, w1)
				t3 := cmul(a3, w1)
				b0, b1 := a0+t1, a0-t1
				b2, b3 := a2+t3, a2-t3
				u2 := cmul(b2, w2)
				u3 := cmul(b3, w2)
				u3 = complex(imag(u3), -real(u3)) // × -i
				q0[k], q2[k] = b0+u2, b0-u2
				q1[k], q3[k] = b1+u3, b1-u3
			}
		}
	}
	if 2*m == h { // one radix-2 stage left
		s1 := h / (2 * m)
		lo, hi := z[:m], z[m:2*m]
		for k := 0; k < m; k++ {
			t := cmul(hi[k], f.tw[k*s1])
			u := lo[k]
			lo[k], hi[k] = u+t, u-t
		}
	}
}

func cmul(a, b complex128) complex128 {
	return complex(real(a)*real(b)-imag(a)*imag(b), real(a)*imag(b)+imag(a)*real(b))
}

// forward writes the spectrum X[0..n/2] of the real x (len n) to dst.
func (f *realFFT) forward(dst []complex128, x []float64) {
	h := f.h
	z := f.z
	for m := 0; m < h; m++ {
		z[m] = complex(x[2*m], x[2*m+1])
	}
	f.cfft(z)
	dst[0] = complex(real(z[0])+imag(z[0]), 0)
	dst[h] = complex(real(z[0])-imag(z[0]), 0)
	for k := 1; k < h; k++ {
		a, b := z[k], z[h-k]
		// E = (a + conj b)/2, O = (a - conj b)/(2i)
		er, ei := (real(a)+real(b))/2, (imag(a)-imag(b))/2
		or, oi := (imag(a)+imag(b))/2, -(real(a)-real(b))/2
		w := f.post[k]
		dst[k] = complex(er+or*real(w)-oi*imag(w), ei+or*imag(w)+oi*real(w))
	}
}

// inverse writes the real sequence (len n) whose spectrum is X[0..n/2] to
// dst, scaled so that inverse(forward(x)) == x.
func (f *realFFT) inverse(dst []float64, X []complex128) {
	h := f.h
	z := f.z
	for k := 0; k < h; k++ {
		a := X[k]
		b := X[h-k]
		// E = (a + conj b)/2, O = (a - conj b)/(2 W^k), Z = E + iO
		er, ei := (real(a)+real(b))/2, (imag(a)-imag(b))/2
		dr, di := (real(a)-real(b))/2, (imag(a)+imag(b))/2
		w := f.post[k] // W^k; dividing by it multiplies by its conjugate
		or := dr*real(w) + di*imag(w)
		oi := di*real(w) - dr*imag(w)
		// conjugate for the inverse via the forward transform
		z[k] = complex(er-oi, -(ei + or))
	}
	f.cfft(z)
	s := 1 / float64(h)
	for m := 0; m < h; m++ {
		dst[2*m] = real(z[m]) * s
		dst[2*m+1] = -imag(z[m]) * s
	}
}
