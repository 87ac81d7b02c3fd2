package audio

import (
	"fmt"
	"math"

	"github.com/belgi/belgi/watermark/payload"
)

// embed.go adds the mark: for every frame (hop 14.5 ms, window 29 ms,
// sqrt-Hann analysis and synthesis) the mono mix's spectrum in each band is
// scaled by a·sign(cell) and transformed back, so the mark is the host's own
// band content, ±20 % in amplitude (a = defaultStrength·(mean band energy /
// band energy), at most maxRelChange: weak bands, masked by their strong
// neighbours, carry more of it). A limiter then holds the mark at least capDB
// below the quietest channel in every limiter block (a power of two near
// half a frame, 256 samples at 44.1 kHz) of each 1024-sample frame of the
// segmental SNR measure while the running segmental SNR of the output is at
// or above segTargetDB, and at strictCapDB (35 dB, the top of the segmental
// SNR scale, where a frame costs nothing) while it is below: the budget
// goes to fewer frames at a time with a stronger mark, which detects better
// than an even spread at the same segmental SNR (a mean of frame SNRs in dB
// rewards the uneven split). The
// segmental SNR stays above 28 dB and transients get no audible pre-echo.

// Limiter settings (variables so that the development probe can vary them).
var (
	capDB       = 24.0 // per-block limit while the running segmental SNR allows
	strictCapDB = 35.0 // per-block limit while it is below segTargetDB
	segTargetDB = 28.8 // running mean of clamped block SNRs to hold
)

const (
	segFrame        = 1024 // samples per frame of the segmental SNR measure (SegmentalSNR)
	defaultStrength = 0.2
	maxRelChange    = 0.5 // largest relative amplitude change of a band
	shapeGamma      = 1.0
	minActiveSec    = 2.3 // marked audio needed to carry one decodable block
)

// Embedder adds the watermark to a stream of interleaved samples.
// Write returns marked samples as they become final (a latency of about
// 40 ms); Close returns the rest. Memory does not grow with duration.
type Embedder struct {
	rate, ch  int
	hop       float64
	wl        int
	fft       *realFFT
	win       []float64
	bins      [][2]int
	sign      []float64 // per block cell
	strength  float64
	lb        int     // limiter block length
	cap       float64 // mark/host energy ratio allowed
	capStrict float64
	segSum    float64 // clamped block SNRs (dB) of the blocks output
	segN      int
	segHist   [8]segStat // running totals after each of the last blocks
	fStrong   bool       // the current measure frame takes the strong cap
	fes, fen  float64    // host and mark energy of the measure frame so far

	in    []float32 // interleaved input not yet output; in[0] is sample base
	mono  []float64 // mono mix of in
	mark  []float64 // mark accumulated over in
	base  int64     // absolute frame (sample) index of in[0]
	total int64     // samples written so far (per channel)
	k     int64     // next pattern frame to synthesise
	done  int64     // mark is final below this sample
	gains []float64 // limiter gains of blocks from gBase on
	gBase int64     // block index of gains[0]
	out   int64     // next block to output

	frame  []float64
	spec   []complex128
	bandE  []float64
	active int64 // samples of blocks that carry the mark at ≥ 1/4 strength
	closed bool
}

type segStat struct {
	sum float64
	n   int
}

// NewEmbedder prepares marking id into audio at rate with ch interleaved
// channels.
func NewEmbedder(rate, ch int, id uint64, opt Options) (*Embedder, error) {
	return newEmbedder(rate, ch, payload.New(opt.Key).Encode(id), opt)
}

