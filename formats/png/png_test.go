package png

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	stdpng "image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

func smallPNG(t testing.TB) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 9, 7))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 13)
	}
	var b bytes.Buffer
	if err := stdpng.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withChunks inserts extra chunks after IHDR (before) and before IEND (after).
func withChunks(t testing.TB, in []byte, before, after []RawChunk) []byte {
	var out bytes.Buffer
	out.WriteString(Signature)
	err := Walk(bytes.NewReader(in), func(r *Reader, c Chunk) error {
		if c.Type == "IEND" {
			for _, x := range after {
				WriteChunk(&out, x.Type, x.Data)
			}
		}
		if err := r.CopyTo(&out); err != nil {
			return err
		}
		if c.Type == "IHDR" {
			for _, x := range before {
				WriteChunk(&out, x.Type, x.Data)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func chunkTypes(t testing.TB, b []byte) []string {
	var types []string
	if err := Walk(bytes.NewReader(b), func(r *Reader, c Chunk) error {
		types = append(types, c.Type)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return types
}

func idat(t testing.TB, b []byte) []byte {
	var out bytes.Buffer
	Walk(bytes.NewReader(b), func(r *Reader, c Chunk) error {
		if c.Type == "IDAT" || c.Type == "fdAT" {
			return r.CopyTo(&out)
		}
		return nil
	})
	return out.Bytes()
}

func TestInsertXMPIdempotentAndKeeps(t *testing.T) {
	in := withChunks(t, smallPNG(t),
		[]RawChunk{{"tEXt", []byte("Software\x00GIMP")}, {"iTXt", XMPChunk([]byte("<old/>"))}},
		[]RawChunk{{"tEXt", []byte("Comment\x00after")}, {"iTXt", XMPChunk([]byte("<old-after/>"))}, {"prVt", []byte{1, 2, 3}}})
	var once, twice bytes.Buffer
	if err := InsertXMP(bytes.NewReader(in), &once, []byte("<one/>")); err != nil {
		t.Fatal(err)
	}
	if err := InsertXMP(bytes.NewReader(once.Bytes()), &twice, []byte("<two/>")); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(chunkTypes(t, twice.Bytes()), ",")
	if got != "IHDR,tEXt,iTXt,IDAT,tEXt,prVt,IEND" {
		t.Fatalf("chunks %s", got)
	}
	m, err := ReadMetadata(bytes.NewReader(twice.Bytes()))
	if err != nil || string(m.XMP) != "<two/>" {
		t.Fatalf("XMP %q %v", m.XMP, err)
	}
	if len(m.Texts) != 2 || m.Texts[0].Text != "GIMP" || m.Texts[1].Text != "after" {
		t.Fatalf("texts %+v", m.Texts)
	}
	if !bytes.Equal(idat(t, in), idat(t, twice.Bytes())) {
		t.Fatal("IDAT changed")
	}
	a, _ := stdpng.Decode(bytes.NewReader(in))
	b, err := stdpng.Decode(bytes.NewReader(twice.Bytes()))
	if err != nil || !bytes.Equal(a.(*image.NRGBA).Pix, b.(*image.NRGBA).Pix) {
		t.Fatalf("decode: %v", err)
	}
}

func TestEXIFOnlyWhenAbsent(t *testing.T) {
	var out bytes.Buffer
	if err := Rewrite(bytes.NewReader(smallPNG(t)), &out, Edit{EXIF: []byte("MM-new")}); err != nil {
		t.Fatal(err)
	}
	var out2 bytes.Buffer
	if err := Rewrite(bytes.NewReader(out.Bytes()), &out2, Edit{EXIF: []byte("MM-other"), XMP: []byte("<x/>")}); err != nil {
		t.Fatal(err)
	}
	m, _ := ReadMetadata(bytes.NewReader(out2.Bytes()))
	if string(m.EXIF) != "MM-new" || strings.Count(strings.Join(chunkTypes(t, out2.Bytes()), ","), "eXIf") != 1 {
		t.Fatalf("exif %q", m.EXIF)
	}
}

func TestSharedImagesPixelsIdentical(t *testing.T) {
	dir := extool.Shared(t, "testdata/images")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".png") {
			continue
		}
		in, err := os.ReadFile(dir + "/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := InsertXMP(bytes.NewReader(in), &out, []byte("<x/>")); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if !bytes.Equal(idat(t, in), idat(t, out.Bytes())) {
			t.Fatalf("%s: IDAT changed", e.Name())
		}
	}
}

func TestTexts(t *testing.T) {
	var z bytes.Buffer
	zw := newZlib(&z)
	zw.Write([]byte("compressed ü"))
	zw.Close()
	tests := []struct {
		typ  string
		data []byte
		want Text
	}{
		{"tEXt", []byte("parameters\x00a cat, Steps: 20"), Text{Type: "tEXt", Keyword: "parameters", Text: "a cat, Steps: 20"}},
		{"tEXt", []byte("Title\x00caf\xe9"), Text{Type: "tEXt", Keyword: "Title", Text: "café"}},
		{"iTXt", []byte("Description\x00\x00\x00kk\x00Сипаттама\x00Жасанды"), Text{Type: "iTXt", Keyword: "Description", Lang: "kk", Translated: "Сипаттама", Text: "Жасанды"}},
		{"iTXt", append([]byte("prompt\x00\x01\x00\x00\x00"), z.Bytes()...), Text{Type: "iTXt", Keyword: "prompt", Text: "compressed ü"}},
	}
	for _, tc := range tests {
		got, err := ParseText(tc.typ, tc.data)
		if err != nil || got != tc.want {
			t.Errorf("ParseText(%q) = %+v, %v", tc.data, got, err)
		}
	}
	for _, bad := range []string{"", "\x00x", "k\x00\x01\x05", "k\x00\x00\x00en"} {
		if _, err := ParseText("iTXt", []byte(bad)); err == nil {
			t.Errorf("ParseText(%q) accepted", bad)
		}
	}
}

func TestCorrupt(t *testing.T) {
	good := smallPNG(t)
	badCRC := append([]byte{}, good...)
	badCRC[len(badCRC)-20] ^= 0xFF // inside IDAT
	cases := map[string][]byte{
		"empty":     nil,
		"signature": []byte("\x89PNG\r\n\x1a\x00"),
		"cut":       good[:len(good)-5],
		"no IEND":   good[:len(good)-12],
		"bad crc":   badCRC,
		"huge":      append([]byte(Signature), 0x7F, 0xFF, 0xFF, 0xFF, 'I', 'H', 'D', 'R'),
		"bad type":  append([]byte(Signature), 0, 0, 0, 0, 'I', 'H', '1', 'R', 0, 0, 0, 0),
		"no IHDR":   append([]byte(Signature), 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			err := InsertXMP(bytes.NewReader(b), io.Discard, []byte("<x/>"))
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func FuzzRewrite(f *testing.F) {
	f.Add(smallPNG(f))
	f.Add(withChunks(f, smallPNG(f), []RawChunk{{"iTXt", XMPChunk([]byte("<x/>"))}, {"zTXt", []byte("k\x00\x00x\x9c")}}, []RawChunk{{"tEXt", []byte("a\x00b")}}))
	f.Fuzz(func(t *testing.T, in []byte) {
		ReadMetadata(bytes.NewReader(in))
		var out bytes.Buffer
		if err := Rewrite(bytes.NewReader(in), &out, Edit{XMP: []byte("<y/>"), EXIF: []byte("MM")}); err != nil {
			return
		}
		m, err := ReadMetadata(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("rewritten file does not read: %v", err)
		}
		if string(m.XMP) != "<y/>" {
			t.Fatalf("XMP %q", m.XMP)
		}
	})
}

func ExampleInsertXMP() {
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	var in, out bytes.Buffer
	stdpng.Encode(&in, img)
	if err := InsertXMP(&in, &out, []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`)); err != nil {
		panic(err)
	}
	packet, _ := ReadXMP(&out)
	fmt.Println(string(packet))
	// Output: <x:xmpmeta xmlns:x="adobe:ns:meta/"/>
}

func TestRawProfileEXIF(t *testing.T) {
	raw := "\nexif\n      14\n4578696600004d4d002a0000\n0008\n"
	in := withChunks(t, smallPNG(t), nil, []RawChunk{{"tEXt", []byte("Raw profile type exif\x00" + raw)}})
	m, err := ReadMetadata(bytes.NewReader(in))
	if err != nil || string(m.EXIF) != "MM\x00\x2a\x00\x00\x00\x08" {
		t.Fatalf("EXIF %q %v", m.EXIF, err)
	}
	if _, err := decodeRawProfile("\nexif\n 99\nzz"); err == nil {
		t.Fatal("bad hex accepted")
	}
}

// TestAPNG: frames stay intact; fcTL stays next to IDAT and the XMP goes
// before IEND, where ffmpeg still recognises the animation.
func TestAPNG(t *testing.T) {
	in, err := os.ReadFile("testdata/apng.png")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Rewrite(bytes.NewReader(in), &out, Edit{XMP: bytes.Repeat([]byte(" "), 4000), EXIF: []byte("MM")}); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(chunkTypes(t, out.Bytes()), ",")
	if got != "IHDR,pHYs,acTL,eXIf,fcTL,IDAT,fcTL,fdAT,fcTL,fdAT,iTXt,IEND" {
		t.Fatalf("chunks %s", got)
	}
	if !bytes.Equal(idat(t, in), idat(t, out.Bytes())) {
		t.Fatal("frame data changed")
	}
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		if extool.InCI() {
			t.Fatal("ffmpeg missing in CI")
		}
		return
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "out.png")
	os.WriteFile(p, out.Bytes(), 0o644)
	md5 := func(f string) string {
		b, err := exec.Command(ff, "-v", "error", "-i", f, "-f", "framemd5", "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		var frames []string
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "0,") {
				frames = append(frames, l)
			}
		}
		return strings.Join(frames, "\n")
	}
	a, b := md5("testdata/apng.png"), md5(p)
	if a != b || strings.Count(a, "\n") != 2 {
		t.Fatalf("ffmpeg frames differ:\n%s\n---\n%s", a, b)
	}
}

func TestChunks(t *testing.T) {
	in, _ := os.ReadFile("testdata/apng.png")
	cs, err := Chunks(bytes.NewReader(in))
	if err != nil || len(cs) != 10 || cs[0].Type != "IHDR" || cs[0].Offset != 8 || cs[9].Type != "IEND" {
		t.Fatalf("%+v %v", cs, err)
	}
	last := cs[len(cs)-1]
	if last.Offset+12 != int64(len(in)) {
		t.Fatalf("IEND at %d in %d bytes", last.Offset, len(in))
	}
}
