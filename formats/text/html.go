package text

import (
	"bytes"
	"html"
	"strings"
)

// htmlTok is one token of the light HTML scan.
type htmlTok struct {
	kind       byte // 't' text, 's' start tag, 'e' end tag, 'c' comment, 'd' doctype/other markup
	name       string
	start, end int // byte range of the token
}

// rawText elements hold text that is not markup (and is not prose).
var rawText = map[string]bool{"script": true, "style": true, "textarea": true, "title": true,
	"xmp": true, "iframe": true, "noembed": true, "noframes": true, "plaintext": true}

// htmlTokens scans doc and calls fn for each token until fn returns false.
// Raw-text element content is reported as one text token with name set
// to the element's name.
func htmlTokens(doc []byte, fn func(htmlTok) bool) {
	i := 0
	for i < len(doc) {
		if doc[i] != '<' {
			k := bytes.IndexByte(doc[i:], '<')
			end := len(doc)
			if k >= 0 {
				end = i + k
			}
			if !fn(htmlTok{kind: 't', start: i, end: end}) {
				return
			}
			i = end
			continue
		}
		rest := doc[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := len(doc)
			if k := bytes.Index(doc[i+4:], []byte("-->")); k >= 0 {
				end = i + 4 + k + 3
			}
			if !fn(htmlTok{kind: 'c', start: i, end: end}) {
				return
			}
			i = end
			continue
		case len(rest) > 1 && (rest[1] == '!' || rest[1] == '?'):
			end := len(doc)
			if k := bytes.IndexByte(rest, '>'); k >= 0 {
				end = i + k + 1
			}
			if !fn(htmlTok{kind: 'd', start: i, end: end}) {
				return
			}
			i = end
			continue
		}
		kind := byte('s')
		j := i + 1
		if j < len(doc) && doc[j] == '/' {
			kind = 'e'
			j++
		}
		ns := j
		for j < len(doc) && (isASCIILetter(doc[j]) || (j > ns && (doc[j] >= '0' && doc[j] <= '9' || doc[j] == '-' || doc[j] == ':'))) {
			j++
		}
		if j == ns {
			// A lone '<' is text.
			k := bytes.IndexByte(doc[i+1:], '<')
			end := len(doc)
			if k >= 0 {
				end = i + 1 + k
			}
			if !fn(htmlTok{kind: 't', start: i, end: end}) {
				return
			}
			i = end
			continue
		}
		name := strings.ToLower(string(doc[ns:j]))
		end := tagEnd(doc, j)
		if !fn(htmlTok{kind: kind, name: name, start: i, end: end}) {
			return
		}
		i = end
		if kind == 's' && rawText[name] && !bytes.HasSuffix(doc[:end], []byte("/>")) {
			close := indexFold(doc[i:], "</"+name)
			cend := len(doc)
			if close >= 0 {
				cend = i + close
			}
			if !fn(htmlTok{kind: 't', name: name, start: i, end: cend}) {
				return
			}
			i = cend
		}
	}
}

func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// tagEnd returns the index after the '>' that closes the tag whose
// attributes start at j, skipping quoted attribute values.
func tagEnd(doc []byte, j int) int {
	var quote byte
	for ; j < len(doc); j++ {
		c := doc[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j + 1
		}
	}
	return len(doc)
}

func indexFold(s []byte, sub string) int {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if s[i] == '<' && bytes.EqualFold(s[i:i+n], []byte(sub)) {
			return i
		}
	}
	return -1
}

// htmlAttrs parses the attributes of a start tag token.
func htmlAttrs(tag []byte) map[string]string {
	attrs := map[string]string{}
	i := 1
	for i < len(tag) && tag[i] != ' ' && tag[i] != '\t' && tag[i] != '\n' && tag[i] != '\r' && tag[i] != '>' && tag[i] != '/' {
		i++
	}
	for i < len(tag) {
		for i < len(tag) && (tag[i] == ' ' || tag[i] == '\t' || tag[i] == '\n' || tag[i] == '\r' || tag[i] == '/') {
			i++
		}
		if i >= len(tag) || tag[i] == '>' {
			break
		}
		ns := i
		for i < len(tag) && tag[i] != '=' && tag[i] != ' ' && tag[i] != '>' && tag[i] != '\t' && tag[i] != '\n' && tag[i] != '/' {
			i++
		}
		name := strings.ToLower(string(tag[ns:i]))
		val := ""
		if i < len(tag) && tag[i] == '=' {
			i++
			if i < len(tag) && (tag[i] == '"' || tag[i] == '\'') {
				q := tag[i]
				i++
				vs := i
				for i < len(tag) && tag[i] != q {
					i++
				}
				val = string(tag[vs:i])
				i++
			} else {
				vs := i
				for i < len(tag) && tag[i] != ' ' && tag[i] != '>' && tag[i] != '\t' && tag[i] != '\n' {
					i++
				}
				val = string(tag[vs:i])
			}
		}
		if name != "" {
			if _, dup := attrs[name]; !dup {
				attrs[name] = html.UnescapeString(val)
			}
		}
		if ns == i {
			i++
		}
	}
	return attrs
}