// newEmbedder marks the channel symbols chips (±1).
func newEmbedder(rate, ch int, chips []int8, opt Options) (*Embedder, error) {
	if rate < 11025 || rate > maxRate || ch < 1 || ch > 64 {
		return nil, fmt.Errorf("%w: %d Hz, %d channels (embedding needs 11.025–384 kHz)", ErrFormat, rate, ch)
	}
	if len(chips) == 0 {
		return nil, fmt.Errorf("%w: no payload chips", ErrFormat)
	}
	s := opt.Strength
	if s <= 0 {
		s = 1
	}
	e := &Embedder{rate: rate, ch: ch, hop: hopSamples(rate), wl: winLen(rate)}
	n := fftLen(rate)
	e.fft = newRealFFT(n)
	e.win = sqrtHann(e.wl)
	e.bins = bandBins(rate, n, 1)
	e.sign = newPattern(opt.Key, len(chips)).signs(chips)
	e.strength = math.Min(defaultStrength*s, 0.5)
	// Limiter blocks are the power of two nearest half a frame, so that
	// they tile the segmental SNR measure's 1024-sample frames exactly and
	// a whole measured frame is either strong or strict.
	e.lb = 1 << int(math.Round(math.Log2(e.hop/2)))
	e.cap = math.Pow(10, -capDB/10)
	e.capStrict = math.Pow(10, -strictCapDB/10)
	e.frame = make([]float64, n)
	e.bandE = make([]float64, numBands)
	e.spec = make([]complex128, n/2+1)
	return e, nil
}

func sqrtHann(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Sin(math.Pi * (float64(i) + 0.5) / float64(n))
	}
	return w
}

// bandBins maps the bands, scaled in frequency by phi, to FFT bin ranges
// [lo, hi) at rate and FFT length n; bands above Nyquist are empty.
func bandBins(rate, n int, phi float64) [][2]int {
	bb := make([][2]int, numBands)
	nyq := n / 2
	for b := range bb {
		lo := int(math.Ceil(bandEdges[b] * phi * float64(n) / float64(rate)))
		hi := int(math.Ceil(bandEdges[b+1] * phi * float64(n) / float64(rate)))
		if hi > nyq {
			hi = nyq
		}
		if lo > hi {
			lo = hi
		}
		bb[b] = [2]int{lo, hi}
	}
	return bb
}

func (e *Embedder) frameStart(k int64) int64 { return int64(math.Round(float64(k) * e.hop)) }

// Write marks the interleaved samples in and appends the samples that are
// final to dst, returning it.
func (e *Embedder) Write(dst, in []float32) []float32 {
	if e.closed {
		panic("audio: Write after Close")
	}
	ch := e.ch
	nf := len(in) / ch
	e.in = append(e.in, in[:nf*ch]...)
	inv := 1 / float64(ch)
	for i := 0; i < nf; i++ {
		var s float64
		for c := 0; c < ch; c++ {
			s += float64(in[i*ch+c])
		}
		e.mono = append(e.mono, s*inv)
		e.mark = append(e.mark, 0)
	}
	e.total += int64(nf)
	e.frames(false)
	return e.emit(dst, false)
}

// Close flushes the stream. It returns ErrNotEmbeddable (with the remaining
// samples still appended to dst) when less than minActiveSec of the audio
// could carry the mark: the caller should then keep the original.
func (e *Embedder) Close(dst []float32) ([]float32, error) {
	if e.closed {
		return dst, nil
	}
	e.frames(true)
	dst = e.emit(dst, true)
	e.closed = true
	if float64(e.active) < minActiveSec*float64(e.rate) {
		return dst, fmt.Errorf("%w: %.1f s of %.1f s markable (need %.1f s of non-silent audio)",
			ErrNotEmbeddable, float64(e.active)/float64(e.rate), float64(e.total)/float64(e.rate), minActiveSec)
	}
	return dst, nil
}

// frames synthesises every frame whose window is available (all remaining
// ones, zero-padded, at the end).
func (e *Embedder) frames(final bool) {
	end := e.base + int64(len(e.mono))
	for {
		s := e.frameStart(e.k)
		if s >= end || (!final && s+int64(e.wl) > end) {
			break
		}
		e.synth(s, e.k)
		e.k++
		e.done = e.frameStart(e.k)
	}
	if final {
		e.done = end
	}
}

