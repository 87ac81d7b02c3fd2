// Package mp3 reads and rewrites the ID3v2 tag at the start of an MP3 file
// (or any stream that starts with one) and copies the MPEG audio frames
// after it unchanged.
//
// Existing frames are kept as raw bytes in the tag's own version (2.3 or
// 2.4), so nothing a reader does not understand is lost; a tag-wide
// unsynchronisation (v2.3) is undone on reading and not written again.
// New frames (TXXX, COMM, PRIV) are built in the same version.
//
// It is not an MP3 decoder or encoder, and it does not decide which frames
// to write (package label does).
package mp3

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrCorrupt is wrapped by errors about malformed tags.
var ErrCorrupt = errors.New("id3: corrupt")

// ErrUnsupported reports an ID3 version this package does not rewrite.
var ErrUnsupported = errors.New("id3: unsupported")

// MaxTagSize bounds the tag read into memory (the format allows 256 MiB;
// real tags with cover art stay well below).
const MaxTagSize = 64 << 20

// Frame is one ID3v2 frame: its four-character id, the two flag bytes as
// stored, and the body (after frame-level unsynchronisation, if flagged,
// was undone only when Decoded is true).
type Frame struct {
	ID    string
	Flags [2]byte
	Body  []byte
}

// Tag is a parsed ID3v2.3 or 2.4 tag.
type Tag struct {
	Version byte // 3 or 4
	Frames  []Frame
	// Size is the number of bytes the tag took in the input (header,
	// frames, padding and footer); 0 when the input had no tag.
	Size int64
}

func synchsafe(b []byte) int64 {
	return int64(b[0]&0x7f)<<21 | int64(b[1]&0x7f)<<14 | int64(b[2]&0x7f)<<7 | int64(b[3]&0x7f)
}

func putSynchsafe(b []byte, n int64) {
	b[0], b[1], b[2], b[3] = byte(n>>21&0x7f), byte(n>>14&0x7f), byte(n>>7&0x7f), byte(n&0x7f)
}

// undoUnsync removes the 0x00 inserted after every 0xFF.
func undoUnsync(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		out = append(out, b[i])
		if b[i] == 0xFF && i+1 < len(b) && b[i+1] == 0 {
			i++
		}
	}
	return out
}

// ReadTag reads an ID3v2 tag from the start of r. It returns a tag with
// Size 0 (and Version 4) when r does not start with one; br is then
// positioned at the first byte of r either way.
func ReadTag(br *bufio.Reader) (*Tag, error) {
	h, err := br.Peek(10)
	if err != nil || string(h[:3]) != "ID3" {
		return &Tag{Version: 4}, nil
	}
	ver, flags := h[3], h[5]
	if h[6]|h[7]|h[8]|h[9] >= 0x80 {
		return nil, fmt.Errorf("%w: tag size bytes % x at offset 6 are not synchsafe", ErrCorrupt, h[6:10])
	}
	size := synchsafe(h[6:10])
	if ver != 3 && ver != 4 {
		return nil, fmt.Errorf("%w: ID3v2.%d tag (only 2.3 and 2.4 are rewritten)", ErrUnsupported, ver)
	}
	if size > MaxTagSize {
		return nil, fmt.Errorf("%w: tag of %d bytes, more than %d", ErrCorrupt, size, MaxTagSize)
	}
	total := 10 + size
	if ver == 4 && flags&0x10 != 0 {
		total += 10 // footer
	}
	raw := make([]byte, total)
	if n, err := io.ReadFull(br, raw); err != nil {
		return nil, fmt.Errorf("%w: tag of %d bytes at offset 0 ends at %d, beyond file end %d", ErrCorrupt, total, total, n)
	}
	body := raw[10 : 10+size]
	if ver == 3 && flags&0x80 != 0 {
		body = undoUnsync(body)
	}
	if flags&0x40 != 0 { // extended header: skipped (CRC/restrictions no longer hold)
		if len(body) < 4 {
			return nil, fmt.Errorf("%w: extended header at offset 10 truncated", ErrCorrupt)
		}
		var n int64
		if ver == 4 {
			n = synchsafe(body[:4])
		} else {
			n = int64(binary.BigEndian.Uint32(body[:4])) + 4
		}
		if n < 4 || n > int64(len(body)) {
			return nil, fmt.Errorf("%w: extended header at offset 10: length %d beyond tag end %d", ErrCorrupt, n, len(body))
		}
		body = body[n:]
	}
	t := &Tag{Version: ver, Size: total}
	off := 0
	for off+10 <= len(body) {
		if body[off] == 0 {
			break // padding
		}
		id := string(body[off : off+4])
		if !validID(id) {
			return nil, fmt.Errorf("%w: frame id %q at tag offset %d", ErrCorrupt, id, off+10)
		}
		var n int64
		if ver == 4 && body[off+4]|body[off+5]|body[off+6]|body[off+7] < 0x80 {
			n = synchsafe(body[off+4 : off+8])
		} else { // v2.3, or a v2.4 writer that forgot synchsafe sizes
			n = int64(binary.BigEndian.Uint32(body[off+4 : off+8]))
		}
		if n > int64(len(body)-off-10) {
			return nil, fmt.Errorf("%w: frame %q at tag offset %d: length %d beyond tag end %d", ErrCorrupt, id, off+10, n, len(body)+10)
		}
		t.Frames = append(t.Frames, Frame{ID: id, Flags: [2]byte{body[off+8], body[off+9]}, Body: body[off+10 : off+10+int(n)]})
		off += 10 + int(n)
	}
	return t, nil
}

