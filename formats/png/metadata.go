package png

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// XMPKeyword is the iTXt keyword of an XMP packet.
const XMPKeyword = "XML:com.adobe.xmp"

// Limits on metadata read into memory.
const (
	maxMetaChunk = 64 << 20 // one metadata chunk
	maxInflated  = 16 << 20 // one decompressed text
	maxPreIDAT   = 256 << 20
)

// Text is one tEXt, zTXt or iTXt entry.
type Text struct {
	Type       string // "tEXt", "zTXt" or "iTXt"
	Keyword    string
	Lang       string // iTXt only
	Translated string // iTXt only
	Text       string // Latin-1 (tEXt, zTXt) is converted to UTF-8
}

// Metadata is what ReadMetadata found.
type Metadata struct {
	XMP           []byte // the first iTXt XML:com.adobe.xmp packet
	EXIF          []byte // eXIf payload (a TIFF structure)
	Texts         []Text // every other text chunk
	CaBX          bool   // a C2PA manifest chunk is present
	Width, Height int
	Animated      bool // acTL present (APNG)
	// Warnings name text chunks that could not be decoded (skipped).
	Warnings []string
}

// ReadMetadata walks the whole file, reading metadata chunks and skipping
// image data (by seeking when r is an io.Seeker).
func ReadMetadata(r io.Reader) (*Metadata, error) {
	m := &Metadata{}
	err := Walk(r, func(rd *Reader, c Chunk) error {
		switch c.Type {
		case "IHDR":
			d, err := rd.Data(13)
			if err != nil {
				return err
			}
			if len(d) == 13 {
				m.Width = int(binary.BigEndian.Uint32(d))
				m.Height = int(binary.BigEndian.Uint32(d[4:]))
			}
		case "iTXt", "tEXt", "zTXt":
			d, err := rd.Data(maxMetaChunk)
			if err != nil {
				return err
			}
			t, err := ParseText(c.Type, d)
			if err != nil {
				// A broken text chunk does not make the image unreadable.
				m.Warnings = append(m.Warnings, fmt.Sprintf("png: chunk %q at offset %d: %v", c.Type, c.Offset, err))
				return nil
			}
			if t.Type == "iTXt" && t.Keyword == XMPKeyword {
				if m.XMP == nil {
					m.XMP = []byte(t.Text)
				}
				return nil
			}
			if t.Keyword == "Raw profile type exif" || t.Keyword == "Raw profile type APP1" {
				// ImageMagick's hex-encoded EXIF: it counts as the file's
				// EXIF, so no second one is added.
				if b, err := decodeRawProfile(t.Text); err == nil && m.EXIF == nil {
					m.EXIF = bytes.TrimPrefix(b, []byte("Exif\x00\x00"))
				}
			}
			m.Texts = append(m.Texts, t)
		case "eXIf":
			d, err := rd.Data(maxMetaChunk)
			if err != nil {
				return err
			}
			if m.EXIF == nil {
				m.EXIF = d
			}
		case "caBX":
			m.CaBX = true
		case "acTL":
			m.Animated = true
		}
		return nil
	})
	return m, err
}

// ReadXMP returns the XMP packet of a PNG (nil when absent).
func ReadXMP(r io.Reader) ([]byte, error) {
	m, err := ReadMetadata(r)
	if err != nil {
		return nil, err
	}
	return m.XMP, nil
}

