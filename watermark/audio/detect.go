package audio

import (
	"fmt"
	"math"
	"slices"

	"github.com/belgi/belgi/watermark/payload"
)

// detect.go finds the mark. The mono mix is analysed every quarter frame
// (the "fine" grid) into log band energies for each frequency scale of the
// search. Audio is then cut into windows of two blocks; in each window every
// hypothesis (time scale τ, frequency scale φ, quarter-frame phase) samples
// frames at its own hop, turns them into features (a cell's log band energy
// minus its prediction from the neighbouring frames, bands and diagonal
// cells with weights fitted to the window, minus the frame's mean over
// bands: the mark's ±1 dB pattern survives, the host's predictable envelope
// and spectral shape do not),
// weights every cell by E/(E+N) against the band's noise floor N, and folds
// them modulo the block length. The sync cells then
// score every block offset; the best hypothesis of each window contributes
// its payload cells to per-chip sums.

const (
	windowBlocks  = 2
	fineSteps     = 4   // fine frames per frame
	marginFine    = 12  // fine frames kept each side of a window for the high-pass
	featureClamp  = 1.5 // |feature| cap in natural-log units: transients cannot dominate
	zAccept       = 5.0 // windows whose sync score reaches this join the "confident" sum
	speedStep     = 0.0025
	speedMax      = 0.02
	logFloor      = 1e-12
	frameVarFloor = 0.01
)

// Detector searches a stream of interleaved samples for the mark.
type Detector struct {
	rate, ch  int // rate: the analysis rate (after decimation)
	decs      []halfband
	mix, dbuf []float64 // scratch: the mono mix, one stage's output
	hop       float64   // frame hop in samples
	fhop      float64   // fine hop
	wl        int
	fft       *realFFT
	win       []float64
	pat       *pattern
	scales    []float64  // φ grid (also the τ grid)
	bins      [][][2]int // per φ
	valid     [][]bool   // per φ: band lies below Nyquist
	hyps      []hyp
	code      *payload.Code

	mono   []float64
	base   int64 // sample index of mono[0]
	total  int64
	nextJ  int64       // next fine frame to analyse
	L      [][]float32 // fine frames lBase…: per φ·numBands+b
	lBase  int64
	winAt  int64 // first fine frame of the current window
	frame  []float64
	spec   []complex128
	power  []float64
	folded []float64 // scratch: per hypothesis fold (sum)
	sq     []float64 // scratch: per hypothesis fold (sum of squares)
	bestF  []float64
	bestG  []float64
	feat   []float64
	nf, nq []float64 // per band: log noise floor of the window; requantisation noise
	nfBuf  []float32
	rho    []float32 // ρ per fine frame (from rhoLo) and band
	rhoLo  int64

	pfft               *realFFT // block-length FFT for the offset search
	col, numO, denO    []float64
	colSpec            []complex128
	syncSpec, maskSpec []complex128 // per band, the sync column's spectrum
	accN, accD         []complex128

	all, conf  chipAcc
	best       chipAcc
	bestZ      float64
	bestTau    float64
	bestPhi    float64
	windows    int
	accepted   int
	hypotheses int
	closed     bool
	predW      [nPred]float64 // the window's feature predictor
	nbrs       [][][2]int     // per φ and band: the valid neighbour bands (see neighbours)
	tmid       []float64      // scratch: mean of a frame's neighbouring frames
}

type hyp struct {
	tau   float64
	phi   int // index into scales
	phase int
}

// chipAcc sums the payload cells per chip and band (index chip·numBands +
// band), and the sync cells per band: the sync cells measure how much of
// the mark each band still carries.
type chipAcc struct{ sum, sq, bs, bq []float64 }

func newChipAcc(n int) chipAcc {
	return chipAcc{make([]float64, n*numBands), make([]float64, n*numBands),
		make([]float64, numBands), make([]float64, numBands)}
}

func (a *chipAcc) addScaled(b chipAcc, w float64) {
	for i := range a.sum {
		a.sum[i] += w * b.sum[i]
		a.sq[i] += w * w * b.sq[i]
	}
	for i := range a.bs {
		a.bs[i] += w * b.bs[i]
		a.bq[i] += w * w * b.bq[i]
	}
}

