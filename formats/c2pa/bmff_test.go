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
