package mp4

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzApply runs the box walker, the reader and the full rewrite over
// arbitrary bytes: errors are fine, panics and hangs are not, and whatever
// Apply writes must scan again.
func FuzzApply(f *testing.F) {
	matches, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "testdata", "video", "*.mp*"))
	mov, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "testdata", "video", "*.mov"))
	for _, p := range append(matches, mov...) {
		if b, err := os.ReadFile(p); err == nil && len(b) < 50_000 {
			f.Add(b)
		}
	}
	tiny, _ := tinyMP4(64)
	f.Add(tiny)
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		if _, err := Read(r, int64(len(b))); err != nil {
			return
		}
		var out bytes.Buffer
		if _, err := Apply(context.Background(), r, int64(len(b)), &out, testEdit(false)); err != nil {
			return
		}
		if _, err := ScanTop(bytes.NewReader(out.Bytes()), int64(out.Len())); err != nil {
			t.Fatalf("output does not scan: %v", err)
		}
		_ = InsertAfterFtyp(context.Background(), r, int64(len(b)), io.Discard, NewLeaf("uuid", make([]byte, 16)).Bytes())
	})
}
