package mp3

import (
	"bufio"
	"bytes"
	"testing"
)

// FuzzReadTag: ReadTag never panics, the frame accessors never panic, and a
// parsed tag survives a rewrite with the same frames.
func FuzzReadTag(f *testing.F) {
	f.Add([]byte("ID3\x04\x00\x00\x00\x00\x00\x1eTXXX\x00\x00\x00\x14\x00\x00\x03AI_GENERATED\x00true\xff\xfb\x90\x00"))
	f.Add([]byte("ID3\x03\x00\x80\x00\x00\x00\x12COMM\x00\x00\x00\x08\x00\x00\x01eng\xff\xfe\x00\x00\xff\x00"))
	f.Add([]byte("ID3\x04\x00\x40\x00\x00\x00\x1a\x00\x00\x00\x06\x01\x00GEOB\x00\x00\x00\x06\x00\x00\x00a/b\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tag, err := ReadTag(bufio.NewReader(bytes.NewReader(b)))
		if err != nil {
			return
		}
		for _, fr := range tag.Frames {
			tag.TXXX(fr)
			tag.COMM(fr)
			tag.PRIV(fr)
			tag.GEOB(fr)
			tag.Text(fr)
		}
		var out bytes.Buffer
		if _, err := Rewrite(&out, bytes.NewReader(b), func(*Tag) error { return nil }); err != nil {
			t.Fatal(err)
		}
		again, err := ReadTag(bufio.NewReader(bytes.NewReader(out.Bytes())))
		if err != nil {
			t.Fatalf("re-read: %v", err)
		}
		if tag.Size > 0 && len(again.Frames) != len(tag.Frames) {
			t.Fatalf("frames %d→%d", len(tag.Frames), len(again.Frames))
		}
	})
}
