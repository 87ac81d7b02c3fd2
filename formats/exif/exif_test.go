package exif

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

func TestBuildRead(t *testing.T) {
	for _, f := range []Fields{
		{Software: "belgi", ImageDescription: "Created with artificial intelligence"},
		{Software: "ab"},  // fits in the entry itself
		{Artist: "Жанна"}, // non-ASCII becomes '?'
		{},
	} {
		got, err := Read(Build(f))
		if err != nil {
			t.Fatal(err)
		}
		want := f
		want.Artist = toASCII(f.Artist)
		if got != want {
			t.Errorf("Read(Build(%+v)) = %+v", f, got)
		}
	}
}

func TestReadErrors(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("MM\x00\x2a"), []byte("XX\x00\x2a\x00\x00\x00\x08"),
		[]byte("MM\x00\x2b\x00\x00\x00\x08"), []byte("MM\x00\x2a\x00\x00\xff\x08"),
		[]byte("MM\x00\x2a\x00\x00\x00\x08\x00\x09")} {
		if _, err := Read(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Read(%q) = %v", b, err)
		}
	}
}

// exiftool reads our IFD and finds nothing to warn about.
func TestExiftoolReadsBuild(t *testing.T) {
	et := extool.Need(t, "exiftool")
	dir := t.TempDir()
	// A bare TIFF header + IFD is what exiftool's "EXIF" file type holds.
	p := filepath.Join(dir, "x.exif")
	if err := os.WriteFile(p, Build(Fields{Software: "belgi 0.1", ImageDescription: "Created with artificial intelligence"}), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(et, "-s", "-Software", "-ImageDescription", "-validate", "-warning", "-a", p).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	s := string(out)
	for _, want := range []string{"Software                        : belgi 0.1", "ImageDescription                : Created with artificial intelligence"} {
		if !strings.Contains(s, want) {
			t.Errorf("exiftool output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "Warning") {
		t.Errorf("exiftool warns:\n%s", s)
	}
}

func TestReadCameraEXIF(t *testing.T) {
	b, err := os.ReadFile(extool.Testdata(t, "images/NDM_8901.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("Exif\x00\x00"))
	f, err := Read(b[i+6:])
	if err != nil {
		t.Fatal(err)
	}
	if f.Make != "Canon" {
		t.Errorf("Make = %q", f.Make)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(Build(Fields{Software: "belgi", ImageDescription: "x"}))
	f.Add([]byte("II\x2a\x00\x08\x00\x00\x00\x01\x00\x31\x01\x02\x00\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) { Read(b) })
}
