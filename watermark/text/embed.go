package text

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// Span is a byte range [Start, End) of a document that holds prose, where
// copies may be placed. Format packages compute spans so that copies never
// land in code, URLs, tags or attributes.
type Span struct{ Start, End int }

// Params tune how often copies are placed. Gaps count runes of prose.
type Params struct {
	// MinGap: no copy closer than this to the previous one; a copy goes at
	// the first sentence end after it. Default 70.
	MinGap int
	// MaxGap: after this many runes without a copy, the next word gap
	// takes one even mid-sentence. Default 120. With words shorter than
	// about 50 runes this keeps a whole copy in every 200-rune window.
	MaxGap int
}

func (p Params) withDefaults() Params {
	if p.MinGap <= 0 {
		p.MinGap = 70
	}
	if p.MaxGap <= 0 {
		p.MaxGap = 120
	}
	if p.MaxGap < p.MinGap {
		p.MaxGap = p.MinGap
	}
	return p
}

const (
	zwnj = '\u200C'
	zwj  = '\u200D'
)

// Embed returns doc with copies of id placed at word gaps inside spans
// (the whole document when spans is nil). Spans must be sorted and must
// not overlap. Existing copies are left alone and gaps already followed by
// a variation selector are skipped, so callers relabelling a document
// should Remove first. The bytes of doc outside the inserted copies are
// unchanged: Remove(Embed(doc)) == doc.
//
// Text without spaces (Chinese, Japanese) gets its copies after full-width
// punctuation (。！？ at sentence ends, ，、 when a gap grows too long)
// that is followed by a letter.
func Embed(doc []byte, id uint64, spans []Span, p Params) []byte {
	p = p.withDefaults()
	if spans == nil {
		spans = []Span{{0, len(doc)}}
	}
	run := Encode(id)
	// At most one copy per MinGap runes (≤ bytes): no regrowth.
	out := make([]byte, 0, len(doc)+(len(doc)/p.MinGap+1)*len(run))
	var frame [RunLen]byte
	var marks wideMarks
	last := 0           // doc bytes copied to out so far
	visible := p.MaxGap // runes since the last copy: the first good gap takes one
	for _, s := range spans {
		start, end := max(s.Start, 0), min(s.End, len(doc))
		lineStart := bytes.LastIndexByte(doc[:start], '\n') + 1
		marks.reset()
		for i := start; i < end; {
			// No copy can go within MinGap runes of the last, and runes ≤
			// bytes: skip that many bytes at once unless an earlier copy
			// hides there.
			if need := p.MinGap - visible - 1; need > 16 && i+need < end {
				chunk := doc[i : i+need]
				if bytes.Index(chunk, magic8[:2]) < 0 {
					visible += runeStarts(chunk)
					if nl := bytes.LastIndexByte(chunk, '\n'); nl >= 0 {
						lineStart = i + nl + 1
					}
					i += need
					continue
				}
			}
			// The next gap: a space, or a full-width punctuation mark.
			h, hostLen := -1, 1
			if k := bytes.IndexByte(doc[i:end], ' '); k >= 0 {
				h = i + k
			}
			if w := marks.next(doc, i, end); w >= 0 && (h < 0 || w < h) {
				h, hostLen = w, 3
			}
			if h < 0 {
				visible += runeStarts(doc[i:end])
				break
			}
			seg := doc[i : h+hostLen]
			visible += runeStarts(seg)
			if nl := bytes.LastIndexByte(seg, '\n'); nl >= 0 {
				lineStart = i + nl + 1
			}
			at := h + hostLen // where a copy would go
			next := at
			if at < end && doc[at] == magic8[0] && bytes.HasPrefix(doc[at:], magic8) {
				if c, ok := runAt(doc, at, &frame); ok && c.End <= end {
					visible = 0 // an existing copy counts as one
					next = c.End
				}
			} else if visible >= p.MinGap {
				var sentence, ok bool
				if hostLen == 1 {
					sentence, ok = hostBefore(doc, start, lineStart, h)
				} else {
					sentence, ok = wideSentenceEnd(doc[h:at]), true
				}
				if ok && (sentence || visible >= p.MaxGap) && hostAfter(doc, at, end) {
					out = append(out, doc[last:at]...)
					out = append(out, run...)
					last = at
					visible = 0
				}
			}
			i = next
		}
	}
	return append(out, doc[last:]...)
}

// wideMarkList are the full-width punctuation marks that can carry a copy
// in text without spaces: none has a standardised variation sequence
// with U+E0152, the first selector of a copy.
var wideMarkList = [][]byte{[]byte("。"), []byte("！"), []byte("？"), []byte("，"), []byte("、")}

func wideSentenceEnd(m []byte) bool {
	return bytes.Equal(m, wideMarkList[0]) || bytes.Equal(m, wideMarkList[1]) || bytes.Equal(m, wideMarkList[2])
}

