package c2pa

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSeeds returns signed files made here (always) and the shared C2PA
// fixtures (when ../shared is there), each with its container.
func fuzzSeeds(f *testing.F) map[Container][][]byte {
	s, _ := testSigner(f)
	out := map[Container][][]byte{}
	tiny := map[Container][]byte{
		JPEG: {0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 'J', 'F', 0xFF, 0xD9},
		PNG:  append(append([]byte(nil), pngSig...), 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x3a, 0x7e, 0x9b, 0x55, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82),
		RIFF: []byte("RIFF\x0c\x00\x00\x00WAVEdata\x00\x00\x00\x00"),
		BMFF: append([]byte("\x00\x00\x00\x10ftypisom\x00\x00\x00\x00"), []byte("\x00\x00\x00\x08mdat")...),
		Text: []byte("AI text\n"),
	}
	for c, in := range tiny {
		var buf bytes.Buffer
		if _, err := Embed(f.Context(), &buf, bytes.NewReader(in), int64(len(in)), c, generatedManifest("seed", "x"), s); err != nil {
			f.Fatalf("seed %s: %v", c, err)
		}
		out[c] = append(out[c], in, buf.Bytes())
	}
	dir := filepath.Join("..", "..", "..", "shared", "testdata", "c2pa")
	if d := os.Getenv("BELGI_SHARED"); d != "" {
		dir = filepath.Join(d, "testdata", "c2pa")
	}
	ext := map[string]Container{".jpg": JPEG, ".png": PNG, ".wav": RIFF, ".mp4": BMFF}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.*"))
	for _, p := range files {
		c, ok := ext[filepath.Ext(p)]
		if !ok {
			continue
		}
		if st, err := os.Stat(p); err != nil || st.Size() > 64<<10 {
			continue // keep the corpus small
		}
		if b, err := os.ReadFile(p); err == nil {
			out[c] = append(out[c], b)
		}
	}
	return out
}

func storeSeeds(f *testing.F) [][]byte {
	var out [][]byte
	for c, files := range fuzzSeeds(f) {
		for _, b := range files {
			if st, err := FindStore(bytes.NewReader(b), int64(len(b)), c); err == nil {
				out = append(out, st)
			}
		}
	}
	return out
}

// FuzzParseJUMBF: any bytes parse to a box tree or an error, never a panic,
// and a parsed tree re-encodes to bytes that parse to the same labels.
func FuzzParseJUMBF(f *testing.F) {
	for _, st := range storeSeeds(f) {
		f.Add(st)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, _, err := ParseJUMBF(data)
		if err != nil {
			return
		}
		var labels func(*Box) []string
		labels = func(x *Box) []string {
			out := []string{x.Type + ":" + x.Label()}
			for _, c := range x.Children {
				out = append(out, labels(c)...)
			}
			return out
		}
		clearRaw(b)
		re := b.Append(nil)
		b2, rest, err := ParseJUMBF(re)
		if err != nil || len(rest) != 0 {
			t.Fatalf("re-encoded tree does not parse: %v", err)
		}
		if a, z := labels(b), labels(b2); len(a) != len(z) {
			t.Fatalf("labels %v became %v", a, z)
		}
		_ = resolveURI(b, b, "self#jumbf=/c2pa/x/c2pa.assertions/c2pa.hash.data")
	})
}

func clearRaw(b *Box) {
	b.raw = nil
	if b.Desc != nil && b.Desc.Private != nil {
		clearRaw(b.Desc.Private)
	}
	for _, c := range b.Children {
		clearRaw(c)
	}
}

// FuzzParseClaim: claim CBOR from any bytes decodes or errors.
func FuzzParseClaim(f *testing.F) {
	for _, st := range storeSeeds(f) {
		store, _, err := ParseJUMBF(st)
		if err != nil {
			continue
		}
		for _, m := range store.Children {
			for _, l := range []string{"c2pa.claim.v2", "c2pa.claim"} {
				if cb := m.Child(l); cb != nil && cb.Content() != nil {
					f.Add(cb.Content().Payload)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseClaim(data)
		if err != nil {
			return
		}
		c.Generator()
		for _, h := range c.AllAssertions() {
			if h.URL == "" {
				t.Fatal("accepted an assertion without url")
			}
		}
	})
}

// FuzzValidate: whole files of every container validate or error.
func FuzzValidate(f *testing.F) {
	for c, files := range fuzzSeeds(f) {
		for _, b := range files {
			f.Add(uint8(c), b)
		}
	}
	f.Fuzz(func(t *testing.T, c uint8, data []byte) {
		ct := Container(c%5 + 1)
		v, err := Validate(bytes.NewReader(data), int64(len(data)), ct, ValidateOptions{})
		if err == nil && v.State == StateTrusted {
			t.Fatal("trusted without anchors")
		}
	})
}
