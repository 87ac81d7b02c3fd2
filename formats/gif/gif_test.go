package gif

import (
	"bytes"
	"errors"
	"fmt"
	stdgif "image/gif"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fixture(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func blocks(t testing.TB, b []byte) string {
	var s []string
	err := Walk(bytes.NewReader(b), func(r *Reader, bl Block) error {
		switch bl.Kind {
		case ImageDescriptor:
			s = append(s, "img")
		case Trailer:
			s = append(s, "end")
		case Extension:
			if bl.Label == LabelApplication {
				s = append(s, "app:"+bl.AppID)
			} else {
				s = append(s, fmt.Sprintf("ext:%02x", bl.Label))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(s, ",")
}

func TestMagicTrailer(t *testing.T) {
	m := MagicTrailer()
	if len(m) != 258 || m[0] != 1 || m[1] != 0xFF || m[256] != 0 || m[257] != 0 {
		t.Fatalf("trailer %x", m)
	}
}

func TestRewrite(t *testing.T) {
	for _, name := range []string{"anim.gif", "still87.gif", "foreign-xmp.gif"} {
		t.Run(name, func(t *testing.T) {
			in := fixture(t, name)
			var once, twice bytes.Buffer
			if err := InsertXMP(bytes.NewReader(in), &once, []byte("<first/>")); err != nil {
				t.Fatal(err)
			}
			packet := []byte("<x:xmpmeta xmlns:x='adobe:ns:meta/'>Жасанды</x:xmpmeta>")
			if err := InsertXMP(bytes.NewReader(once.Bytes()), &twice, packet); err != nil {
				t.Fatal(err)
			}
			out := twice.Bytes()
			if !bytes.HasPrefix(out, []byte("GIF89a")) {
				t.Fatal("header not GIF89a")
			}
			m, err := ReadMetadata(bytes.NewReader(out))
			if err != nil || !bytes.Equal(m.XMP, packet) {
				t.Fatalf("xmp %q %v", m.XMP, err)
			}
			if strings.Count(blocks(t, out), "app:"+XMPAppID) != 1 {
				t.Fatalf("blocks %s", blocks(t, out))
			}
			// Every other block unchanged and in order.
			strip := func(b []byte) string {
				return strings.ReplaceAll(strings.ReplaceAll(blocks(t, b), "app:"+XMPAppID+",", ""), "app:"+XMPAppID, "")
			}
			if strip(in) != strip(out) {
				t.Fatalf("blocks %s → %s", blocks(t, in), blocks(t, out))
			}
			a, err := stdgif.DecodeAll(bytes.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			b, err := stdgif.DecodeAll(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("labelled GIF does not decode: %v", err)
			}
			if len(a.Image) != len(b.Image) || a.LoopCount != b.LoopCount {
				t.Fatal("frames or loop count changed")
			}
			for i := range a.Image {
				if !bytes.Equal(a.Image[i].Pix, b.Image[i].Pix) || a.Delay[i] != b.Delay[i] {
					t.Fatalf("frame %d changed", i)
				}
			}
		})
	}
}

func TestReadsExiftoolXMP(t *testing.T) {
	m, err := ReadMetadata(bytes.NewReader(fixture(t, "foreign-xmp.gif")))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(m.XMP, []byte("Jane Roe")) || !bytes.HasSuffix(bytes.TrimSpace(m.XMP), []byte("?>")) {
		t.Fatalf("xmp %q", m.XMP)
	}
	if m.Images != 2 || m.Width != 40 {
		t.Fatalf("%+v", m)
	}
}

func TestNULRefused(t *testing.T) {
	if err := InsertXMP(bytes.NewReader(fixture(t, "anim.gif")), io.Discard, []byte("a\x00b")); err == nil {
		t.Fatal("NUL accepted")
	}
}

func TestCorrupt(t *testing.T) {
	good := fixture(t, "anim.gif")
	cases := map[string][]byte{
		"empty":      nil,
		"header":     []byte("GIF88a"),
		"gct":        good[:20],
		"no trailer": good[:len(good)-1],
		"cut":        good[:len(good)/2],
		"bad intro":  append(append([]byte{}, good[:13+3*(2<<(good[10]&7))]...), 0x99),
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
	for _, n := range []string{"anim.gif", "still87.gif", "foreign-xmp.gif"} {
		f.Add(fixture(f, n))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		ReadMetadata(bytes.NewReader(in))
		var out bytes.Buffer
		if err := Rewrite(bytes.NewReader(in), &out, Edit{XMP: []byte("<y/>")}); err != nil {
			return
		}
		m, err := ReadMetadata(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("rewritten file does not read: %v", err)
		}
		if string(m.XMP) != "<y/>" {
			t.Fatalf("xmp %q", m.XMP)
		}
	})
}

func ExampleInsertXMP() {
	in, _ := os.ReadFile("testdata/still87.gif")
	var out bytes.Buffer
	if err := InsertXMP(bytes.NewReader(in), &out, []byte("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")); err != nil {
		panic(err)
	}
	m, _ := ReadMetadata(&out)
	fmt.Println(m.Version, string(m.XMP))
	// Output: 89a <x:xmpmeta xmlns:x='adobe:ns:meta/'/>
}
