// Package exif writes a minimal EXIF (TIFF) structure with the few ASCII
// tags belgi sets, and reads those tags back from any EXIF.
//
// It never rebuilds an existing camera EXIF: containers keep the original
// bytes (go-exif/v3's writer breaks thumbnails and MakerNote offsets), and
// this package is used only for files that have no EXIF at all. It is not
// a general EXIF library.
package exif

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Tags belgi writes or reports (IFD0, ASCII).
const (
	TagImageDescription = 0x010E
	TagMake             = 0x010F
	TagModel            = 0x0110
	TagSoftware         = 0x0131
	TagArtist           = 0x013B
	TagCopyright        = 0x8298
)

// ErrCorrupt is wrapped by every error about a malformed TIFF structure.
var ErrCorrupt = errors.New("exif: corrupt data")

// Fields are the IFD0 ASCII tags belgi writes and reads.
type Fields struct {
	ImageDescription string
	Software         string
	Artist           string
	Make, Model      string
	Copyright        string
}

const (
	typeASCII    = 2
	typeShort    = 3
	typeRational = 5
)

// Tags exiftool -validate requires in a JPEG's IFD0; written with their
// customary values (72 dpi, centred chroma) so a new EXIF raises no warning.
const (
	tagXResolution      = 0x011A
	tagYResolution      = 0x011B
	tagResolutionUnit   = 0x0128
	tagYCbCrPositioning = 0x0213
)

// Build returns a big-endian TIFF structure whose IFD0 holds the non-empty
// fields as ASCII, plus the resolution and YCbCrPositioning tags EXIF
// requires. EXIF ASCII is 7-bit: other characters become '?', so callers
// should pass English or transliterated text.
func Build(f Fields) []byte {
	type entry struct {
		tag, typ uint16
		count    uint32
		val      []byte
	}
	be := binary.BigEndian
	ascii := func(tag uint16, s string) entry {
		v := toASCII(s) + "\x00"
		return entry{tag, typeASCII, uint32(len(v)), []byte(v)}
	}
	short := func(tag, v uint16) entry { return entry{tag, typeShort, 1, be.AppendUint16(nil, v)} }
	rational := func(tag uint16, num, den uint32) entry {
		return entry{tag, typeRational, 1, be.AppendUint32(be.AppendUint32(nil, num), den)}
	}
	var es []entry
	for _, e := range []struct {
		tag uint16
		val string
	}{
		{TagImageDescription, f.ImageDescription}, {TagMake, f.Make}, {TagModel, f.Model},
	} {
		if e.val != "" {
			es = append(es, ascii(e.tag, e.val))
		}
	}
	es = append(es, rational(tagXResolution, 72, 1), rational(tagYResolution, 72, 1), short(tagResolutionUnit, 2))
	for _, e := range []struct {
		tag uint16
		val string
	}{{TagSoftware, f.Software}, {TagArtist, f.Artist}} {
		if e.val != "" {
			es = append(es, ascii(e.tag, e.val))
		}
	}
	es = append(es, short(tagYCbCrPositioning, 1))
	if f.Copyright != "" {
		es = append(es, ascii(TagCopyright, f.Copyright))
	} // entries are in ascending tag order, as TIFF requires

	b := []byte("MM\x00\x2a\x00\x00\x00\x08")
	b = be.AppendUint16(b, uint16(len(es)))
	dataOff := 8 + 2 + 12*len(es) + 4
	var data []byte
	for _, e := range es {
		b = be.AppendUint16(b, e.tag)
		b = be.AppendUint16(b, e.typ)
		b = be.AppendUint32(b, e.count)
		if len(e.val) <= 4 {
			v := [4]byte{}
			copy(v[:], e.val)
			b = append(b, v[:]...)
			continue
		}
		b = be.AppendUint32(b, uint32(dataOff+len(data)))
		data = append(data, e.val...)
		if len(data)%2 == 1 {
			data = append(data, 0) // word alignment
		}
	}
	b = be.AppendUint32(b, 0) // no IFD1
	return append(b, data...)
}

func toASCII(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == 0:
		case r < 0x80:
			sb.WriteRune(r)
		default:
			sb.WriteByte('?')
		}
	}
	return sb.String()
}

// Read returns the IFD0 ASCII fields of a TIFF structure (the EXIF payload
// after "Exif\0\0" in JPEG, or a PNG eXIf / WebP EXIF chunk).
func Read(tiff []byte) (Fields, error) {
	var f Fields
	if len(tiff) < 8 {
		return f, fmt.Errorf("%w: %d bytes is too short for a TIFF header", ErrCorrupt, len(tiff))
	}
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return f, fmt.Errorf("%w: byte order %q", ErrCorrupt, tiff[:2])
	}
	if bo.Uint16(tiff[2:4]) != 42 {
		return f, fmt.Errorf("%w: TIFF magic %d", ErrCorrupt, bo.Uint16(tiff[2:4]))
	}
	off := int64(bo.Uint32(tiff[4:8]))
	if off < 8 || off+2 > int64(len(tiff)) {
		return f, fmt.Errorf("%w: IFD0 offset %d beyond %d bytes", ErrCorrupt, off, len(tiff))
	}
	n := int64(bo.Uint16(tiff[off:]))
	if off+2+n*12 > int64(len(tiff)) {
		return f, fmt.Errorf("%w: IFD0 at offset %d: %d entries beyond %d bytes", ErrCorrupt, off, n, len(tiff))
	}
	for i := int64(0); i < n; i++ {
		e := tiff[off+2+i*12:]
		tag, typ, count := bo.Uint16(e), bo.Uint16(e[2:]), int64(bo.Uint32(e[4:]))
		if typ != typeASCII {
			continue
		}
		var val []byte
		if count <= 4 {
			val = e[8 : 8+count]
		} else {
			vo := int64(bo.Uint32(e[8:]))
			if vo+count > int64(len(tiff)) {
				continue // broken entry: skip it like readers do
			}
			val = tiff[vo : vo+count]
		}
		s := strings.TrimRight(string(val), "\x00 ")
		if i := strings.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		switch tag {
		case TagImageDescription:
			f.ImageDescription = s
		case TagMake:
			f.Make = s
		case TagModel:
			f.Model = s
		case TagSoftware:
			f.Software = s
		case TagArtist:
			f.Artist = s
		case TagCopyright:
			f.Copyright = s
		}
	}
	return f, nil
}
