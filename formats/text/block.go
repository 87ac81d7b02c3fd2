package text

import "bytes"

// insertBlock puts block at the start of the body (bodyStart, followed by
// a blank line) or at the end of doc (after a blank line), the way
// InsertPlainNotice does.
func insertBlock(doc []byte, bodyStart int, block []byte, at Placement) []byte {
	nl := newline(doc)
	if at == Start || len(doc) == bodyStart {
		return splice(doc, bodyStart, block, nl, nl)
	}
	if bytes.HasSuffix(doc, nl) {
		return splice(doc, len(doc), nl, block, nl)
	}
	return splice(doc, len(doc), nl, nl, block)
}

// blockRange returns the bytes insertBlock added for a block found at
// [bs, be), and where it was put.
func blockRange(doc []byte, bodyStart, bs, be int) (int, int, Placement, bool) {
	nl := newline(doc)
	sep := append(append([]byte{}, nl...), nl...)
	if bs == bodyStart && bytes.HasPrefix(doc[be:], sep) {
		return bs, be + len(sep), Start, true
	}
	if be == len(doc) && bs-len(sep) >= bodyStart && bytes.Equal(doc[bs-len(sep):bs], sep) {
		return bs - len(sep), be, End, true
	}
	if be+len(nl) == len(doc) && bytes.Equal(doc[be:], nl) && bs-len(sep) >= bodyStart && bytes.Equal(doc[bs-len(sep):bs], sep) {
		return bs - len(nl), len(doc), End, true
	}
	return 0, 0, 0, false
}
