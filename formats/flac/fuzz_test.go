package flac

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead: Read, DecodeSamples and ParseComments never panic; what reads can be
// rewritten and read again with the same blocks.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("../../../shared/testdata/audio/*.flac")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(b[:min(len(b), 16<<10)])
		}
	}
	f.Add([]byte("fLaC\x00\x00\x00\x22" + string(make([]byte, 34)) + "\x84\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		br := bufio.NewReader(bytes.NewReader(b))
		s, err := Read(br)
		if err != nil {
			return
		}
		if samples, err := DecodeSamples(br, s.Info, 1<<20); err == nil && s.Info.Channels > 0 && len(samples)%s.Info.Channels != 0 {
			t.Fatalf("%d samples for %d channels", len(samples), s.Info.Channels)
		}
		c, err := s.Comments()
		if err != nil {
			return
		}
		c.Add("AI_GENERATED", "true")
		s.SetComments(c)
		head, err := s.Bytes()
		if err != nil {
			return
		}
		again, err := Read(bufio.NewReader(bytes.NewReader(head)))
		if err != nil {
			t.Fatalf("re-read: %v", err)
		}
		if len(again.Blocks) != len(s.Blocks) {
			t.Fatalf("blocks %d→%d", len(s.Blocks), len(again.Blocks))
		}
	})
}
