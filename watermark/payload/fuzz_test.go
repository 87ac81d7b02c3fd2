package payload

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzDecode decodes arbitrary soft vectors (any length, NaN, ±Inf, huge
// values): no panic, and a detection only with a matching CRC.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 8*318))
	c := New(nil)
	enc := c.Encode(0xdeadbeef)
	b := make([]byte, 8*len(enc))
	for i, v := range enc {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(float64(v)))
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		soft := make([]float64, len(data)/8)
		for i := range soft {
			soft[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
		d := c.Decode(soft)
		if d.Detected(Threshold(DefaultPFA, 1)) && !d.CRCOK {
			t.Fatal("detected without CRC")
		}
		if math.IsNaN(d.Score) && d.CRCOK {
			t.Fatal("NaN score with a passing CRC")
		}
	})
}
