package payload

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestConvDecodeListMatchesBruteForce checks the list decoder against an
// exhaustive ranking of every codeword of a short frame.
func TestConvDecodeListMatchesBruteForce(t *testing.T) {
	const n, l = 8, 12
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		soft := make([]float64, convRate*(n+convK-1))
		for i := range soft {
			soft[i] = rng.NormFloat64()
		}
		type word struct {
			bits []uint8
			m    float64
		}
		var all []word
		for v := 0; v < 1<<n; v++ {
			bits := make([]uint8, n)
			for i := range bits {
				bits[i] = uint8(v >> (n - 1 - i) & 1)
			}
			var m float64
			for i, b := range convEncode(bits) {
				m += soft[i] * float64(1-2*int(b))
			}
			all = append(all, word{bits, m})
		}
		sort.Slice(all, func(i, j int) bool { return all[i].m > all[j].m })
		got := convDecodeList(soft, n, l)
		if len(got) != l {
			t.Fatalf("trial %d: %d paths, want %d", trial, len(got), l)
		}
		if !slices.Equal(got[0], convDecode(soft, n)) {
			t.Fatalf("trial %d: first path differs from convDecode", trial)
		}
		for k, bits := range got {
			if !slices.Equal(bits, all[k].bits) {
				// Equal metrics may come in either order.
				var m float64
				for i, b := range convEncode(bits) {
					m += soft[i] * float64(1-2*int(b))
				}
				if d := m - all[k].m; d > 1e-9 || d < -1e-9 {
					t.Fatalf("trial %d: path %d has metric %v, want %v", trial, k, m, all[k].m)
				}
			}
		}
	}
}

// TestDecodeListRecoversNearMiss makes a frame whose best path is wrong and
// checks that a short list still holds the sent one with its CRC passing.
func TestDecodeListRecoversNearMiss(t *testing.T) {
	c := New(nil)
	rng := rand.New(rand.NewPCG(3, 4))
	const id = 0x0123456789abcdef
	tx := c.Encode(id)
	found, missed := 0, 0
	for trial := 0; trial < 400 && missed < 40; trial++ {
		soft := make([]float64, len(tx))
		for i, v := range tx {
			soft[i] = float64(v) + 1.25*rng.NormFloat64()
		}
		if d := c.Decode(soft); d.CRCOK && d.ID == id {
			continue
		}
		missed++
		for _, d := range c.DecodeList(soft, 32) {
			if d.CRCOK {
				if d.ID != id {
					t.Fatalf("list decoding returned a wrong ID that passes the CRC")
				}
				found++
				break
			}
		}
	}
	if missed == 0 {
		t.Fatal("no near misses made; raise the noise")
	}
	t.Logf("list of 32 recovered %d of %d frames the plain decoder missed", found, missed)
	if found == 0 {
		t.Fatal("list decoding recovered nothing")
	}
}
