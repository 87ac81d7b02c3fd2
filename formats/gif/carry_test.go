package gif

import (
	"bytes"
	"image"
	"image/color"
	stdgif "image/gif"
	"testing"
)

func carryEncode(t testing.TB, frames int) []byte {
	g := &stdgif.GIF{LoopCount: 2}
	for i := 0; i < frames; i++ {
		g.Image = append(g.Image, image.NewPaletted(image.Rect(0, 0, 8, 8), color.Palette{color.Black, color.White}))
		g.Delay = append(g.Delay, 7)
	}
	var b bytes.Buffer
	if err := stdgif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// carryAddExtensions puts raw extension blocks right after the header.
func carryAddExtensions(t testing.TB, g []byte, ext ...[]byte) []byte {
	rd, err := NewReader(bytes.NewReader(g))
	if err != nil {
		t.Fatal(err)
	}
	n := len(rd.Header.Raw)
	out := append([]byte{}, g[:n]...)
	for _, e := range ext {
		out = append(out, e...)
	}
	return append(out, g[n:]...)
}

func appExt(id string, payload []byte) []byte {
	b := []byte{Extension, LabelApplication, 11}
	b = append(b, id...)
	for len(payload) > 0 {
		k := min(255, len(payload))
		b = append(b, byte(k))
		b = append(b, payload[:k]...)
		payload = payload[k:]
	}
	return append(b, 0)
}

func TestCarryExtensions(t *testing.T) {
	xmp := append([]byte("XMP DataXMP"), []byte("<x:xmpmeta/>")...)
	xmpExt := append([]byte{Extension, LabelApplication, 11}, xmp...)
	xmpExt = append(xmpExt, MagicTrailer()...)
	comment := []byte{Extension, LabelComment, 5, 'h', 'e', 'l', 'l', 'o', 0}
	src := carryAddExtensions(t, carryEncode(t, 1), xmpExt, appExt("ICCRGBG1012", bytes.Repeat([]byte{1}, 300)), comment)
	enc := carryEncode(t, 3)
	var out bytes.Buffer
	if err := CarryExtensions(bytes.NewReader(src), bytes.NewReader(enc), &out); err != nil {
		t.Fatal(err)
	}
	var seq []string
	err := Walk(bytes.NewReader(out.Bytes()), func(r *Reader, b Block) error {
		switch {
		case b.Kind == ImageDescriptor:
			seq = append(seq, "img")
		case b.Label == LabelComment:
			seq = append(seq, "comment")
		case b.Label == LabelApplication:
			seq = append(seq, b.AppID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "NETSCAPE2.0 XMP DataXMP ICCRGBG1012 comment img img img"
	if got := join(seq); got != want {
		t.Errorf("blocks %q, want %q", got, want)
	}
	g, err := stdgif.DecodeAll(bytes.NewReader(out.Bytes()))
	if err != nil || len(g.Image) != 3 || g.LoopCount != 2 || g.Delay[2] != 7 {
		t.Errorf("decode: %v, %d frames", err, len(g.Image))
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

func FuzzCarryExtensions(f *testing.F) {
	enc := carryEncode(f, 2)
	f.Add(carryAddExtensions(f, carryEncode(f, 1), appExt("XMP DataXMP", []byte("<x/>")), []byte{Extension, LabelComment, 1, 'c', 0}))
	f.Add(enc)
	f.Fuzz(func(t *testing.T, src []byte) {
		var out bytes.Buffer
		if err := CarryExtensions(bytes.NewReader(src), bytes.NewReader(enc), &out); err != nil {
			return
		}
		if _, err := stdgif.DecodeAll(bytes.NewReader(out.Bytes())); err != nil {
			t.Fatalf("output does not decode: %v", err)
		}
	})
}
