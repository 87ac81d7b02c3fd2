package image

import (
	"context"
	goimage "image"
	"math"
	"slices"
	"sort"

	"github.com/belgi/belgi/watermark/payload"
)

// Result is what Detect found.
type Result struct {
	// Present is true when a frame passed its CRC and its score reached
	// Threshold; only then is ID meaningful.
	Present bool
	ID      uint64
	Version int
	// Score is the payload detection statistic of the best hypothesis (≈ a
	// standard normal on unmarked images; see payload.Decoded.Score), 0 when
	// nothing could be decoded.
	Score float64
	// Threshold is the score needed, accounting for every hypothesis tried.
	Threshold float64
	// Geometry of the best hypothesis relative to the embedded tile:
	// Scale (>1 = enlarged), Rotation in degrees, Mirrored for a flip.
	Scale, Rotation float64
	Mirrored        bool
	// Decoded counts the hypotheses decoded, CRCPasses those whose CRC
	// passed (with or without the score): diagnostics for evaluations.
	Decoded, CRCPasses int
}

// Search limits: tile periods from 0.45× to 1.95× and ±12° rotation.
const (
	minScale       = 0.45
	maxScale       = 1.95
	maxRotationDeg = 12
	templateCands  = 4   // template offsets decoded per lattice hypothesis
	rankCands      = 4   // further lattice candidates ranked by the template
	acfSize        = 512 // largest autocorrelation window (half resolution)
)

// hypotheses is the number of alignments the search may choose among, used
// for the threshold: every lattice candidate × 8 orientations × every tile
// offset (far more than are decoded, so the bound is conservative).
const hypotheses = (acfCands + 1) * 8 * tileSize * tileSize

// Detect looks for a mark made with o's key (nil: the public key) in img.
// An image that carries none, or too weak a one, gives Present false; the
// error is only for a cancelled context.
func Detect(img goimage.Image, o *Options) (Result, error) {
	return DetectContext(context.Background(), img, o)
}

