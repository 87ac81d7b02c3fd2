package label

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats/c2pa/c2patest"
	"github.com/belgi/belgi/formats/mp4"
)

// TestVideoC2PAAppleMeta: a MOV with QuickTime keys in Apple's moov/meta
// (no version and flags, as iPhones and ExifTool write it) labels with
// every layer and a signed manifest; our validator and c2pa-rs trust it,
// the media is unchanged, the existing keys stay and ExifTool finds no
// duplicate meta.
func TestVideoC2PAAppleMeta(t *testing.T) {
	extool.Need(t, "ffmpeg")
	extool.Need(t, "exiftool")
	tool := c2patest.Tool(t, "label")
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.mov")
	src := filepath.Join(dir, "iphone.mov")
	// moov first (faststart), so labelling moves the media and the chunk
	// offsets must be patched; ExifTool writes Keys the way Apple does.
	run(t, "ffmpeg", "-v", "error", "-i", filepath.Join(extool.Shared(t, "testdata/video"), "mp4ff_prog_8s.mp4"),
		"-map", "0", "-c", "copy", "-movflags", "faststart", "-f", "mov", plain)
	run(t, "exiftool", "-q", "-Keys:Description=x", "-Keys:Make=Apple", "-o", src, plain)
	if moov := readMoov(t, src); moov.Child("meta") == nil || len(moov.Child("meta").Prefix) != 0 {
		t.Fatal("fixture has no Apple-layout moov/meta")
	}

	o, ca := c2paTestOptions(t)
	o.Layers = []Layer{LayerDisclosure, LayerMetadata, LayerC2PA}
	out := filepath.Join(dir, "labelled.mov")
	if _, err := ApplyFile(context.Background(), src, out, videoLabel(), o); err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := VerifyFile(context.Background(), out, VerifyOptions{TrustAnchors: ca})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Metadata.Present || !rep.C2PA.Present || rep.C2PA.State == nil || *rep.C2PA.State != "trusted" {
		t.Errorf("verify: metadata %+v c2pa %+v", rep.Metadata, rep.C2PA)
	}
	if r := c2patest.Verify(t, tool, out, "--anchors", caFile); r.Verdict != "trusted" {
		t.Errorf("c2pa-rs: %s %v\n%s", r.Verdict, r.FailureCodes, r.Raw)
	}
	moov := readMoov(t, out)
	if m := moov.All("meta"); len(m) != 1 || len(m[0].Prefix) != 0 {
		t.Errorf("labelled file: %d moov/meta boxes, want one in Apple's layout", len(m))
	}
	ex := run(t, "exiftool", "-G1", "-s", "-Keys:Make", "-Keys:Description", out)
	if !strings.Contains(ex, "Apple") || !strings.Contains(ex, "Жасанды интеллект") {
		t.Errorf("exiftool Keys:\n%s", ex)
	}
	for _, w := range exiftoolWarnings(t, out) {
		if !slices.Contains(exiftoolWarnings(t, src), w) {
			t.Errorf("exiftool -validate: %s", w)
		}
	}
	if got, want := videoFrameMD5(t, out, 2), videoFrameMD5(t, src, 2); got != want {
		t.Error("packets differ after labelling")
	}
}

// readMoov parses the moov box of an MP4/MOV file.
func readMoov(t *testing.T, file string) *mp4.Node {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	boxes, err := mp4.ScanTop(f, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range boxes {
		if x.Type == "moov" {
			n, err := mp4.ParseNode(b[x.Offset:x.End()])
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no moov")
	return nil
}
