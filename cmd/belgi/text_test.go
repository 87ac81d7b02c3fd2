package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/label"
)

// withStdin runs fn with os.Stdin reading input from a pipe, as in
// `belgi label - < in.md`.
func withStdin(t *testing.T, input string, fn func()) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { w.WriteString(input); w.Close() }()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; r.Close() }()
	fn()
}

func TestLabelTextThroughPipe(t *testing.T) {
	in := "# Notes\n\nThe meeting agreed on three points. Everyone will send their drafts by Friday, and the editor will merge them next week.\n"
	var out, errb bytes.Buffer
	var code int
	withStdin(t, in, func() {
		code = run([]string{"label", "--id", "00000000000000ff", "-"}, &out, &errb)
	})
	if code != exitOK {
		t.Fatalf("label exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "markdown labelled") {
		t.Errorf("stderr %q", errb.String())
	}
	file := filepath.Join(t.TempDir(), "out.md")
	if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var vout bytes.Buffer
	if code := run([]string{"verify", "--json", file}, &vout, &errb); code != exitOK {
		t.Fatalf("verify exit %d: %s %s", code, vout.String(), errb.String())
	}
	var rep label.Report
	if err := json.Unmarshal(vout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Watermark.Present || *rep.Watermark.ID != "00000000000000ff" || !rep.Disclosure.Present || !rep.Metadata.Present {
		t.Errorf("report %+v", rep)
	}
	// verify reads stdin too.
	vout.Reset()
	withStdin(t, out.String(), func() {
		code = run([]string{"verify", "-"}, &vout, &errb)
	})
	if code != exitOK || !strings.Contains(vout.String(), "id 00000000000000ff") {
		t.Errorf("verify - exit %d: %s", code, vout.String())
	}
}

func TestLabelTextNoticeEnd(t *testing.T) {
	in := "Plain notes. The meeting agreed on three points and everyone will send their drafts by Friday.\n"
	var out, errb bytes.Buffer
	var code int
	withStdin(t, in, func() {
		code = run([]string{"label", "--text-notice", "end", "--layers", "disclosure", "-"}, &out, &errb)
	})
	if code != exitOK || !strings.HasPrefix(out.String(), in+"\n") || !strings.Contains(out.String(), "Жасанды интеллект көмегімен жасалған") {
		t.Fatalf("exit %d: %q %s", code, out.String(), errb.String())
	}
	if code := run([]string{"label", "--text-notice", "middle", "-"}, &out, &errb); code != exitFatal {
		t.Errorf("bad --text-notice: exit %d", code)
	}
}
