package audio

import (
	"bytes"
	"context"
	"testing"
)

// FuzzDetectPCM16 feeds arbitrary bytes as PCM at arbitrary formats: the
// detector must return (a format error or a verdict), never panic or hang,
// and never report a mark in bytes that were not marked.
func FuzzDetectPCM16(f *testing.F) {
	f.Add([]byte{}, uint32(44100), uint8(2))
	f.Add(bytes.Repeat([]byte{0x00, 0x80}, 5000), uint32(8000), uint8(1))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7}, 3000), uint32(16000), uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, rate uint32, ch uint8) {
		if len(b) > 1<<16 {
			return
		}
		d, err := DetectPCM16(context.Background(), bytes.NewReader(b), int(rate), int(ch), Options{})
		if err == nil && d.Present {
			t.Fatalf("mark found in %d fuzz bytes (rate %d, %d ch): %+v", len(b), rate, ch, d)
		}
	})
}

// FuzzEmbedPCM16: arbitrary bytes and formats must give an error or a
// stream of the same length, never a panic.
func FuzzEmbedPCM16(f *testing.F) {
	f.Add(bytes.Repeat([]byte{0x10, 0x20}, 4000), uint32(11025), uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, rate uint32, ch uint8) {
		if len(b) > 1<<16 {
			return
		}
		var out bytes.Buffer
		err := EmbedPCM16(context.Background(), &out, bytes.NewReader(b), int(rate), int(ch), 5, Options{})
		if err == nil || out.Len() > 0 {
			if ch > 0 && out.Len() != len(b)-len(b)%(2*int(ch)) {
				t.Fatalf("wrote %d bytes for %d in (%d ch)", out.Len(), len(b), ch)
			}
		}
	})
}
