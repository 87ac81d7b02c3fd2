package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