func (a *chipAcc) add(b chipAcc) { a.addScaled(b, 1) }

// bandWeights returns the weight of every band in the chip sums: its sync
// z-score (the mark's amplitude over the noise in that band, the maximal
// ratio combining weight), shrunk towards the mean over bands by as much as
// the spread of the z-scores is explained by their sampling noise
// (James–Stein), never negative. Bands a filter or codec removed, or noise
// buried, then count little; when every band carries the mark alike, all
// weigh the same.
func (a chipAcc) bandWeights() []float64 {
	w := make([]float64, numBands)
	if !bandWeighting {
		for b := range w {
			w[b] = 1
		}
		return w
	}
	var m, m2 float64
	n := 0
	for b := range w {
		if a.bq[b] > 0 {
			z := a.bs[b] / math.Sqrt(a.bq[b])
			w[b] = z
			m += z
			m2 += z * z
			n++
		}
	}
	if n < 2 {
		for b := range w {
			w[b] = 1
		}
		return w
	}
	m /= float64(n)
	v := m2/float64(n) - m*m
	k := 0.0
	if v > 1 {
		k = 1 - 1/v
	}
	any := false
	for b := range w {
		if a.bq[b] > 0 {
			w[b] = math.Max(0, m+k*(w[b]-m))
			any = any || w[b] > 0
		}
	}
	if !any {
		for b := range w {
			w[b] = 1
		}
	}
	return w
}

func (a chipAcc) soft() []float64 {
	w := a.bandWeights()
	s := make([]float64, len(a.sum)/numBands)
	for i := range s {
		var sum, sq float64
		for b, wb := range w {
			sum += wb * a.sum[i*numBands+b]
			sq += wb * wb * a.sq[i*numBands+b]
		}
		if sq > 0 {
			s[i] = sum / math.Sqrt(sq)
		}
	}
	return s
}

// bandWeighting switches the sync-measured band weights on (a variable for
// the development probe).
var bandWeighting = true

// speedPrior is how much sync z-score a hypothesis one speed step (0.25 %)
// away from unchanged speed gives up, two steps or more twice that (a
// variable for the development probe).
var speedPrior = 0.2

// NewDetector prepares detection in audio at rate with ch interleaved
// channels.
func NewDetector(rate, ch int, opt Options) (*Detector, error) {
	code := payload.New(opt.Key)
	d, err := newDetector(rate, ch, code.Len(), opt)
	if d != nil {
		d.code = code
	}
	return d, err
}

func newDetector(rate, ch, nChips int, opt Options) (*Detector, error) {
	if rate < minRate || rate > maxRate || ch < 1 || ch > 64 {
		return nil, fmt.Errorf("%w: %d Hz, %d channels (detection needs 8–384 kHz)", ErrFormat, rate, ch)
	}
	if nChips <= 0 {
		return nil, fmt.Errorf("%w: no payload chips", ErrFormat)
	}
	// The analysis runs at rate halved while that stays ≥ decimateMin.
	stages := 0
	for rate%2 == 0 && rate/2 >= decimateMin {
		rate /= 2
		stages++
	}
	d := &Detector{rate: rate, ch: ch, hop: hopSamples(rate), wl: winLen(rate)}
	d.decs = make([]halfband, stages)
	d.fhop = d.hop / fineSteps
	n := fftLen(rate)
	d.fft = newRealFFT(n)
	d.win = sqrtHann(d.wl)
	for i := range d.win {
		d.win[i] *= d.win[i] // Hann
	}
	d.pat = newPattern(opt.Key, nChips)
	steps := int(math.Round(speedMax / speedStep))
	for i := -steps; i <= steps; i++ {
		d.scales = append(d.scales, 1+float64(i)*speedStep)
	}
	one := steps
	for _, phi := range d.scales {
		bb := bandBins(rate, n, phi)
		v := make([]bool, numBands)
		for b := range v {
			v[b] = bb[b][1]-bb[b][0] >= 2 && bandEdges[b+1]*phi < 0.98*float64(rate)/2
		}
		d.bins = append(d.bins, bb)
		d.valid = append(d.valid, v)
		d.nbrs = append(d.nbrs, neighbours(v))
	}
	for ti, tau := range d.scales {
		for ph := 0; ph < fineSteps; ph++ {
			d.hyps = append(d.hyps, hyp{tau, ti, ph}) // speed: pitch follows time
			if ti != one {
				d.hyps = append(d.hyps, hyp{tau, one, ph}) // tempo: pitch kept
			}
		}
	}
	d.frame = make([]float64, n)
	d.spec = make([]complex128, n/2+1)
	d.power = make([]float64, n/2+2)
	cells := blockFrames * numBands
	d.folded = make([]float64, cells)
	d.sq = make([]float64, cells)
	d.bestF = make([]float64, cells)
	d.bestG = make([]float64, cells)
	d.feat = make([]float64, numBands)
	d.tmid = make([]float64, numBands)
	d.prepareSync()
	d.all, d.conf, d.best = newChipAcc(nChips), newChipAcc(nChips), newChipAcc(nChips)
	d.winAt = 0
	d.lBase = -marginFine
	return d, nil
}

