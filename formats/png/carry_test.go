package png

import (
	"bytes"
	"image"
	"image/color"
	stdpng "image/png"
	"io"
	"testing"
)

func carryEncode(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := stdpng.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCarryChunks(t *testing.T) {
	pal := image.NewPaletted(image.Rect(0, 0, 8, 8), color.Palette{color.Black, color.White})
	src := withChunks(t, carryEncode(t, image.NewRGBA(image.Rect(0, 0, 8, 8))),
		[]RawChunk{{"iCCP", []byte("x\x00\x00abc")}, {"sBIT", []byte{8, 8, 8}}, {"pHYs", make([]byte, 9)}, {"prVt", []byte("keep")}, {"prVT", []byte("unsafe")}, {"acTL", make([]byte, 8)}},
		[]RawChunk{{"tEXt", []byte("Comment\x00hi")}, {"eXIf", []byte("MM\x00*")}})
	enc := carryEncode(t, pal)
	var out bytes.Buffer
	if err := CarryChunks(bytes.NewReader(src), bytes.NewReader(enc), &out, nil); err != nil {
		t.Fatal(err)
	}
	got := chunkTypes(t, out.Bytes())
	want := []string{"IHDR", "iCCP", "pHYs", "prVt", "PLTE", "IDAT", "tEXt", "eXIf", "IEND"}
	if len(got) != len(want) {
		t.Fatalf("chunks %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("chunks %v, want %v", got, want)
		}
	}
	if _, err := stdpng.Decode(bytes.NewReader(out.Bytes())); err != nil {
		t.Errorf("output does not decode: %v", err)
	}
}

func FuzzCarryChunks(f *testing.F) {
	img := carryEncode(f, image.NewGray(image.Rect(0, 0, 4, 4)))
	f.Add(img)
	f.Add(withChunks(f, img, []RawChunk{{"iCCP", []byte("p\x00\x00zz")}}, []RawChunk{{"iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x/>")}}))
	f.Fuzz(func(t *testing.T, src []byte) {
		var out bytes.Buffer
		if err := CarryChunks(bytes.NewReader(src), bytes.NewReader(img), &out, nil); err != nil {
			return
		}
		if _, err := stdpng.DecodeConfig(bytes.NewReader(out.Bytes())); err != nil {
			t.Fatalf("output header broken: %v", err)
		}
		if err := Walk(bytes.NewReader(out.Bytes()), func(*Reader, Chunk) error { return nil }); err != nil && err != io.EOF {
			t.Fatalf("output chunks broken: %v", err)
		}
	})
}
