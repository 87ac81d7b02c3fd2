package text

import (
	"bytes"
	"strings"
)

// PlainMark ends the last line of a plain-text notice: two variation
// selectors (U+E0152 U+FE02) that render as nothing and let Find tell
// belgi's notice from text that merely says the same. They are not a
// carrier copy (watermark/text needs 14 selectors in a row).
const PlainMark = "\U000E0152\uFE02"

// plainBlock renders lines, one language per line, the last one marked.
func plainBlock(lines []Line, nl []byte) []byte {
	var b bytes.Buffer
	for i, l := range lines {
		if i > 0 {
			b.Write(nl)
		}
		b.WriteString(l.Text)
	}
	b.WriteString(PlainMark)
	return b.Bytes()
}

// InsertPlainNotice puts lines at the start (followed by a blank line) or
// the end (after a blank line) of a plain-text document, keeping its line
// endings and byte order mark.
func InsertPlainNotice(doc []byte, lines []Line, at Placement) []byte {
	nl := newline(doc)
	block := plainBlock(lines, nl)
	body := doc
	pre := 0
	if bytes.HasPrefix(doc, bom) {
		pre = len(bom)
		body = doc[pre:]
	}
	if at == Start || len(body) == 0 {
		return splice(doc, pre, block, nl, nl)
	}
	if bytes.HasSuffix(body, nl) {
		return splice(doc, len(doc), nl, block, nl)
	}
	return splice(doc, len(doc), nl, nl, block)
}

// FindPlainNotice finds a notice written by InsertPlainNotice: the first
// or last paragraph of doc, recognised by PlainMark or, when a sanitizer
// removed the mark, by every line being known wording (known may be nil).
func FindPlainNotice(doc []byte, known func(string) bool) (Notice, bool) {
	nl := newline(doc)
	sep := append(append([]byte{}, nl...), nl...)
	pre := 0
	if bytes.HasPrefix(doc, bom) {
		pre = len(bom)
	}
	// First paragraph.
	if k := bytes.Index(doc[pre:], sep); k > 0 {
		para := doc[pre : pre+k]
		if lines, marked, ok := plainParagraph(para, nl, known); ok {
			return Notice{Lines: lines, Start: pre, End: pre + k + len(sep), Placement: Start, Marked: marked}, true
		}
	}
	// Last paragraph: "body\n\nP" or "body\n\nP\n".
	body := doc[pre:]
	trail := 0
	if bytes.HasSuffix(body, nl) {
		trail = len(nl)
	}
	end := len(doc) - trail
	k := bytes.LastIndex(doc[pre:end], sep)
	if k < 0 {
		return Notice{}, false
	}
	pstart := pre + k + len(sep)
	para := doc[pstart:end]
	lines, marked, ok := plainParagraph(para, nl, known)
	if !ok {
		return Notice{}, false
	}
	n := Notice{Lines: lines, Placement: End, Marked: marked, End: len(doc)}
	if trail > 0 {
		n.Start = pstart - len(nl) // keep the body's own final newline
	} else {
		n.Start = pstart - len(sep)
	}
	return n, true
}

func plainParagraph(para, nl []byte, known func(string) bool) ([]Line, bool, bool) {
	if len(para) == 0 {
		return nil, false, false
	}
	marked := bytes.HasSuffix(para, []byte(PlainMark))
	if marked {
		para = para[:len(para)-len(PlainMark)]
	}
	var lines []Line
	for _, s := range strings.Split(string(para), string(nl)) {
		if s == "" || (!marked && (known == nil || !known(s))) {
			return nil, false, false
		}
		lines = append(lines, Line{Text: s})
	}
	return lines, marked, true
}

// RemovePlainNotice returns doc without the notice FindPlainNotice finds
// (doc itself when there is none).
func RemovePlainNotice(doc []byte, known func(string) bool) []byte {
	n, ok := FindPlainNotice(doc, known)
	if !ok {
		return doc
	}
	return cut(doc, n.Start, n.End)
}
