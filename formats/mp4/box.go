// Package mp4 reads and rewrites ISO BMFF (MP4) and QuickTime (MOV) files at
// the box level without touching the media: it walks top-level boxes, holds
// only moov (and fragment headers) in memory, patches absolute chunk offsets
// when boxes move, and streams mdat through unchanged.
//
// It also builds and reads the few boxes belgi writes (an XMP uuid box,
// QuickTime keys/ilst metadata and a tx3g timed-text track). It does not
// decide what to write, and it never decodes or encodes samples: that is
// package label's job (and ffmpeg's, for the burn-in path).
package mp4

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrCorrupt is wrapped by every error about malformed box structure.
var ErrCorrupt = errors.New("mp4: corrupt file")

// ErrUnsupported is wrapped by errors about valid files this package cannot rewrite.
var ErrUnsupported = errors.New("mp4: unsupported layout")

// Limits keep hostile inputs from making us allocate or recurse without bound.
const (
	// MaxHeaderBox is the largest moov, moof or mfra read into memory.
	MaxHeaderBox = 256 << 20
	// maxTopBoxes bounds the number of top-level boxes a file may have.
	maxTopBoxes = 1 << 20
	// maxDepth bounds box nesting.
	maxDepth = 24
)

// Box is the position of one top-level box in a file.
type Box struct {
	Type       string   // four-character code
	UUID       [16]byte // extended type, for "uuid" boxes
	Offset     int64    // of the first header byte
	Size       int64    // whole box, header included
	HeaderSize int64    // 8, 16 (largesize), plus 16 for uuid
	ToEOF      bool     // size field was 0: the box runs to the end of the file
}

// End returns the offset just past the box.
func (b Box) End() int64 { return b.Offset + b.Size }

// PayloadOffset returns the offset of the first byte after the header.
func (b Box) PayloadOffset() int64 { return b.Offset + b.HeaderSize }

func (b Box) String() string { return fmt.Sprintf("%q at offset %d", b.Type, b.Offset) }

// ReadHeader reads the header of the box that starts at off, inside a
// parent that ends at end. It checks that the box fits in the parent.
func ReadHeader(r io.ReaderAt, off, end int64) (Box, error) {
	var h [32]byte
	if end-off < 8 {
		return Box{}, fmt.Errorf("%w: box header at offset %d: %d bytes left, need 8", ErrCorrupt, off, end-off)
	}
	n := int64(len(h))
	if end-off < n {
		n = end - off
	}
	if _, err := r.ReadAt(h[:n], off); err != nil && !(err == io.EOF) {
		return Box{}, fmt.Errorf("mp4: read box header at offset %d: %w", off, err)
	}
	return parseHeader(h[:n], off, end)
}

func parseHeader(h []byte, off, end int64) (Box, error) {
	if len(h) < 8 {
		return Box{}, fmt.Errorf("%w: box header at offset %d truncated", ErrCorrupt, off)
	}
	b := Box{Offset: off, Type: string(h[4:8]), HeaderSize: 8}
	size := uint64(binary.BigEndian.Uint32(h[:4]))
	switch size {
	case 0:
		b.ToEOF = true
		size = uint64(end - off)
	case 1:
		if len(h) < 16 {
			return Box{}, fmt.Errorf("%w: box %q at offset %d: 64-bit size truncated", ErrCorrupt, b.Type, off)
		}
		size = binary.BigEndian.Uint64(h[8:16])
		b.HeaderSize = 16
	}
	if b.Type == "uuid" {
		if int64(len(h)) < b.HeaderSize+16 {
			return Box{}, fmt.Errorf("%w: uuid box at offset %d: extended type truncated", ErrCorrupt, off)
		}
		copy(b.UUID[:], h[b.HeaderSize:b.HeaderSize+16])
		b.HeaderSize += 16
	}
	if size < uint64(b.HeaderSize) {
		return Box{}, fmt.Errorf("%w: box %q at offset %d: size %d smaller than its header", ErrCorrupt, b.Type, off, size)
	}
	if size > uint64(end-off) {
		return Box{}, fmt.Errorf("%w: box %q at offset %d: size %d runs past the end of its parent at %d", ErrCorrupt, b.Type, off, size, end)
	}
	b.Size = int64(size)
	return b, nil
}

// ScanTop lists the top-level boxes of a file of the given size. Every box
// must fit in the file exactly: trailing garbage, a size past the end or a
// size smaller than the header is an error wrapping ErrCorrupt.
func ScanTop(r io.ReaderAt, size int64) ([]Box, error) {
	var out []Box
	for off := int64(0); off < size; {
		b, err := ReadHeader(r, off, size)
		if err != nil {
			return nil, err
		}
		if len(out) >= maxTopBoxes {
			return nil, fmt.Errorf("%w: more than %d top-level boxes", ErrCorrupt, maxTopBoxes)
		}
		out = append(out, b)
		off = b.End()
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: empty file", ErrCorrupt)
	}
	if out[0].Type != "ftyp" && !knownTop(out[0].Type) {
		return nil, fmt.Errorf("%w: first box %q is not an MP4/QuickTime box", ErrCorrupt, out[0].Type)
	}
	return out, nil
}

func knownTop(t string) bool {
	switch t {
	case "ftyp", "moov", "mdat", "free", "skip", "wide", "styp", "pnot", "uuid", "sidx", "moof", "junk", "pdin", "meta":
		return true
	}
	return false
}

// readBox reads a whole box into memory, refusing boxes above MaxHeaderBox.
func readBox(r io.ReaderAt, b Box) ([]byte, error) {
	if b.Size > MaxHeaderBox {
		return nil, fmt.Errorf("%w: box %s is %d bytes, more than the %d this reader holds in memory", ErrUnsupported, b, b.Size, MaxHeaderBox)
	}
	buf := make([]byte, b.Size)
	if _, err := r.ReadAt(buf, b.Offset); err != nil {
		return nil, fmt.Errorf("mp4: read box %s: %w", b, err)
	}
	return buf, nil
}

// IsQuickTime reports whether the file's ftyp names the QuickTime brand
// ("qt  ") as its major brand, or the file has no ftyp at all (old MOV).
func IsQuickTime(r io.ReaderAt, boxes []Box) bool {
	if len(boxes) == 0 || boxes[0].Type != "ftyp" {
		return len(boxes) > 0
	}
	var brand [4]byte
	if boxes[0].Size < 12 {
		return false
	}
	if _, err := r.ReadAt(brand[:], boxes[0].PayloadOffset()); err != nil {
		return false
	}
	return string(brand[:]) == "qt  "
}
