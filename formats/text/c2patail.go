package text

import "unicode/utf8"

// C2PATail returns the length of a C2PA unstructured-text manifest
// wrapper at the very end of doc (U+FEFF, then variation selectors whose
// first eight bytes are "C2PATXT\0"), or 0. The wrapper itself is
// formats/c2pa's business; text layers only step around it so that a
// notice at the end is still found and JSON still parses.
func C2PATail(doc []byte) int {
	end := len(doc)
	i := end
	n := 0
	for i > 0 {
		r, size := utf8.DecodeLastRune(doc[:i])
		if !isVS(r) {
			break
		}
		i -= size
		n++
	}
	if n < 8 {
		return 0
	}
	r, size := utf8.DecodeLastRune(doc[:i])
	if r != '\uFEFF' {
		return 0
	}
	// Check the magic on the first eight selectors.
	j := i
	for _, want := range []byte("C2PATXT\x00") {
		r, sz := utf8.DecodeRune(doc[j:])
		if vsByte(r) != want {
			return 0
		}
		j += sz
	}
	return end - (i - size)
}

func isVS(r rune) bool { return (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF) }

func vsByte(r rune) byte {
	if r >= 0xFE00 && r <= 0xFE0F {
		return byte(r - 0xFE00)
	}
	return byte(r - 0xE0100 + 0x10)
}
