package jpeg

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// Carrying metadata over a re-encode: an encoder (image/jpeg) writes only
// the segments it needs to decode (DQT, SOF, DHT, SOS). CarryMetadata puts
// the source's metadata segments back, in their order, after the new SOI.

// CarryKind says what happens to one source segment on a re-encode.
type CarryKind int

const (
	// Carry copies the segment (APPn metadata, COM).
	Carry CarryKind = iota
	// DropCoding leaves out a segment that describes the old coding (DQT,
	// SOF, DHT, DRI, SOS, Adobe APP14 colour transform) — the encoder
	// writes its own.
	DropCoding
	// DropStale leaves out a segment that points at bytes the re-encode
	// does not keep (MPF offsets to images after EOI).
	DropStale
)

// MPFHeader starts an APP2 Multi-Picture Format segment.
var MPFHeader = []byte("MPF\x00")

// CarryRule is the default decision for a source segment. Callers that
// know more (an ICC profile for CMYK data written out as YCbCr) wrap it.
func CarryRule(s Segment) CarryKind {
	switch {
	case s.Marker == APP14 && bytes.HasPrefix(s.Data, []byte("Adobe")):
		return DropCoding
	case s.Marker == APP2 && bytes.HasPrefix(s.Data, MPFHeader):
		return DropStale
	case s.Marker >= APP0 && s.Marker <= 0xEF, s.Marker == COM:
		return Carry
	}
	return DropCoding
}

// CarryMetadata writes encoded (a complete JPEG from an encoder) to w with
// the metadata segments of src inserted after its SOI, in src's order.
// keep decides per source segment (nil means CarryRule). Only the header
// segments of src are read; the scan data of encoded is streamed.
func CarryMetadata(src, encoded io.Reader, w io.Writer, keep func(Segment) CarryKind) error {
	if keep == nil {
		keep = CarryRule
	}
	var carried []Segment
	total := 0
	err := Walk(src, func(s Segment) error {
		if keep(s) != Carry {
			return nil
		}
		total += len(s.Data)
		if total > maxHeader {
			return fmt.Errorf("%w: more than %d bytes of metadata segments", ErrCorrupt, maxHeader)
		}
		carried = append(carried, s)
		return nil
	})
	if err != nil {
		return fmt.Errorf("jpeg: source: %w", err)
	}
	rd, err := NewReader(encoded)
	if err != nil {
		return fmt.Errorf("jpeg: encoded: %w", err)
	}
	if _, err := w.Write([]byte{0xFF, SOI}); err != nil {
		return err
	}
	for _, s := range carried {
		if _, err := s.WriteTo(w); err != nil {
			return err
		}
	}
	for {
		s, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("jpeg: encoded: %w", err)
		}
		if keep(s) == Carry { // an encoder's own APPn (JFIF) would duplicate the source's
			continue
		}
		if _, err := s.WriteTo(w); err != nil {
			return err
		}
	}
	_, err = io.Copy(w, rd.Rest())
	return err
}

// Orientation returns the EXIF orientation (1–8) of a JPEG stream, 1 when
// it has no EXIF or no orientation tag. Only header segments are read.
func Orientation(r io.Reader) (int, error) {
	o := 1
	err := Walk(r, func(s Segment) error {
		if IsEXIF(s) {
			o = TIFFOrientation(s.Data[len(EXIFHeader):])
			return ErrStop
		}
		return nil
	})
	return o, err
}

// TIFFOrientation reads tag 0x0112 from IFD0 of a TIFF structure (the
// payload of an EXIF segment or an eXIf / EXIF chunk after its header);
// 1 when absent or malformed.
func TIFFOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int64(bo.Uint32(t[4:8]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return 1
	}
	n := int64(bo.Uint16(t[ifd:]))
	for i := int64(0); i < n; i++ {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(t)) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}