func (e *Embedder) synth(start, k int64) {
	x := e.frame
	off := int(start - e.base)
	avail := len(e.mono) - off
	for i := 0; i < e.wl; i++ {
		if i < avail {
			x[i] = e.mono[off+i] * e.win[i]
		} else {
			x[i] = 0
		}
	}
	for i := e.wl; i < len(x); i++ {
		x[i] = 0
	}
	e.fft.forward(e.spec, x)
	row := int(k%blockFrames) * numBands
	sp := e.spec
	// Perceptual shaping: the mark follows the band spectrum smoothed over
	// ±2 bands rather than each band's own energy, so spectral valleys next
	// to strong bands (where the strong band masks it) carry a larger
	// relative change, and peaks a smaller one.
	en := e.bandE
	for b, r := range e.bins {
		var s float64
		for _, c := range sp[r[0]:r[1]] {
			s += real(c)*real(c) + imag(c)*imag(c)
		}
		en[b] = s / float64(max(r[1]-r[0], 1))
	}
	var meanE float64
	for _, v := range en {
		meanE += v
	}
	meanE /= float64(len(en))
	prev := 0
	for b, r := range e.bins {
		for i := prev; i < r[0]; i++ {
			sp[i] = 0
		}
		sm := meanE
		a := e.strength
		if en[b] > 0 {
			a = math.Min(maxRelChange, e.strength*math.Pow(sm/en[b], shapeGamma))
		}
		g := complex(a*e.sign[row+b], 0)
		for i := r[0]; i < r[1]; i++ {
			sp[i] *= g
		}
		prev = r[1]
	}
	for i := prev; i < len(sp); i++ {
		sp[i] = 0
	}
	e.fft.inverse(x, sp)
	n := e.wl
	if n > avail {
		n = avail
	}
	m := e.mark[off:]
	for i := 0; i < n; i++ {
		m[i] += x[i] * e.win[i]
	}
}

// blockGain is the limiter gain of block i (which must lie in the buffer
// and below done): the largest g ≤ 1 with g²·mark energy ≤ cap·host energy
// of the quietest channel.
func (e *Embedder) blockGain(i int64) float64 {
	// Segmental SNR control, once per measured frame (1024 samples): the
	// frame may go down to capDB while the running mean of frame SNRs
	// (clamped to [-10, 35] dB like the measure, over frames above
	// -60 dBFS) stays at or above segTargetDB. The history is the one up
	// to block i-4 whatever the chunking.
	if (i*int64(e.lb))%segFrame == 0 || e.lb >= segFrame {
		h := e.segHist[(i-4)&7]
		e.fStrong = i < 4 || h.n == 0 || h.sum/float64(h.n) >= segTargetDB
	}
	lo := i*int64(e.lb) - e.base
	hi := lo + int64(e.lb)
	if n := int64(len(e.mono)); hi > n {
		hi = n
	}
	var em float64
	for _, v := range e.mark[lo:hi] {
		em += v * v
	}
	if em == 0 {
		return 0
	}
	hostMin := math.Inf(1)
	for c := 0; c < e.ch; c++ {
		var h float64
		for t := lo; t < hi; t++ {
			v := float64(e.in[int(t)*e.ch+c])
			h += v * v
		}
		hostMin = math.Min(hostMin, h)
	}
	// Segmental SNR control: blocks may go down to capDB while the running
	// mean of block SNRs (clamped to [-10, 35] dB like the segmental SNR
	// measure, over blocks above -60 dBFS) stays at or above segTargetDB.
	// The history is the one up to block i-4 whatever the chunking.
	c := e.capStrict
	if e.fStrong {
		c = e.cap
	}
	g := math.Sqrt(c * hostMin / em)
	if g > 1 {
		g = 1
	}
	// Below about -90 dBFS the mark would sit under 16-bit dither: treat as
	// silence rather than marking noise floors.
	if em/float64(hi-lo) < 1e-12 {
		g = 0
	}
	return g
}