func (d *Detector) fineStart(j int64) int64 { return int64(math.Round(float64(j) * d.fhop)) }

// Write analyses more interleaved samples.
func (d *Detector) Write(in []float32) {
	ch := d.ch
	nf := len(in) / ch
	inv := 1 / float64(ch)
	m := d.mix[:0]
	for i := 0; i < nf; i++ {
		var s float64
		for c := 0; c < ch; c++ {
			s += float64(in[i*ch+c])
		}
		m = append(m, s*inv)
	}
	d.mix = m
	d.push(m)
	d.analyse(false)
}

// push runs mono samples at the input rate through the decimation stages
// into d.mono.
func (d *Detector) push(m []float64) {
	for i := range d.decs {
		d.dbuf = d.decs[i].process(d.dbuf[:0], m)
		d.mix, d.dbuf = d.dbuf, d.mix
		m = d.mix
	}
	d.mono = append(d.mono, m...)
	d.total += int64(len(m))
}

func (d *Detector) analyse(final bool) {
	end := d.base + int64(len(d.mono))
	for {
		s := d.fineStart(d.nextJ)
		if final {
			if s+int64(d.wl/2) > end {
				break
			}
		} else if s+int64(d.wl) > end {
			break
		}
		d.fine(s)
		d.nextJ++
		wf := int64(windowBlocks * blockFrames * fineSteps)
		if d.nextJ >= d.winAt+wf+marginFine {
			d.window(d.winAt + wf)
			d.winAt += wf
			// keep marginFine fine frames before the new window
			drop := int(d.winAt - marginFine - d.lBase)
			if drop > 0 {
				d.L = d.L[:copy(d.L, d.L[drop:])]
				d.lBase += int64(drop)
			}
		}
	}
	if !final {
		// samples before the next fine frame are no longer needed
		drop := d.fineStart(d.nextJ) - d.base
		if drop > 4096 {
			d.mono = d.mono[:copy(d.mono, d.mono[drop:])]
			d.base += drop
		}
	}
}

// fine computes the log band energies of the fine frame starting at s for
// every frequency scale.
func (d *Detector) fine(s int64) {
	x := d.frame
	off := int(s - d.base)
	avail := len(d.mono) - off
	for i := 0; i < d.wl; i++ {
		if i < avail {
			x[i] = d.mono[off+i] * d.win[i]
		} else {
			x[i] = 0
		}
	}
	for i := d.wl; i < len(x); i++ {
		x[i] = 0
	}
	d.fft.forward(d.spec, x)
	p := d.power
	p[0] = 0
	for i, c := range d.spec {
		p[i+1] = p[i] + real(c)*real(c) + imag(c)*imag(c)
	}
	if len(d.L) == 0 && d.lBase < 0 {
		// fine frames before the start of the audio are silent
		for d.lBase+int64(len(d.L)) < 0 {
			d.L = append(d.L, d.silentRow())
		}
	}
	row := make([]float32, len(d.scales)*numBands)
	for k, bb := range d.bins {
		r := row[k*numBands : (k+1)*numBands]
		for b, lh := range bb {
			r[b] = float32(math.Log(p[lh[1]] - p[lh[0]] + logFloor))
		}
	}
	d.L = append(d.L, row)
}

