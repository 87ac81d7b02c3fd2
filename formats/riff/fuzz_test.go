package riff

import (
	"bytes"
	"os"
	"testing"
)

// FuzzParse checks that Parse and ParseList never panic and that whatever
// parses can be written and parsed again to the same chunk list.
func FuzzParse(f *testing.F) {
	for _, name := range fixtures(f) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 64<<10 {
			b = b[:64<<10] // truncated seeds exercise the size checks
		}
		f.Add(b)
	}
	f.Add([]byte("RF64\xff\xff\xff\xffWAVEds64\x1c\x00\x00\x00" + string(make([]byte, 28))))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for _, c := range file.Chunks {
			if c.End() < c.Offset || c.DataOffset()+c.Size > int64(len(b)) {
				t.Fatalf("chunk %q out of range: %+v", c.ID, c)
			}
			if c.ID == LIST {
				p, err := c.ReadAll(1 << 20)
				if err == nil {
					ParseList(p)
				}
			}
		}
		if file.Form != ID("WAVE") && file.Form != ID("WEBP") {
			return
		}
		var out bytes.Buffer
		var o WriteOptions
		o.Kind = file.Kind
		if file.DS64 != nil {
			o.SampleCount = file.DS64.SampleCount
		}
		if _, _, err := Write(&out, file.Form, pieces(file), &o); err != nil {
			t.Fatalf("write: %v", err)
		}
		again, err := Parse(bytes.NewReader(out.Bytes()), int64(out.Len()))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		var ids1, ids2 []string
		for _, c := range file.Chunks {
			if c.ID != DS64 {
				ids1 = append(ids1, c.ID.String())
			}
		}
		for _, c := range again.Chunks {
			if c.ID != DS64 {
				ids2 = append(ids2, c.ID.String())
			}
		}
		if len(ids1) != len(ids2) {
			t.Fatalf("chunks %v became %v", ids1, ids2)
		}
	})
}
