package payload

import (
	"math"
	"math/rand"
	"sort"
	"testing"
)

// TestListViterbiIsExhaustive compares the list decoder with an exhaustive
// ranking of every codeword of short messages.
func TestListViterbiIsExhaustive(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	const n, l = 8, 20
	codes := allCodewords(n)
	for trial := 0; trial < 200; trial++ {
		soft := make([]float64, convRate*(n+convK-1))
		for i := range soft {
			soft[i] = r.NormFloat64()
			if trial%2 == 0 {
				soft[i] += 0.5 * float64(1-2*int(codes[trial%len(codes)][i]))
			}
		}
		want := make([]float64, len(codes))
		for m, c := range codes {
			want[m] = corr(soft, c)
		}
		sort.Sort(sort.Reverse(sort.Float64Slice(want)))
		got := convDecodeList(soft, n, l)
		if len(got) != l {
			t.Fatalf("trial %d: %d paths, want %d", trial, len(got), l)
		}
		seen := map[int]bool{}
		for k, bits := range got {
			m := 0
			for i, b := range bits {
				m |= int(b) << i
			}
			if seen[m] {
				t.Fatalf("trial %d: path %d repeats message %b", trial, k, m)
			}
			seen[m] = true
			if v := corr(soft, codes[m]); math.Abs(v-want[k]) > 1e-9 {
				t.Fatalf("trial %d: path %d correlation %.6f, exhaustive rank %d has %.6f", trial, k, v, k, want[k])
			}
		}
		one := convDecodeList(soft, n, 1)[0]
		plain := convDecode(soft, n)
		for i := range one {
			if one[i] != plain[i] {
				t.Fatalf("trial %d: list of 1 differs from convDecode", trial)
			}
		}
	}
}

// TestDecodeListFindsNearMisses: on a channel where plain Viterbi often
// fails, the true frame is often in the list, and element 0 is Decode's.
func TestDecodeListFindsNearMisses(t *testing.T) {
	c := New(nil)
	r := rand.New(rand.NewSource(11))
	const trials, l = 300, 256
	plain, list := 0, 0
	for k := 0; k < trials; k++ {
		id := r.Uint64()
		x := c.Encode(id)
		soft := make([]float64, len(x))
		for i, v := range x {
			soft[i] = 0.75*float64(v) + r.NormFloat64()
		}
		d := c.Decode(soft)
		ds := c.DecodeList(soft, l)
		if ds[0] != d {
			t.Fatalf("trial %d: DecodeList[0] %+v != Decode %+v", k, ds[0], d)
		}
		if d.CRCOK && d.ID == id {
			plain++
		}
		for _, e := range ds {
			if e.CRCOK {
				if e.Score < 0 {
					t.Fatalf("trial %d: a CRC-valid entry has score %.1f", k, e.Score)
				}
				if e.ID != id {
					t.Fatalf("trial %d: wrong frame passed the CRC", k)
				}
				list++
				break
			}
		}
	}
	t.Logf("exact frame: Viterbi %d / %d, list of %d %d / %d", plain, trials, l, list, trials)
	if list <= plain {
		t.Errorf("list decoding found %d, plain %d", list, plain)
	}
}

// TestDecodeListNull: random soft values give no CRC-valid frame in the
// list (probability l·2⁻³² per vector).
func TestDecodeListNull(t *testing.T) {
	c := New(nil)
	r := rand.New(rand.NewSource(12))
	for k := 0; k < 300; k++ {
		s := make([]float64, c.Len())
		for i := range s {
			s[i] = r.NormFloat64()
		}
		for _, e := range c.DecodeList(s, 256) {
			if e.CRCOK {
				t.Fatalf("vector %d: a random list entry passed the CRC", k)
			}
		}
	}
}

// TestScoreBound: no CRC-valid frame of Decode or DecodeList scores above
// ScoreBound, which equals Decode's score when its CRC checks; erased input
// gives -Inf.
func TestScoreBound(t *testing.T) {
	c := New([]byte("bound"))
	r := rand.New(rand.NewSource(13))
	hit, equal := 0, 0
	for k := 0; k < 200; k++ {
		x := c.Encode(r.Uint64())
		soft := make([]float64, len(x))
		a := 0.25 * float64(k%5) // from no mark to a clear one
		for i, v := range x {
			soft[i] = a*float64(v) + r.NormFloat64()
			if r.Intn(10) == 0 {
				soft[i] = 0
			}
		}
		b := c.ScoreBound(soft)
		d := c.Decode(soft)
		if d.CRCOK {
			if math.Abs(d.Score-b) > 1e-9 {
				t.Fatalf("vector %d: Decode's CRC-valid score %.6f, bound %.6f", k, d.Score, b)
			}
			equal++
		}
		for _, e := range c.DecodeList(soft, 64) {
			if e.CRCOK {
				if e.Score > b+1e-9 {
					t.Fatalf("vector %d: list entry scores %.6f above the bound %.6f", k, e.Score, b)
				}
				hit++
			}
		}
	}
	if hit == 0 || equal == 0 {
		t.Fatalf("the test exercised nothing: %d CRC-valid entries, %d plain", hit, equal)
	}
	if b := c.ScoreBound(make([]float64, c.Len())); !math.IsInf(b, -1) {
		t.Fatalf("all-erased bound %v, want -Inf", b)
	}
}
