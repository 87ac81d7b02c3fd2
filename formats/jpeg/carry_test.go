package jpeg

import (
	"bytes"
	"image"
	stdjpeg "image/jpeg"
	"testing"
)

func tinyJPEG(t testing.TB, q int) []byte {
	var buf bytes.Buffer
	if err := stdjpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 16, 16)), &stdjpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withSegments inserts segments after SOI.
func withSegments(j []byte, segs ...Segment) []byte {
	var b bytes.Buffer
	b.Write(j[:2])
	for _, s := range segs {
		s.WriteTo(&b)
	}
	b.Write(j[2:])
	return b.Bytes()
}

func TestCarryMetadata(t *testing.T) {
	exif := append(append([]byte{}, EXIFHeader...), []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00")...)
	src := withSegments(tinyJPEG(t, 50),
		Segment{Marker: APP1, Data: exif},
		Segment{Marker: APP2, Data: append(append([]byte{}, ICCHeader...), 1, 1, 'x')},
		Segment{Marker: APP2, Data: append(append([]byte{}, MPFHeader...), 1, 2, 3)},
		Segment{Marker: APP14, Data: []byte("Adobe\x00\x64\x00\x00\x00\x00\x01")},
		Segment{Marker: COM, Data: []byte("hello")},
	)
	enc := tinyJPEG(t, 80)
	var out bytes.Buffer
	if err := CarryMetadata(bytes.NewReader(src), bytes.NewReader(enc), &out, nil); err != nil {
		t.Fatal(err)
	}
	var markers []string
	Walk(bytes.NewReader(out.Bytes()), func(s Segment) error {
		markers = append(markers, Name(s.Marker))
		return nil
	})
	got := ""
	for _, m := range markers[:3] {
		got += m + " "
	}
	if got != "APP1 APP2 COM " {
		t.Errorf("carried segments %v, want APP1 APP2 COM first (MPF and Adobe dropped)", markers)
	}
	if q, _, _ := EstimateQuality(bytes.NewReader(out.Bytes())); q != 80 {
		t.Errorf("tables are not the encoder's: quality %d", q)
	}
	if _, err := stdjpeg.Decode(bytes.NewReader(out.Bytes())); err != nil {
		t.Errorf("output does not decode: %v", err)
	}
	if !bytes.HasSuffix(out.Bytes(), enc[len(enc)-100:]) {
		t.Error("scan data not copied byte for byte")
	}
	if o, err := Orientation(bytes.NewReader(out.Bytes())); err != nil || o != 6 {
		t.Errorf("orientation %d, %v; want 6", o, err)
	}
}

func TestTIFFOrientationMalformed(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("II*\x00"), []byte("XX*\x00\x08\x00\x00\x00"), []byte("II*\x00\xff\xff\x00\x00"), []byte("II*\x00\x08\x00\x00\x00\x05\x00")} {
		if o := TIFFOrientation(b); o != 1 {
			t.Errorf("%q: %d", b, o)
		}
	}
}

func FuzzCarryMetadata(f *testing.F) {
	j := tinyJPEG(f, 60)
	f.Add(j)
	f.Add(withSegments(j, Segment{Marker: APP1, Data: append(append([]byte{}, EXIFHeader...), "II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x03\x00"...)}))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02, 0xFF, 0xDA, 0x00, 0x02})
	enc := tinyJPEG(f, 90)
	f.Fuzz(func(t *testing.T, src []byte) {
		var out bytes.Buffer
		if err := CarryMetadata(bytes.NewReader(src), bytes.NewReader(enc), &out, nil); err != nil {
			return
		}
		if !bytes.HasPrefix(out.Bytes(), []byte{0xFF, 0xD8}) || !bytes.HasSuffix(out.Bytes(), enc[len(enc)-20:]) {
			t.Fatal("output is not SOI … encoder scan")
		}
		Orientation(bytes.NewReader(src))
	})
}
