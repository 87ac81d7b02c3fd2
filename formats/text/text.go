// Package text moves disclosure notices and metadata in and out of plain
// text, Markdown, HTML and JSON documents, byte for byte, and tells which
// byte spans of a document are prose (where an invisible carrier may go).
//
// It knows bytes, not policy: package label decides the wording, the
// fields and the placement. Every Insert has a Remove that gives back the
// original bytes exactly, which is also how relabelling avoids stacking a
// second notice. It is not a full HTML or Markdown parser: it scans just
// enough structure (tags, raw-text elements, code fences, code spans, link
// destinations, JSON strings) to keep carriers and notices out of code,
// URLs, tags and attributes.
package text

import (
	"bytes"
	"errors"
)

// ErrCorrupt reports a document that cannot be edited safely (invalid
// JSON, unterminated front matter that does not parse, …).
var ErrCorrupt = errors.New("text: corrupt document")

// Line is one language's notice text.
type Line struct {
	Lang string
	Text string
}

// Placement says where a visible notice goes.
type Placement int

const (
	Start Placement = iota // first lines / top of the body
	End                    // last lines / bottom of the body
)

// Span is a byte range [Start, End) holding prose.
type Span struct{ Start, End int }

// Notice is a visible notice found in a document.
type Notice struct {
	Lines      []Line // languages are known only where the format records them
	Start, End int    // byte range removed by the matching Remove
	Placement  Placement
	Marked     bool // found by belgi's marker, not only by its wording
}

// bom is the UTF-8 byte order mark some editors write at the start.
var bom = []byte("\xEF\xBB\xBF")

// newline returns the line ending a document uses ("\r\n" if its first
// line ends so, "\n" otherwise).
func newline(doc []byte) []byte {
	if i := bytes.IndexByte(doc, '\n'); i > 0 && doc[i-1] == '\r' {
		return []byte("\r\n")
	}
	return []byte("\n")
}

// splice returns doc with ins inserted at i.
func splice(doc []byte, i int, ins ...[]byte) []byte {
	n := len(doc)
	for _, b := range ins {
		n += len(b)
	}
	out := make([]byte, 0, n)
	out = append(out, doc[:i]...)
	for _, b := range ins {
		out = append(out, b...)
	}
	return append(out, doc[i:]...)
}

// cut returns doc without [i, j).
func cut(doc []byte, i, j int) []byte {
	out := make([]byte, 0, len(doc)-(j-i))
	out = append(out, doc[:i]...)
	return append(out, doc[j:]...)
}
