package text

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v2"
)

// FrontMatter is the position of a YAML front matter block: a "---" line
// at the very start (after a byte order mark), the YAML, and a closing
// "---" or "..." line.
type FrontMatter struct {
	Start      int // the opening "---"
	YAMLStart  int // first byte of the YAML
	YAMLEnd    int // first byte of the closing line
	End        int // first byte of the body
	CreatedTag bool
}

// CreatedComment is the first line of front matter that belgi created, so
// that removing belgi's keys can remove the whole block again. No space
// after '#': renderers that do not know front matter show it as a line of
// text rather than a heading.
const CreatedComment = "#belgi: front matter added for the AI label"

// FindFrontMatter locates YAML front matter.
func FindFrontMatter(doc []byte) (FrontMatter, bool) {
	start := 0
	if bytes.HasPrefix(doc, bom) {
		start = len(bom)
	}
	rest := doc[start:]
	var open int
	switch {
	case bytes.HasPrefix(rest, []byte("---\n")):
		open = 4
	case bytes.HasPrefix(rest, []byte("---\r\n")):
		open = 5
	default:
		return FrontMatter{}, false
	}
	i := start + open
	for i <= len(doc) {
		j := bytes.IndexByte(doc[i:], '\n')
		lineEnd := len(doc)
		next := len(doc)
		if j >= 0 {
			lineEnd = i + j
			next = lineEnd + 1
		}
		line := bytes.TrimRight(doc[i:lineEnd], "\r")
		if string(line) == "---" || string(line) == "..." {
			fm := FrontMatter{Start: start, YAMLStart: start + open, YAMLEnd: i, End: next}
			fm.CreatedTag = bytes.HasPrefix(doc[fm.YAMLStart:fm.YAMLEnd], []byte(CreatedComment))
			return fm, true
		}
		if j < 0 {
			break
		}
		i = next
	}
	return FrontMatter{}, false
}

// BodyStart returns where the Markdown body starts (after front matter and
// a byte order mark).
func BodyStart(doc []byte) int {
	if fm, ok := FindFrontMatter(doc); ok {
		return fm.End
	}
	if bytes.HasPrefix(doc, bom) {
		return len(bom)
	}
	return 0
}

// Field is one top-level front matter key; Value is a string, bool or int.
type Field struct {
	Key   string
	Value any
}

// ReadFrontMatter parses the front matter's top-level keys.
func ReadFrontMatter(doc []byte) (map[string]any, bool, error) {
	fm, ok := FindFrontMatter(doc)
	if !ok {
		return nil, false, nil
	}
	m, err := parseYAMLMap(doc[fm.YAMLStart:fm.YAMLEnd])
	if err != nil {
		return nil, true, fmt.Errorf("%w: front matter at offset %d: %v", ErrCorrupt, fm.YAMLStart, err)
	}
	return m, true, nil
}

func parseYAMLMap(y []byte) (map[string]any, error) {
	var ms yaml.MapSlice
	if err := yaml.Unmarshal(y, &ms); err != nil {
		return nil, err
	}
	m := make(map[string]any, len(ms))
	for _, it := range ms {
		k, ok := it.Key.(string)
		if !ok {
			k = fmt.Sprint(it.Key)
		}
		m[k] = it.Value
	}
	return m, nil
}

func yamlScalar(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int:
		return fmt.Sprint(x)
	case string:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(x) // a JSON string is a YAML double-quoted scalar
		return strings.TrimRight(b.String(), "\n")
	}
	return fmt.Sprintf("%q", fmt.Sprint(v))
}

// keyBlock finds the top-level key's line and its continuation lines in
// the YAML [ys, ye) of doc.
func keyBlock(doc []byte, ys, ye int, key string) (int, int, bool) {
	for i := ys; i < ye; {
		lineEnd := ye
		if j := bytes.IndexByte(doc[i:ye], '\n'); j >= 0 {
			lineEnd = i + j + 1
		}
		line := doc[i:lineEnd]
		if bytes.HasPrefix(line, []byte(key+":")) {
			after := line[len(key)+1:]
			if len(after) == 0 || after[0] == ' ' || after[0] == '\t' || after[0] == '\n' || after[0] == '\r' {
				inline := len(bytes.TrimSpace(after)) > 0
				end := lineEnd
				for end < ye {
					le := ye
					if j := bytes.IndexByte(doc[end:ye], '\n'); j >= 0 {
						le = end + j + 1
					}
					l := doc[end:le]
					if len(l) > 0 && (l[0] == ' ' || l[0] == '\t' || (!inline && l[0] == '-')) {
						end = le
						continue
					}
					break
				}
				return i, end, true
			}
		}
		i = lineEnd
	}
	return 0, 0, false
}

