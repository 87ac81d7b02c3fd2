package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

func TestTDMSiteAndCheck(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"tdm", "site", "--reserve", "--policy", "https://example.kz/p"}, &out, &errb); code != 0 {
		t.Fatalf("site: exit %d: %s", code, errb.String())
	}
	// Split the printed sections back into files, as a site owner would.
	sections := map[string]string{}
	var cur string
	for _, line := range strings.SplitAfter(out.String(), "\n") {
		if strings.HasPrefix(line, "## ") {
			cur = strings.TrimSpace(line[3:])
			continue
		}
		sections[cur] += line
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	robots := write("robots.txt", sections["robots.txt"])
	rep := write("tdmrep.json", sections["/.well-known/tdmrep.json"])
	hdrs := write("headers.txt", "HTTP/1.1 200 OK\r\n"+sections["HTTP response headers"])
	html := write("page.html", "<html><head>"+sections["HTML <head>"]+"</head></html>")

	for _, args := range [][]string{
		{"--robots", robots, "--user-agent", "ClaudeBot", "--path", "/a"},
		{"--tdmrep", rep},
		{"--headers", hdrs},
		{"--html", html},
	} {
		out.Reset()
		errb.Reset()
		code := run(append([]string{"tdm", "check", "--json"}, args...), &out, &errb)
		if code != exitPartial {
			t.Errorf("%v: exit %d (want 1 = reserved): %s", args, code, errb.String())
		}
		var res struct {
			Status  string
			Signals []map[string]any
		}
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("%v: %v: %s", args, err, out.String())
		}
		if res.Status != "reserved" || len(res.Signals) == 0 {
			t.Errorf("%v: %+v", args, res)
		}
	}
	// Nothing to check is a usage error.
	if code := run([]string{"tdm", "check"}, &out, &errb); code != exitFatal {
		t.Errorf("empty check: exit %d", code)
	}
}

// Files labelled with --tdm reserve are reported reserved by `tdm check`,
// and the raw XMP (as exiftool extracts it) carries plus:DataMining and
// tdm:reservation. Debian's exiftool 12.57 does not know plus:DataMining
// as a tag, so the raw packet is checked instead.
func TestTDMReserveFileRoundTrip(t *testing.T) {
	exiftool := extool.Need(t, "exiftool")
	dir := t.TempDir()
	for _, tc := range []struct {
		tdm, want string
		code      int
	}{{"reserve", "reserved", exitPartial}, {"allow", "allowed", exitOK}} {
		out := filepath.Join(dir, tc.tdm)
		var o, e bytes.Buffer
		if code := run([]string{"label", "-q", "--layers", "metadata", "--tdm", tc.tdm, "--tdm-policy", "https://example.kz/ai", "-o", out, extool.Testdata(t, "sample.jpg")}, &o, &e); code != 0 {
			t.Fatalf("label: %d %s", code, e.String())
		}
		file := filepath.Join(out, "sample.jpg")
		o.Reset()
		if code := run([]string{"tdm", "check", "--json", file}, &o, &e); code != tc.code {
			t.Errorf("%s: tdm check exit %d, want %d: %s", tc.tdm, code, tc.code, e.String())
		}
		var res struct{ Status string }
		json.Unmarshal(o.Bytes(), &res)
		if res.Status != tc.want {
			t.Errorf("%s: status %q: %s", tc.tdm, res.Status, o.String())
		}
		raw, err := exec.Command(exiftool, "-xmp", "-b", file).Output()
		if err != nil {
			t.Fatal(err)
		}
		wantDMI := map[string]string{"reserve": "DMI-PROHIBITED-AIMLTRAINING", "allow": "DMI-ALLOWED"}[tc.tdm]
		wantRes := map[string]string{"reserve": "<tdm:reservation>1<", "allow": "<tdm:reservation>0<"}[tc.tdm]
		for _, w := range []string{"http://ns.useplus.org/ldf/vocab/" + wantDMI, wantRes, "http://www.w3.org/ns/tdmrep/"} {
			if !strings.Contains(string(raw), w) {
				t.Errorf("%s: exiftool -xmp -b lacks %q", tc.tdm, w)
			}
		}
	}
}

// Audio formats without XMP (FLAC) or with it (MP3 PRIV) carry the
// reservation as TDM_RESERVATION too; `tdm check` reports it.
func TestTDMReserveAudio(t *testing.T) {
	sox := extool.Need(t, "sox")
	lame := extool.Need(t, "lame")
	dir := t.TempDir()
	wav := filepath.Join(dir, "tone.wav")
	if out, err := exec.Command(sox, "-n", "-r", "44100", "-c", "1", "-b", "16", wav, "synth", "1", "sine", "440").CombinedOutput(); err != nil {
		t.Fatalf("sox: %v %s", err, out)
	}
	flac := filepath.Join(dir, "tone.flac")
	mp3 := filepath.Join(dir, "tone.mp3")
	if out, err := exec.Command(sox, wav, flac).CombinedOutput(); err != nil {
		t.Fatalf("sox: %v %s", err, out)
	}
	if out, err := exec.Command(lame, "--quiet", wav, mp3).CombinedOutput(); err != nil {
		t.Fatalf("lame: %v %s", err, out)
	}
	out := filepath.Join(dir, "out")
	for _, f := range []string{flac, mp3} {
		var o, e bytes.Buffer
		if code := run([]string{"label", "-q", "--layers", "metadata", "--tdm", "reserve", "-o", out, f}, &o, &e); code != 0 {
			t.Fatalf("label %s: %d %s", f, code, e.String())
		}
		o.Reset()
		labelled := filepath.Join(out, filepath.Base(f))
		if code := run([]string{"tdm", "check", "--json", labelled}, &o, &e); code != exitPartial {
			t.Errorf("%s: tdm check exit %d, want 1 (reserved): %s %s", f, code, o.String(), e.String())
		}
	}
}

// An MP4 labelled with --tdm reserve is reported reserved by `tdm check`
// (plain output), and one labelled with --tdm allow is allowed.
func TestTDMCheckMP4(t *testing.T) {
	src := filepath.Join(extool.Shared(t, "testdata/video"), "mp4ff_prog_8s.mp4")
	dir := t.TempDir()
	for _, tc := range []struct {
		tdm, want string
		code      int
	}{{"reserve", "training: reserved", exitPartial}, {"allow", "training: allowed", exitOK}} {
		out := filepath.Join(dir, tc.tdm)
		var o, e bytes.Buffer
		if code := run([]string{"label", "-q", "--tdm", tc.tdm, "-o", out, src}, &o, &e); code != 0 {
			t.Fatalf("label: %d %s", code, e.String())
		}
		o.Reset()
		code := run([]string{"tdm", "check", filepath.Join(out, filepath.Base(src))}, &o, &e)
		if code != tc.code || !strings.HasPrefix(o.String(), tc.want+"\n") {
			t.Errorf("%s: tdm check exit %d, want %d:\n%s%s", tc.tdm, code, tc.code, o.String(), e.String())
		}
	}
}
