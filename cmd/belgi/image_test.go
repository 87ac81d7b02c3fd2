package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// imageInputs copies one image per format into a temp dir.
func imageInputs(t *testing.T) (dir string, files []string) {
	t.Helper()
	root := extool.RepoRoot(t)
	dir = t.TempDir()
	for _, src := range []string{
		"testdata/sample.jpg", "formats/webp/testdata/lossless-alpha.webp",
		"formats/gif/testdata/anim.gif", "testdata/images/NDM_8901.jpg",
	} {
		b, err := os.ReadFile(filepath.Join(root, src))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.Base(src))
		if err := os.WriteFile(p, b, 0o640); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	png := filepath.Join(extool.Shared(t, "testdata/images"), "tux.png")
	b, err := os.ReadFile(png)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "tux.png")
	os.WriteFile(p, b, 0o644)
	return dir, append(files, p)
}

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

type jsonReport struct {
	File     string `json:"file"`
	Format   string `json:"format"`
	Labelled bool   `json:"labelled"`
	Metadata struct {
		Present           bool              `json:"present"`
		DigitalSourceType *string           `json:"digital_source_type"`
		AISystem          *string           `json:"ai_system"`
		Disclosure        map[string]string `json:"disclosure"`
		ContentID         *string           `json:"content_id"`
		Sources           []string          `json:"sources"`
	} `json:"metadata"`
	Watermark map[string]any `json:"watermark"`
	C2PA      map[string]any `json:"c2pa"`
	Errors    []string       `json:"errors"`
}

func parseJSONLines(t *testing.T, s string) []jsonReport {
	t.Helper()
	var reps []jsonReport
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		var r jsonReport
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON: %q: %v", line, err)
		}
		var raw map[string]any
		json.Unmarshal([]byte(line), &raw)
		for _, k := range []string{"file", "format", "labelled", "metadata", "watermark", "c2pa", "errors"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("key %q missing in %s", k, line)
			}
		}
		reps = append(reps, r)
	}
	return reps
}

func TestLabelVerifyImagesEndToEnd(t *testing.T) {
	dir, files := imageInputs(t)
	out := filepath.Join(dir, "out")
	// Unlabelled inputs: verify says "some not labelled" (1).
	code, _, _ := runCLI(append([]string{"verify", "--json"}, files...)...)
	if code != exitPartial {
		t.Fatalf("verify of unlabelled images: exit %d, want 1", code)
	}
	args := append([]string{"label", "--layers", "metadata", "-o", out, "--ai-system", "Example Diffusion", "--tdm", "reserve"}, files...)
	code, stdout, stderr := runCLI(args...)
	if code != exitOK {
		t.Fatalf("label: exit %d\n%s%s", code, stdout, stderr)
	}
	var labelled []string
	for _, f := range files {
		labelled = append(labelled, filepath.Join(out, filepath.Base(f)))
	}
	code, stdout, stderr = runCLI(append([]string{"verify", "--json"}, labelled...)...)
	if code != exitOK {
		t.Fatalf("verify: exit %d\n%s%s", code, stdout, stderr)
	}
	reps := parseJSONLines(t, stdout)
	if len(reps) != len(files) {
		t.Fatalf("%d reports for %d files", len(reps), len(files))
	}
	ids := map[string]bool{}
	for _, r := range reps {
		m := r.Metadata
		if !r.Labelled || !m.Present || m.DigitalSourceType == nil || *m.DigitalSourceType != "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia" ||
			m.AISystem == nil || *m.AISystem != "Example Diffusion" || m.Disclosure["kk"] == "" || m.Disclosure["ru"] == "" || m.ContentID == nil {
			t.Errorf("%s: %+v", r.File, r)
			continue
		}
		ids[*m.ContentID] = true
	}
	if len(ids) != len(files) {
		t.Errorf("content IDs not one per file: %v", ids)
	}
	// Mode kept, no temporary files left.
	if st, err := os.Stat(filepath.Join(out, "sample.jpg")); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("output mode: %v %v", st.Mode(), err)
	}
	// Human summary.
	code, stdout, _ = runCLI("verify", labelled[0])
	if code != exitOK || !strings.Contains(stdout, "labelled as AI content") || !strings.Contains(stdout, "kk: Жасанды интеллект көмегімен жасалған") {
		t.Errorf("summary (exit %d):\n%s", code, stdout)
	}
	// In place, twice: still one label.
	code, _, stderr = runCLI("label", "--layers", "metadata", "--in-place", "--id", "0123456789abcdef", labelled[0])
	if code != exitOK {
		t.Fatalf("in-place: %d %s", code, stderr)
	}
	_, stdout, _ = runCLI("verify", "--json", labelled[0])
	if r := parseJSONLines(t, stdout)[0]; *r.Metadata.ContentID != "0123456789abcdef" {
		t.Errorf("in-place relabel: id %v", *r.Metadata.ContentID)
	}
}

func TestLabelCorruptImageIsAtomic(t *testing.T) {
	dir, files := imageInputs(t)
	good := files[0]
	b, _ := os.ReadFile(good)
	bad := filepath.Join(dir, "broken.jpg")
	os.WriteFile(bad, b[:300], 0o644)
	badPNG := filepath.Join(dir, "broken.png")
	pb, _ := os.ReadFile(files[len(files)-1])
	os.WriteFile(badPNG, pb[:len(pb)/2], 0o644)
	text := filepath.Join(dir, "notes.bin")
	os.WriteFile(text, []byte{0, 1, 2, 3, 0xff}, 0o644)
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI("label", "--layers", "metadata", "-o", out, bad, good, badPNG, text)
	if code != exitPartial {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	for _, name := range []string{"broken.jpg", "broken.png", "notes.bin"} {
		if !strings.Contains(stderr, name) {
			t.Errorf("no error line names %s:\n%s", name, stderr)
		}
	}
	// One line per failed file, plus the batch summary line.
	if n := strings.Count(strings.TrimSpace(stderr), "\n") + 1 - strings.Count(stderr, " failed in "); n != 3 {
		t.Errorf("%d error lines, want 3:\n%s", n, stderr)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 || entries[0].Name() != "sample.jpg" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("output dir holds %v; want only sample.jpg (no partial or temporary files)", names)
	}
	// In place on a corrupt file: the input is untouched.
	code, _, _ = runCLI("label", "--in-place", bad)
	after, _ := os.ReadFile(bad)
	if code != exitPartial || !bytes.Equal(after, b[:300]) {
		t.Fatalf("in-place corrupt: exit %d, input changed %v", code, !bytes.Equal(after, b[:300]))
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".belgi-tmp-*"))
	if len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
	// verify: errors give exit 2 and a JSON line with errors[].
	code, stdout, _ := runCLI("verify", "--json", bad, filepath.Join(out, "sample.jpg"))
	if code != exitFatal {
		t.Fatalf("verify corrupt: exit %d", code)
	}
	reps := parseJSONLines(t, stdout)
	if len(reps[0].Errors) == 0 || !reps[1].Labelled {
		t.Fatalf("reports %+v", reps)
	}
}
