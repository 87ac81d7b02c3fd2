package disclosure

import "math"

// Band-limited resampling for the audio notice: each output sample is the
// input convolved with a Hann-windowed sinc whose cut-off sits at 95 % of
// the lower of the two Nyquist frequencies, 16 zero crossings each side.
// Clips are seconds long, so the direct form (no polyphase tables) is fast
// enough.

const resampleZeros = 16

// Resample converts mono samples from rate from to rate to.
func Resample(x []float32, from, to int) []float32 {
	if from == to || len(x) == 0 {
		return append([]float32(nil), x...)
	}
	ratio := float64(to) / float64(from)
	cut := 0.5 * 0.95 * math.Min(1, ratio) // cycles per input sample
	half := resampleZeros / (2 * cut)      // kernel half-width in input samples
	// The kernel is tabulated at kernelSteps points per input sample and
	// interpolated linearly: sin/cos per tap would dominate the run time.
	const kernelSteps = 1024
	table := make([]float64, int(half*kernelSteps)+2)
	for i := range table {
		table[i] = sincKernel(float64(i)/kernelSteps, cut, half)
	}
	table[len(table)-1] = 0
	n := int(math.Round(float64(len(x)) * ratio))
	out := make([]float32, n)
	for j := range out {
		t := float64(j) / ratio
		lo := max(int(math.Ceil(t-half)), 0)
		hi := min(int(math.Floor(t+half)), len(x)-1)
		var sum float64
		for i := lo; i <= hi; i++ {
			d := math.Abs(t-float64(i)) * kernelSteps
			k := int(d)
			if k >= len(table)-1 {
				continue
			}
			fr := d - float64(k)
			sum += float64(x[i]) * (table[k] + fr*(table[k+1]-table[k]))
		}
		out[j] = float32(sum)
	}
	return out
}

// sincKernel is 2·cut·sinc(2·cut·d) under a Hann window of half-width half.
func sincKernel(d, cut, half float64) float64 {
	if math.Abs(d) >= half {
		return 0
	}
	w := 0.5 + 0.5*math.Cos(math.Pi*d/half)
	if d == 0 {
		return 2 * cut * w
	}
	a := 2 * math.Pi * cut * d
	return math.Sin(a) / (math.Pi * d) * w
}