// DetectContext is Detect with a context checked between stages.
//
// The search decodes at most three lattice hypotheses: the identity, the
// autocorrelation's best, and the best of the next few by template strength.
func DetectContext(ctx context.Context, img goimage.Image, o *Options) (res Result, err error) {
	defer func() {
		if math.IsInf(res.Score, -1) {
			res.Score = 0 // nothing decoded (image too small): a finite score for reports
		}
	}()
	thr := payload.Threshold(payload.DefaultPFA, hypotheses)
	res = Result{Threshold: thr, Score: math.Inf(-1)}
	b := img.Bounds()
	if b.Dx() < tileSize/2 || b.Dy() < tileSize/2 {
		return res, nil
	}
	l := layoutFor(o.key())
	r := whiten(workingLuma(img))
	r2 := halve(r)
	// try decodes at lattice vector u2 (half resolution); it reports
	// whether the search can stop.
	try := func(u2 [2]float64) bool {
		// The half-resolution fold picks the orientations cheaply; the
		// full-resolution fold gives the offsets and soft values.
		hp := templatePeaks(foldTile(r2, u2, halfTile), &l.halfFFT, allOrientations, 3)
		var gs []int
		for _, p := range hp {
			if !slices.Contains(gs, p.g) && len(gs) < 2 {
				gs = append(gs, p.g)
			}
		}
		u := [2]float64{2 * u2[0], 2 * u2[1]}
		fold := foldTile(r, u, tileSize)
		for _, p := range templatePeaks(fold, &l.tmplFFT, gs, templateCands) {
			d := l.code.Decode(readSoft(fold, l, p))
			res.Decoded++
			if d.CRCOK {
				res.CRCPasses++
			}
			if d.Score > res.Score && (res.Present == d.Detected(thr) || d.Detected(thr)) {
				res.Score = d.Score
				res.Scale = math.Hypot(u[0], u[1]) / tileSize
				res.Rotation = math.Atan2(u[1], u[0]) * 180 / math.Pi
				res.Mirrored = p.g&4 != 0
				if d.Detected(thr) {
					res.Present, res.ID, res.Version = true, d.ID, d.Version
				}
			}
		}
		return res.Present && res.Score > thr+3
	}
	// The identity first: resizing keeps it (the working grid is normalised
	// to the image size), and so do all non-geometric attacks.
	identity := [2]float64{halfTile, 0}
	if try(identity) {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	cands := latticeCandidates(autocorrelation(r2))
	if len(cands) == 0 {
		return res, nil
	}
	near := func(u [2]float64) bool { return math.Hypot(u[0]-identity[0], u[1]-identity[1]) < 0.3 }
	if !near(cands[0].u) && try(cands[0].u) {
		return res, nil
	}
	// Of the next candidates, decode the one whose half-resolution fold
	// shows the template most clearly: a test linear in the mark's
	// strength, where the autocorrelation is quadratic.
	best, bz := -1, 0.0
	for i := 1; i < min(len(cands), 1+rankCands); i++ {
		if near(cands[i].u) {
			continue
		}
		hp := templatePeaks(foldTile(r2, cands[i].u, halfTile), &l.halfFFT, allOrientations, 1)
		if len(hp) > 0 && hp[0].z > bz {
			best, bz = i, hp[0].z
		}
	}
	if best >= 0 {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		try(cands[best].u)
	}
	return res, nil
}

var allOrientations = []int{0, 1, 2, 3, 4, 5, 6, 7}

// whiten removes the image's low frequencies and equalises local contrast,
// leaving mostly the mark and texture noise of similar strength everywhere.
func whiten(y *grid) *grid {
	lp := boxBlur(boxBlur(y, 2), 2)
	r := newGrid(y.w, y.h)
	e := newGrid(y.w, y.h)
	for i, v := range y.p {
		d := v - lp.p[i]
		r.p[i] = d
		e.p[i] = d * d
	}
	e = boxBlur(e, 7)
	for i, v := range r.p {
		v /= float32(math.Sqrt(math.Max(float64(e.p[i]), 0))) + 1
		if v > 2.5 {
			v = 2.5
		} else if v < -2.5 {
			v = -2.5
		}
		r.p[i] = v
	}
	return r
}

// foldTile averages the residual into one tile along the lattice spanned by
// u and u turned 90°, with the tile origin at the image centre.
func foldTile(r *grid, u [2]float64, tileSize int) []float32 {
	// Canonical (tile) coordinates q map to working pixels p = c + M·q.
	m00, m10 := u[0]/float64(tileSize), u[1]/float64(tileSize) // first column: u / T
	m01, m11 := -m10, m00                                      // second column: u turned 90°
	cx, cy := float64(r.w)/2, float64(r.h)/2
	det := m00*m11 - m01*m10
	// Bounding box of the image in tile coordinates.
	inv := func(px, py float64) (float64, float64) {
		px, py = px-cx, py-cy
		return (m11*px - m01*py) / det, (-m10*px + m00*py) / det
	}
	qx0, qy0, qx1, qy1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [][2]float64{{0, 0}, {float64(r.w), 0}, {0, float64(r.h)}, {float64(r.w), float64(r.h)}} {
		x, y := inv(c[0], c[1])
		qx0, qy0 = math.Min(qx0, x), math.Min(qy0, y)
		qx1, qy1 = math.Max(qx1, x), math.Max(qy1, y)
	}
	sum := make([]float32, tileSize*tileSize)
	cnt := make([]float32, tileSize*tileSize)
	w1, h1 := float64(r.w-1), float64(r.h-1)
	for qy := int(math.Floor(qy0)); qy <= int(math.Ceil(qy1)); qy++ {
		ty := ((qy % tileSize) + tileSize) % tileSize
		px := cx + m01*float64(qy) + m00*math.Floor(qx0)
		py := cy + m11*float64(qy) + m10*math.Floor(qx0)
		for qx := int(math.Floor(qx0)); qx <= int(math.Ceil(qx1)); qx, px, py = qx+1, px+m00, py+m10 {
			if px < 0 || py < 0 || px >= w1 || py >= h1 {
				continue
			}
			ix, iy := int(px), int(py)
			fx, fy := float32(px-float64(ix)), float32(py-float64(iy))
			o := iy*r.w + ix
			a := r.p[o] + fx*(r.p[o+1]-r.p[o])
			bb := r.p[o+r.w] + fx*(r.p[o+r.w+1]-r.p[o+r.w])
			k := ty*tileSize + ((qx%tileSize)+tileSize)%tileSize
			sum[k] += a + fy*(bb-a)
			cnt[k]++
		}
	}
	for k := range sum {
		if cnt[k] > 0 {
			sum[k] /= cnt[k]
		}
	}
	return sum
}

type tmplPeak struct {
	g      int
	dx, dy float64
	v      float64
	z      float64 // v over the correlation map's standard deviation
}

// templatePeaks cross-correlates the folded tile with the template in its 8
// orientations and returns the strongest offsets.
func templatePeaks(fold []float32, tmplFFT *[8][]complex128, orientations []int, keep int) []tmplPeak {
	n := int(math.Sqrt(float64(len(fold))))
	f := make([]complex128, n*n)
	for i, v := range fold {
		f[i] = complex(float64(v), 0)
	}
	fft2(f, n, n, false)
	c := make([]complex128, n*n)
	var peaks []tmplPeak
	for _, g := range orientations {
		t := tmplFFT[g]
		for i := range c {
			c[i] = f[i] * t[i]
		}
		fft2(c, n, n, true)
		var ss float64
		for _, v := range c {
			ss += real(v) * real(v)
		}
		sd := math.Sqrt(ss/float64(len(c))) + 1e-300
		at := func(x, y int) float64 { return real(c[((y+n)%n)*n+(x+n)%n]) }
		// Best two local maxima for this orientation.
		var best [2]tmplPeak
		best[0].v, best[1].v = math.Inf(-1), math.Inf(-1)
		for i := range c {
			v := real(c[i])
			if v <= best[1].v {
				continue
			}
			x, y := i%n, i/n
			if v < at(x-1, y) || v < at(x+1, y) || v < at(x, y-1) || v < at(x, y+1) {
				continue
			}
			p := tmplPeak{g: g, dx: float64(x), dy: float64(y), v: v, z: v / sd}
			if v > best[0].v {
				best[1], best[0] = best[0], p
			} else {
				best[1] = p
			}
		}
		for _, p := range best {
			if math.IsInf(p.v, -1) {
				continue
			}
			x, y := int(p.dx), int(p.dy)
			sub := func(a, b, c float64) float64 {
				den := a - 2*b + c
				if den >= 0 {
					return 0
				}
				return 0.5 * (a - c) / den
			}
			p.dx += sub(at(x-1, y), p.v, at(x+1, y))
			p.dy += sub(at(x, y-1), p.v, at(x, y+1))
			peaks = append(peaks, p)
		}
	}
	sort.Slice(peaks, func(i, j int) bool { return peaks[i].z > peaks[j].z })
	if len(peaks) > keep {
		peaks = peaks[:keep]
	}
	return peaks
}

// readSoft reads the payload's soft values from the folded tile at the
// template's orientation and offset: each bit sums its chips, each chip read
// through a small matched (tent) filter.
func readSoft(fold []float32, l *layout, p tmplPeak) []float64 {
	const n = tileSize
	// Matched filter for the chip shape: separable [1 2 1]/4.
	sm := make([]float32, n*n)
	tmp := make([]float32, n*n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			tmp[y*n+x] = 0.25*fold[y*n+(x+n-1)%n] + 0.5*fold[y*n+x] + 0.25*fold[y*n+(x+1)%n]
		}
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			sm[y*n+x] = 0.25*tmp[((y+n-1)%n)*n+x] + 0.5*tmp[y*n+x] + 0.25*tmp[((y+1)%n)*n+x]
		}
	}
	sample := func(x, y float64) float64 {
		x = math.Mod(x, n)
		if x < 0 {
			x += n
		}
		y = math.Mod(y, n)
		if y < 0 {
			y += n
		}
		ix, iy := int(x), int(y)
		fx, fy := float32(x-float64(ix)), float32(y-float64(iy))
		ix1, iy1 := (ix+1)%n, (iy+1)%n
		a := sm[iy*n+ix] + fx*(sm[iy*n+ix1]-sm[iy*n+ix])
		b := sm[iy1*n+ix] + fx*(sm[iy1*n+ix1]-sm[iy1*n+ix])
		return float64(a + fy*(b-a))
	}
	soft := make([]float64, l.code.Len())
	for b := range soft {
		var s float64
		for j := 0; j < chipsPerBit; j++ {
			c := int(l.bitChip[b][j])
			cx := float64(c%chipsPerSide)*chipSize + 0.5
			cy := float64(c/chipsPerSide)*chipSize + 0.5
			gx, gy := d4Point(p.g, cx, cy)
			s += float64(l.bitSign[b][j]) * sample(gx+p.dx, gy+p.dy)
		}
		soft[b] = s
	}
	return soft
}
