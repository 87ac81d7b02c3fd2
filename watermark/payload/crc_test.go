package payload

import (
	"encoding/binary"
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
