package text

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// Copy is one intact copy of an ID found in a document.
type Copy struct {
	Start, End int // byte range of the selector run
	ID         uint64
}

// Find returns every intact copy in doc, in order. Runs that are longer
// or shorter than RunLen, do not start with the magic byte, fail the CRC
// or follow U+FEFF (the C2PA text manifest wrapper) are ignored.
func Find(doc []byte) []Copy {
	var out []Copy
	var f [RunLen]byte // one buffer for all runs: CRC-32 makes it escape
	for off := 0; off < len(doc); {
		k := bytes.Index(doc[off:], magic8)
		if k < 0 {
			break
		}
		start := off + k
		off = start + len(magic8)
		if c, ok := runAt(doc, start, &f); ok {
			out = append(out, c)
			off = c.End
		}
	}
	return out
}

// runAt decodes the run that starts at start, if it is a whole copy.
func runAt(doc []byte, start int, f *[RunLen]byte) (Copy, bool) {
	if start > 0 {
		r, _ := utf8.DecodeLastRune(doc[:start])
		if _, vs := SelectorByte(r); vs || r == '\uFEFF' {
			return Copy{}, false // not the start of a run, or C2PA's wrapper
		}
	}
	i := start
	for n := 0; n < RunLen; n++ {
		r, size := utf8.DecodeRune(doc[i:])
		b, ok := SelectorByte(r)
		if !ok {
			return Copy{}, false
		}
		f[n] = b
		i += size
	}
	if i < len(doc) {
		if r, _ := utf8.DecodeRune(doc[i:]); r != utf8.RuneError {
			if _, vs := SelectorByte(r); vs {
				return Copy{}, false // longer run: not ours
			}
		}
	}
	id, ok := Unframe(f[:])
	if !ok {
		return Copy{}, false
	}
	return Copy{Start: start, End: i, ID: id}, true
}

// Detection summarises the copies in a document.
type Detection struct {
	Found  bool
	ID     uint64 // the ID with the most copies
	Copies int    // copies of ID
	// Others counts copies of other IDs (text pasted from several labelled
	// sources).
	Others map[uint64]int
}

// Detect finds the ID carried by doc.
func Detect(doc []byte) Detection {
	copies := Find(doc)
	if len(copies) == 0 {
		return Detection{}
	}
	count := map[uint64]int{}
	for _, c := range copies {
		count[c.ID]++
	}
	ids := make([]uint64, 0, len(count))
	for id := range count {
		ids = append(ids, id)
	}
	// Most copies first; the first seen wins ties (stable on document order).
	first := map[uint64]int{}
	for i := len(copies) - 1; i >= 0; i-- {
		first[copies[i].ID] = i
	}
	sort.Slice(ids, func(a, b int) bool {
		if count[ids[a]] != count[ids[b]] {
			return count[ids[a]] > count[ids[b]]
		}
		return first[ids[a]] < first[ids[b]]
	})
	d := Detection{Found: true, ID: ids[0], Copies: count[ids[0]]}
	for _, id := range ids[1:] {
		if d.Others == nil {
			d.Others = map[uint64]int{}
		}
		d.Others[id] = count[id]
	}
	return d
}

// Remove returns doc without the intact copies Find reports. Everything
// else, including other variation selectors, stays.
func Remove(doc []byte) []byte {
	copies := Find(doc)
	if len(copies) == 0 {
		return doc
	}
	out := make([]byte, 0, len(doc))
	last := 0
	for _, c := range copies {
		out = append(out, doc[last:c.Start]...)
		last = c.End
	}
	return append(out, doc[last:]...)
}
