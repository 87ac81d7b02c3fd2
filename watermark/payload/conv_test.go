package payload

import (
	"math"
	"math/rand"
	"testing"
)

// slowConvEncode is the textbook shift-register encoder, written
// independently of the state tables.
func slowConvEncode(bits []uint8) []uint8 {
	reg := make([]uint8, convK) // reg[0] = current input, reg[k] = input k steps ago
	var out []uint8
	in := append(append([]uint8{}, bits...), make([]uint8, convK-1)...)
	for _, b := range in {
		copy(reg[1:], reg[:convK-1])
		reg[0] = b
		for _, g := range convGen {
			var p uint8
			for k := 0; k < convK; k++ {
				if g>>(convK-1-k)&1 == 1 {
					p ^= reg[k]
				}
			}
			out = append(out, p)
		}
	}
	return out
}

func corr(soft []float64, code []uint8) float64 {
	var v float64
	for i, b := range code {
		v += soft[i] * float64(1-2*int(b))
	}
	return v
}

func TestConvEncodeMatchesShiftRegister(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for trial := 0; trial < 200; trial++ {
		bits := make([]uint8, 1+r.Intn(120))
		for i := range bits {
			bits[i] = uint8(r.Intn(2))
		}
		a, b := convEncode(bits), slowConvEncode(bits)
		if len(a) != len(b) {
			t.Fatalf("len %d vs %d", len(a), len(b))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("trial %d: bit %d differs", trial, i)
			}
		}
	}
}

// TestViterbiIsMaximumLikelihood compares the decoder with an exhaustive
// search over every codeword of short messages.
func TestViterbiIsMaximumLikelihood(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	const n = 9
	codes := allCodewords(n)
	for trial := 0; trial < 300; trial++ {
		soft := make([]float64, convRate*(n+convK-1))
		for i := range soft {
			soft[i] = r.NormFloat64()
			if trial%3 == 0 {
				soft[i] += 0.7 * float64(1-2*int(codes[trial%len(codes)][i]))
			}
		}
		best, bestV := 0, math.Inf(-1)
		for m, c := range codes {
			if v := corr(soft, c); v > bestV {
				best, bestV = m, v
			}
		}
		got := convDecode(soft, n)
		gm := 0
		for i, b := range got {
			gm |= int(b) << i
		}
		if gm != best {
			t.Fatalf("trial %d: viterbi %09b (%.4f), exhaustive %09b (%.4f)", trial, gm, corr(soft, codes[gm]), best, bestV)
		}
	}
}

func TestConvFreeDistance(t *testing.T) {
	// The minimum weight of a non-zero codeword of this code is 15; a single
	// 1 followed by zeros gives the weight of the three generators.
	w := 0
	for _, b := range convEncode([]uint8{1, 0, 0, 0, 0, 0, 0, 0}) {
		w += int(b)
	}
	if w != 15 {
		t.Fatalf("impulse response weight %d, want 15", w)
	}
}

// allCodewords returns slowConvEncode of every n-bit message, message m at
// index m (bit i of m is message bit i): the exhaustive search the decoders
// are checked against.
func allCodewords(n int) [][]uint8 {
	codes := make([][]uint8, 1<<n)
	for m := range codes {
		bits := make([]uint8, n)
		for i := range bits {
			bits[i] = uint8(m >> i & 1)
		}
		codes[m] = slowConvEncode(bits)
	}
	return codes
}
