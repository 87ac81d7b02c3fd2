// Package text hides a 64-bit content ID in text with Unicode variation
// selectors, repeated every few sentences so that an excerpt of 200
// characters or more still carries a whole copy.
//
// It is for plain Unicode prose handed to it as UTF-8 bytes, optionally
// restricted to byte spans a format package marked as prose. It is not a
// format parser (formats/text finds where prose is in Markdown, HTML and
// JSON), not a statistical generation-time watermark, and not the C2PA
// unstructured-text manifest wrapper (formats/c2pa): that wrapper starts
// with U+FEFF, ours never does, and Detect skips runs after U+FEFF.
//
// # Carrier format (version 1)
//
// One copy of the ID is a run of exactly RunLen (14) variation selectors,
// one per byte, with the byte→code point map C2PA uses for text:
// 0x00–0x0F → U+FE00–U+FE0F, 0x10–0xFF → U+E0100–U+E01EF. The 14 bytes are
//
//	0x62 ('b')  0x01 (version)  ID (8 bytes, big-endian)  CRC-32C (4 bytes, big-endian, over the 10 bytes before)
//
// A run is placed directly after a U+0020 space that separates two words
// (previous rune a letter, digit or closing punctuation; next rune a
// letter), never at a line start, never next to ZWJ/ZWNJ, never before a
// URL-like word; in text without spaces (Chinese, Japanese) after
// full-width punctuation (。！？，、) followed by a letter. Neither the
// space nor those marks has a standardised variation sequence with the
// first selector (U+E0152; ideographic variation sequences need an
// ideograph before them), so rendering does not change; NFC and NFKC leave
// variation selectors alone (canonical combining class 0, no
// decompositions).
//
// A decoder accepts a run only when it is a maximal run of exactly 14
// selectors, not preceded by U+FEFF, starting with 'b' 0x01, whose CRC
// matches. For a run of arbitrary selectors that is a 48-bit check
// (16 bits of magic, 32 of CRC): the chance that an unmarked run is taken
// for a copy is 2^-48 ≈ 3.6e-15, and unmarked text almost never contains
// 14 selectors in a row at all (emoji use one, ideographic variation
// sequences one per ideograph).
//
// NFKC_Casefold (IDNA, identifier normalisation) and "strip invisible
// characters" sanitizers delete variation selectors, and with them the
// carrier; the metadata and visible notice layers remain for that case.
package text

import (
	"encoding/binary"
	"hash/crc32"
	"unicode/utf8"
)

// RunLen is the number of variation selectors in one copy of the ID.
const RunLen = 14

const (
	magicByte = 0x62 // 'b'
	version   = 0x01
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Selector returns the variation selector that carries byte b.
func Selector(b byte) rune {
	if b < 0x10 {
		return 0xFE00 + rune(b)
	}
	return 0xE0100 + rune(b) - 0x10
}

// SelectorByte returns the byte a variation selector carries and whether r
// is one.
func SelectorByte(r rune) (byte, bool) {
	switch {
	case r >= 0xFE00 && r <= 0xFE0F:
		return byte(r - 0xFE00), true
	case r >= 0xE0100 && r <= 0xE01EF:
		return byte(r - 0xE0100 + 0x10), true
	}
	return 0, false
}

// Frame returns the 14 bytes of one copy of id.
func Frame(id uint64) [RunLen]byte {
	var f [RunLen]byte
	f[0], f[1] = magicByte, version
	binary.BigEndian.PutUint64(f[2:10], id)
	binary.BigEndian.PutUint32(f[10:14], crc32.Checksum(f[:10], castagnoli))
	return f
}

// Unframe checks a run's bytes and returns the ID it carries.
func Unframe(f []byte) (uint64, bool) {
	if len(f) != RunLen || f[0] != magicByte || f[1] != version {
		return 0, false
	}
	if binary.BigEndian.Uint32(f[10:14]) != crc32.Checksum(f[:10], castagnoli) {
		return 0, false
	}
	return binary.BigEndian.Uint64(f[2:10]), true
}

// Encode returns the UTF-8 bytes of one copy of id.
func Encode(id uint64) []byte {
	f := Frame(id)
	out := make([]byte, 0, RunLen*4)
	for _, b := range f {
		out = utf8.AppendRune(out, Selector(b))
	}
	return out
}

// magic8 is the UTF-8 form of Selector(magic), the first code point of
// every copy; Find looks for it with bytes.Index.
var magic8 = utf8.AppendRune(nil, Selector(magicByte))