// nonProse elements whose text is code, or not shown as running text.
var nonProse = map[string]bool{"pre": true, "code": true, "kbd": true, "samp": true, "var": true,
	"svg": true, "math": true, "template": true, "head": true, "noscript": true, "select": true, "option": true}

// HTMLProse returns the text spans of an HTML document outside the head,
// raw-text elements (script, style, textarea, title), code-like elements
// (pre, code, kbd, samp, var), svg, math, template, belgi's own blocks,
// comments and tags (so never in attributes).
func HTMLProse(doc []byte) []Span {
	var spans []Span
	depth := map[string]int{}
	skipping := 0
	ownDepth := 0
	htmlTokens(doc, func(t htmlTok) bool {
		switch t.kind {
		case 'c':
			c := doc[t.start:t.end]
			if bytes.HasPrefix(c, []byte("<!-- belgi:")) {
				ownDepth++
			} else if bytes.HasPrefix(c, []byte("<!-- /belgi:")) && ownDepth > 0 {
				ownDepth--
			}
		case 's':
			if t.name == "body" {
				skipping -= depth["head"]
				depth["head"] = 0
			}
			if nonProse[t.name] && !bytes.HasSuffix(doc[t.start:t.end], []byte("/>")) {
				depth[t.name]++
				skipping++
			}
		case 'e':
			if nonProse[t.name] && depth[t.name] > 0 {
				depth[t.name]--
				skipping--
			}
		case 't':
			if t.name == "" && skipping == 0 && ownDepth == 0 && t.end > t.start {
				spans = append(spans, Span{t.start, t.end})
			}
		}
		return true
	})
	return spans
}

// htmlPositions finds where head and body content go.
type htmlPositions struct {
	headEnd     int // before </head>, or -1
	headOpenEnd int // after <head…>, or -1
	htmlOpenEnd int // after <html…>, or -1
	docEnd      int // after <!doctype…>, or -1
	bodyOpenEnd int // after <body…>, or -1
	bodyClose   int // before </body>, or -1
	htmlClose   int // before </html>, or -1
}

func findPositions(doc []byte) htmlPositions {
	p := htmlPositions{-1, -1, -1, -1, -1, -1, -1}
	htmlTokens(doc, func(t htmlTok) bool {
		switch {
		case t.kind == 'd' && p.docEnd < 0 && bytes.HasPrefix(bytes.ToLower(doc[t.start:min(t.end, t.start+9)]), []byte("<!doctype")):
			p.docEnd = t.end
		case t.kind == 's' && t.name == "html" && p.htmlOpenEnd < 0:
			p.htmlOpenEnd = t.end
		case t.kind == 's' && t.name == "head" && p.headOpenEnd < 0:
			p.headOpenEnd = t.end
		case t.kind == 'e' && t.name == "head" && p.headEnd < 0:
			p.headEnd = t.start
		case t.kind == 's' && t.name == "body" && p.bodyOpenEnd < 0:
			p.bodyOpenEnd = t.end
		case t.kind == 'e' && t.name == "body":
			p.bodyClose = t.start
		case t.kind == 'e' && t.name == "html":
			p.htmlClose = t.start
		}
		return true
	})
	return p
}

func firstOf(def int, xs ...int) int {
	for _, x := range xs {
		if x >= 0 {
			return x
		}
	}
	return def
}

func htmlStartOffset(doc []byte) int {
	if bytes.HasPrefix(doc, bom) {
		return len(bom)
	}
	return 0
}

func openMarker(name string) string  { return "<!-- belgi:" + name + " -->" }
func closeMarker(name string) string { return "<!-- /belgi:" + name + " -->" }

// InsertHTMLHead puts inner (meta tags, JSON-LD) into the head, wrapped in
// belgi's comment markers, before </head> (or after <head>, <html>, the
// doctype, or at the start of a fragment).
func InsertHTMLHead(doc []byte, name string, inner []byte) []byte {
	p := findPositions(doc)
	at := firstOf(htmlStartOffset(doc), p.headEnd, p.headOpenEnd, p.htmlOpenEnd, p.docEnd)
	return insertHTMLBlock(doc, at, name, inner)
}

// InsertHTMLBody puts inner at the start of the body (after <body>) or its
// end (before </body>), wrapped in belgi's comment markers. Fragments
// without a body get it at their start or end.
func InsertHTMLBody(doc []byte, name string, inner []byte, at Placement) []byte {
	p := findPositions(doc)
	var pos int
	if at == Start {
		pos = firstOf(htmlStartOffset(doc), p.bodyOpenEnd, after(doc, p.headEnd, "</head>"), p.htmlOpenEnd, p.docEnd)
	} else {
		pos = firstOf(len(doc), p.bodyClose, p.htmlClose)
	}
	return insertHTMLBlock(doc, pos, name, inner)
}

