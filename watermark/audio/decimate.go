package audio

import "math"

// decimate.go halves the detector's sample rate while it stays at or above
// decimateMin: the marked bands end at 5.2 kHz (5.07 kHz at +2 % pitch), so
// the detector's quarter-frame analysis needs nothing above 8 kHz, and at
// 44.1 kHz half of every FFT it computed was spent on the empty top half
// (at 192 kHz seven eighths). Embedding is not affected.

const decimateMin = 16000

// halfbandTaps is a 31-tap half-band low-pass (Blackman-windowed sinc):
// flat within 0.01 dB to an eighth of the input rate, at least 70 dB down
// from three eighths on (TestHalfband); every even tap but the centre is 0.
var halfbandTaps = func() []float64 {
	const n = 15
	h := make([]float64, 2*n+1)
	for i := -n; i <= n; i++ {
		var v float64
		if i == 0 {
			v = 0.5
		} else if i%2 != 0 {
			v = math.Sin(math.Pi*float64(i)/2) / (math.Pi * float64(i))
		}
		x := float64(i+n) / float64(2*n)
		w := 0.42 - 0.5*math.Cos(2*math.Pi*x) + 0.08*math.Cos(4*math.Pi*x)
		h[i+n] = v * w
	}
	var s float64
	for _, v := range h {
		s += v
	}
	for i := range h {
		h[i] /= s // unit gain at DC
	}
	return h
}()

// halfband decimates a stream by two.
type halfband struct {
	buf  []float64 // the last len(halfbandTaps)-1 inputs, then new ones
	odd  bool      // the next input sample is at an odd position
	init bool
}

// process appends the decimated output of in to out.
func (h *halfband) process(out, in []float64) []float64 {
	L := len(halfbandTaps)
	if !h.init {
		h.buf = make([]float64, L-1, L-1+len(in))
		h.init = true
	}
	start := len(h.buf)
	h.buf = append(h.buf, in...)
	for p := start; p < len(h.buf); p++ {
		// output one sample per even input position, from the L taps
		// ending there
		if h.odd {
			h.odd = false
			continue
		}
		h.odd = true
		x := h.buf[p-L+1 : p+1]
		var s float64
		for k, c := range halfbandTaps {
			if c != 0 {
				s += c * x[k]
			}
		}
		out = append(out, s)
	}
	n := copy(h.buf, h.buf[len(h.buf)-(L-1):])
	h.buf = h.buf[:n]
	return out
}
