// Package jpeg walks and rewrites the marker segments of a JPEG file
// without decoding it: the segments before the first scan (APPn, DQT,
// SOFn, …) are handed out one by one, and everything from the first SOS on
// (entropy-coded data, later scans, EOI, trailing bytes) is copied as it is.
//
// It places metadata (XMP, Extended XMP, EXIF, and for other packages
// APP11 JUMBF) and reads it back. It is not a decoder (image/jpeg is) and
// decides nothing about what metadata to write (package label does).
// Memory stays bounded by the largest segment (64 KiB), whatever the size
// of the image.
package jpeg

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Markers used by belgi.
const (
	SOI   = 0xD8
	EOI   = 0xD9
	SOS   = 0xDA
	APP0  = 0xE0
	APP1  = 0xE1
	APP2  = 0xE2
	APP11 = 0xEB
	APP13 = 0xED
	APP14 = 0xEE
	COM   = 0xFE
)

// MaxSegmentData is the largest payload a length-prefixed segment can carry.
const MaxSegmentData = 0xFFFF - 2

// ErrCorrupt is wrapped by every error about malformed JPEG structure.
var ErrCorrupt = errors.New("jpeg: corrupt file")

// ErrNotJPEG reports input that does not start with SOI.
var ErrNotJPEG = fmt.Errorf("%w: missing SOI marker", ErrCorrupt)

// Segment is one marker segment before the image data.
type Segment struct {
	Marker byte  // the byte after 0xFF, e.g. APP1
	Offset int64 // file offset of the segment's 0xFF
	// Data is the payload after the length field (the SOS segment's own
	// header for SOS); nil for markers without a length (EOI, RSTn, TEM).
	Data []byte
}

// HasLength reports whether the marker carries a length and payload.
func HasLength(marker byte) bool {
	switch {
	case marker == SOI, marker == EOI, marker == 0x01, marker >= 0xD0 && marker <= 0xD7:
		return false
	}
	return true
}

// Name returns the customary name of the marker ("APP1", "SOF0", "DQT"…).
func Name(marker byte) string {
	switch {
	case marker >= 0xE0 && marker <= 0xEF:
		return fmt.Sprintf("APP%d", marker-0xE0)
	case marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
		return fmt.Sprintf("SOF%d", marker-0xC0)
	case marker >= 0xD0 && marker <= 0xD7:
		return fmt.Sprintf("RST%d", marker-0xD0)
	}
	switch marker {
	case 0xC4:
		return "DHT"
	case 0xCC:
		return "DAC"
	case SOI:
		return "SOI"
	case EOI:
		return "EOI"
	case SOS:
		return "SOS"
	case 0xDB:
		return "DQT"
	case 0xDD:
		return "DRI"
	case COM:
		return "COM"
	}
	return fmt.Sprintf("0x%02X", marker)
}

// WriteTo writes the segment as it appears in a file.
func (s Segment) WriteTo(w io.Writer) (int64, error) {
	if !HasLength(s.Marker) {
		n, err := w.Write([]byte{0xFF, s.Marker})
		return int64(n), err
	}
	return WriteSegment(w, s.Marker, s.Data)
}

// WriteSegment writes marker, length and data.
func WriteSegment(w io.Writer, marker byte, data []byte) (int64, error) {
	if len(data) > MaxSegmentData {
		return 0, fmt.Errorf("jpeg: %s payload of %d bytes exceeds %d", Name(marker), len(data), MaxSegmentData)
	}
	var h [4]byte
	h[0], h[1] = 0xFF, marker
	binary.BigEndian.PutUint16(h[2:], uint16(len(data)+2))
	n, err := w.Write(h[:])
	if err != nil {
		return int64(n), err
	}
	m, err := w.Write(data)
	return int64(n + m), err
}

// Reader hands out the segments of a JPEG up to and including the first
// SOS (or an EOI met before any scan), then the rest of the stream.
type Reader struct {
	br   *bufio.Reader
	off  int64
	done bool
}

// NewReader checks the SOI marker and returns a Reader positioned after it.
func NewReader(r io.Reader) (*Reader, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi[0] != 0xFF || soi[1] != SOI {
		return nil, ErrNotJPEG
	}
	return &Reader{br: br, off: 2}, nil
}

// Offset returns the file offset of the next unread byte.
func (r *Reader) Offset() int64 { return r.off }

// Next returns the next segment. After the SOS (or a lone EOI) segment it
// returns io.EOF; Rest then yields the remaining bytes.
func (r *Reader) Next() (Segment, error) {
	if r.done {
		return Segment{}, io.EOF
	}
	start := r.off
	b, err := r.br.ReadByte()
	if err != nil {
		return Segment{}, r.truncated(start, "marker", err)
	}
	r.off++
	if b != 0xFF {
		return Segment{}, fmt.Errorf("%w: byte 0x%02X at offset %d where a marker should start", ErrCorrupt, b, start)
	}
	// Any number of 0xFF fill bytes may precede a marker.
	m := byte(0xFF)
	for m == 0xFF {
		if m, err = r.br.ReadByte(); err != nil {
			return Segment{}, r.truncated(start, "marker", err)
		}
		r.off++
	}
	if m == 0 || m == SOI {
		return Segment{}, fmt.Errorf("%w: marker 0x%02X at offset %d is not allowed here", ErrCorrupt, m, start)
	}
	seg := Segment{Marker: m, Offset: start}
	if !HasLength(m) {
		if m == EOI {
			r.done = true
		}
		return seg, nil
	}
	var lb [2]byte
	if _, err := io.ReadFull(r.br, lb[:]); err != nil {
		return Segment{}, r.truncated(start, Name(m)+" length", err)
	}
	r.off += 2
	n := int(binary.BigEndian.Uint16(lb[:]))
	if n < 2 {
		return Segment{}, fmt.Errorf("%w: segment %s at offset %d: length %d below 2", ErrCorrupt, Name(m), start, n)
	}
	seg.Data = make([]byte, n-2)
	if k, err := io.ReadFull(r.br, seg.Data); err != nil {
		return Segment{}, fmt.Errorf("%w: segment %s at offset %d: length %d beyond file end (%d bytes left)", ErrCorrupt, Name(m), start, n, k+2)
	}
	r.off += int64(n - 2)
	if m == SOS {
		r.done = true
	}
	return seg, nil
}

func (r *Reader) truncated(off int64, what string, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: file ends at offset %d inside %s", ErrCorrupt, off, what)
	}
	return fmt.Errorf("jpeg: read at offset %d: %w", off, err)
}

// Rest returns the bytes after the last segment Next returned: after SOS
// the entropy-coded data and everything that follows, byte for byte.
func (r *Reader) Rest() io.Reader { return r.br }

// Walk calls fn for every segment up to the first SOS. fn may return
// ErrStop to end the walk early without error.
func Walk(r io.Reader, fn func(Segment) error) error {
	rd, err := NewReader(r)
	if err != nil {
		return err
	}
	for {
		seg, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(seg); err != nil {
			if err == ErrStop {
				return nil
			}
			return err
		}
	}
}

// ErrStop ends a Walk early.
var ErrStop = errors.New("jpeg: stop walk")

// Segments returns every segment up to and including the first SOS (the
// payloads too: they are at most 64 KiB each).
func Segments(r io.Reader) ([]Segment, error) {
	var segs []Segment
	err := Walk(r, func(s Segment) error { segs = append(segs, s); return nil })
	return segs, err
}
