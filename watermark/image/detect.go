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

// Search limits: tile periods from 0.45× to 2.1× (a crop to a quarter of
// the area doubles the period) and ±12° rotation.
const (
	minScale       = 0.45
	maxScale       = 2.1
	maxRotationDeg = 12
	templateCands  = 4   // template offsets decoded per lattice hypothesis
	rankCands      = 4   // further lattice candidates ranked by the template
	axisCands      = 2   // unrotated lattice candidates decoded
	refineRounds   = 2   // lattice corrections tried on the nearest miss
	refineMinScore = 2.0 // the nearest miss's score that makes refining worth it
	acfSize        = 512 // largest autocorrelation window (half resolution)
)

// maxDecodes caps the payload decodes per image (a search needs 20–60). A
// false detection needs a decoded frame of an unmarked image to pass CRC-32C
// (probability 2⁻³² each, whatever led to choosing that alignment) and the
// score test, so by the union bound P(false detection) ≤
// hypotheses·2⁻³²·Q(threshold); the threshold is computed for exactly that
// (it stays at payload's floor of 3: 384·2⁻³²·Q(3) ≈ 1.2e-10).
const maxDecodes = 256

// After the search, the soft values of the listCands best frames that were
// not detected are list-decoded (listLen frames each): a near miss is most
// often the right frame with one short error event, which the second or
// third most likely path corrects.
const (
	listCands = 4
	listLen   = 32
)

// hypotheses is what the threshold accounts for: every decoded frame,
// list entries included.
const hypotheses = maxDecodes + listCands*listLen

// Detect looks for a mark made with o's key (nil: the public key) in img.
// An image that carries none, or too weak a one, gives Present false; the
// error is only for a cancelled context.
func Detect(img goimage.Image, o *Options) (Result, error) {
	return DetectContext(context.Background(), img, o)
}