func validID(id string) bool {
	for i := 0; i < 4; i++ {
		c := id[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Padding is the zero bytes written after the frames, so that later edits
// by other tools can rewrite the tag in place.
const Padding = 1024

// Bytes serialises the tag (header, frames, padding) in its version,
// without unsynchronisation, extended header or footer.
func (t *Tag) Bytes() []byte {
	n := 0
	for _, f := range t.Frames {
		n += 10 + len(f.Body)
	}
	b := make([]byte, 10, 10+n+Padding)
	copy(b, "ID3")
	b[3] = t.Version
	for _, f := range t.Frames {
		var h [10]byte
		copy(h[:4], f.ID)
		if t.Version == 4 {
			putSynchsafe(h[4:8], int64(len(f.Body)))
		} else {
			binary.BigEndian.PutUint32(h[4:8], uint32(len(f.Body)))
		}
		h[8], h[9] = f.Flags[0], f.Flags[1]
		b = append(b, h[:]...)
		b = append(b, f.Body...)
	}
	b = append(b, make([]byte, Padding)...)
	putSynchsafe(b[6:10], int64(len(b)-10))
	return b
}

// Rewrite reads the tag at the start of r, lets edit change it, writes the
// new tag to w and copies the rest of r (the MPEG frames, an ID3v1 tag)
// unchanged. A stream without a tag gets a new v2.4 tag. It returns the
// bytes written.
func Rewrite(w io.Writer, r io.Reader, edit func(*Tag) error) (int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	t, err := ReadTag(br)
	if err != nil {
		return 0, err
	}
	if err := edit(t); err != nil {
		return 0, err
	}
	n, err := w.Write(t.Bytes())
	if err != nil {
		return int64(n), err
	}
	m, err := io.Copy(w, br)
	return int64(n) + m, err
}

// Text encodings of ID3v2 text frames.
const (
	encLatin1  = 0
	encUTF16   = 1 // with BOM
	encUTF16BE = 2 // 2.4 only
	encUTF8    = 3 // 2.4 only
)

// encodeText encodes s for version v: UTF-8 in 2.4; Latin-1 when it fits,
// else UTF-16 with BOM, in 2.3. term appends the terminator.
func encodeText(v byte, s string, term bool) (byte, []byte) {
	if v == 4 {
		b := []byte(s)
		if term {
			b = append(b, 0)
		}
		return encUTF8, b
	}
	latin := true
	for _, r := range s {
		if r > 0xFF {
			latin = false
			break
		}
	}
	if latin {
		b := make([]byte, 0, len(s)+1)
		for _, r := range s {
			b = append(b, byte(r))
		}
		if term {
			b = append(b, 0)
		}
		return encLatin1, b
	}
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	if term {
		b = append(b, 0, 0)
	}
	return encUTF16, b
}

// decodeText decodes one string in encoding enc and returns it with the
// rest of b after its terminator (if any).
func decodeText(enc byte, b []byte) (string, []byte) {
	switch enc {
	case encUTF16, encUTF16BE:
		end := len(b)
		for i := 0; i+1 < len(b); i += 2 {
			if b[i] == 0 && b[i+1] == 0 {
				end = i
				break
			}
		}
		s, rest := b[:end], b[min(end+2, len(b)):]
		be := enc == encUTF16BE
		if len(s) >= 2 && s[0] == 0xFE && s[1] == 0xFF {
			be, s = true, s[2:]
		} else if len(s) >= 2 && s[0] == 0xFF && s[1] == 0xFE {
			be, s = false, s[2:]
		}
		u := make([]uint16, len(s)/2)
		for i := range u {
			if be {
				u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
			} else {
				u[i] = uint16(s[2*i+1])<<8 | uint16(s[2*i])
			}
		}
		return string(utf16.Decode(u)), rest
	default:
		end := bytes.IndexByte(b, 0)
		rest := []byte(nil)
		if end < 0 {
			end = len(b)
		} else {
			rest = b[end+1:]
		}
		s := b[:end]
		if enc == encUTF8 {
			return string(bytes.ToValidUTF8(s, []byte("\uFFFD"))), rest
		}
		r := make([]rune, len(s))
		for i, c := range s {
			r[i] = rune(c)
		}
		return string(r), rest
	}
}

// body returns the frame body with frame-level unsynchronisation and the
// data-length indicator (v2.4) removed; compressed or encrypted frames
// give ok false.
func (f Frame) body(v byte) ([]byte, bool) {
	b := f.Body
	if v == 4 {
		if f.Flags[1]&0x0C != 0 { // compressed or encrypted
			return nil, false
		}
		if f.Flags[1]&0x40 != 0 { // grouping id
			if len(b) < 1 {
				return nil, false
			}
			b = b[1:]
		}
		if f.Flags[1]&0x01 != 0 { // data length indicator
			if len(b) < 4 {
				return nil, false
			}
			b = b[4:]
		}
		if f.Flags[1]&0x02 != 0 {
			b = undoUnsync(b)
		}
		return b, true
	}
	if f.Flags[1]&0xC0 != 0 { // v2.3 compressed or encrypted
		return nil, false
	}
	if f.Flags[1]&0x20 != 0 {
		if len(b) < 1 {
			return nil, false
		}
		b = b[1:]
	}
	return b, true
}

// TXXX returns description and value of a user text frame.
func (t *Tag) TXXX(f Frame) (desc, value string, ok bool) {
	b, ok := f.body(t.Version)
	if f.ID != "TXXX" || !ok || len(b) < 1 {
		return "", "", false
	}
	desc, rest := decodeText(b[0], b[1:])
	value, _ = decodeText(b[0], rest)
	return desc, value, true
}

// COMM returns language, description and text of a comment frame.
func (t *Tag) COMM(f Frame) (lang, desc, text string, ok bool) {
	b, ok := f.body(t.Version)
	if f.ID != "COMM" || !ok || len(b) < 4 {
		return "", "", "", false
	}
	lang = string(b[1:4])
	if !utf8.ValidString(lang) {
		lang = ""
	}
	desc, rest := decodeText(b[0], b[4:])
	text, _ = decodeText(b[0], rest)
	return lang, desc, text, true
}

// PRIV returns owner and data of a private frame.
func (t *Tag) PRIV(f Frame) (owner string, data []byte, ok bool) {
	b, ok := f.body(t.Version)
	if f.ID != "PRIV" || !ok {
		return "", nil, false
	}
	owner, data = decodeText(encLatin1, b)
	return owner, data, true
}

// GEOB returns MIME type, file name, description and object of a general
// encapsulated object frame (C2PA puts its manifest store in one).
func (t *Tag) GEOB(f Frame) (mime, name, desc string, data []byte, ok bool) {
	b, ok := f.body(t.Version)
	if f.ID != "GEOB" || !ok || len(b) < 1 {
		return "", "", "", nil, false
	}
	mime, rest := decodeText(encLatin1, b[1:])
	name, rest = decodeText(b[0], rest)
	desc, data = decodeText(b[0], rest)
	return mime, name, desc, data, true
}

// Text returns the text of a T??? text frame (the first value).
func (t *Tag) Text(f Frame) (string, bool) {
	b, ok := f.body(t.Version)
	if len(f.ID) != 4 || f.ID[0] != 'T' || f.ID == "TXXX" || !ok || len(b) < 1 {
		return "", false
	}
	s, _ := decodeText(b[0], b[1:])
	return s, true
}

// NewTXXX builds a user text frame for the tag's version.
func (t *Tag) NewTXXX(desc, value string) Frame {
	enc, _ := encodeText(t.Version, desc+value, false)
	_, d := encodeTextAs(enc, desc, true)
	_, v := encodeTextAs(enc, value, false)
	return Frame{ID: "TXXX", Body: append(append([]byte{enc}, d...), v...)}
}

// NewCOMM builds a comment frame; lang is an ISO 639-2 code ("kaz").
func (t *Tag) NewCOMM(lang, desc, text string) Frame {
	enc, _ := encodeText(t.Version, desc+text, false)
	_, dd := encodeTextAs(enc, desc, true)
	_, tt := encodeTextAs(enc, text, false)
	b := append([]byte{enc}, (lang + "   ")[:3]...)
	return Frame{ID: "COMM", Body: append(append(b, dd...), tt...)}
}

// NewPRIV builds a private frame.
func (t *Tag) NewPRIV(owner string, data []byte) Frame {
	b := append([]byte(owner), 0)
	return Frame{ID: "PRIV", Body: append(b, data...)}
}

// encodeTextAs encodes s in a given encoding (chosen for a group of
// strings so that all fit).
func encodeTextAs(enc byte, s string, term bool) (byte, []byte) {
	switch enc {
	case encUTF8:
		return encodeText(4, s, term)
	case encLatin1:
		return encodeText(3, s, term) // Latin-1 fits: chosen by the caller
	}
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	if term {
		b = append(b, 0, 0)
	}
	return encUTF16, b
}

// Remove drops every frame for which drop returns true.
func (t *Tag) Remove(drop func(t *Tag, f Frame) bool) {
	out := t.Frames[:0]
	for _, f := range t.Frames {
		if !drop(t, f) {
			out = append(out, f)
		}
	}
	t.Frames = out
}
