package image

// refine.go corrects a lattice estimate that is nearly right. A scale or
// rotation error of a few tenths of a percent drifts the fold by a chip or
// more between the middle and the edges of the image, which blurs the
// folded tile enough to turn a decode into a near miss. Folding each half of
// the image separately shows the drift directly: the template sits at a
// different offset in each half, and the difference, over the distance
// between the halves' centres, is the error of the lattice.

import (
	goimage "image"
	"math"
)

// refineLattice returns u (full-resolution lattice vector) corrected by the
// template offsets seen in the two halves of r along its longer axis, given
// the whole image's template peak p. ok is false when either half shows no
// clear peak near p.
func refineLattice(r *grid, u [2]float64, l *layout, p tmplPeak) (ref [2]float64, ok bool) {
	alongX := r.w >= r.h
	var offs [2][2]float64
	for half := 0; half < 2; half++ {
		rect := goimage.Rect(0, half*r.h/2, r.w, (half+1)*r.h/2)
		if alongX {
			rect = goimage.Rect(half*r.w/2, 0, (half+1)*r.w/2, r.h)
		}
		fold := foldTileIn(r, u, tileSize, rect)
		found := false
		best := math.Inf(1)
		for _, q := range templatePeaks(fold, &l.tmplFFT, []int{p.g}, 4) {
			dx, dy := wrapTile(q.dx-p.dx), wrapTile(q.dy-p.dy)
			if d := math.Hypot(dx, dy); d < 4 && d < best && q.z > 3 {
				best, found = d, true
				offs[half] = [2]float64{dx, dy}
			}
		}
		if !found {
			return u, false
		}
	}
	// Offsets in the fold move by E·Δp, E = M⁻¹ - M_true⁻¹ with M the
	// tile→pixel matrix; Δp is the distance between the halves' centres.
	dox, doy := offs[1][0]-offs[0][0], offs[1][1]-offs[0][1]
	var a, b float64
	if alongX {
		d := float64(r.w) / 2
		a, b = dox/d, doy/d
	} else {
		d := float64(r.h) / 2
		a, b = doy/d, -dox/d
	}
	// M = (1/T)[[ux, -uy], [uy, ux]]; M⁻¹ = T/|u|²·[[ux, uy], [-uy, ux]].
	t := float64(tileSize)
	n2 := u[0]*u[0] + u[1]*u[1]
	ip, iq := t*u[0]/n2, -t*u[1]/n2 // M⁻¹ = [[ip, -iq], [iq, ip]]
	np, nq := ip-a, iq-b            // M_true⁻¹ = M⁻¹ - E, E = [[a, -b], [b, a]]
	den := np*np + nq*nq
	if den == 0 {
		return u, false
	}
	// Inverse of [[np, -nq], [nq, np]] is [[np, nq], [-nq, np]]/den; its first
	// column times T is the lattice vector.
	return [2]float64{t * np / den, -t * nq / den}, true
}

// wrapTile maps a tile offset difference into [-T/2, T/2).
func wrapTile(d float64) float64 {
	d = math.Mod(d+tileSize/2, tileSize)
	if d < 0 {
		d += tileSize
	}
	return d - tileSize/2
}
