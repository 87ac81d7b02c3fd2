package text

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// EnvelopeContent is the member that holds the original value when a JSON
// document whose top level is not an object is wrapped in an envelope.
const EnvelopeContent = "_content"

// jsonMember is one top-level member of an object.
type jsonMember struct {
	key                 string
	keyStart, valueEnd  int
	valueStart, prevEnd int // prevEnd: end of the previous value, or just after '{'
}

// jsonTop scans a valid JSON document's top-level object. It returns the
// offsets of '{' and '}' and the members; obj is false when the top-level
// value is not an object.
func jsonTop(doc []byte) (open, close int, members []jsonMember, obj bool, err error) {
	if !json.Valid(doc) {
		return 0, 0, nil, false, fmt.Errorf("%w: json: not a valid JSON document", ErrCorrupt)
	}
	i := skipWS(doc, 0)
	if bytes.HasPrefix(doc[i:], bom) {
		i = skipWS(doc, i+len(bom))
	}
	if i >= len(doc) || doc[i] != '{' {
		return 0, 0, nil, false, nil
	}
	open = i
	i = skipWS(doc, i+1)
	prevEnd := open + 1
	for doc[i] != '}' {
		ks := i
		ke := skipString(doc, i)
		var key string
		if err := json.Unmarshal(doc[ks:ke], &key); err != nil {
			return 0, 0, nil, false, fmt.Errorf("%w: json: key at offset %d: %v", ErrCorrupt, ks, err)
		}
		i = skipWS(doc, ke)
		i = skipWS(doc, i+1) // ':'
		vs := i
		ve := skipValue(doc, i)
		members = append(members, jsonMember{key: key, keyStart: ks, valueStart: vs, valueEnd: ve, prevEnd: prevEnd})
		prevEnd = ve
		i = skipWS(doc, ve)
		if doc[i] == ',' {
			i = skipWS(doc, i+1)
		}
	}
	return open, i, members, true, nil
}

