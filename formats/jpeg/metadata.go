package jpeg

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// Signatures that start the payload of metadata segments.
var (
	XMPHeader         = []byte("http://ns.adobe.com/xap/1.0/\x00")
	ExtendedXMPHeader = []byte("http://ns.adobe.com/xmp/extension/\x00")
	EXIFHeader        = []byte("Exif\x00\x00")
	ICCHeader         = []byte("ICC_PROFILE\x00")
)

// MaxXMP is the largest standard XMP packet one APP1 segment holds; larger
// packets must be split into a main packet and Extended XMP.
const MaxXMP = MaxSegmentData - 29

// extChunk is the Extended XMP payload per segment: the 35-byte signature,
// a 32-byte GUID and two 4-byte numbers come first.
const extChunk = MaxSegmentData - 35 - 32 - 8

// maxExtendedXMP bounds reassembly of hostile Extended XMP.
const maxExtendedXMP = 64 << 20

// maxHeader bounds the segments buffered before the first scan.
const maxHeader = 256 << 20

// IsXMP reports whether s is a standard XMP APP1 segment.
func IsXMP(s Segment) bool { return s.Marker == APP1 && bytes.HasPrefix(s.Data, XMPHeader) }

// IsExtendedXMP reports whether s is an Extended XMP APP1 segment.
func IsExtendedXMP(s Segment) bool {
	return s.Marker == APP1 && bytes.HasPrefix(s.Data, ExtendedXMPHeader)
}

// IsEXIF reports whether s is an EXIF APP1 segment.
func IsEXIF(s Segment) bool { return s.Marker == APP1 && bytes.HasPrefix(s.Data, EXIFHeader) }

// IsJUMBF reports whether s is an APP11 segment of a JPEG XT JUMBF box
// (where C2PA manifests live).
func IsJUMBF(s Segment) bool {
	return s.Marker == APP11 && len(s.Data) >= 16 && string(s.Data[:2]) == "JP" && string(s.Data[12:16]) == "jumb"
}

// Metadata is what ReadMetadata found before the first scan.
type Metadata struct {
	XMP []byte // the standard XMP packet (first one)
	// ExtendedXMP is the reassembled Extended XMP named by the main packet
	// (or the only one present), when complete.
	ExtendedXMP []byte
	EXIF        []byte // TIFF structure of the first EXIF segment (after "Exif\0\0")
	ICC         bool
	JUMBF       bool // an APP11 JUMBF box (C2PA) is present
	Comments    [][]byte
	// Width and Height come from the SOF segment (0 when there is none).
	Width, Height int
}

type extPart struct {
	size  uint32
	data  []byte
	have  uint32
	order []uint32
}

// ReadMetadata reads the segments before the first scan and collects
// metadata. It stops at SOS, so it costs the same for any image size.
func ReadMetadata(r io.Reader) (*Metadata, error) {
	m := &Metadata{}
	ext := map[string]*extPart{}
	err := Walk(r, func(s Segment) error { return m.collect(s, ext) })
	if err != nil {
		return m, err
	}
	m.ExtendedXMP = pickExtended(m.XMP, ext)
	return m, nil
}

func (m *Metadata) collect(s Segment, ext map[string]*extPart) error {
	switch {
	case IsXMP(s):
		if m.XMP == nil {
			m.XMP = s.Data[len(XMPHeader):]
		}
	case IsExtendedXMP(s):
		d := s.Data[len(ExtendedXMPHeader):]
		if len(d) < 40 {
			return nil // too short to mean anything; ignored like exiftool does
		}
		guid := string(d[:32])
		size := binary.BigEndian.Uint32(d[32:36])
		off := binary.BigEndian.Uint32(d[36:40])
		chunk := d[40:]
		if size > maxExtendedXMP {
			return fmt.Errorf("%w: Extended XMP at offset %d declares %d bytes", ErrCorrupt, s.Offset, size)
		}
		p := ext[guid]
		if p == nil {
			if len(ext) >= 16 {
				return nil
			}
			p = &extPart{size: size, data: make([]byte, size)}
			ext[guid] = p
		}
		if p.size != size || uint64(off)+uint64(len(chunk)) > uint64(size) {
			return fmt.Errorf("%w: Extended XMP chunk at offset %d does not fit its declared size", ErrCorrupt, s.Offset)
		}
		copy(p.data[off:], chunk)
		p.have += uint32(len(chunk))
	case IsEXIF(s):
		if m.EXIF == nil {
			m.EXIF = s.Data[len(EXIFHeader):]
		}
	case s.Marker == APP2 && bytes.HasPrefix(s.Data, ICCHeader):
		m.ICC = true
	case IsJUMBF(s):
		m.JUMBF = true
	case s.Marker == COM:
		m.Comments = append(m.Comments, s.Data)
	case s.Marker >= 0xC0 && s.Marker <= 0xCF && s.Marker != 0xC4 && s.Marker != 0xC8 && s.Marker != 0xCC:
		if len(s.Data) >= 5 && m.Width == 0 {
			m.Height = int(binary.BigEndian.Uint16(s.Data[1:3]))
			m.Width = int(binary.BigEndian.Uint16(s.Data[3:5]))
		}
	}
	return nil
}

