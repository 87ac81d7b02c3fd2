package text

import (
	"bytes"
	"strings"
)

// MarkdownMarker is the HTML comment (invisible when rendered) that opens
// belgi's Markdown notice, a blockquote with one paragraph per language.
const MarkdownMarker = "<!-- belgi:disclosure -->"

func markdownBlock(lines []Line, nl []byte) []byte {
	var b bytes.Buffer
	b.WriteString(MarkdownMarker)
	for i, l := range lines {
		b.Write(nl)
		if i > 0 {
			b.WriteString(">")
			b.Write(nl)
		}
		b.WriteString("> ")
		b.WriteString(l.Text)
	}
	return b.Bytes()
}

// InsertMarkdownNotice puts a blockquote notice after the front matter
// (Start) or at the end of the document (End), separated by blank lines.
func InsertMarkdownNotice(doc []byte, lines []Line, at Placement) []byte {
	return insertBlock(doc, BodyStart(doc), markdownBlock(lines, newline(doc)), at)
}

// FindMarkdownNotice finds a notice written by InsertMarkdownNotice.
func FindMarkdownNotice(doc []byte) (Notice, bool) {
	bodyStart := BodyStart(doc)
	nl := newline(doc)
	for off := bodyStart; ; {
		k := bytes.Index(doc[off:], []byte(MarkdownMarker))
		if k < 0 {
			return Notice{}, false
		}
		bs := off + k
		off = bs + len(MarkdownMarker)
		if bs > bodyStart && doc[bs-1] != '\n' {
			continue
		}
		// Quote lines follow the marker.
		be := bs + len(MarkdownMarker)
		var lines []Line
		for bytes.HasPrefix(doc[be:], nl) && bytes.HasPrefix(doc[be+len(nl):], []byte(">")) {
			ls := be + len(nl)
			le := len(doc)
			if j := bytes.Index(doc[ls:], nl); j >= 0 {
				le = ls + j
			}
			t := strings.TrimPrefix(string(doc[ls+1:le]), " ")
			if t != "" {
				lines = append(lines, Line{Text: t})
			}
			be = le
		}
		if len(lines) == 0 {
			continue
		}
		s, e, at, ok := blockRange(doc, bodyStart, bs, be)
		if !ok {
			continue
		}
		return Notice{Lines: lines, Start: s, End: e, Placement: at, Marked: true}, true
	}
}

// RemoveMarkdownNotice returns doc without belgi's notice.
func RemoveMarkdownNotice(doc []byte) []byte {
	n, ok := FindMarkdownNotice(doc)
	if !ok {
		return doc
	}
	return cut(doc, n.Start, n.End)
}

// MarkdownProse returns the spans of a Markdown document that hold prose:
// paragraph, list and quote text outside front matter, belgi's notice,
// headings, fenced and indented code, HTML blocks, tables' delimiter rows,
// link reference definitions, code spans, link destinations, autolinks and
// inline tags.
func MarkdownProse(doc []byte) []Span {
	var spans []Span
	i := BodyStart(doc)
	skipFrom, skipTo := -1, -1
	if n, ok := FindMarkdownNotice(doc); ok {
		skipFrom, skipTo = n.Start, n.End
	}
	var fence []byte // open code fence ("```", "~~~~", …)
	inHTML := false
	for i < len(doc) {
		le := len(doc)
		next := len(doc)
		if j := bytes.IndexByte(doc[i:], '\n'); j >= 0 {
			le, next = i+j, i+j+1
		}
		line := doc[i:le]
		start := i
		i = next
		if start >= skipFrom && start < skipTo {
			continue
		}
		trim := bytes.TrimLeft(line, " ")
		indent := len(line) - len(trim)
		blank := len(bytes.TrimSpace(line)) == 0
		if fence != nil {
			if indent < 4 && bytes.HasPrefix(trim, fence) && len(bytes.TrimSpace(bytes.TrimLeft(trim, string(fence[:1])))) == 0 {
				fence = nil
			}
			continue
		}
		if inHTML {
			if blank {
				inHTML = false
			}
			continue
		}
		if blank || indent >= 4 || bytes.HasPrefix(line, []byte("\t")) {
			continue
		}
		if f := fenceOpen(trim); f != nil {
			fence = f
			continue
		}
		switch {
		case bytes.HasPrefix(trim, []byte("<")):
			inHTML = true
			continue
		case bytes.HasPrefix(trim, []byte("#")), isUnderline(trim), isTableRule(trim), isRefDef(trim):
			continue
		}
		if isUnderline(bytes.TrimLeft(nextLine(doc, next), " ")) {
			continue // setext heading text
		}
		spans = appendInlineProse(spans, doc, start, le)
	}
	return spans
}

func nextLine(doc []byte, i int) []byte {
	if i >= len(doc) {
		return nil
	}
	if j := bytes.IndexByte(doc[i:], '\n'); j >= 0 {
		return doc[i : i+j]
	}
	return doc[i:]
}

func fenceOpen(trim []byte) []byte {
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(trim) && trim[n] == c {
			n++
		}
		if n >= 3 {
			return bytes.Repeat([]byte{c}, n)
		}
	}
	return nil
}

func isUnderline(t []byte) bool {
	t = bytes.TrimRight(t, " \r")
	if len(t) == 0 {
		return false
	}
	c := t[0]
	if c != '=' && c != '-' && c != '*' && c != '_' {
		return false
	}
	for _, b := range t {
		if b != c && b != ' ' {
			return false
		}
	}
	return true
}

func isTableRule(t []byte) bool {
	t = bytes.TrimSpace(t)
	if len(t) == 0 || bytes.IndexByte(t, '-') < 0 {
		return false
	}
	for _, b := range t {
		if b != '|' && b != '-' && b != ':' && b != ' ' {
			return false
		}
	}
	return true
}

func isRefDef(t []byte) bool {
	if len(t) == 0 || t[0] != '[' {
		return false
	}
	k := bytes.Index(t, []byte("]:"))
	return k > 1 && bytes.IndexByte(t[1:k], ']') < 0
}

// appendInlineProse adds the parts of line [s, e) outside code spans, link
// destinations, autolinks and inline HTML.
func appendInlineProse(spans []Span, doc []byte, s, e int) []Span {
	from := s
	emit := func(to int) {
		if to > from {
			spans = append(spans, Span{from, to})
		}
	}
	for i := s; i < e; i++ {
		switch doc[i] {
		case '\\':
			i++ // escaped character
		case '`':
			n := 1
			for i+n < e && doc[i+n] == '`' {
				n++
			}
			tick := bytes.Repeat([]byte{'`'}, n)
			k := bytes.Index(doc[i+n:e], tick)
			emit(i)
			if k < 0 {
				return spans // unclosed: leave the rest of the line alone
			}
			i = i + n + k + n - 1
			from = i + 1
		case '<':
			k := bytes.IndexByte(doc[i:e], '>')
			emit(i)
			if k < 0 {
				return spans
			}
			i += k
			from = i + 1
		case ']':
			if i+1 < e && doc[i+1] == '(' {
				depth, j := 0, i+1
				for ; j < e; j++ {
					if doc[j] == '(' {
						depth++
					} else if doc[j] == ')' {
						depth--
						if depth == 0 {
							break
						}
					}
				}
				emit(i + 1)
				if j >= e {
					return spans
				}
				i = j
				from = j + 1
			}
		}
	}
	emit(e)
	return spans
}