// ParseText decodes a tEXt, zTXt or iTXt payload.
func ParseText(typ string, d []byte) (Text, error) {
	t := Text{Type: typ}
	k := bytes.IndexByte(d, 0)
	if k < 1 || k > 79 {
		return t, fmt.Errorf("keyword of %d bytes", max(k, len(d)))
	}
	t.Keyword = latin1(d[:k])
	rest := d[k+1:]
	switch typ {
	case "tEXt":
		t.Text = latin1(rest)
	case "zTXt":
		if len(rest) < 1 || rest[0] != 0 {
			return t, fmt.Errorf("unknown compression method")
		}
		b, err := inflate(rest[1:])
		if err != nil {
			return t, err
		}
		t.Text = latin1(b)
	case "iTXt":
		if len(rest) < 2 {
			return t, fmt.Errorf("iTXt header cut short")
		}
		compressed, method := rest[0], rest[1]
		rest = rest[2:]
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			return t, fmt.Errorf("iTXt language tag not terminated")
		}
		t.Lang = string(rest[:i])
		rest = rest[i+1:]
		j := bytes.IndexByte(rest, 0)
		if j < 0 {
			return t, fmt.Errorf("iTXt translated keyword not terminated")
		}
		t.Translated = string(rest[:j])
		rest = rest[j+1:]
		if compressed == 1 {
			if method != 0 {
				return t, fmt.Errorf("unknown compression method")
			}
			b, err := inflate(rest)
			if err != nil {
				return t, err
			}
			rest = b
		}
		t.Text = string(rest)
	}
	return t, nil
}

// decodeRawProfile decodes ImageMagick's "Raw profile type NAME" text:
// "\nNAME\n   LENGTH\nHEX…" with line breaks anywhere in the hex.
func decodeRawProfile(s string) ([]byte, error) {
	f := strings.Fields(s)
	if len(f) < 3 {
		return nil, fmt.Errorf("raw profile: no header")
	}
	n, err := strconv.Atoi(f[1])
	if err != nil || n < 0 || n > maxInflated {
		return nil, fmt.Errorf("raw profile: length %q", f[1])
	}
	b, err := hex.DecodeString(strings.Join(f[2:], ""))
	if err != nil {
		return nil, fmt.Errorf("raw profile: %w", err)
	}
	if len(b) < n {
		return nil, fmt.Errorf("raw profile: %d of %d bytes", len(b), n)
	}
	return b[:n], nil
}

