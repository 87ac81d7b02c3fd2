package webp

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"testing"

	xwebp "golang.org/x/image/webp"

	"github.com/belgi/belgi/formats/riff"
)

func fixture(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func chunkIDs(t testing.TB, b []byte) string {
	f, err := riff.Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	s := ""
	for _, c := range f.Chunks {
		s += c.ID.String() + ","
	}
	return s
}

func rewrite(t testing.TB, in []byte, e Edit) []byte {
	var out bytes.Buffer
	if err := Rewrite(bytes.NewReader(in), int64(len(in)), &out, e); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestRewrite(t *testing.T) {
	tests := []struct {
		file      string
		wantIDs   string
		wantFlags byte
		w, h      int
	}{
		{"lossy.webp", "VP8X,VP8 ,EXIF,XMP ,", FlagXMP | FlagEXIF, 40, 30},
		{"lossless-alpha.webp", "VP8X,VP8L,EXIF,XMP ,", FlagXMP | FlagEXIF | FlagAlpha, 40, 30},
		{"lossy-alpha.webp", "VP8X,ALPH,VP8 ,EXIF,XMP ,", FlagXMP | FlagEXIF | FlagAlpha, 40, 30},
		{"anim.webp", "VP8X,ANIM,ANMF,ANMF,EXIF,XMP ,", FlagXMP | FlagEXIF | FlagAnimation, 40, 30},
		{"foreign-xmp.webp", "VP8X,ALPH,VP8 ,EXIF,XMP ,", FlagXMP | FlagEXIF | FlagAlpha, 40, 30},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			in := fixture(t, tc.file)
			packet := []byte("<x:xmpmeta xmlns:x='adobe:ns:meta/'>odd</x:xmpmeta>") // odd length: pad byte
			once := rewrite(t, in, Edit{XMP: []byte("<first/>"), EXIF: []byte("MM\x00\x2a")})
			out := rewrite(t, once, Edit{XMP: packet, EXIF: []byte("II-other")})
			if got := chunkIDs(t, out); got != tc.wantIDs {
				t.Fatalf("chunks %s; want %s", got, tc.wantIDs)
			}
			m, err := ReadMetadata(bytes.NewReader(out), int64(len(out)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(m.XMP, packet) || string(m.EXIF) != "MM\x00\x2a" {
				t.Fatalf("xmp %q exif %q", m.XMP, m.EXIF)
			}
			if m.Flags != tc.wantFlags || m.Width != tc.w || m.Height != tc.h {
				t.Fatalf("flags %#x size %dx%d", m.Flags, m.Width, m.Height)
			}
			if tc.file == "anim.webp" {
				return // x/image/webp does not decode animations
			}
			a, err := xwebp.Decode(bytes.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			b, err := xwebp.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("labelled file does not decode: %v", err)
			}
			if !samePixels(a, b) {
				t.Fatal("pixels changed")
			}
		})
	}
}

func samePixels(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

func TestKeepsUnknownAndICC(t *testing.T) {
	in := fixture(t, "lossy-alpha.webp")
	f, _ := riff.Parse(bytes.NewReader(in), int64(len(in)))
	// VP8X, ICCP, ALPH, VP8, unknown: build with the riff writer.
	vp8x, _ := f.Chunks[0].ReadAll(10)
	vp8x = append([]byte{}, vp8x...)
	vp8x[0] |= FlagICC
	pieces := []riff.Piece{riff.FromBytes(VP8X, vp8x), riff.FromBytes(ICCP, []byte("icc-bytes"))}
	for _, c := range f.Chunks[1:] {
		pieces = append(pieces, riff.FromChunk(c))
	}
	pieces = append(pieces, riff.FromBytes(riff.ID("ZZZZ"), []byte{1, 2, 3}))
	var src bytes.Buffer
	if _, _, err := riff.Write(&src, WEBP, pieces, nil); err != nil {
		t.Fatal(err)
	}
	src.WriteString("trailing")
	out := rewrite(t, src.Bytes(), Edit{XMP: []byte("<x/>")})
	if got := chunkIDs(t, out); got != "VP8X,ICCP,ALPH,VP8 ,XMP ,ZZZZ," {
		t.Fatalf("chunks %s", got)
	}
	m, _ := ReadMetadata(bytes.NewReader(out), int64(len(out)))
	if !m.ICC || m.Flags != FlagICC|FlagAlpha|FlagXMP {
		t.Fatalf("flags %#x", m.Flags)
	}
	if !bytes.HasSuffix(out, []byte("trailing")) {
		t.Fatal("trailing bytes lost")
	}
}

func TestGoogleXMPID(t *testing.T) {
	in := fixture(t, "foreign-xmp.webp")
	bad := bytes.Replace(in, []byte("XMP "), []byte("XMP\x00"), 1)
	m, err := ReadMetadata(bytes.NewReader(bad), int64(len(bad)))
	if err != nil || m.XMP == nil {
		t.Fatalf("XMP\\0 not read: %v", err)
	}
	out := rewrite(t, bad, Edit{XMP: []byte("<new/>")})
	if bytes.Contains(out, []byte("XMP\x00")) || chunkIDs(t, out) != "VP8X,ALPH,VP8 ,XMP ," {
		t.Fatalf("chunks %s", chunkIDs(t, out))
	}
}

func TestCorrupt(t *testing.T) {
	good := fixture(t, "lossy.webp")
	vp8 := append([]byte{}, good...)
	vp8[23] = 0 // start code
	cases := map[string][]byte{
		"empty":    nil,
		"wave":     append([]byte("RIFF\x04\x00\x00\x00WAVE"), 0),
		"cut":      good[:len(good)-10],
		"no chunk": []byte("RIFF\x04\x00\x00\x00WEBP"),
		"vp8":      vp8,
		"first":    []byte("RIFF\x0c\x00\x00\x00WEBPEXIF\x00\x00\x00\x00"),
		"vp8x":     []byte("RIFF\x0e\x00\x00\x00WEBPVP8X\x02\x00\x00\x00\x00\x00"),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			err := InsertXMP(bytes.NewReader(b), int64(len(b)), io.Discard, []byte("<x/>"))
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func FuzzRewrite(f *testing.F) {
	for _, n := range []string{"lossy.webp", "lossless-alpha.webp", "lossy-alpha.webp", "anim.webp", "foreign-xmp.webp"} {
		f.Add(fixture(f, n))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		if err := Rewrite(bytes.NewReader(in), int64(len(in)), &out, Edit{XMP: []byte("<y/>"), EXIF: []byte("MM")}); err != nil {
			return
		}
		m, err := ReadMetadata(bytes.NewReader(out.Bytes()), int64(out.Len()))
		if err != nil {
			t.Fatalf("rewritten file does not parse: %v", err)
		}
		if string(m.XMP) != "<y/>" || m.Flags&FlagXMP == 0 {
			t.Fatalf("xmp %q flags %#x", m.XMP, m.Flags)
		}
	})
}

func ExampleInsertXMP() {
	in, _ := os.ReadFile("testdata/lossy.webp") // a simple VP8 file
	var out bytes.Buffer
	if err := InsertXMP(bytes.NewReader(in), int64(len(in)), &out, []byte("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")); err != nil {
		panic(err)
	}
	m, _ := ReadMetadata(bytes.NewReader(out.Bytes()), int64(out.Len()))
	fmt.Printf("%s %dx%d flags %#x\n", m.XMP, m.Width, m.Height, m.Flags)
	// Output: <x:xmpmeta xmlns:x='adobe:ns:meta/'/> 40x30 flags 0x4
}
