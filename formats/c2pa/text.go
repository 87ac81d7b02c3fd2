package c2pa

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Unstructured text (C2PA 2.3 A.7 "Embedding manifests into unstructured
// text"): the manifest store is appended to the text as U+FEFF followed by
// one Unicode variation selector per byte of
//
//	"C2PATXT\x00" | version 0x01 | JUMBF length (u32 BE) | JUMBF | padding
//
// Byte b becomes U+FE00+b for b < 16 and U+E0100+(b-16) otherwise. The hard
// binding is c2pa.hash.data with the wrapper's UTF-8 bytes excluded; the
// rest is NFC-normalised before hashing, so belgi writes NFC text (then the
// offsets into the stored text and into the normalised text agree).

var textMagic = []byte("C2PATXT\x00")

const textVersion = 1

// maxText bounds the text read into memory (text files are small; the
// wrapper needs the whole text to find and replace an old manifest).
const maxText = 256 << 20

// ErrTextWrapper reports a damaged or repeated text wrapper.
var ErrTextWrapper = errors.New("c2pa: text wrapper")

// appendSelector encodes byte b as a variation selector in UTF-8.
func appendSelector(dst []byte, b byte) []byte {
	if b < 16 {
		return utf8.AppendRune(dst, rune(0xFE00+int(b)))
	}
	return utf8.AppendRune(dst, rune(0xE0100+int(b)-16))
}

// selectorByte decodes a variation selector; ok is false for other runes.
func selectorByte(r rune) (byte, bool) {
	switch {
	case r >= 0xFE00 && r <= 0xFE0F:
		return byte(r - 0xFE00), true
	case r >= 0xE0100 && r <= 0xE01EF:
		return byte(r - 0xE0100 + 16), true
	}
	return 0, false
}

// textWrapperLen is the fixed length reserved for a store of n bytes: every
// byte at its longest (4 UTF-8 bytes) plus slack that padding fills, so the
// exclusion is known before the store's bytes are.
func textWrapperLen(n int) int64 { return int64(3 + (13+n)*4 + 6) }

// EncodeTextWrapper returns the wrapper for store, padded to exactly
// textWrapperLen(len(store)) UTF-8 bytes when pad is true.
func EncodeTextWrapper(store []byte, pad bool) []byte {
	out := make([]byte, 0, textWrapperLen(len(store)))
	out = utf8.AppendRune(out, 0xFEFF)
	hdr := append(append([]byte(nil), textMagic...), textVersion, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(hdr[9:], uint32(len(store)))
	for _, b := range hdr {
		out = appendSelector(out, b)
	}
	for _, b := range store {
		out = appendSelector(out, b)
	}
	if pad {
		gap := int(textWrapperLen(len(store))) - len(out)
		fours := gap % 3
		threes := (gap - 4*fours) / 3
		for i := 0; i < threes; i++ {
			out = appendSelector(out, 0x00)
		}
		for i := 0; i < fours; i++ {
			out = appendSelector(out, 0x10)
		}
	}
	return out
}

// FindTextWrapper locates the manifest wrapper in UTF-8 text. It returns
// the JUMBF store and the wrapper's byte range; ErrNoManifest when there is
// none, ErrTextWrapper (wrapped) when a wrapper is damaged or repeated.
func FindTextWrapper(text []byte) (store []byte, start, end int, err error) {
	start, end = -1, -1
	found := 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRune(text[i:])
		if r != 0xFEFF {
			i += n
			continue
		}
		// Decode the selector run that follows.
		j := i + n
		var data []byte
		for j < len(text) {
			r2, n2 := utf8.DecodeRune(text[j:])
			b, ok := selectorByte(r2)
			if !ok {
				break
			}
			data = append(data, b)
			j += n2
		}
		if len(data) >= len(textMagic) && bytes.Equal(data[:len(textMagic)], textMagic) {
			found++
			if found > 1 {
				return nil, 0, 0, fmt.Errorf("%w: manifest.text.multipleWrappers: second wrapper at byte %d", ErrTextWrapper, i)
			}
			if len(data) < 13 || data[8] != textVersion {
				return nil, 0, 0, fmt.Errorf("%w: manifest.text.corruptedWrapper at byte %d: bad header", ErrTextWrapper, i)
			}
			m := int(binary.BigEndian.Uint32(data[9:13]))
			if m > len(data)-13 {
				return nil, 0, 0, fmt.Errorf("%w: manifest.text.corruptedWrapper at byte %d: length %d beyond %d bytes", ErrTextWrapper, i, m, len(data)-13)
			}
			store, start, end = data[13:13+m], i, j
		}
		i = j
	}
	if found == 0 {
		return nil, 0, 0, ErrNoManifest
	}
	return store, start, end, nil
}

func scanText(r io.ReaderAt, size int64) (*layout, error) {
	if size > maxText {
		return nil, fmt.Errorf("%w: text of %d bytes (limit %d)", ErrUnsupported, size, maxText)
	}
	text, err := readAt(r, 0, int(size))
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(text) {
		return nil, fmt.Errorf("%w: text: not UTF-8", ErrCorrupt)
	}
	l := &layout{c: Text}
	store, s, e, err := FindTextWrapper(text)
	switch {
	case err == nil:
		l.store = store
		l.storeAt = span{int64(s), int64(e - s)}
		text = append(append([]byte(nil), text[:s]...), text[e:]...)
	case errors.Is(err, ErrNoManifest):
	default:
		return nil, err
	}
	l.textBody = norm.NFC.Bytes(text)
	l.wrapLen = textWrapperLen
	l.wrap = func(st []byte) []byte { return EncodeTextWrapper(st, true) }
	l.pieces = func(int64) ([]piece, error) {
		return []piece{{lit: l.textBody}, {store: true}}, nil
	}
	return l, nil
}