func (d *Detector) silentRow() []float32 {
	row := make([]float32, len(d.scales)*numBands)
	for i := range row {
		row[i] = float32(math.Log(logFloor))
	}
	return row
}

// lrow returns the fine frame j (clamped to what exists).
func (d *Detector) lrow(j int64) []float32 {
	i := j - d.lBase
	if i < 0 {
		i = 0
	}
	if i >= int64(len(d.L)) {
		i = int64(len(d.L)) - 1
	}
	return d.L[i]
}

// window searches the window of fine frames [d.winAt, end).
func (d *Detector) window(end int64) {
	if len(d.L) == 0 {
		return
	}
	d.noiseFloor(end)
	d.fitPredictor(end)
	bestZ := math.Inf(-1)
	var bestH hyp
	bestO := 0
	for _, h := range d.hyps {
		n := d.foldHyp(h, end)
		if n < 8 {
			continue
		}
		z, o := d.syncSearch()
		// A small prior for the unchanged speed: on a short window the sync
		// peak is broad in speed and a step off wins by chance, with
		// chips a little worse than at the true speed.
		z -= speedPrior * math.Min(2, math.Abs(h.tau-1)/speedStep)
		if z > bestZ {
			bestZ, bestH, bestO = z, h, o
			copy(d.bestF, d.folded)
			copy(d.bestG, d.sq)
		}
	}
	d.hypotheses += len(d.hyps) * blockFrames
	if math.IsInf(bestZ, -1) {
		return
	}
	d.windows++
	acc := newChipAcc(d.pat.nChips)
	d.chips(acc, bestO)
	// Windows whose sync barely stands out from chance may sit at a wrong
	// alignment: they count less in the sum over all windows.
	d.all.addScaled(acc, math.Max(0.25, math.Min(1, (bestZ-3.5)/2)))
	if bestZ >= zAccept {
		d.conf.add(acc)
		d.accepted++
	}
	if bestZ > d.bestZ || d.windows == 1 {
		d.bestZ, d.bestTau, d.bestPhi = bestZ, bestH.tau, d.scales[bestH.phi]
		d.best = acc
	}
}

// Experimental knobs for the noise-floor weighting (see noiseFloor).
var (
	nfPow = 1.0  // cell weight ρ^nfPow
	nfPct = 0.1  // percentile of a band's energies taken as its noise floor
	nfK   = 1.0  // factor on that percentile
	nfQ   = 0.25 // quantisation noise variance, in 16-bit LSB²
)

// noiseFloor estimates, for the window [d.winAt, end), each band's noise
// power (in log units, at the unscaled frequency grid): a low percentile of
// the band's energies over the window (minimum statistics: the level the
// band falls to between notes and words, where a codec's, a channel's or a
// recording's noise shows) or, if higher, the noise of 16-bit requantisation
// with dither. A cell whose energy is E then carries the mark with the
// weight ρ = E/(E+N): a cell at the noise floor holds noise, not the mark.
func (d *Detector) noiseFloor(end int64) {
	if d.nf == nil {
		d.nf = make([]float64, numBands)
		d.nq = make([]float64, numBands)
		var sw float64
		for _, w := range d.win {
			sw += w * w
		}
		one := len(d.scales) / 2
		for b, r := range d.bins[one] {
			// 16-bit requantisation noise, white at the input rate: each
			// decimation stage keeps half of its power
			d.nq[b] = nfQ / (32768.0 * 32768.0) * sw * float64(max(r[1]-r[0], 1)) / float64(int(1)<<len(d.decs))
		}
	}
	one := len(d.scales) / 2
	lo := max(d.winAt, d.lBase)
	hi := min(end, d.lBase+int64(len(d.L)))
	if hi <= lo {
		return
	}
	v := d.nfBuf[:0]
	for b := 0; b < numBands; b++ {
		v = v[:0]
		for j := lo; j < hi; j++ {
			v = append(v, d.L[j-d.lBase][one*numBands+b])
		}
		slices.Sort(v)
		e := math.Exp(float64(v[int(nfPct*float64(len(v)-1))]))
		d.nf[b] = math.Log(nfK*e + d.nq[b])
	}
	d.nfBuf = v
	// ρ^nfPow of every fine frame and band of the window
	d.rhoLo = lo
	n := int(hi-lo) * numBands
	if cap(d.rho) < n {
		d.rho = make([]float32, n)
	}
	d.rho = d.rho[:n]
	for j := lo; j < hi; j++ {
		row := d.L[j-d.lBase][one*numBands : (one+1)*numBands]
		r := d.rho[int(j-lo)*numBands:]
		for b, l := range row {
			rho := 1 / (1 + math.Exp(d.nf[b]-float64(l)))
			if nfPow != 1 {
				rho = math.Pow(rho, nfPow)
			}
			r[b] = float32(rho)
		}
	}
}