func pickExtended(main []byte, ext map[string]*extPart) []byte {
	var pick *extPart
	for guid, p := range ext {
		if main != nil && bytes.Contains(main, []byte(guid)) {
			pick = p
			break
		}
		if len(ext) == 1 {
			pick = p
		}
	}
	if pick == nil || pick.have < pick.size {
		return nil
	}
	return pick.data
}

// ExtendedGUID returns the GUID that names an Extended XMP packet: the
// upper-case hex MD5 of its bytes, as the XMP specification requires.
func ExtendedGUID(ext []byte) string {
	sum := md5.Sum(ext)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// Edit says what Rewrite changes. Every other segment and all image data
// are copied byte for byte.
type Edit struct {
	// XMP replaces every standard and Extended XMP segment; nil leaves
	// XMP as it is.
	XMP []byte
	// ExtendedXMP is written after XMP in Extended XMP segments; the
	// caller's main packet must carry xmpNote:HasExtendedXMP with
	// ExtendedGUID(ExtendedXMP).
	ExtendedXMP []byte
	// EXIF, a TIFF structure, is written in a new APP1 only when the file
	// has no EXIF segment; an existing EXIF is never touched.
	EXIF []byte
	// Remove drops the segments it returns true for (e.g. an old APP11
	// manifest); nil removes nothing but XMP when XMP is set.
	Remove func(Segment) bool
	// Insert adds segments, as they are, after the new XMP.
	Insert []Segment
}

// InsertXMP copies the JPEG from r to w with packet as its only XMP, placed
// after the leading APP0/EXIF segments. A packet larger than MaxXMP is
// refused: split it with xmp's SplitExtended and use Rewrite.
func InsertXMP(r io.Reader, w io.Writer, packet []byte) error {
	if len(packet) > MaxXMP {
		return fmt.Errorf("jpeg: XMP packet of %d bytes exceeds %d; split it into Extended XMP", len(packet), MaxXMP)
	}
	return Rewrite(r, w, func(*Metadata) (Edit, error) { return Edit{XMP: packet}, nil })
}

// ReadXMP returns the standard XMP packet and the reassembled Extended XMP
// (nil when absent).
func ReadXMP(r io.Reader) (main, extended []byte, err error) {
	m, err := ReadMetadata(r)
	if err != nil {
		return nil, nil, err
	}
	return m.XMP, m.ExtendedXMP, nil
}

// Rewrite copies the JPEG from r to w, applying the edit that fn returns
// after seeing the file's metadata. The segments before the first scan are
// held in memory (they are metadata, bounded to 256 MiB); the image data
// after SOS is streamed.
func Rewrite(r io.Reader, w io.Writer, fn func(*Metadata) (Edit, error)) error {
	rd, err := NewReader(r)
	if err != nil {
		return err
	}
	var segs []Segment
	total := 0
	m := &Metadata{}
	ext := map[string]*extPart{}
	for {
		s, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		total += len(s.Data)
		if total > maxHeader {
			return fmt.Errorf("%w: more than %d bytes of segments before the image data", ErrCorrupt, maxHeader)
		}
		if err := m.collect(s, ext); err != nil {
			return err
		}
		segs = append(segs, s)
	}
	m.ExtendedXMP = pickExtended(m.XMP, ext)
	e, err := fn(m)
	if err != nil {
		return err
	}
	if len(e.XMP) > MaxXMP {
		return fmt.Errorf("jpeg: XMP packet of %d bytes exceeds %d; split it into Extended XMP", len(e.XMP), MaxXMP)
	}
	bw := &errWriter{w: w}
	bw.Write([]byte{0xFF, SOI})
	// Keep APP0 (JFIF/JFXX) and EXIF first, as their specifications ask.
	i := 0
	for i < len(segs) && (segs[i].Marker == APP0 || IsEXIF(segs[i])) {
		segs[i].WriteTo(bw)
		i++
	}
	if e.EXIF != nil && m.EXIF == nil {
		WriteSegment(bw, APP1, append(append([]byte{}, EXIFHeader...), e.EXIF...))
	}
	if e.XMP != nil {
		WriteSegment(bw, APP1, append(append([]byte{}, XMPHeader...), e.XMP...))
		writeExtended(bw, e.ExtendedXMP)
	}
	for _, s := range e.Insert {
		s.WriteTo(bw)
	}
	for _, s := range segs[i:] {
		if e.XMP != nil && (IsXMP(s) || IsExtendedXMP(s)) {
			continue
		}
		if e.Remove != nil && e.Remove(s) {
			continue
		}
		s.WriteTo(bw)
	}
	if bw.err != nil {
		return bw.err
	}
	if _, err := io.Copy(w, rd.Rest()); err != nil {
		return fmt.Errorf("jpeg: copy image data: %w", err)
	}
	return nil
}

func writeExtended(w io.Writer, ext []byte) {
	if len(ext) == 0 {
		return
	}
	guid := ExtendedGUID(ext)
	for off := 0; off < len(ext); off += extChunk {
		end := min(off+extChunk, len(ext))
		d := make([]byte, 0, 35+32+8+end-off)
		d = append(d, ExtendedXMPHeader...)
		d = append(d, guid...)
		d = binary.BigEndian.AppendUint32(d, uint32(len(ext)))
		d = binary.BigEndian.AppendUint32(d, uint32(off))
		d = append(d, ext[off:end]...)
		WriteSegment(w, APP1, d)
	}
}

// errWriter remembers the first write error so a run of writes can be
// checked once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
