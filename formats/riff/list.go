package riff

import (
	"encoding/binary"
	"fmt"
)

// SubChunk is one chunk inside a LIST payload, held in memory (LIST chunks
// carry tags and cue labels, never sample data).
type SubChunk struct {
	ID   FourCC
	Data []byte
}

// ParseList splits a LIST payload (list type followed by sub-chunks) into
// its type and sub-chunks. A missing pad byte after the last sub-chunk is
// accepted; any size reaching past the payload is an error.
func ParseList(payload []byte) (FourCC, []SubChunk, error) {
	var typ FourCC
	if len(payload) < 4 {
		return typ, nil, fmt.Errorf("%w: LIST payload of %d bytes has no list type", ErrCorrupt, len(payload))
	}
	copy(typ[:], payload)
	var subs []SubChunk
	off := 4
	for off < len(payload) {
		if len(payload)-off < 8 {
			if allZero(payload[off:]) {
				break // some writers pad lists with zeros
			}
			return typ, nil, fmt.Errorf("%w: LIST/%s: %d stray bytes at offset %d", ErrCorrupt, typ, len(payload)-off, off)
		}
		var id FourCC
		copy(id[:], payload[off:])
		n := int(binary.LittleEndian.Uint32(payload[off+4:]))
		if n < 0 || n > len(payload)-off-8 {
			return typ, nil, fmt.Errorf("%w: LIST/%s: sub-chunk %q at offset %d: length %d beyond list end %d", ErrCorrupt, typ, id, off, n, len(payload))
		}
		subs = append(subs, SubChunk{ID: id, Data: payload[off+8 : off+8+n]})
		off += 8 + n + n&1
	}
	return typ, subs, nil
}

// BuildList makes a LIST payload (without the LIST header) from a list type
// and sub-chunks, padding each odd sub-chunk with a zero byte.
func BuildList(typ FourCC, subs []SubChunk) []byte {
	n := 4
	for _, s := range subs {
		n += 8 + len(s.Data) + len(s.Data)&1
	}
	b := make([]byte, 0, n)
	b = append(b, typ[:]...)
	for _, s := range subs {
		b = append(b, s.ID[:]...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(s.Data)))
		b = append(b, s.Data...)
		if len(s.Data)&1 == 1 {
			b = append(b, 0)
		}
	}
	return b
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