func after(doc []byte, i int, tag string) int {
	if i < 0 {
		return -1
	}
	return i + len(tag)
}

func insertHTMLBlock(doc []byte, at int, name string, inner []byte) []byte {
	nl := newline(doc)
	if bytes.HasPrefix(doc[at:], nl) {
		at += len(nl) // on its own line: "<body>\n<!-- belgi:… -->…\n"
	}
	return splice(doc, at, []byte(openMarker(name)), inner, []byte(closeMarker(name)), nl)
}

// FindHTMLBlock returns the bytes between belgi's markers for name, and
// the range RemoveHTMLBlock deletes.
func FindHTMLBlock(doc []byte, name string) (inner []byte, start, end int, ok bool) {
	o, c := []byte(openMarker(name)), []byte(closeMarker(name))
	s := bytes.Index(doc, o)
	if s < 0 {
		return nil, 0, 0, false
	}
	k := bytes.Index(doc[s+len(o):], c)
	if k < 0 {
		return nil, 0, 0, false
	}
	is, ie := s+len(o), s+len(o)+k
	end = ie + len(c)
	if nl := newline(doc); bytes.HasPrefix(doc[end:], nl) {
		end += len(nl)
	}
	return doc[is:ie], s, end, true
}

// RemoveHTMLBlock removes belgi's block name (markers included).
func RemoveHTMLBlock(doc []byte, name string) []byte {
	_, s, e, ok := FindHTMLBlock(doc, name)
	if !ok {
		return doc
	}
	return cut(doc, s, e)
}

// HTMLNotice renders the visible notice element: an aside with role note,
// an aria-label holding every line, and one paragraph per language.
func HTMLNotice(lines []Line) []byte {
	var b bytes.Buffer
	texts := make([]string, len(lines))
	for i, l := range lines {
		texts[i] = l.Text
	}
	b.WriteString(`<aside class="ai-disclosure" data-ai-disclosure="" role="note" aria-label="`)
	b.WriteString(html.EscapeString(strings.Join(texts, " / ")))
	b.WriteString(`">`)
	for _, l := range lines {
		b.WriteString(`<p lang="` + html.EscapeString(l.Lang) + `">`)
		b.WriteString(html.EscapeString(l.Text))
		b.WriteString(`</p>`)
	}
	b.WriteString(`</aside>`)
	return b.Bytes()
}

// FindHTMLNotice finds belgi's notice element (block "disclosure") and
// reads its lines and aria-label.
func FindHTMLNotice(doc []byte) (lines []Line, ariaLabel string, ok bool) {
	inner, _, _, found := FindHTMLBlock(doc, "disclosure")
	if !found {
		return nil, "", false
	}
	var lang string
	var text strings.Builder
	inP := false
	htmlTokens(inner, func(t htmlTok) bool {
		switch {
		case t.kind == 's' && t.name == "aside":
			ariaLabel = htmlAttrs(inner[t.start:t.end])["aria-label"]
		case t.kind == 's' && t.name == "p":
			lang, inP = htmlAttrs(inner[t.start:t.end])["lang"], true
			text.Reset()
		case t.kind == 't' && inP:
			text.Write(inner[t.start:t.end])
		case t.kind == 'e' && t.name == "p" && inP:
			lines = append(lines, Line{Lang: lang, Text: html.UnescapeString(text.String())})
			inP = false
		}
		return true
	})
	return lines, ariaLabel, len(lines) > 0
}

// HTMLMeta returns the name (or property) → content of every <meta> tag,
// first occurrence winning.
func HTMLMeta(doc []byte) map[string]string {
	out := map[string]string{}
	htmlTokens(doc, func(t htmlTok) bool {
		if t.kind == 's' && t.name == "meta" {
			a := htmlAttrs(doc[t.start:t.end])
			n := a["name"]
			if n == "" {
				n = a["property"]
			}
			if _, dup := out[strings.ToLower(n)]; n != "" && !dup {
				out[strings.ToLower(n)] = a["content"]
			}
		}
		return true
	})
	return out
}

// HTMLJSONLD returns the contents of every <script type="application/ld+json">.
func HTMLJSONLD(doc []byte) [][]byte {
	var out [][]byte
	isLD := false
	htmlTokens(doc, func(t htmlTok) bool {
		switch {
		case t.kind == 's' && t.name == "script":
			isLD = strings.EqualFold(strings.TrimSpace(htmlAttrs(doc[t.start:t.end])["type"]), "application/ld+json")
		case t.kind == 't' && t.name == "script" && isLD:
			out = append(out, doc[t.start:t.end])
			isLD = false
		}
		return true
	})
	return out
}
