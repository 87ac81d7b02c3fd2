package disclosure

import "math"

// Integrated loudness after ITU-R BS.1770-4: K-weighting (a high-shelf
// pre-filter and the RLB high-pass, designed for any sample rate by the
// bilinear transform of the filters the standard gives at 48 kHz), mean
// square per 400 ms block with 75 % overlap, an absolute gate at -70 LUFS
// and a relative gate 10 LU below the mean of the blocks above it.

// biquad is a direct-form-I second-order section.
type biquad struct{ b0, b1, b2, a1, a2 float64 }

func kWeighting(rate int) (shelf, highpass biquad) {
	fs := float64(rate)
	// Pre-filter: high shelf, +4 dB above ~1.7 kHz.
	f0, g, q := 1681.974450955533, 3.999843853973347, 0.7071752369554196
	k := math.Tan(math.Pi * f0 / fs)
	vh := math.Pow(10, g/20)
	vb := math.Pow(vh, 0.4996667741545416)
	a0 := 1 + k/q + k*k
	shelf = biquad{
		b0: (vh + vb*k/q + k*k) / a0,
		b1: 2 * (k*k - vh) / a0,
		b2: (vh - vb*k/q + k*k) / a0,
		a1: 2 * (k*k - 1) / a0,
		a2: (1 - k/q + k*k) / a0,
	}
	// RLB: second-order high-pass at ~38 Hz.
	f0, q = 38.13547087602444, 0.5003270373238773
	k = math.Tan(math.Pi * f0 / fs)
	a0 = 1 + k/q + k*k
	highpass = biquad{b0: 1, b1: -2, b2: 1, a1: 2 * (k*k - 1) / a0, a2: (1 - k/q + k*k) / a0}
	return shelf, highpass
}

// channelWeight is G_i of BS.1770: 1 for front channels, 1.41 for the
// surrounds of a 5.1 layout, 0 for its LFE.
func channelWeight(ch, channels int) float64 {
	if channels == 6 {
		switch ch {
		case 3:
			return 0
		case 4, 5:
			return 1.41
		}
	}
	return 1
}

// Loudness returns the integrated loudness in LUFS of interleaved samples
// (full scale ±1). It returns -Inf for silence or audio shorter than one
// 400 ms block.
func Loudness(samples []float32, channels, rate int) float64 {
	if channels <= 0 || rate <= 0 {
		return math.Inf(-1)
	}
	frames := len(samples) / channels
	step := rate / 10 // 100 ms: blocks of 4 steps overlap by 75 %
	if step == 0 || frames < 4*step {
		return math.Inf(-1)
	}
	// Mean square per 100 ms step, summed over weighted channels.
	nsteps := frames / step
	steps := make([]float64, nsteps)
	shelf, hp := kWeighting(rate)
	for ch := 0; ch < channels; ch++ {
		w := channelWeight(ch, channels)
		if w == 0 {
			continue
		}
		var s1, s2 biquadState
		for i := 0; i < nsteps*step; i++ {
			y := s2.run(&hp, s1.run(&shelf, float64(samples[i*channels+ch])))
			steps[i/step] += w * y * y
		}
	}
	for i := range steps {
		steps[i] /= float64(step)
	}
	// 400 ms blocks every 100 ms.
	blocks := make([]float64, 0, nsteps-3)
	for i := 0; i+4 <= nsteps; i++ {
		blocks = append(blocks, (steps[i]+steps[i+1]+steps[i+2]+steps[i+3])/4)
	}
	lufs := func(z float64) float64 { return -0.691 + 10*math.Log10(z) }
	gated := func(threshold float64) (float64, int) {
		var sum float64
		n := 0
		for _, z := range blocks {
			if z > 0 && lufs(z) > threshold {
				sum += z
				n++
			}
		}
		return sum, n
	}
	sum, n := gated(-70)
	if n == 0 {
		return math.Inf(-1)
	}
	sum, n = gated(lufs(sum/float64(n)) - 10)
	if n == 0 {
		return math.Inf(-1)
	}
	return lufs(sum / float64(n))
}

type biquadState struct{ x1, x2, y1, y2 float64 }

func (s *biquadState) run(f *biquad, x float64) float64 {
	y := f.b0*x + f.b1*s.x1 + f.b2*s.x2 - f.a1*s.y1 - f.a2*s.y2
	s.x2, s.x1 = s.x1, x
	s.y2, s.y1 = s.y1, y
	return y
}