func inflate(b []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, maxInflated+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxInflated {
		return nil, fmt.Errorf("text inflates beyond %d bytes", maxInflated)
	}
	return out, nil
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// XMPChunk returns the iTXt payload that carries an XMP packet:
// uncompressed, no language, no translated keyword.
func XMPChunk(packet []byte) []byte {
	d := make([]byte, 0, len(XMPKeyword)+5+len(packet))
	d = append(d, XMPKeyword...)
	d = append(d, 0, 0, 0, 0, 0)
	return append(d, packet...)
}

// isXMPChunk reports whether an iTXt payload starts with the XMP keyword.
func isXMPChunk(prefix []byte) bool {
	return len(prefix) >= len(XMPKeyword)+1 && string(prefix[:len(XMPKeyword)+1]) == XMPKeyword+"\x00"
}

// Edit says what Rewrite changes; every other chunk is copied as it is.
type Edit struct {
	// XMP replaces every XMP iTXt chunk; nil leaves XMP as it is.
	XMP []byte
	// EXIF becomes an eXIf chunk only when the file has none before IDAT.
	EXIF []byte
	// Remove drops the chunks it returns true for (payload given when at
	// most 64 KiB, else nil); nil removes nothing but XMP.
	Remove func(c Chunk, payload []byte) bool
	// Insert adds chunks (type, payload) before the first IDAT, after the
	// XMP.
	Insert []RawChunk
}

// RawChunk is a chunk to write.
type RawChunk struct {
	Type string
	Data []byte
}

// InsertXMP copies the PNG from r to w with packet as its only XMP, in an
// iTXt chunk before the first IDAT.
func InsertXMP(r io.Reader, w io.Writer, packet []byte) error {
	return Rewrite(r, w, Edit{XMP: packet})
}

// Rewrite copies the PNG from r to w with the edit applied. Chunks before
// the first IDAT are held in memory (metadata, bounded); IDAT and what
// follows are streamed. New chunks go just before the image data (before
// an APNG's first fcTL, which must stay next to IDAT); an APNG's XMP goes
// before IEND instead (see below).
func Rewrite(r io.Reader, w io.Writer, e Edit) error {
	rd, err := NewReader(r)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, Signature); err != nil {
		return err
	}
	var pre []RawChunk
	total := 0
	hasEXIF := false
	inserted := false
	// In an APNG the XMP goes last, before IEND: ffmpeg recognises an
	// APNG only when the chunks before its first fcTL fit in its 2 KiB
	// probe, which a padded packet does not.
	animated := false

	insert := func() error {
		inserted = true
		// New chunks go just before the image data: before IDAT, or
		// before an APNG's first fcTL, which must stay next to it.
		at := len(pre)
		for i, c := range pre {
			if c.Type == "fcTL" {
				at = i
				break
			}
		}
		for _, c := range pre[:at] {
			if err := WriteChunk(w, c.Type, c.Data); err != nil {
				return err
			}
		}
		if e.EXIF != nil && !hasEXIF {
			if err := WriteChunk(w, "eXIf", e.EXIF); err != nil {
				return err
			}
		}
		if e.XMP != nil && !animated {
			if err := WriteChunk(w, "iTXt", XMPChunk(e.XMP)); err != nil {
				return err
			}
		}
		for _, c := range e.Insert {
			if err := WriteChunk(w, c.Type, c.Data); err != nil {
				return err
			}
		}
		for _, c := range pre[at:] {
			if err := WriteChunk(w, c.Type, c.Data); err != nil {
				return err
			}
		}
		return nil
	}
	seenIHDR := false
	for {
		c, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if !seenIHDR {
			if c.Type != "IHDR" {
				return fmt.Errorf("%w: first chunk is %q, not IHDR", ErrCorrupt, c.Type)
			}
			seenIHDR = true
		}
		if !inserted && (c.Type == "IDAT" || c.Type == "IEND") {
			if err := insert(); err != nil {
				return err
			}
		}
		if !inserted {
			d, err := rd.Data(maxMetaChunk)
			if err != nil {
				return err
			}
			total += len(d)
			if total > maxPreIDAT {
				return fmt.Errorf("%w: more than %d bytes of chunks before IDAT", ErrCorrupt, maxPreIDAT)
			}
			if c.Type == "eXIf" {
				hasEXIF = true
			}
			if c.Type == "acTL" {
				animated = true
			}
			if drop(e, c, d) {
				continue
			}
			pre = append(pre, RawChunk{c.Type, d})
			continue
		}
		if c.Type == "IEND" && animated && e.XMP != nil {
			if err := WriteChunk(w, "iTXt", XMPChunk(e.XMP)); err != nil {
				return err
			}
		}
		// After the first IDAT: stream, except metadata chunks that may
		// have to be dropped (an old XMP packet, what Remove names).
		small := c.Length <= 64<<10 && c.Type != "IDAT" && c.Type != "fdAT"
		if (c.Type == "iTXt" && e.XMP != nil) || (e.Remove != nil && small) {
			d, err := rd.Data(maxMetaChunk)
			if err != nil {
				return err
			}
			if drop(e, c, d) {
				continue
			}
			if err := WriteChunk(w, c.Type, d); err != nil {
				return err
			}
			continue
		}
		if e.Remove != nil && e.Remove(c, nil) {
			continue
		}
		if err := rd.CopyTo(w); err != nil {
			return err
		}
	}
	if !inserted {
		return fmt.Errorf("%w: no IDAT or IEND chunk", ErrCorrupt)
	}
	// Bytes after IEND are kept as they are.
	if _, err := io.Copy(w, rd.br); err != nil {
		return fmt.Errorf("png: copy after IEND: %w", err)
	}
	return nil
}

func drop(e Edit, c Chunk, d []byte) bool {
	if e.XMP != nil && c.Type == "iTXt" && isXMPChunk(d) {
		return true
	}
	return e.Remove != nil && e.Remove(c, d)
}
