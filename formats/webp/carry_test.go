package webp

import (
	"bytes"
	"encoding/binary"
	"image"
	"testing"

	gwebp "github.com/gen2brain/webp"
	xwebp "golang.org/x/image/webp"

	"github.com/belgi/belgi/formats/riff"
)

func encodeWebP(t testing.TB, lossless bool) []byte {
	var b bytes.Buffer
	if err := gwebp.Encode(&b, image.NewNRGBA(image.Rect(0, 0, 20, 10)), gwebp.Options{Lossless: lossless, Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// extended wraps a simple WebP's image chunk with VP8X, ICCP, EXIF and XMP.
func extended(t testing.TB, simple []byte) []byte {
	f, err := riff.Parse(bytes.NewReader(simple), int64(len(simple)))
	if err != nil {
		t.Fatal(err)
	}
	vp8x := make([]byte, 10)
	vp8x[0] = flagICC | flagEXIF | flagXMP
	putLE24(vp8x[4:], 19)
	putLE24(vp8x[7:], 9)
	pieces := []riff.Piece{riff.FromBytes(riff.ID("VP8X"), vp8x), riff.FromBytes(riff.ID("ICCP"), []byte("icc!"))}
	pieces = append(pieces, riff.FromChunk(f.Chunks[0]))
	pieces = append(pieces, riff.FromBytes(riff.ID("EXIF"), []byte("MM\x00*")), riff.FromBytes(riff.ID("XMP "), []byte("<x/>")), riff.FromBytes(riff.ID("ZZZZ"), []byte("other")))
	var b bytes.Buffer
	if _, _, err := riff.Write(&b, riff.ID("WEBP"), pieces, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCarryChunksWebP(t *testing.T) {
	src := extended(t, encodeWebP(t, false))
	enc := encodeWebP(t, true)
	var out bytes.Buffer
	if err := CarryChunks(bytes.NewReader(src), int64(len(src)), enc, &out, 20, 10, false); err != nil {
		t.Fatal(err)
	}
	f, err := riff.Parse(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var ids string
	for _, c := range f.Chunks {
		ids += c.ID.String() + "|"
	}
	if ids != "VP8X|ICCP|VP8L|EXIF|XMP |ZZZZ|" {
		t.Errorf("chunks %s", ids)
	}
	d, _ := f.Chunks[0].ReadAll(10)
	if d[0] != flagICC|flagEXIF|flagXMP || binary.LittleEndian.Uint16(d[4:]) != 19 || d[7] != 9 {
		t.Errorf("VP8X %x", d)
	}
	if _, err := xwebp.Decode(bytes.NewReader(out.Bytes())); err != nil {
		t.Errorf("x/image/webp cannot decode the result: %v", err)
	}
	if ll, _ := Lossless(bytes.NewReader(out.Bytes()), int64(out.Len())); !ll {
		t.Error("Lossless: false for VP8L")
	}
	if ll, _ := Lossless(bytes.NewReader(src), int64(len(src))); ll {
		t.Error("Lossless: true for VP8")
	}
}

func FuzzCarryChunksWebP(f *testing.F) {
	enc := encodeWebP(f, true)
	f.Add(extended(f, encodeWebP(f, false)))
	f.Add(enc)
	f.Fuzz(func(t *testing.T, src []byte) {
		var out bytes.Buffer
		Lossless(bytes.NewReader(src), int64(len(src)))
		if err := CarryChunks(bytes.NewReader(src), int64(len(src)), enc, &out, 20, 10, false); err != nil {
			return
		}
		if _, err := riff.Parse(bytes.NewReader(out.Bytes()), int64(out.Len())); err != nil {
			t.Fatalf("output is not RIFF: %v", err)
		}
	})
}
