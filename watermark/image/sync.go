package image

// sync.go finds the tile lattice (scale and rotation) in a whitened residual
// from its autocorrelation. A tile repeated over the image puts peaks in the
// autocorrelation at every lattice vector k·u + l·v; summing the
// autocorrelation over many of them (not just the first two) is what makes
// the lattice visible in busy texture, where each single peak is weak.
// The search runs on a half-resolution residual (tile 64 px), which keeps
// the whole image inside one 512×512 FFT window and drops the highest
// frequencies, where the mark is weakest.

import (
	"math"
	"sort"
)

const (
	halfTile     = tileSize / 2
	maxLag       = 240 // longest lattice vector used (half-res pixels)
	maxTermOrder = 16  // k²+l² bound for the lattice terms summed
	coarseStep   = 0.5 // half-res pixels between lattice vectors tried
	acfCands     = 10  // candidates kept from the autocorrelation
)

// halve averages 2×2 blocks.
func halve(r *grid) *grid {
	w, h := r.w/2, r.h/2
	out := newGrid(w, h)
	for y := 0; y < h; y++ {
		a := r.p[2*y*r.w:]
		b := r.p[(2*y+1)*r.w:]
		o := out.p[y*w : (y+1)*w]
		for x := range o {
			o[x] = 0.25 * (a[2*x] + a[2*x+1] + b[2*x] + b[2*x+1])
		}
	}
	return out
}

// acfGrid is a 512×512 circular autocorrelation, read with bilinear
// interpolation at any lag.
type acfGrid struct {
	w, h int
	a    []float64
}

func (g *acfGrid) at(x, y float64) float64 {
	w, h := g.w, g.h
	fx, fy := math.Floor(x), math.Floor(y)
	tx, ty := x-fx, y-fy
	ix, iy := (int(fx)%w+w)%w, (int(fy)%h+h)%h
	ix1, iy1 := (ix+1)%w, (iy+1)%h
	a := g.a[iy*w+ix]*(1-tx) + g.a[iy*w+ix1]*tx
	b := g.a[iy1*w+ix]*(1-tx) + g.a[iy1*w+ix1]*tx
	return a*(1-ty) + b*ty
}

// inRange reports whether lag (x, y) is unambiguous in the circular grid.
func (g *acfGrid) inRange(x, y float64) bool {
	return math.Abs(x) < float64(g.w/2-2) && math.Abs(y) < float64(g.h/2-2)
}

func pow2AtLeast(n int) int {
	p := 64
	for p < n && p < acfSize {
		p *= 2
	}
	return p
}