// rhoAt returns the noise-floor weights of fine frame j (1 outside the
// window's table).
func (d *Detector) rhoAt(j int64) []float32 {
	i := int(j - d.rhoLo)
	if i < 0 || (i+1)*numBands > len(d.rho) {
		return nil
	}
	return d.rho[i*numBands : (i+1)*numBands]
}

// foldHyp samples the window's frames under h, computes features and folds
// them into d.folded / d.sq; it returns the number of frames folded.
func (d *Detector) foldHyp(h hyp, end int64) int {
	clear(d.folded)
	clear(d.sq)
	step := fineSteps / h.tau
	base := float64(d.winAt + int64(h.phase))
	valid := d.valid[h.phi]
	nbrs := d.nbrs[h.phi]
	lo, hi := h.phi*numBands, (h.phi+1)*numBands
	last := d.lBase + int64(len(d.L)) - 1
	n := 0
	for k := 0; ; k++ {
		pos := base + float64(k)*step
		jk := int64(math.Round(pos))
		if jk >= end || jk > last {
			break
		}
		var rows [2*hpRadius + 1][]float32
		for m := -hpRadius; m <= hpRadius; m++ {
			rows[m+hpRadius] = d.lrow(int64(math.Round(pos + float64(m)*step)))[lo:hi]
		}
		// The feature: the cell's log energy minus its prediction from
		// its neighbours in time and frequency (weights fitted to this
		// window, see predict.go), minus the frame's mean over bands.
		f := d.feat
		var mean float64
		nv := 0
		rm, r0, rp := rows[0], rows[1], rows[2]
		tm := d.tmid
		for b := 0; b < numBands; b++ {
			tm[b] = float64(rm[b]+rp[b]) / 2
		}
		w0, w1, w2 := d.predW[0], d.predW[1], d.predW[2]
		for b, nb := range nbrs {
			if !valid[b] {
				f[b] = 0
				continue
			}
			x1, x2 := tm[b], tm[b]
			if nb[0] >= 0 {
				x1 = float64(r0[nb[0]]+r0[nb[1]]) / 2
				x2 = (tm[nb[0]] + tm[nb[1]]) / 2
			}
			v := float64(r0[b]) - w0*tm[b] - w1*x1 - w2*x2
			f[b] = v
			mean += v
			nv++
		}
		if nv == 0 {
			continue
		}
		mean /= float64(nv)
		// Weight frames by the inverse of their feature variance (maximal
		// ratio combining): onsets and changes of a note swing the log
		// energies far more than the mark does and would drown it.
		var vv float64
		for b := 0; b < numBands; b++ {
			if valid[b] {
				v := f[b] - mean
				vv += v * v
			}
		}
		w := 1 / (vv/float64(nv) + frameVarFloor)
		var rr []float32
		if nfPow > 0 {
			rr = d.rhoAt(jk)
		}
		fr := (k % blockFrames) * numBands
		for b := 0; b < numBands; b++ {
			if !valid[b] {
				continue
			}
			v := f[b] - mean
			if rr != nil {
				v *= float64(rr[b])
			}
			if v > featureClamp {
				v = featureClamp
			} else if v < -featureClamp {
				v = -featureClamp
			}
			v *= w
			d.folded[fr+b] += v
			d.sq[fr+b] += v * v
		}
		n++
	}
	if n > 0 {
		// Per-band maximal ratio combining: weight each band by the inverse
		// of its feature variance in this window.
		for b := 0; b < numBands; b++ {
			var v float64
			for r := 0; r < blockFrames; r++ {
				v += d.sq[r*numBands+b]
			}
			if v <= 0 {
				continue
			}
			w := float64(n) / v
			for r := 0; r < blockFrames; r++ {
				d.folded[r*numBands+b] *= w
				d.sq[r*numBands+b] *= w * w
			}
		}
	}
	return n
}

