package disclosure

import (
	"math"
	"sort"
	"sync"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Finding belgi's audible notice again in decoded audio: each spoken clip
// (and the tone) is matched by normalised cross-correlation against the
// first and last seconds of the audio, at 16 kHz, over every lag (by FFT).
// Gain does not matter; lossy coding and the watermark lower the score a
// little. It finds belgi's own clips, not a caller's.

// NoticeMatch is one clip found.
type NoticeMatch struct {
	Kind   Kind
	Lang   string // "" for the tone
	AtEnd  bool
	Offset float64 // seconds from the start of the searched window
	Score  float64 // normalised correlation, 0..1
	IsTone bool
}

// NoticeThreshold is the correlation above which a clip counts as found.
// Unrelated speech and music stay below 0.1 on the shared recordings; the
// "generated" and "edited" Kazakh clips share their first words and reach
// 0.72 against each other, so the threshold sits above that and, per
// language and window, only the better kind is kept.
const NoticeThreshold = 0.8

const findRate = 16000 // the clips' own rate: no resampling of them, and sub-sample offsets cost little

var (
	findClipsOnce sync.Once
	findClips     []findClip
)

type findClip struct {
	kind   Kind
	lang   string
	tone   bool
	s      []float64
	energy float64
}

func loadFindClips() {
	for _, k := range []Kind{Generated, Edited} {
		for _, lang := range []string{"kk", "ru", "en"} {
			c, ok := Voice(k, lang)
			if !ok {
				continue
			}
			findClips = append(findClips, newFindClip(k, lang, false, Resample(c.Samples, c.Rate, findRate)))
		}
	}
	t := Tone(findRate)
	findClips = append(findClips, newFindClip(Generated, "", true, t.Samples))
}

func newFindClip(k Kind, lang string, tone bool, s []float32) findClip {
	c := findClip{kind: k, lang: lang, tone: tone, s: make([]float64, len(s))}
	for i, v := range s {
		c.s[i] = float64(v)
		c.energy += float64(v) * float64(v)
	}
	return c
}

// FindNotice searches the first and last window seconds of interleaved
// audio for belgi's notice clips and returns the matches above
// NoticeThreshold, best first. window 0 means 12 s (belgi's notice in
// three languages is about 10 s).
func FindNotice(samples []float32, channels, rate int, window float64) []NoticeMatch {
	if channels <= 0 || rate <= 0 || len(samples) < channels {
		return nil
	}
	if window <= 0 {
		window = 12
	}
	findClipsOnce.Do(loadFindClips)
	frames := len(samples) / channels
	// The first and the last window seconds (the whole audio once when it
	// is shorter than the window).
	w := min(int(window*float64(rate)), frames)
	var out []NoticeMatch
	for _, atEnd := range []bool{false, true} {
		if atEnd && w == frames {
			break
		}
		start := 0
		if atEnd {
			start = frames - w
		}
		mono := make([]float32, w)
		for i := range mono {
			var s float32
			for c := 0; c < channels; c++ {
				s += samples[(start+i)*channels+c]
			}
			mono[i] = s / float32(channels)
		}
		x := Resample(mono, rate, findRate)
		cr := newCorrelator(x)
		best := map[string]NoticeMatch{} // per language: the better kind
		for _, c := range findClips {
			score, lag := cr.best(c)
			if score < NoticeThreshold || score <= best[c.lang].Score {
				continue
			}
			best[c.lang] = NoticeMatch{Kind: c.kind, Lang: c.lang, IsTone: c.tone, AtEnd: atEnd, Offset: float64(lag) / findRate, Score: score}
		}
		for _, m := range best {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out
}

// correlator holds the spectrum of one window, reused for every clip.
type correlator struct {
	x    []float32
	size int
	fft  *fourier.FFT
	X    []complex128
	cum  []float64 // running sum of x², for the energy under each lag
}

func newCorrelator(x []float32) *correlator {
	maxClip := 0
	for _, c := range findClips {
		maxClip = max(maxClip, len(c.s))
	}
	size := 1
	for size < len(x)+maxClip {
		size <<= 1
	}
	cr := &correlator{x: x, size: size, fft: fourier.NewFFT(size), cum: make([]float64, len(x)+1)}
	xa := make([]float64, size)
	for i, v := range x {
		xa[i] = float64(v)
		cr.cum[i+1] = cr.cum[i] + float64(v)*float64(v)
	}
	cr.X = cr.fft.Coefficients(nil, xa)
	return cr
}

// best returns the largest normalised correlation of clip c with the
// window over all lags where the clip fits, and that lag.
func (cr *correlator) best(c findClip) (float64, int) {
	n, m := len(cr.x), len(c.s)
	if m == 0 || n < m || c.energy == 0 {
		return 0, 0
	}
	ca := make([]float64, cr.size)
	copy(ca, c.s)
	C := cr.fft.Coefficients(nil, ca)
	for i := range C {
		C[i] = cr.X[i] * complex(real(C[i]), -imag(C[i])) // correlation: X·conj(C)
	}
	corr := cr.fft.Sequence(nil, C)
	best, lag := 0.0, 0
	for k := 0; k+m <= n; k++ {
		e := cr.cum[k+m] - cr.cum[k]
		if e <= 1e-12 {
			continue
		}
		r := corr[k] / float64(cr.size) / math.Sqrt(e*c.energy)
		if r > best {
			best, lag = r, k
		}
	}
	return best, lag
}

// bestCorrelation is best for a single clip and window.
func bestCorrelation(x []float32, c findClip) (float64, int) { return newCorrelator(x).best(c) }
