package payload

import (
	"encoding/binary"
	"math/bits"
	"math/rand"
	"testing"
)

// slowCRC32C is the bit-serial definition: reflected polynomial 0x82F63B78,
// initial value and final XOR 0xFFFFFFFF.
func slowCRC32C(b []byte) uint32 {
	crc := uint32(0xFFFFFFFF)
	for _, x := range b {
		for i := 0; i < 8; i++ {
			bit := (uint32(x) >> i & 1) ^ (crc & 1)
			crc >>= 1
			if bit == 1 {
				crc ^= 0x82F63B78
			}
		}
	}
	return ^crc
}

func TestCRCMatchesBitSerial(t *testing.T) {
	if got := slowCRC32C([]byte("123456789")); got != 0xE3069283 {
		t.Fatalf("reference check value %08x, want e3069283", got)
	}
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 1000; i++ {
		v, id := r.Intn(16), r.Uint64()
		var b [9]byte
		b[0] = byte(v)
		binary.BigEndian.PutUint64(b[1:], id)
		if frameCRC(v, id) != slowCRC32C(b[:]) {
			t.Fatalf("crc of %d/%016x differs", v, id)
		}
	}
}

// TestFrameCRCDistance: every CRC-valid frame (version, ID, CRC-32C; 100
// bits) differs from every other in at least 8 bits. A wrong ID from the
// list decoder therefore needs a decoded frame 8 or more bits away from the
// true one. Exhaustive over error patterns with up to 7 version/ID bits
// (more than 7 are 8 or more by themselves); the CRC is affine, so a
// pattern's CRC change is the XOR of its bits' changes.
func TestFrameCRCDistance(t *testing.T) {
	if testing.Short() {
		t.Skip("1.2e9 patterns")
	}
	const n = versionBits + idBits
	var d [n]uint32
	c0 := frameCRC(0, 0)
	for i := 0; i < n; i++ {
		if i < versionBits {
			d[i] = frameCRC(1<<i, 0) ^ c0
		} else {
			d[i] = frameCRC(0, 1<<(i-versionBits)) ^ c0
		}
	}
	least := 1000
	var rec func(start, k int, x uint32)
	rec = func(start, k int, x uint32) {
		if k > 0 {
			least = min(least, k+bits.OnesCount32(x))
		}
		if k == 7 {
			return
		}
		for i := start; i < n; i++ {
			rec(i+1, k+1, x^d[i])
		}
	}
	rec(0, 0, 0)
	if least != 8 {
		t.Fatalf("minimum distance between CRC-valid frames %d, want 8", least)
	}
}