func skipWS(doc []byte, i int) int {
	for i < len(doc) && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' || doc[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at i.
func skipString(doc []byte, i int) int {
	for j := i + 1; j < len(doc); j++ {
		switch doc[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(doc)
}

// skipValue returns the index after the (valid) value starting at i.
func skipValue(doc []byte, i int) int {
	switch doc[i] {
	case '"':
		return skipString(doc, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(doc); j++ {
			switch doc[j] {
			case '"':
				j = skipString(doc, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(doc)
	}
	j := i
	for j < len(doc) && doc[j] != ',' && doc[j] != '}' && doc[j] != ']' && doc[j] != ' ' && doc[j] != '\n' && doc[j] != '\r' && doc[j] != '\t' {
		j++
	}
	return j
}

// JSONMember returns the raw value of a top-level member.
func JSONMember(doc []byte, key string) ([]byte, bool, error) {
	_, _, members, obj, err := jsonTop(doc)
	if err != nil || !obj {
		return nil, false, err
	}
	for _, m := range members {
		if m.key == key {
			return doc[m.valueStart:m.valueEnd], true, nil
		}
	}
	return nil, false, nil
}

// InsertJSONMember adds key with value (any valid JSON) as the first
// (Start) or last (End) member of the top-level object, in the document's
// own layout: indented like its members when it is pretty-printed.
// Non-object documents are wrapped in an envelope
// {key: value, "_content": original}. Remove with RemoveJSONMember.
func InsertJSONMember(doc []byte, key string, value []byte, at Placement) ([]byte, error) {
	open, _, members, obj, err := jsonTop(doc)
	if err != nil {
		return nil, err
	}
	kb, _ := json.Marshal(key)
	if !obj {
		s := skipWS(doc, 0)
		e := len(bytes.TrimRight(doc, " \t\r\n"))
		var b bytes.Buffer
		b.Write(doc[:s])
		b.WriteString("{")
		b.Write(kb)
		b.WriteString(":")
		b.Write(compactJSON(value))
		b.WriteString(`,"` + EnvelopeContent + `":`)
		b.Write(doc[s:e])
		b.WriteString("}")
		b.Write(doc[e:])
		return b.Bytes(), nil
	}
	if len(members) == 0 {
		return splice(doc, open+1, kb, []byte(": "), compactJSON(value)), nil
	}
	// The whitespace before the first member tells the layout.
	ws := doc[open+1 : members[0].keyStart]
	indent := ws
	if k := bytes.LastIndexByte(ws, '\n'); k >= 0 {
		indent = ws[k+1:]
	}
	v := compactJSON(value)
	sepColon := []byte(":")
	if bytes.IndexByte(ws, '\n') >= 0 {
		var ib bytes.Buffer
		if json.Indent(&ib, value, string(indent), string(indent)) == nil && len(indent) > 0 {
			v = ib.Bytes()
		}
		sepColon = []byte(": ")
	} else if bytes.Contains(doc[members[0].keyStart:members[0].valueStart], []byte(": ")) {
		sepColon = []byte(": ")
	}
	if at == Start {
		return splice(doc, open+1, ws, kb, sepColon, v, []byte(",")), nil
	}
	last := members[len(members)-1]
	return splice(doc, last.valueEnd, []byte(","), ws, kb, sepColon, v), nil
}

func compactJSON(v []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return v
	}
	return b.Bytes()
}

// RemoveJSONMember removes a top-level member the way InsertJSONMember
// added it (and unwraps an envelope).
func RemoveJSONMember(doc []byte, key string) ([]byte, error) {
	open, close, members, obj, err := jsonTop(doc)
	if err != nil || !obj {
		return doc, err
	}
	for idx, m := range members {
		if m.key != key {
			continue
		}
		if len(members) == 2 && idx == 0 && members[1].key == EnvelopeContent && doc[open+1] == '"' &&
			m.valueEnd < len(doc) && doc[m.valueEnd] == ',' && members[1].valueEnd == close {
			return append(append(append([]byte{}, doc[:open]...), doc[members[1].valueStart:members[1].valueEnd]...), doc[close+1:]...), nil
		}
		switch {
		case len(members) == 1:
			return cut(doc, m.keyStart, m.valueEnd), nil
		case idx == 0:
			// "{WS key: v,WS next" → "{WS next": drop from after '{' to the
			// comma after the value, inclusive.
			j := skipWS(doc, m.valueEnd)
			return cut(doc, open+1, j+1), nil
		default:
			// ",WS key: v" after the previous value.
			return cut(doc, m.prevEnd, m.valueEnd), nil
		}
	}
	return doc, nil
}

// JSONProse returns the insides of string values (never keys) at least
// minLen bytes long, outside the top-level member skip: short strings
// (identifiers, enums, dates) are left alone.
func JSONProse(doc []byte, minLen int, skip string) []Span {
	if !json.Valid(doc) {
		return nil
	}
	skipFrom, skipTo := -1, -1
	if skip != "" {
		_, _, members, obj, _ := jsonTop(doc)
		if obj {
			for _, m := range members {
				if m.key == skip {
					skipFrom, skipTo = m.keyStart, m.valueEnd
				}
			}
		}
	}
	var spans []Span
	// stack of containers: true = object; inObject key expected toggles.
	var stack []bool
	expectKey := false
	for i := 0; i < len(doc); i++ {
		switch doc[i] {
		case '{':
			stack = append(stack, true)
			expectKey = true
		case '[':
			stack = append(stack, false)
			expectKey = false
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1]
		case ':':
			expectKey = false
		case '"':
			e := skipString(doc, i)
			if !expectKey && e-1-(i+1) >= minLen && (i < skipFrom || i >= skipTo) {
				spans = append(spans, Span{i + 1, e - 1})
			}
			i = e - 1
		}
	}
	return spans
}
