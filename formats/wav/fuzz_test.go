package wav

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/belgi/belgi/formats/riff"
)

// FuzzParseEdit: Parse never panics, and whatever parses can be edited and
// parsed again with the same data chunk.
func FuzzParseEdit(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/audio/*.wav")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 32<<10)])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := Parse(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if w.Format.Decodable() {
			if _, err := w.ReadSamples(1 << 20); err != nil {
				t.Fatal(err)
			}
		}
		var out bytes.Buffer
		if _, _, err := w.Write(&out, Edit{Info: []InfoField{{riff.ID("ICMT"), "ЖИ"}}, XMP: []byte("<x/>")}); err != nil {
			t.Fatal(err)
		}
		g, err := Parse(bytes.NewReader(out.Bytes()), int64(out.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if g.Data.Size != w.Data.Size || string(g.XMP) != "<x/>" {
			t.Fatalf("data %d→%d", w.Data.Size, g.Data.Size)
		}
	})
}
