package jpeg

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	stdjpeg "image/jpeg"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

func smallJPEG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 8))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var b bytes.Buffer
	if err := stdjpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readFile(t testing.TB, rel string) []byte {
	b, err := os.ReadFile(extool.Testdata(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// scanStart returns the offset of the first SOS marker.
func scanStart(t testing.TB, b []byte) int64 {
	var off int64 = -1
	if err := Walk(bytes.NewReader(b), func(s Segment) error {
		if s.Marker == SOS {
			off = s.Offset
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return off
}

func TestWalkOffsets(t *testing.T) {
	b := readFile(t, "images/NDM_8901.jpg")
	var markers []string
	err := Walk(bytes.NewReader(b), func(s Segment) error {
		if b[s.Offset] != 0xFF || b[s.Offset+1] != s.Marker {
			t.Fatalf("segment %s: offset %d does not point at its marker", Name(s.Marker), s.Offset)
		}
		if HasLength(s.Marker) && !bytes.Equal(b[s.Offset+4:s.Offset+4+int64(len(s.Data))], s.Data) {
			t.Fatalf("segment %s at %d: data differs", Name(s.Marker), s.Offset)
		}
		markers = append(markers, Name(s.Marker))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if markers[0] != "APP1" || markers[len(markers)-1] != "SOS" {
		t.Fatalf("markers %v", markers)
	}
	m, err := ReadMetadata(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if m.EXIF == nil || m.Width != 3840 || m.Height != 2560 {
		t.Fatalf("metadata: exif %d bytes, %dx%d", len(m.EXIF), m.Width, m.Height)
	}
}

func TestInsertXMPKeepsEverythingElse(t *testing.T) {
	for _, name := range []string{"images/NDM_8901.jpg", "sample.jpg", ""} {
		t.Run(name, func(t *testing.T) {
			var in []byte
			if name == "" {
				in = smallJPEG(t)
			} else {
				in = readFile(t, name)
			}
			packet := []byte("<x:xmpmeta xmlns:x='adobe:ns:meta/'>one</x:xmpmeta>")
			var out bytes.Buffer
			if err := InsertXMP(bytes.NewReader(in), &out, packet); err != nil {
				t.Fatal(err)
			}
			// Twice: still one packet, the new one.
			var out2 bytes.Buffer
			packet2 := []byte("<x:xmpmeta xmlns:x='adobe:ns:meta/'>two</x:xmpmeta>")
			if err := InsertXMP(bytes.NewReader(out.Bytes()), &out2, packet2); err != nil {
				t.Fatal(err)
			}
			got, ext, err := ReadXMP(bytes.NewReader(out2.Bytes()))
			if err != nil || ext != nil || !bytes.Equal(got, packet2) {
				t.Fatalf("ReadXMP = %q, %q, %v", got, ext, err)
			}
			if n := bytes.Count(out2.Bytes(), XMPHeader); n != 1 {
				t.Fatalf("%d XMP segments", n)
			}
			// Image data from SOS to the end: byte for byte.
			so, sn := scanStart(t, in), scanStart(t, out2.Bytes())
			if !bytes.Equal(in[so:], out2.Bytes()[sn:]) {
				t.Fatal("scan data changed")
			}
			// Every other segment kept in order.
			if !bytes.Equal(stripXMP(t, in), stripXMP(t, out2.Bytes())) {
				t.Fatal("other segments changed")
			}
		})
	}
}

func stripXMP(t testing.TB, b []byte) []byte {
	var out bytes.Buffer
	Walk(bytes.NewReader(b), func(s Segment) error {
		if !IsXMP(s) && !IsExtendedXMP(s) {
			s.WriteTo(&out)
		}
		return nil
	})
	return out.Bytes()
}

func TestEXIFByteIdentical(t *testing.T) {
	in := readFile(t, "images/NDM_8901.jpg")
	var out bytes.Buffer
	err := Rewrite(bytes.NewReader(in), &out, func(m *Metadata) (Edit, error) {
		return Edit{XMP: []byte("<x/>"), EXIF: []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00")}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	exifSeg := func(b []byte) []byte {
		var d []byte
		n := 0
		Walk(bytes.NewReader(b), func(s Segment) error {
			if IsEXIF(s) {
				d = s.Data
				n++
			}
			return nil
		})
		if n != 1 {
			t.Fatalf("%d EXIF segments", n)
		}
		return d
	}
	if !bytes.Equal(exifSeg(in), exifSeg(out.Bytes())) {
		t.Fatal("EXIF segment changed")
	}
}

func TestAddsEXIFOnlyWhenAbsent(t *testing.T) {
	in := smallJPEG(t)
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00")
	var out bytes.Buffer
	if err := Rewrite(bytes.NewReader(in), &out, func(*Metadata) (Edit, error) { return Edit{EXIF: tiff}, nil }); err != nil {
		t.Fatal(err)
	}
	m, err := ReadMetadata(bytes.NewReader(out.Bytes()))
	if err != nil || !bytes.Equal(m.EXIF, tiff) {
		t.Fatalf("EXIF = %q, %v", m.EXIF, err)
	}
	// The JFIF APP0 stays first, EXIF second.
	var order []string
	Walk(bytes.NewReader(out.Bytes()), func(s Segment) error { order = append(order, Name(s.Marker)); return nil })
	if order[0] != "APP0" && order[0] != "APP1" {
		t.Errorf("order %v", order)
	}
	if _, err := stdjpeg.Decode(bytes.NewReader(out.Bytes())); err != nil {
		t.Fatal(err)
	}
}

func TestExtendedXMP(t *testing.T) {
	main := []byte("<x:xmpmeta xmlns:x='adobe:ns:meta/'>main HasExtendedXMP=GUID</x:xmpmeta>")
	ext := bytes.Repeat([]byte("0123456789abcdef"), 10000) // 160 000 bytes: three segments
	main = bytes.Replace(main, []byte("GUID"), []byte(ExtendedGUID(ext)), 1)
	var out bytes.Buffer
	err := Rewrite(bytes.NewReader(smallJPEG(t)), &out, func(*Metadata) (Edit, error) {
		return Edit{XMP: main, ExtendedXMP: ext}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(out.Bytes(), ExtendedXMPHeader); n != 3 {
		t.Fatalf("%d extended segments", n)
	}
	gm, ge, err := ReadXMP(bytes.NewReader(out.Bytes()))
	if err != nil || !bytes.Equal(gm, main) || !bytes.Equal(ge, ext) {
		t.Fatalf("ReadXMP: main %d bytes, ext %d bytes, %v", len(gm), len(ge), err)
	}
	// Replacing it drops every old extended segment.
	var out2 bytes.Buffer
	if err := InsertXMP(bytes.NewReader(out.Bytes()), &out2, []byte("<small/>")); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out2.Bytes(), ExtendedXMPHeader) {
		t.Fatal("old Extended XMP left behind")
	}
	if err := InsertXMP(bytes.NewReader(smallJPEG(t)), io.Discard, make([]byte, MaxXMP+1)); err == nil {
		t.Fatal("oversized packet accepted")
	}
}

func TestCorrupt(t *testing.T) {
	good := smallJPEG(t)
	sos := scanStart(t, good)
	cases := map[string][]byte{
		"empty":        nil,
		"not jpeg":     []byte("GIF89a"),
		"cut marker":   good[:3],
		"cut length":   good[:5],
		"cut segment":  good[:30],
		"before SOS":   good[:sos+3],
		"junk byte":    append(append([]byte{}, good[:2]...), 0x00, 0x11),
		"short length": {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01},
		"second SOI":   {0xFF, 0xD8, 0xFF, 0xD8},
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			err := InsertXMP(bytes.NewReader(b), io.Discard, []byte("<x/>"))
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v; want ErrCorrupt", err)
			}
			if !strings.HasPrefix(err.Error(), "jpeg: ") {
				t.Errorf("error does not name the format: %v", err)
			}
		})
	}
}

func TestJUMBFAndComments(t *testing.T) {
	jumbf := append([]byte("JP\x00\x01\x00\x00\x00\x01\x00\x00\x00\x20jumb"), make([]byte, 16)...)
	var out bytes.Buffer
	err := Rewrite(bytes.NewReader(smallJPEG(t)), &out, func(*Metadata) (Edit, error) {
		return Edit{Insert: []Segment{{Marker: APP11, Data: jumbf}, {Marker: COM, Data: []byte("hi")}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadMetadata(bytes.NewReader(out.Bytes()))
	if err != nil || !m.JUMBF || len(m.Comments) != 1 {
		t.Fatalf("%+v %v", m, err)
	}
	var out2 bytes.Buffer
	err = Rewrite(bytes.NewReader(out.Bytes()), &out2, func(*Metadata) (Edit, error) {
		return Edit{Remove: IsJUMBF}, nil
	})
	if m, _ := ReadMetadata(bytes.NewReader(out2.Bytes())); err != nil || m.JUMBF {
		t.Fatal("JUMBF not removed")
	}
}

func FuzzRewrite(f *testing.F) {
	f.Add(smallJPEG(f))
	b := readFile(f, "sample.jpg")
	f.Add(b[:min(len(b), 4096)])
	n := readFile(f, "images/NDM_8901.jpg")
	f.Add(n[:scanStart(f, n)+64])
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := ReadMetadata(bytes.NewReader(in))
		var out bytes.Buffer
		err2 := Rewrite(bytes.NewReader(in), &out, func(*Metadata) (Edit, error) {
			return Edit{XMP: []byte("<x/>"), EXIF: []byte("MM")}, nil
		})
		if (err == nil) != (err2 == nil) {
			t.Fatalf("ReadMetadata err %v, Rewrite err %v", err, err2)
		}
		if err != nil {
			return
		}
		_ = m
		got, _, err := ReadXMP(bytes.NewReader(out.Bytes()))
		if err != nil || string(got) != "<x/>" {
			t.Fatalf("rewritten file: xmp %q, %v", got, err)
		}
	})
}

// Example shows labelling a JPEG stream with an XMP packet.
func ExampleInsertXMP() {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.White)
	var in bytes.Buffer
	stdjpeg.Encode(&in, img, nil)
	var out bytes.Buffer
	if err := InsertXMP(&in, &out, []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`)); err != nil {
		panic(err)
	}
	packet, _, _ := ReadXMP(&out)
	fmt.Println(string(packet))
	// Output: <x:xmpmeta xmlns:x="adobe:ns:meta/"/>
}

func TestSegments(t *testing.T) {
	b := readFile(t, "sample.jpg")
	segs, err := Segments(bytes.NewReader(b))
	if err != nil || len(segs) < 4 || segs[len(segs)-1].Marker != SOS {
		t.Fatalf("%d segments, %v", len(segs), err)
	}
	var out bytes.Buffer
	out.Write([]byte{0xFF, SOI})
	for _, s := range segs {
		s.WriteTo(&out)
	}
	if !bytes.HasPrefix(b, out.Bytes()) {
		t.Fatal("segments do not write back to the same bytes")
	}
}