// MergeFrontMatter sets fields in the document's YAML front matter,
// creating it when absent. Existing keys keep their place (their value is
// replaced); new keys are appended; every other line, comment and key
// order stays as it was. The result is parsed again and an error is
// returned rather than a document whose other keys changed meaning.
func MergeFrontMatter(doc []byte, fields []Field) ([]byte, error) {
	nl := newline(doc)
	fm, ok := FindFrontMatter(doc)
	if !ok {
		var b bytes.Buffer
		b.WriteString("---")
		b.Write(nl)
		b.WriteString(CreatedComment)
		b.Write(nl)
		for _, f := range fields {
			b.WriteString(f.Key + ": " + yamlScalar(f.Value))
			b.Write(nl)
		}
		b.WriteString("---")
		b.Write(nl)
		at := 0
		if bytes.HasPrefix(doc, bom) {
			at = len(bom)
		}
		return splice(doc, at, b.Bytes()), nil
	}
	before, err := parseYAMLMap(doc[fm.YAMLStart:fm.YAMLEnd])
	if err != nil {
		return nil, fmt.Errorf("%w: front matter at offset %d: %v", ErrCorrupt, fm.YAMLStart, err)
	}
	out := doc
	for _, f := range fields {
		fm, _ = FindFrontMatter(out)
		line := []byte(f.Key + ": " + yamlScalar(f.Value) + string(nl))
		if s, e, ok := keyBlock(out, fm.YAMLStart, fm.YAMLEnd, f.Key); ok {
			out = splice(cut(out, s, e), s, line)
			continue
		}
		at := fm.YAMLEnd
		if at > fm.YAMLStart && out[at-1] != '\n' {
			line = append(append([]byte{}, nl...), line...)
		}
		out = splice(out, at, line)
	}
	fm, ok = FindFrontMatter(out)
	if !ok {
		return nil, fmt.Errorf("%w: front matter: closing line lost while merging", ErrCorrupt)
	}
	after, err := parseYAMLMap(out[fm.YAMLStart:fm.YAMLEnd])
	if err != nil {
		return nil, fmt.Errorf("%w: front matter at offset %d cannot take new keys: %v", ErrCorrupt, fm.YAMLStart, err)
	}
	ours := map[string]bool{}
	for _, f := range fields {
		ours[f.Key] = true
		want, _ := parseYAMLMap([]byte(f.Key + ": " + yamlScalar(f.Value)))
		if !reflect.DeepEqual(after[f.Key], want[f.Key]) {
			return nil, fmt.Errorf("%w: front matter at offset %d: key %q did not take its value", ErrCorrupt, fm.YAMLStart, f.Key)
		}
	}
	for k, v := range before {
		if !ours[k] && !reflect.DeepEqual(after[k], v) {
			return nil, fmt.Errorf("%w: front matter at offset %d: merging would change key %q", ErrCorrupt, fm.YAMLStart, k)
		}
	}
	return out, nil
}

// RemoveFrontMatterKeys deletes the given top-level keys (with their
// continuation lines). Front matter that belgi created and that holds
// nothing else afterwards is removed entirely.
func RemoveFrontMatterKeys(doc []byte, keys []string) []byte {
	fm, ok := FindFrontMatter(doc)
	if !ok {
		return doc
	}
	out := doc
	for _, k := range keys {
		fm, _ = FindFrontMatter(out)
		if s, e, ok := keyBlock(out, fm.YAMLStart, fm.YAMLEnd, k); ok {
			out = cut(out, s, e)
		}
	}
	fm, _ = FindFrontMatter(out)
	rest := bytes.TrimSpace(out[fm.YAMLStart:fm.YAMLEnd])
	if fm.CreatedTag && string(rest) == CreatedComment {
		out = cut(out, fm.Start, fm.End)
	}
	return out
}