// autocorrelation returns the spectrally whitened autocorrelation of r,
// accumulated over n×n windows along r's longer axis.
func autocorrelation(r *grid) *acfGrid {
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
	d := make([]float64, nw*nh)
	for _, w := range wins {
		var mean float64
		cnt := 0
		rows := min(nh, r.h-w[1])
		cols := min(nw, r.w-w[0])
		for y := 0; y < rows; y++ {
			for _, v := range r.p[(w[1]+y)*r.w+w[0] : (w[1]+y)*r.w+w[0]+cols] {
				mean += float64(v)
				cnt++
			}
		}
		mean /= float64(max(cnt, 1))
		clear(d)
		for y := 0; y < rows; y++ {
			src := r.p[(w[1]+y)*r.w+w[0] : (w[1]+y)*r.w+w[0]+cols]
			row := d[y*nw : y*nw+cols]
			for x, v := range src {
				row[x] = float64(v) - mean
			}
		}
		addPowerReal(d, nw, nh, rows, power, buf)
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
	// The box blur clamps at the edges, so the whitened spectrum is not
	// quite point-symmetric; its symmetric part gives the real part of the
	// inverse, which is what the autocorrelation is.
	for ky := 0; ky < nh; ky++ {
		for kx := 0; kx < nw; kx++ {
			k, m := ky*nw+kx, ((nh-ky)%nh)*nw+(nw-kx)%nw
			if m > k {
				v := (real(buf[k]) + real(buf[m])) / 2
				buf[k], buf[m] = complex(v, 0), complex(v, 0)
			}
		}
	}
	g := &acfGrid{w: nw, h: nh, a: make([]float64, nw*nh)}
	realInverse(buf, nw, nh, g.a)
	return g
}

type lattice struct {
	u [2]float64 // half-res tile x vector
	v float64    // autocorrelation score
}

// latticeScore sums the autocorrelation over the lattice points k·u + l·u⊥
// (one of each ± pair) out to maxLag.
func latticeScore(g *acfGrid, ux, uy float64) float64 {
	vx, vy := -uy, ux
	l2 := ux*ux + uy*uy
	var s float64
	nt := 0
	for k := 0; k <= 4; k++ {
		for l := -4; l <= 4; l++ {
			if k == 0 && l <= 0 || k*k+l*l > maxTermOrder || float64(k*k+l*l)*l2 > maxLag*maxLag {
				continue
			}
			x, y := float64(k)*ux+float64(l)*vx, float64(k)*uy+float64(l)*vy
			if !g.inRange(x, y) {
				continue
			}
			s += g.at(x, y)
			nt++
		}
	}
	// Normalise by the number of terms (noise grows as √nt): vectors of
	// every length compete fairly.
	if nt == 0 {
		return math.Inf(-1)
	}
	return s / math.Sqrt(float64(nt))
}

// latticeCandidates returns candidate lattice vectors (half resolution),
// best first.
func latticeCandidates(g *acfGrid) []lattice {
	lo, hi := minScale*halfTile, maxScale*halfTile
	tan := math.Tan(maxRotationDeg * math.Pi / 180)
	type pt struct {
		i, j int
		v    float64
	}
	nx := int((hi-lo)/coarseStep) + 1
	ny := int(hi*tan/coarseStep) + 1
	sc := make([]float64, nx*(2*ny+1))
	for i := 0; i < nx; i++ {
		x := lo + float64(i)*coarseStep
		ym := x * tan
		for j := -ny; j <= ny; j++ {
			y := float64(j) * coarseStep
			v := math.Inf(-1)
			if math.Abs(y) <= ym+coarseStep {
				v = latticeScore(g, x, y)
			}
			sc[i*(2*ny+1)+j+ny] = v
		}
	}
	at := func(i, j int) float64 {
		if i < 0 || i >= nx || j < -ny || j > ny {
			return math.Inf(-1)
		}
		return sc[i*(2*ny+1)+j+ny]
	}
	var pts []pt
	for i := 0; i < nx; i++ {
		for j := -ny; j <= ny; j++ {
			v := at(i, j)
			if math.IsInf(v, -1) {
				continue
			}
			if v < at(i-1, j) || v < at(i+1, j) || v < at(i, j-1) || v < at(i, j+1) ||
				v < at(i-1, j-1) || v < at(i+1, j+1) || v < at(i-1, j+1) || v < at(i+1, j-1) {
				continue
			}
			pts = append(pts, pt{i, j, v})
		}
	}
	sort.Slice(pts, func(a, b int) bool { return pts[a].v > pts[b].v })
	var out []lattice
	for _, p := range pts {
		if len(out) == 2*acfCands {
			break
		}
		// Refine on a finer grid around the coarse maximum.
		bx, by := lo+float64(p.i)*coarseStep, float64(p.j)*coarseStep
		best := p.v
		for step := coarseStep / 2; step >= 0.06; step /= 2 {
			cx, cy := bx, by
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					x, y := cx+float64(dx)*step, cy+float64(dy)*step
					if v := latticeScore(g, x, y); v > best {
						best, bx, by = v, x, y
					}
				}
			}
		}
		out = append(out, lattice{u: [2]float64{bx, by}, v: best})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].v > out[b].v })
	if len(out) > acfCands {
		out = out[:acfCands]
	}
	return out
}

// axisCandidates returns the best lattice vectors without rotation (half
// resolution), best first. Crops and rescales, the commonest geometric
// changes, only move the lattice along this line; searching it alone has
// far fewer noise peaks to compete with than the 2-D search, so the true
// period ranks first where it would be lost among the 2-D candidates.
func axisCandidates(g *acfGrid, keep int) []lattice {
	const step = 0.25
	lo, hi := minScale*halfTile, maxScale*halfTile
	n := int((hi-lo)/step) + 1
	v := make([]float64, n)
	for i := range v {
		v[i] = latticeScore(g, lo+float64(i)*step, 0)
	}
	var out []lattice
	for i := 1; i+1 < n; i++ {
		if v[i] < v[i-1] || v[i] < v[i+1] {
			continue
		}
		// Refine by bisection on a finer grid.
		bx, best := lo+float64(i)*step, v[i]
		for d := step / 2; d >= 0.03; d /= 2 {
			cx := bx
			for _, x := range []float64{cx - d, cx + d} {
				if s := latticeScore(g, x, 0); s > best {
					best, bx = s, x
				}
			}
		}
		out = append(out, lattice{u: [2]float64{bx, 0}, v: best})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].v > out[b].v })
	if len(out) > keep {
		out = out[:keep]
	}
	return out
}
