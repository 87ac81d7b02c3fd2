package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/label"
)

// tree makes in/a.jpg, in/sub/b.jpg, in/sub/deep/c.jpg, in/notes.bin (not
// selected) and in/.hidden/d.jpg (skipped), plus a stale temp file.
func tree(t *testing.T) string {
	t.Helper()
	jpg, err := os.ReadFile(extool.Testdata(t, "sample.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "in")
	for _, p := range []string{"a.jpg", "sub/b.jpg", "sub/deep/c.jpg", ".hidden/d.jpg"} {
		p = filepath.Join(in, p)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, jpg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(in, "notes.bin"), []byte{0, 1, 2}, 0o644)
	os.WriteFile(filepath.Join(in, "sub", label.TempPrefix+"abc-b.jpg"), []byte("partial"), 0o600)
	return in
}

func metadataOnly() label.Options { return label.Options{Layers: []label.Layer{label.LayerMetadata}} }

func readReport(t *testing.T, b []byte) []Record {
	t.Helper()
	var out []Record
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("report line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func TestRunMirrorsTree(t *testing.T) {
	in := tree(t)
	out := filepath.Join(t.TempDir(), "out")
	var rep bytes.Buffer
	sum, err := Run(context.Background(), Config{Inputs: []string{in}, OutDir: out, Jobs: 3, Options: metadataOnly(), Report: &rep})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total != 3 || sum.Failed != 0 || sum.Done != 3 || sum.TempRemoved != 1 {
		t.Fatalf("summary %+v", sum)
	}
	recs := readReport(t, rep.Bytes())
	ids := map[string]bool{}
	for _, r := range recs {
		if r.Status != StatusLabelled || r.Format != "jpeg" || len(r.ContentID) != 16 {
			t.Errorf("record %+v", r)
		}
		ids[r.ContentID] = true
	}
	if len(ids) != 3 {
		t.Errorf("want a fresh content ID per file, got %v", ids)
	}
	for _, p := range []string{"a.jpg", "sub/b.jpg", "sub/deep/c.jpg"} {
		rep, err := label.VerifyFile(context.Background(), filepath.Join(out, p), label.VerifyOptions{})
		if err != nil || !rep.Labelled {
			t.Errorf("%s: labelled=%v err=%v", p, rep.Labelled, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, ".hidden")); err == nil {
		t.Error("hidden directories must not be walked")
	}

	// A rerun with SkipLabelled does nothing; without, it labels again.
	rep.Reset()
	sum, _ = Run(context.Background(), Config{Inputs: []string{in}, OutDir: out, Options: metadataOnly(), SkipLabelled: true, Report: &rep})
	if sum.Skipped != 3 {
		t.Fatalf("skip-labelled rerun: %+v", sum)
	}
}

func TestRunInPlaceAndSkip(t *testing.T) {
	in := tree(t)
	ctx := context.Background()
	sum, err := Run(ctx, Config{Inputs: []string{in}, InPlace: true, Options: metadataOnly()})
	if err != nil || sum.Done != 3 || sum.Failed != 0 {
		t.Fatalf("%+v %v", sum, err)
	}
	sum, _ = Run(ctx, Config{Inputs: []string{in}, InPlace: true, Options: metadataOnly(), SkipLabelled: true})
	if sum.Skipped != 3 {
		t.Fatalf("in-place skip: %+v", sum)
	}
}

func TestRunFromListAndFailures(t *testing.T) {
	in := tree(t)
	out := t.TempDir()
	bad := filepath.Join(in, "broken.jpg")
	os.WriteFile(bad, []byte("\xFF\xD8\xFF\xE0 truncated"), 0o644)
	list := strings.Join([]string{filepath.Join(in, "a.jpg"), "# comment", "", bad, filepath.Join(in, "missing.jpg")}, "\n")
	var rep bytes.Buffer
	sum, err := Run(context.Background(), Config{From: strings.NewReader(list), OutDir: out, Options: metadataOnly(), Report: &rep})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total != 3 || sum.Failed != 2 {
		t.Fatalf("summary %+v\n%s", sum, rep.String())
	}
	for _, r := range readReport(t, rep.Bytes()) {
		if r.Status == StatusFailed && r.Error == "" {
			t.Errorf("a failure without a reason: %+v", r)
		}
	}
	// A failed file leaves nothing behind.
	if _, err := os.Stat(filepath.Join(out, "broken.jpg")); err == nil {
		t.Error("partial output left for a corrupt input")
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if label.IsTemp(e.Name()) {
			t.Errorf("temp file left: %s", e.Name())
		}
	}
}

func TestRunDryRun(t *testing.T) {
	in := tree(t)
	out := filepath.Join(t.TempDir(), "out")
	sum, err := Run(context.Background(), Config{Inputs: []string{in}, OutDir: out, DryRun: true})
	if err != nil || sum.Total != 3 {
		t.Fatalf("%+v %v", sum, err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("dry run wrote something")
	}
}

func TestRunCancelled(t *testing.T) {
	in := tree(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sum, err := Run(ctx, Config{Inputs: []string{in}, OutDir: t.TempDir(), Options: metadataOnly()})
	if err != nil || !sum.Interrupted {
		t.Fatalf("%+v %v", sum, err)
	}
}

func TestRunUsage(t *testing.T) {
	for _, c := range []Config{{Inputs: []string{"x"}}, {Inputs: []string{"x"}, OutDir: "o", InPlace: true}, {Inputs: []string{"/does/not/exist"}, OutDir: "o"}} {
		if _, err := Run(context.Background(), c); err == nil {
			t.Errorf("%+v: want an error", c)
		}
	}
}
