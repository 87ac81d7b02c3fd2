package c2pa

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gen2brain/webp"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats/c2pa/c2patest"
	"github.com/belgi/belgi/formats/mp4"
)

// TestBMFFFramesUnchanged: inserting the manifest after ftyp shifts the
// media; with the chunk offsets patched ffmpeg decodes the same frames
// (framemd5) from a progressive MP4, a fragmented MP4 and a MOV.
func TestBMFFFramesUnchanged(t *testing.T) {
	ffmpeg := extool.Need(t, "ffmpeg")
	s, dc := testSigner(t)
	dir := t.TempDir()
	clip := filepath.Join(extool.Shared(t, "testdata/c2pa/sources"), "clip.mp4")
	frag := filepath.Join(dir, "frag.mp4")
	mov := filepath.Join(dir, "t.mov")
	for _, args := range [][]string{
		{"-f", "lavfi", "-i", "testsrc=size=64x48:rate=5", "-t", "2", "-c:v", "libx264", "-movflags", "+frag_keyframe+empty_moov", frag},
		{"-f", "lavfi", "-i", "testsrc=size=64x48:rate=5", "-t", "1", "-c:v", "mpeg4", mov},
	} {
		if out, err := exec.Command(ffmpeg, append([]string{"-loglevel", "error", "-y"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg: %v\n%s", err, out)
		}
	}
	frames := func(path string) string {
		out, err := exec.Command(ffmpeg, "-v", "error", "-i", path, "-f", "framemd5", "-").Output()
		if err != nil {
			t.Fatalf("ffmpeg %s: %v", path, err)
		}
		return string(out)
	}
	for _, in := range []string{clip, frag, mov} {
		t.Run(filepath.Base(in), func(t *testing.T) {
			b, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			out := embedBytes(t, b, BMFF, generatedManifest(filepath.Base(in), "video/mp4"), s)
			if v := validateBytes(t, out, BMFF, dc.CACert); v.State != StateTrusted {
				t.Fatalf("%s %v", v.State, v.Failures)
			}
			signed := filepath.Join(dir, "signed-"+filepath.Base(in))
			if err := os.WriteFile(signed, out, 0o644); err != nil {
				t.Fatal(err)
			}
			if a, b := frames(in), frames(signed); a != b || a == "" {
				t.Fatalf("frames differ after embedding")
			}
		})
	}
}

// TestExiftoolReadsStore: exiftool walks our JUMBF in a JPEG and finds the
// manifest store, claim, signature and assertions by label.
func TestExiftoolReadsStore(t *testing.T) {
	exiftool := extool.Need(t, "exiftool")
	s, _ := testSigner(t)
	in, err := os.ReadFile(filepath.Join(extool.Shared(t, "testdata/c2pa/sources"), "still.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "signed.jpg")
	if err := os.WriteFile(f, embedBytes(t, in, JPEG, generatedManifest("x", "image/jpeg"), s), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exiftool, "-a", "-JUMBF:JUMDLabel", "-s3", f).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"c2pa", "c2pa.assertions", "c2pa.actions.v2", "c2pa.hash.data", "c2pa.claim.v2", "c2pa.signature"} {
		found := false
		for _, line := range strings.Split(string(out), "\n") {
			if strings.TrimSpace(line) == want {
				found = true
			}
		}
		if !found {
			t.Errorf("exiftool did not list %q:\n%s", want, out)
		}
	}
}

// TestReferenceWebP: a WebP (RIFF, like WAV), signed here, is trusted by
// c2pa-rs with our CA.
func TestReferenceWebP(t *testing.T) {
	tool := c2patest.Tool(t, "formats")
	s, dc := testSigner(t)
	dir := t.TempDir()
	f, err := os.Open(filepath.Join(extool.Shared(t, "testdata/c2pa/sources"), "still.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := webp.Encode(&buf, img, webp.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	in := buf.Bytes()
	signed := filepath.Join(dir, "signed.webp")
	if err := os.WriteFile(signed, embedBytes(t, in, RIFF, generatedManifest("still.webp", "image/webp"), s), 0o644); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, dc.CACert, 0o644)
	if r := c2patest.Verify(t, tool, signed, "--anchors", ca); r.Verdict != "trusted" {
		t.Fatalf("reference validator: %s %v\n%s", r.Verdict, r.FailureCodes, r.Raw)
	}
}

// TestBMFFExclusionInsideMeta: an exclusion xpath through moov/meta finds
// the meta's children in both layouts, ISO's full box (version and flags
// first) and QuickTime's (Apple devices, ExifTool: children right after
// the header). Changing the excluded ilst leaves the hash alone; changing
// anything else does not.
func TestBMFFExclusionInsideMeta(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prefix []byte
	}{{"iso", []byte{0, 0, 0, 0}}, {"quicktime", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			meta := mp4.NewContainer("meta", tc.prefix,
				mp4.NewLeaf("hdlr", append([]byte{0, 0, 0, 0, 0, 0, 0, 0}, "mdta\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"...)),
				mp4.NewLeaf("keys", []byte{0, 0, 0, 0, 0, 0, 0, 0}),
				mp4.NewContainer("ilst", nil, mp4.NewLeaf("\x00\x00\x00\x01", []byte("value one"))))
			moov := mp4.NewContainer("moov", nil, mp4.NewLeaf("mvhd", make([]byte, 100)), meta)
			var file []byte
			file = append(file, mp4.NewLeaf("ftyp", []byte("qt  \x00\x00\x00\x00qt  ")).Bytes()...)
			file = append(file, moov.Bytes()...)
			file = append(file, mp4.NewLeaf("mdat", []byte("media bytes")).Bytes()...)
			ex := []BMFFExclusion{{XPath: "/moov/meta/ilst"}}
			hash := func(b []byte) string {
				t.Helper()
				h, err := bmffHash("sha256", bytes.NewReader(b), int64(len(b)), ex, true)
				if err != nil {
					t.Fatal(err)
				}
				return string(h)
			}
			base := hash(file)
			flip := func(at int) []byte {
				c := bytes.Clone(file)
				c[at] ^= 0xFF
				return c
			}
			if got := hash(flip(bytes.Index(file, []byte("value one")))); got != base {
				t.Error("a change inside the excluded moov/meta/ilst changed the hash")
			}
			if got := hash(flip(bytes.Index(file, []byte("mdta")))); got == base {
				t.Error("a change in moov/meta/hdlr left the hash unchanged")
			}
			if got := hash(flip(bytes.Index(file, []byte("media")))); got == base {
				t.Error("a change in mdat left the hash unchanged")
			}
		})
	}
}