// DetectContext is Detect with a context checked between stages.
//
// The search tries, in order and stopping at a clear detection: the
// identity lattice (every attack that keeps the geometry, and any resize of
// an image at least workingBase on its shorter side); for a smaller image,
// the lattice of a downscaled copy; the two best unrotated lattices of the
// autocorrelation (crops, rescales); its best lattice overall; and the best
// of the next few by half-resolution template strength. A near miss is then
// corrected (refineLattice) and list-decoded.
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
	y := workingLuma(img)
	// The payload is read from a prediction-error residual at full
	// resolution (it removes most of a texture); the lattice search works on
	// a smoother residual at half resolution, where the tile's repetition,
	// not its finest detail, matters.
	r := whitenPred(y)
	r2 := whiten(halve(y))
	// misses keeps the best undetected frames, best first: the first for
	// refineLattice, those over the threshold for list decoding.
	type miss struct {
		soft  []float64
		u     [2]float64
		p     tmplPeak
		score float64
	}
	var misses []miss
	record := func(d payload.Decoded, u [2]float64, p tmplPeak) {
		// A detected frame beats any undetected one whatever their scores
		// (a list entry scores at most what its list's best path did).
		if det := d.Detected(thr); (det && !res.Present) || (det == res.Present && d.Score > res.Score) {
			res.Score = d.Score
			res.Scale = math.Hypot(u[0], u[1]) / tileSize
			res.Rotation = math.Atan2(u[1], u[0]) * 180 / math.Pi
			res.Mirrored = p.g&4 != 0
			if det {
				res.Present, res.ID, res.Version = true, d.ID, d.Version
			}
		}
	}
	// decodeAt reads and decodes the payload at template peak p; ok is
	// false once maxDecodes frames have been decoded.
	decodeAt := func(u [2]float64, c *chipReader, p tmplPeak) (score float64, ok bool) {
		if res.Decoded >= maxDecodes {
			return 0, false
		}
		soft := readSoft(c, l, p)
		d := l.code.Decode(soft)
		res.Decoded++
		if d.CRCOK {
			res.CRCPasses++
		}
		if !d.Detected(thr) {
			if len(misses) < listCands || d.Score > misses[len(misses)-1].score {
				if len(misses) == listCands {
					misses = misses[:listCands-1]
				}
				i := sort.Search(len(misses), func(i int) bool { return misses[i].score < d.Score })
				misses = slices.Insert(misses, i, miss{soft, u, p, d.Score})
			}
		}
		record(d, u, p)
		return d.Score, true
	}
	// listDecode tries the near misses' next most likely frames. Only a
	// miss that scored over the threshold (so its CRC failed) can gain: no
	// list entry scores higher than the best path.
	listDecode := func() {
		for _, m := range misses {
			if res.Present || m.score < thr {
				return
			}
			for k, d := range l.code.DecodeList(m.soft, listLen) {
				if k == 0 {
					continue // the frame decodeAt already judged
				}
				res.Decoded++
				if d.CRCOK {
					res.CRCPasses++
				}
				record(d, m.u, m.p)
				if res.Present {
					return
				}
			}
		}
	}
	// decodeAround decodes at sub-pixel steps around the template's peak:
	// the peak's position is only good to a few tenths of a pixel, while
	// the payload wants its chips read within about 0.4 px.
	//
	// The peak itself is decoded first; the eight neighbours always for a
	// lattice known exactly (always: the identity and the downscale, where
	// the offset is all that is left to find and weak marks need it), and
	// for a searched lattice only when the peak scored at least
	// subPixelGate, which most reads of an unmarked image do not.
	decodeAround := func(u [2]float64, c *chipReader, p tmplPeak, always bool) {
		score, ok := decodeAt(u, c, p)
		if res.Present || !ok || (!always && score < subPixelGate) {
			return
		}
		for _, dy := range subPixel {
			for _, dx := range subPixel {
				if dx == 0 && dy == 0 {
					continue
				}
				q := p
				q.dx += dx
				q.dy += dy
				decodeAt(u, c, q)
			}
		}
	}
	try := func(u2 [2]float64, gs []int, exact bool) bool {
		// The half-resolution fold picks the orientations cheaply; the
		// full-resolution fold gives the offsets and soft values.
		hp := templatePeaks(foldTile(r2, u2, halfTile), &l.halfFFT, allOrientations, 3)
		gs = slices.Clone(gs)
		picked := 0
		for _, p := range hp {
			if !slices.Contains(gs, p.g) && picked < 2 {
				picked++
				gs = append(gs, p.g)
			}
		}
		u := [2]float64{2 * u2[0], 2 * u2[1]}
		fold := foldTile(r, u, tileSize)
		c := newChipReader(fold)
		for i, p := range templatePeaks(fold, &l.tmplFFT, gs, templateCands) {
			if i == 0 {
				decodeAround(u, c, p, exact)
			} else {
				decodeAt(u, c, p)
			}
		}
		return res.Present && res.Score > thr+3
	}
	// refine corrects the lattice of the nearest miss (see refine.go), at
	// most twice, when it came close enough to be worth the two extra folds.
	refine := func() {
		if res.Present || len(misses) == 0 || misses[0].score < refineMinScore {
			return
		}
		u, p := misses[0].u, misses[0].p
		for it := 0; it < refineRounds && !res.Present; it++ {
			nu, ok := refineLattice(r, u, l, p)
			if !ok || math.Hypot(nu[0]-u[0], nu[1]-u[1]) < 0.02 {
				return
			}
			u = nu
			fold := foldTile(r, u, tileSize)
			ps := templatePeaks(fold, &l.tmplFFT, []int{p.g}, 1)
			if len(ps) == 0 {
				return
			}
			p = ps[0]
			decodeAround(u, newChipReader(fold), p, true)
		}
	}
	defer func() {
		if err == nil {
			refine()
			listDecode()
		}
	}()
	// The identity first: resizing keeps it (the working grid is normalised
	// to the image size), and so do all non-geometric attacks.
	identity := [2]float64{halfTile, 0}
	// At the identity the upright and the mirrored tile are always read at
	// full resolution: the half-resolution pick is least reliable on pure
	// texture, and these two orientations cover every attack that keeps
	// the lattice (including a horizontal flip).
	if try(identity, []int{0, 4}, true) {
		return res, nil
	}
	// An image smaller than the working grid that was downscaled from one
	// at least as large carries the tile at exactly short/workingBase of its
	// size, whatever size it had: the commonest way to get a small copy.
	var tried [][2]float64
	if f := float64(min(b.Dx(), b.Dy())) / workingBase; f < 1 && f > minScale {
		down := [2]float64{halfTile * f, 0}
		tried = append(tried, down)
		if try(down, []int{0, 4}, true) {
			return res, nil
		}
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	acf := autocorrelation(r2)
	near := func(u [2]float64) bool {
		for _, t := range append(tried, identity) {
			if math.Hypot(u[0]-t[0], u[1]-t[1]) < 0.3 {
				return true
			}
		}
		return false
	}
	// Unrotated first: crops and rescales.
	for _, c := range axisCandidates(acf, axisCands) {
		if near(c.u) {
			continue
		}
		tried = append(tried, c.u)
		if try(c.u, nil, false) {
			return res, nil
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
	}
	cands := latticeCandidates(acf)
	if len(cands) == 0 {
		return res, nil
	}
	if !near(cands[0].u) && try(cands[0].u, nil, false) {
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
		try(cands[best].u, nil, false)
	}
	return res, nil
}

var allOrientations = []int{0, 1, 2, 3, 4, 5, 6, 7}

// subPixel are the offsets (working pixels) around a template peak at which
// decodeAround reads the payload.
var subPixel = []float64{0, -1.0 / 3, 1.0 / 3}

// subPixelGate is the score of the read at a template peak from which
// decodeAround also reads its sub-pixel neighbours.
const subPixelGate = 1.0

// whiten removes a half-resolution grid's low frequencies and equalises
// local contrast, leaving mostly the mark and texture noise of similar
// strength everywhere.
func whiten(y *grid) *grid {
	d := boxBlur(boxBlur(y, 1), 1)
	for i, v := range y.p {
		d.p[i] = v - d.p[i]
	}
	return normalise(d, 3)
}

// whitenPred is whiten with a sharper high-pass: each pixel minus the mean
// of its eight neighbours (a prediction error), which removes far more of
// a texture's own signal at the mark's frequencies.
func whitenPred(y *grid) *grid {
	d := boxBlur(y, 1)
	for i, v := range y.p {
		d.p[i] = (v - d.p[i]) * 9 / 8
	}
	return normalise(d, 7)
}

// normalise divides the high-passed grid d, in place, by its local RMS (over
// (2r+1)² windows, plus one grey level) and clips it to ±2.5, so that busy
// and flat areas weigh alike and outliers cannot dominate.
func normalise(d *grid, r int) *grid {
	e := newGrid(d.w, d.h)
	for i, v := range d.p {
		e.p[i] = v * v
	}
	e = boxBlur(e, r)
	for i, v := range d.p {
		v /= float32(math.Sqrt(math.Max(float64(e.p[i]), 0))) + 1
		if v > 2.5 {
			v = 2.5
		} else if v < -2.5 {
			v = -2.5
		}
		d.p[i] = v
	}
	return d
}

// foldTile averages the residual into one tile along the lattice spanned by
// u and u turned 90°, with the tile origin at the image centre.
func foldTile(r *grid, u [2]float64, tileSize int) []float32 {
	return foldTileIn(r, u, tileSize, goimage.Rect(0, 0, r.w, r.h))
}

// foldTileIn is foldTile over the pixels of r inside rect only (tile
// coordinates still relative to r's centre).
func foldTileIn(r *grid, u [2]float64, tileSize int, rect goimage.Rectangle) []float32 {
	rect = rect.Intersect(goimage.Rect(0, 0, r.w, r.h))
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
	rx0, ry0, rx1, ry1 := float64(rect.Min.X), float64(rect.Min.Y), float64(rect.Max.X), float64(rect.Max.Y)
	for _, c := range [][2]float64{{rx0, ry0}, {rx1, ry0}, {rx0, ry1}, {rx1, ry1}} {
		x, y := inv(c[0], c[1])
		qx0, qy0 = math.Min(qx0, x), math.Min(qy0, y)
		qx1, qy1 = math.Max(qx1, x), math.Max(qy1, y)
	}
	sum := make([]float32, tileSize*tileSize)
	cnt := make([]float32, tileSize*tileSize)
	// Bilinear reads need the right and lower neighbours inside r.
	rx1, ry1 = math.Min(rx1, float64(r.w-1)), math.Min(ry1, float64(r.h-1))
	qxa, qxb := int(math.Floor(qx0)), int(math.Ceil(qx1))
	vrow := make([]float32, r.w)
	for qy := int(math.Floor(qy0)); qy <= int(math.Ceil(qy1)); qy++ {
		ty := ((qy % tileSize) + tileSize) % tileSize
		bx := cx + m01*float64(qy)
		by := cy + m11*float64(qy)
		// The run of qx whose pixel lies inside the image, from the two
		// linear constraints (one spare step each side; the test below is
		// exact).
		lo, hi := float64(qxa), float64(qxb)
		for _, c := range [2][4]float64{{bx, m00, rx0, rx1}, {by, m10, ry0, ry1}} {
			b, m, from, to := c[0], c[1], c[2], c[3]
			switch {
			case m > 0:
				lo, hi = math.Max(lo, (from-b)/m-1), math.Min(hi, (to-b)/m+1)
			case m < 0:
				lo, hi = math.Max(lo, (to-b)/m-1), math.Min(hi, (from-b)/m+1)
			case b < from || b >= to:
				lo, hi = 1, 0
			}
		}
		if lo > hi {
			continue
		}
		qs, qe := int(math.Floor(lo)), int(math.Ceil(hi))
		px, py := bx+m00*float64(qs), by+m10*float64(qs)
		row := sum[ty*tileSize : (ty+1)*tileSize]
		crow := cnt[ty*tileSize : (ty+1)*tileSize]
		tx := ((qs % tileSize) + tileSize) % tileSize
		if m10 == 0 {
			// An unrotated lattice (the identity, rescales, crops): the row
			// is one image row pair, interpolated vertically once.
			if py < ry0 || py >= ry1 {
				continue
			}
			iy := int(py)
			fy := float32(py - float64(iy))
			r0, r1 := r.p[iy*r.w:(iy+1)*r.w], r.p[(iy+1)*r.w:(iy+2)*r.w]
			for k := range vrow {
				vrow[k] = r0[k] + fy*(r1[k]-r0[k])
			}
			for qx := qs; qx <= qe; qx, px = qx+1, px+m00 {
				if px >= rx0 && px < rx1 {
					ix := int(px)
					fx := float32(px - float64(ix))
					row[tx] += vrow[ix] + fx*(vrow[ix+1]-vrow[ix])
					crow[tx]++
				}
				if tx++; tx == tileSize {
					tx = 0
				}
			}
			continue
		}
		for qx := qs; qx <= qe; qx, px, py = qx+1, px+m00, py+m10 {
			if px >= rx0 && py >= ry0 && px < rx1 && py < ry1 {
				ix, iy := int(px), int(py)
				fx, fy := float32(px-float64(ix)), float32(py-float64(iy))
				o := iy*r.w + ix
				a := r.p[o] + fx*(r.p[o+1]-r.p[o])
				bb := r.p[o+r.w] + fx*(r.p[o+r.w+1]-r.p[o+r.w])
				row[tx] += a + fy*(bb-a)
				crow[tx]++
			}
			if tx++; tx == tileSize {
				tx = 0
			}
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

// chipReader samples a folded tile, through a small matched (tent) filter
// for the chip shape, at any point (cyclically, bilinear).
type chipReader struct {
	sm []float32
}

func newChipReader(fold []float32) *chipReader {
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
	return &chipReader{sm: sm}
}

func (c *chipReader) sample(x, y float64) float64 {
	const n = tileSize
	sm := c.sm
	// Cyclic: the tile size is a power of two, so the integer part wraps
	// with a mask.
	fx0, fy0 := math.Floor(x), math.Floor(y)
	fx, fy := float32(x-fx0), float32(y-fy0)
	ix, iy := int(fx0)&(n-1), int(fy0)&(n-1)
	ix1, iy1 := (ix+1)&(n-1), (iy+1)&(n-1)
	a := sm[iy*n+ix] + fx*(sm[iy*n+ix1]-sm[iy*n+ix])
	b := sm[iy1*n+ix] + fx*(sm[iy1*n+ix1]-sm[iy1*n+ix])
	return float64(a + fy*(b-a))
}

// chip reads chip c of the tile under orientation g at offset (dx, dy).
func (c *chipReader) chip(chip int32, g int, dx, dy float64) float64 {
	cx := float64(int(chip)%chipsPerSide)*chipSize + 0.5
	cy := float64(int(chip)/chipsPerSide)*chipSize + 0.5
	gx, gy := d4Point(g, cx, cy)
	return c.sample(gx+dx, gy+dy)
}

// readSoft reads the payload's soft values from the folded tile at the
// template's orientation and offset: each bit sums its chips.
func readSoft(c *chipReader, l *layout, p tmplPeak) []float64 {
	soft := make([]float64, l.code.Len())
	for b := range soft {
		var s float64
		for j := 0; j < chipsPerBit; j++ {
			s += float64(l.bitSign[b][j]) * c.chip(l.bitChip[b][j], p.g, p.dx, p.dy)
		}
		soft[b] = s
	}
	return soft
}
