package payload

import (
	"encoding/binary"
	"hash/crc32"
)

// crc.go is the frame check: CRC-32C (Castagnoli, reflected polynomial
// 0x82F63B78) over the version byte followed by the big-endian 64-bit ID.
// CRC-32C detects every burst of up to 32 bits and lets a random frame pass
// with probability 2^-32, which bounds the rate of wrong IDs after a failed
// decode.

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func frameCRC(version int, id uint64) uint32 {
	var b [9]byte
	b[0] = byte(version)
	binary.BigEndian.PutUint64(b[1:], id)
	return crc32.Checksum(b[:], castagnoli)
}