func (e *Embedder) gain(i int64) float64 {
	if i < e.gBase {
		i = e.gBase
	}
	return e.gains[i-e.gBase]
}

// emit outputs every block whose smoothed gain is known: block i needs the
// raw gains of blocks up to i+2.
func (e *Embedder) emit(dst []float32, final bool) []float32 {
	lb := int64(e.lb)
	end := e.base + int64(len(e.mono))
	// Raw gains and output interleave in a fixed order: the gain of block i
	// is computed right after block i-4 is output, so the segmental SNR
	// control sees the same history however the stream is chunked.
	sm := func(i, last int64) float64 { // min over neighbours, clamped to known blocks
		g := e.gain(i)
		if i > e.gBase {
			g = math.Min(g, e.gain(i-1))
		}
		if i+1 <= last {
			g = math.Min(g, e.gain(i+1))
		}
		return g
	}
	for {
		last := e.gBase + int64(len(e.gains)) - 1 // last block with a gain
		next := last + 1
		canGain := next*lb < end && (final || (next+1)*lb <= e.done)
		if canGain && e.out >= next-3 {
			e.gains = append(e.gains, e.blockGain(next))
			continue
		}
		i := e.out
		if i > last || (i+2 > last && canGain) || (i+2 > last && !final) {
			break
		}
		g0 := math.Min(sm(i, last), sm(max(i-1, e.gBase), last))
		g1 := sm(i, last)
		if i+1 <= last {
			g1 = math.Min(g1, sm(i+1, last))
		}
		if g1 >= 0.02 && g0 >= 0.02 {
			e.active += lb
		}
		lo := i*lb - e.base
		hi := min(lo+lb, int64(len(e.mono)))
		nb := float64(hi - lo)
		var es, en float64
		for t := lo; t < hi; t++ {
			g := g0 + (g1-g0)*float64(t-lo)/nb
			w := g * e.mark[t]
			for c := 0; c < e.ch; c++ {
				x := float64(e.in[int(t)*e.ch+c])
				v := x + w
				if v > 1 {
					v = 1
				} else if v < -1 {
					v = -1
				}
				es += x * x
				en += (v - x) * (v - x)
				dst = append(dst, float32(v))
			}
		}
		// account each measured frame's SNR like the segmental SNR
		// measure does
		e.fes += es
		e.fen += en
		if ((i+1)*lb)%segFrame == 0 || lb >= segFrame {
			fl := float64(max(lb, segFrame) * int64(e.ch))
			if e.fes > 1e-6*fl {
				snr := 35.0
				if e.fen > 0 {
					snr = math.Max(-10, math.Min(35, 10*math.Log10(e.fes/e.fen)))
				}
				e.segSum += snr
				e.segN++
			}
			e.fes, e.fen = 0, 0
		}
		e.segHist[i&7] = segStat{e.segSum, e.segN}
		e.out++
	}
	// drop what is output and no longer needed (keep one block of gains
	// before e.out for smoothing)
	keepBlock := e.out - 2
	if keepBlock > e.gBase {
		e.gains = e.gains[:copy(e.gains, e.gains[keepBlock-e.gBase:])]
		e.gBase = keepBlock
	}
	drop := e.out*lb - e.base
	if next := e.frameStart(e.k) - e.base; next < drop {
		drop = next // the next frame still reads from here (never in practice)
	}
	if drop > 0 && !final {
		e.in = e.in[:copy(e.in, e.in[drop*int64(e.ch):])]
		e.mono = e.mono[:copy(e.mono, e.mono[drop:])]
		e.mark = e.mark[:copy(e.mark, e.mark[drop:])]
		e.base += drop
	}
	return dst
}