// syncSearch scores every block offset of the current fold: the sync
// correlation and its normaliser are circular cross-correlations along the
// frame axis, one per band, computed with FFTs of the block length.
func (d *Detector) syncSearch() (float64, int) {
	P, B := blockFrames, numBands
	h := P/2 + 1
	accN, accD := d.accN, d.accD
	clear(accN)
	clear(accD)
	col, spec := d.col, d.colSpec
	for b := 0; b < B; b++ {
		for r := 0; r < P; r++ {
			col[r] = d.folded[r*B+b]
		}
		d.pfft.forward(spec, col)
		sp := d.syncSpec[b*h : (b+1)*h]
		for k := 0; k < h; k++ {
			accN[k] += complex(real(spec[k]), -imag(spec[k])) * sp[k]
		}
		for r := 0; r < P; r++ {
			col[r] = d.sq[r*B+b]
		}
		d.pfft.forward(spec, col)
		mp := d.maskSpec[b*h : (b+1)*h]
		for k := 0; k < h; k++ {
			accD[k] += complex(real(spec[k]), -imag(spec[k])) * mp[k]
		}
	}
	d.pfft.inverse(d.numO, accN)
	d.pfft.inverse(d.denO, accD)
	best, bo := math.Inf(-1), 0
	for o := 0; o < P; o++ {
		if den := d.denO[o]; den > 1e-12 {
			if z := d.numO[o] / math.Sqrt(den); z > best {
				best, bo = z, o
			}
		}
	}
	return best, bo
}

// prepareSync transforms the sync pattern's columns (sign and mask) once.
func (d *Detector) prepareSync() {
	P, B := blockFrames, numBands
	h := P/2 + 1
	d.pfft = newRealFFT(P)
	d.col = make([]float64, P)
	d.colSpec = make([]complex128, h)
	d.syncSpec = make([]complex128, B*h)
	d.maskSpec = make([]complex128, B*h)
	d.accN = make([]complex128, h)
	d.accD = make([]complex128, h)
	d.numO = make([]float64, P)
	d.denO = make([]float64, P)
	for b := 0; b < B; b++ {
		clear(d.col)
		for r := 0; r < P; r++ {
			if c := r*B + b; d.pat.role[c] < 0 {
				d.col[r] = float64(d.pat.pn[c])
			}
		}
		d.pfft.forward(d.syncSpec[b*h:(b+1)*h], d.col)
		clear(d.col)
		for r := 0; r < P; r++ {
			if d.pat.role[r*B+b] < 0 {
				d.col[r] = 1
			}
		}
		d.pfft.forward(d.maskSpec[b*h:(b+1)*h], d.col)
	}
}

// chips adds the best fold's payload cells at offset o to acc, and its
// sync cells' correlation per band.
func (d *Detector) chips(acc chipAcc, o int) {
	B := numBands
	for c, role := range d.pat.role {
		r := c / B
		b := c - r*B
		fr := r - o
		if fr < 0 {
			fr += blockFrames
		}
		i := fr*B + b
		if role < 0 {
			acc.bs[b] += d.bestF[i] * float64(d.pat.pn[c])
			acc.bq[b] += d.bestG[i]
			continue
		}
		acc.sum[int(role)*B+b] += d.bestF[i] * float64(d.pat.pn[c])
		acc.sq[int(role)*B+b] += d.bestG[i]
	}
}

// Result is what a detector found.
type Result struct {
	// Candidates are soft chip vectors for payload.Code.Decode, most
	// likely first: every window summed, the windows with a confident sync
	// summed, and the single best window. Sign = chip, magnitude ≈ z-score.
	Candidates [][]float64
	// Sync is the best window's synchronisation z-score.
	Sync float64
	// Speed and Pitch are the best window's time and frequency scale.
	Speed, Pitch float64
	// Windows searched and accepted (sync ≥ 5).
	Windows, Accepted int
	// Hypotheses counts the alignments searched (for the record; the
	// payload test is made once per candidate).
	Hypotheses int
	// Seconds of audio analysed.
	Seconds float64
}

