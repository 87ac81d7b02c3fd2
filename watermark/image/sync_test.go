package image

import (
	"math"
	"math/rand/v2"
	"testing"
)

// autocorrelationComplex is autocorrelation done with plain complex 2-D
// FFTs (two windows packed per transform): the reference for the
// real-input kernels.
func autocorrelationComplex(r *grid) *acfGrid {
	// Square, so that long lattice vectors along the short side still fit
	// (zero padding; wrapped products only add noise).
	nw := pow2AtLeast(max(r.w, r.h))
	nh := nw
	power := make([]float64, nw*nh)
	var wins [][2]int
	cy, cx := max(0, (r.h-nh)/2), max(0, (r.w-nw)/2)
	switch {
	case r.w > nw:
		for x := 0; ; x += nw * 3 / 4 {
			if x+nw >= r.w {
				wins = append(wins, [2]int{r.w - nw, cy})
				break
			}
			wins = append(wins, [2]int{x, cy})
		}
	case r.h > nh:
		for y := 0; ; y += nh * 3 / 4 {
			if y+nh >= r.h {
				wins = append(wins, [2]int{cx, r.h - nh})
				break
			}
			wins = append(wins, [2]int{cx, y})
		}
	default:
		wins = [][2]int{{cx, cy}}
	}
	buf := make([]complex128, nw*nh)
	for i := 0; i < len(wins); i += 2 {
		clear(buf)
		fill := func(w [2]int, imag bool) {
			var mean float64
			cnt := 0
			for y := 0; y < nh && w[1]+y < r.h; y++ {
				for x := 0; x < nw && w[0]+x < r.w; x++ {
					mean += float64(r.p[(w[1]+y)*r.w+w[0]+x])
					cnt++
				}
			}
			mean /= float64(max(cnt, 1))
			for y := 0; y < nh && w[1]+y < r.h; y++ {
				row := buf[y*nw:]
				src := r.p[(w[1]+y)*r.w+w[0]:]
				for x := 0; x < nw && w[0]+x < r.w; x++ {
					v := float64(src[x]) - mean
					if imag {
						row[x] += complex(0, v)
					} else {
						row[x] += complex(v, 0)
					}
				}
			}
		}
		// Two real windows share one complex FFT; |A|²+|B|² is recovered
		// from the bins k and -k.
		fill(wins[i], false)
		if i+1 < len(wins) {
			fill(wins[i+1], true)
		}
		fft2(buf, nw, nh, false)
		for k := range buf {
			ky, kx := k/nw, k%nw
			m := ((nh-ky)%nh)*nw + (nw-kx)%nw
			a, b := buf[k], buf[m]
			power[k] += (real(a)*real(a) + imag(a)*imag(a) + real(b)*real(b) + imag(b)*imag(b)) / 2
		}
	}
	// Spectral whitening: divide the power by its local mean, so that the
	// image's own smooth spectrum flattens while the narrow lines of a
	// repeated tile stand out; then weight by the mark's expected spectrum
	// (interpolated chips: most energy at low frequencies).
	pg := &grid{w: nw, h: nh, p: make([]float32, nw*nh)}
	for k, v := range power {
		pg.p[k] = float32(v)
	}
	sm := boxBlur(pg, 4)
	weights := func(n int) []float64 {
		wt := make([]float64, n)
		for k := range wt {
			f := float64(k) / float64(n)
			if f > 0.5 {
				f = 1 - f
			}
			c := math.Cos(math.Pi * f / 2)
			wt[k] = c * c * c
		}
		return wt
	}
	wx, wy := weights(nw), weights(nh)
	for k := range buf {
		buf[k] = complex(power[k]/(float64(sm.p[k])+1e-12)*wx[k%nw]*wy[k/nw], 0)
	}
	buf[0] = 0
	fft2(buf, nw, nh, true)
	g := &acfGrid{w: nw, h: nh, a: make([]float64, nw*nh)}
	for k, v := range buf {
		g.a[k] = real(v)
	}
	return g
}

func TestAutocorrelationMatchesComplex(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sz := range [][2]int{{455, 256}, {256, 455}, {300, 200}, {900, 256}, {256, 256}} {
		r := newGrid(sz[0], sz[1])
		for i := range r.p {
			r.p[i] = float32(rng.NormFloat64())
		}
		got, want := autocorrelation(r), autocorrelationComplex(r)
		var scale float64
		for _, v := range want.a {
			scale = math.Max(scale, math.Abs(v))
		}
		for k := range want.a {
			if d := math.Abs(got.a[k] - want.a[k]); d > 1e-9*scale {
				t.Fatalf("%v: lag %d = %v, want %v", sz, k, got.a[k], want.a[k])
			}
		}
	}
}
