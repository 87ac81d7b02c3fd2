package payload

// conv.go is the error-correcting kernel: a rate-1/3 convolutional code with
// constraint length 7 (generators 133, 171, 165 octal, the set LTE uses),
// zero-terminated, and its soft-input Viterbi decoder. Free distance 15.

const (
	convK      = 7                // constraint length
	convStates = 1 << (convK - 1) // 64
	convRate   = 3                // output bits per input bit
)

var convGen = [convRate]uint32{0o133, 0o171, 0o165}

// convOut[s][b] holds the three output bits (bit j = generator j) for input b
// in state s, where the state holds the previous K-1 input bits, newest in
// the most significant position.
var convOut [convStates][2]uint8

func init() {
	for s := 0; s < convStates; s++ {
		for b := 0; b < 2; b++ {
			reg := uint32(b)<<(convK-1) | uint32(s) // newest bit at the top
			var o uint8
			for j, g := range convGen {
				o |= uint8(parity(reg&g)) << j
			}
			convOut[s][b] = o
		}
	}
}

func parity(x uint32) uint32 {
	x ^= x >> 16
	x ^= x >> 8
	x ^= x >> 4
	x ^= x >> 2
	x ^= x >> 1
	return x & 1
}

func nextState(s, b int) int { return (b<<(convK-1) | s) >> 1 }

// convEncode encodes bits (0/1) and appends K-1 zero tail bits, returning
// 3*(len(bits)+K-1) code bits (0/1).
func convEncode(bits []uint8) []uint8 {
	out := make([]uint8, 0, convRate*(len(bits)+convK-1))
	s := 0
	step := func(b int) {
		o := convOut[s][b]
		for j := 0; j < convRate; j++ {
			out = append(out, (o>>j)&1)
		}
		s = nextState(s, b)
	}
	for _, b := range bits {
		step(int(b & 1))
	}
	for i := 0; i < convK-1; i++ {
		step(0)
	}
	return out
}

// convDecode is the soft-input Viterbi decoder for convEncode: soft[i] > 0
// means code bit i is more likely 0, < 0 means 1, 0 means unknown. It returns
// the n information bits of the codeword with the largest correlation
// sum(soft[i] * (1 - 2*bit[i])), i.e. the maximum-likelihood codeword on an
// additive Gaussian channel.
func convDecode(soft []float64, n int) []uint8 {
	steps := n + convK - 1
	if len(soft) < convRate*steps {
		s := make([]float64, convRate*steps)
		copy(s, soft)
		soft = s
	}
	const negInf = -1e300
	var metric, next [convStates]float64
	for i := range metric {
		metric[i] = negInf
	}
	metric[0] = 0
	// survivors[t][s] = previous state's low bit (the bit shifted out) so
	// that the path can be traced back; input bit is the top bit of s.
	surv := make([][convStates]uint8, steps)
	for t := 0; t < steps; t++ {
		r := soft[convRate*t : convRate*t+convRate]
		bm := branchMetrics(r)
		for i := range next {
			next[i] = negInf
		}
		tail := t >= n
		for s := 0; s < convStates; s++ {
			m := metric[s]
			if m == negInf {
				continue
			}
			for b := 0; b < 2; b++ {
				if tail && b == 1 {
					break
				}
				ns := nextState(s, b)
				v := m + bm[convOut[s][b]]
				if v > next[ns] {
					next[ns] = v
					surv[t][ns] = uint8(s & 1)
				}
			}
		}
		metric = next
	}
	// zero-terminated: the path ends in state 0
	bits := make([]uint8, steps)
	s := 0
	for t := steps - 1; t >= 0; t-- {
		b := s >> (convK - 2) // the input bit is the top bit of the new state
		bits[t] = uint8(b)
		s = (s<<1)&(convStates-1) | int(surv[t][s])
	}
	return bits[:n]
}

// branchMetrics returns, for each of the 8 output patterns o (bit j =
// generator j), the correlation of the received values r with it.
func branchMetrics(r []float64) [8]float64 {
	var bm [8]float64
	for o := 0; o < 8; o++ {
		v := 0.0
		for j := 0; j < convRate; j++ {
			if o>>j&1 == 0 {
				v += r[j]
			} else {
				v -= r[j]
			}
		}
		bm[o] = v
	}
	return bm
}