// wideMarks caches the next position of each mark, so text with none
// costs one search per mark and span.
type wideMarks struct {
	at   [5]int
	none bool // no mark left in the span
}

func (w *wideMarks) reset() {
	for i := range w.at {
		w.at[i] = -2 // unknown
	}
	w.none = false
}

// next returns the first mark at or after i, or -1.
func (w *wideMarks) next(doc []byte, i, end int) int {
	if w.none {
		return -1
	}
	best := -1
	for m := range w.at {
		if w.at[m] == -1 {
			continue // none left in this span
		}
		if w.at[m] < i {
			k := bytes.Index(doc[i:end], wideMarkList[m])
			if k < 0 {
				w.at[m] = -1
				continue
			}
			w.at[m] = i + k
		}
		if best < 0 || w.at[m] < best {
			best = w.at[m]
		}
	}
	w.none = best < 0
	return best
}

// hostBefore checks the rune before the space at i (inside the span that
// starts at start): it must end a word on the same line, and the space
// must not follow only a list or quote marker. sentence reports a
// sentence end.
func hostBefore(doc []byte, start, lineStart, i int) (sentence, ok bool) {
	if i <= start {
		return false, false
	}
	r, n := utf8.DecodeLastRune(doc[start:i])
	if r == utf8.RuneError && n <= 1 {
		return false, false
	}
	switch {
	case isLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
		if _, isVS := SelectorByte(r); isVS {
			return false, false
		}
	case r == '.' || r == '!' || r == '?' || r == '…' || r == '։' || r == '।' || r == '؟' || r == '。' || r == '！' || r == '？':
		sentence = true
	case r == ',' || r == ';' || r == ':' || r == ')' || r == ']' || r == '»' || r == '"' || r == '\'' || r == '’' || r == '”' || r == '“' || r == '،' || r == '؛':
		// A closing quote or bracket right after a sentence end still ends it.
		if j := i - n; j > start {
			q, _ := utf8.DecodeLastRune(doc[start:j])
			sentence = q == '.' || q == '!' || q == '?' || q == '…'
		}
	default:
		return false, false
	}
	// Not right after a list marker ("1.", "2)") at a line start, so the
	// item's content does not begin with selectors.
	if i-lineStart <= 12 && isMarkerPrefix(doc[lineStart:i]) {
		return false, false
	}
	return sentence, true
}

// isMarkerPrefix reports whether line is only blockquote/list markers and
// spaces, such as "> 1." or "  12)".
func isMarkerPrefix(line []byte) bool {
	line = bytes.TrimLeft(line, " \t>")
	digits := 0
	for digits < len(line) && line[digits] >= '0' && line[digits] <= '9' {
		digits++
	}
	rest := line[digits:]
	return len(rest) == 0 || (len(rest) == 1 && (rest[0] == '.' || rest[0] == ')') && digits > 0) ||
		(len(rest) == 1 && digits == 0 && (rest[0] == '-' || rest[0] == '*' || rest[0] == '+'))
}

// hostAfter checks the word that starts at j: a letter first, and nothing
// that looks like a URL, an e-mail address or a path.
func hostAfter(doc []byte, j, end int) bool {
	if j >= end {
		return false
	}
	r, _ := utf8.DecodeRune(doc[j:end])
	if !isLetter(r) {
		return false
	}
	w := doc[j:min(end, j+64)] // a URL shows itself early; bounded for text without spaces
	if k := bytes.IndexAny(w, " \t\r\n"); k >= 0 {
		w = w[:k]
	}
	if bytes.Contains(w, []byte("://")) || bytes.HasPrefix(w, []byte("www.")) ||
		bytes.IndexByte(w, '@') >= 0 || bytes.IndexByte(w, '/') >= 0 || bytes.IndexByte(w, '\\') >= 0 {
		return false
	}
	return true
}

// runeStarts counts the bytes of b that start a UTF-8 sequence (that are
// not continuation bytes 10xxxxxx), eight at a time.
func runeStarts(b []byte) int {
	n := 0
	for len(b) >= 8 {
		x := binary.LittleEndian.Uint64(b)
		cont := x &^ (x << 1) & 0x8080808080808080 // bit 7 set, bit 6 clear
		n += 8 - bits.OnesCount64(cont)
		b = b[8:]
	}
	for _, c := range b {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// isLetter is unicode.IsLetter with fast paths for ASCII and the Cyrillic
// block, which is most of what belgi labels.
func isLetter(r rune) bool {
	switch {
	case r < 0x80:
		return r|0x20 >= 'a' && r|0x20 <= 'z'
	case r >= 0x400 && r <= 0x481, r >= 0x48A && r <= 0x4FF:
		return true
	}
	return unicode.IsLetter(r)
}
