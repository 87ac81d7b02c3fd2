package audio

import "math"

// SegmentalSNR measures how far marked is from orig: the mean, over
// 1024-frame blocks whose signal is above −60 dBFS, of the block SNR
// clamped to [−10, 35] dB. It is the quality figure the floor
// (≥ 28 dB) is stated in; NaN when no block carries signal. Samples are
// interleaved with ch channels.
func SegmentalSNR(orig, marked []float32, ch int) float64 {
	fl := 1024 * ch
	var sum float64
	n := 0
	for i := 0; i+fl <= len(orig) && i+fl <= len(marked); i += fl {
		var s, e float64
		for j := i; j < i+fl; j++ {
			s += float64(orig[j]) * float64(orig[j])
			d := float64(marked[j]) - float64(orig[j])
			e += d * d
		}
		if s/float64(fl) < 1e-6 {
			continue
		}
		v := 35.0
		if e > 0 {
			v = math.Min(35, math.Max(-10, 10*math.Log10(s/e)))
		}
		sum += v
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}