// Close finishes the stream and decodes what it found.
func (d *Detector) Close() Detection {
	r := d.soft()
	det := Detection{Sync: r.Sync, Speed: r.Speed, Pitch: r.Pitch, Seconds: r.Seconds,
		Windows: r.Windows, Accepted: r.Accepted}
	// Every candidate is decoded with a list Viterbi decoder: the listSize
	// most likely frames, best first; the first whose CRC checks and whose
	// score clears the threshold is reported. Each frame of each list counts
	// as a hypothesis for the threshold. The plain Viterbi frame (the
	// list's first) is tried on every candidate before any list is made.
	det.Candidates = len(r.Candidates) * listSize
	det.Threshold = payload.Threshold(payload.DefaultPFA, max(det.Candidates, 1))
	for i, soft := range r.Candidates {
		dec := d.code.Decode(soft)
		ok := dec.Detected(det.Threshold)
		if ok || i == 0 || dec.Score > det.Decoded.Score {
			det.Decoded, det.Present = dec, ok
		}
		if ok {
			break
		}
	}
	// A list is only built when its best path scores at or above the
	// threshold: no entry can score higher (payload.ScoreBound), so a list
	// skipped could not have detected anything and the accounting above
	// (listSize hypotheses per candidate) holds unchanged. On unmarked audio
	// that skips nearly every list (the bound is about a standard normal).
	for ci := 0; ci < len(r.Candidates) && !det.Present && listSize > 1; ci++ {
		if d.code.ScoreBound(r.Candidates[ci]) < det.Threshold {
			continue
		}
		for _, dec := range d.code.DecodeList(r.Candidates[ci], listSize)[1:] {
			if dec.Detected(det.Threshold) {
				det.Decoded, det.Present = dec, true
				break
			}
		}
	}
	if det.Present {
		det.ID = det.Decoded.ID
	}
	det.Score = det.Decoded.Score
	return det
}

// Detection is the verdict on a stream.
type Detection struct {
	// Present: some candidate decoded with a valid CRC and a score at or
	// above Threshold (P(false detection) ≤ 1e-6 per stream).
	Present bool
	ID      uint64 // the content ID when Present
	Score   float64
	// Threshold applied to Score for the number of Candidates decoded.
	Threshold  float64
	Candidates int
	Decoded    payload.Decoded // the reported candidate's decode
	// Sync, Speed, Pitch: the best window's synchronisation z-score and
	// its time and frequency scale.
	Sync, Speed, Pitch float64
	Windows, Accepted  int
	Seconds            float64
}

// soft finishes the stream (searching the last, partial window) and
// returns the soft chips.
func (d *Detector) soft() Result {
	if !d.closed {
		if len(d.decs) > 0 {
			// flush the decimation filters' delay (not counted as audio)
			t := d.total
			d.push(make([]float64, len(halfbandTaps)<<(len(d.decs)-1)))
			d.total = t
		}
		d.analyse(true)
		if end := d.lBase + int64(len(d.L)); end > d.winAt {
			d.window(end)
		}
		d.closed = true
	}
	r := Result{Sync: d.bestZ, Speed: d.bestTau, Pitch: d.bestPhi,
		Windows: d.windows, Accepted: d.accepted, Hypotheses: d.hypotheses,
		Seconds: float64(d.total) / float64(d.rate)}
	if d.windows == 0 {
		return r
	}
	r.Candidates = append(r.Candidates, d.all.soft())
	if d.accepted > 0 && d.accepted < d.windows {
		r.Candidates = append(r.Candidates, d.conf.soft())
	}
	if d.windows > 1 {
		r.Candidates = append(r.Candidates, d.best.soft())
	}
	return r
}

// listSize is how many frames the list Viterbi decoder tries per candidate
// (a variable for the development probe). With three candidates that is
// 3072 hypotheses: the threshold stays at its floor of 3.0 and
// 3072·2⁻³²·Q(3) ≈ 9.7e-10 bounds a wrong ID.
var listSize = 1024
