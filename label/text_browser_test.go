package label

import (
	"bytes"
	"context"
	"html"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
	wmtext "github.com/belgi/belgi/watermark/text"
)

// innerText renders page in headless Chromium and returns
// document.body.innerText, which is what a reader copies from the page.
func innerText(t *testing.T, chromium string, page []byte) string {
	t.Helper()
	dir := t.TempDir()
	// Replace the body by a <pre> holding its innerText once the DOM is
	// ready; --dump-dom then prints it.
	script := `<script>document.addEventListener("DOMContentLoaded",()=>{const t=document.body.innerText;document.body.innerHTML="";const p=document.createElement("pre");p.id="belgi-inner";p.textContent=t;document.body.appendChild(p);});</script>`
	page = bytes.Replace(page, []byte("</body>"), []byte(script+"</body>"), 1)
	file := filepath.Join(dir, "page.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+file)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	s := string(out)
	i := strings.Index(s, `<pre id="belgi-inner">`)
	j := strings.LastIndex(s, "</pre>")
	if i < 0 || j < i {
		t.Fatalf("chromium output has no innerText: %.300s", s)
	}
	return html.UnescapeString(s[i+len(`<pre id="belgi-inner">`) : j])
}

// TestTextBrowserCopy: labelled HTML rendered by Chromium; its innerText
// (what copy-paste gives) and excerpts of it still carry the ID, and the
// notice is visible text.
func TestTextBrowserCopy(t *testing.T) {
	chromium := extool.Need(t, "chromium")
	for _, lang := range []string{"kk", "ru", "en"} {
		src, err := os.ReadFile(extool.Testdata(t, "text/"+lang+"-article.txt"))
		if err != nil {
			t.Fatal(err)
		}
		var page strings.Builder
		page.WriteString("<!DOCTYPE html>\n<html lang=\"" + lang + "\">\n<head>\n<meta charset=\"utf-8\">\n<title>Article</title>\n</head>\n<body>\n")
		for _, para := range strings.Split(strings.TrimSpace(string(src)), "\n\n") {
			page.WriteString("<p>" + html.EscapeString(para) + "</p>\n")
		}
		page.WriteString("</body>\n</html>\n")
		l := Label{ContentID: textID, Profile: ProfileEU}
		out, _ := labelText(t, lang+".html", page.String(), l, Options{})
		text := innerText(t, chromium, out)
		if d := wmtext.Detect([]byte(text)); !d.Found || FormatContentID(d.ID) != textID {
			t.Fatalf("%s: innerText carries no ID (%+v): %.200q", lang, d, text)
		}
		_ = l.Normalize()
		for _, line := range l.Disclosure() {
			if !strings.Contains(text, line.Text) {
				t.Errorf("%s: notice %q not in the rendered text", lang, line.Text)
			}
		}
		runes := []rune(text)
		rng := rand.New(rand.NewPCG(21, uint64(len(lang))))
		for trial := 0; trial < 1000; trial++ {
			n := 200 + rng.IntN(201)
			start := rng.IntN(len(runes) - n + 1)
			if d := wmtext.Detect([]byte(string(runes[start : start+n]))); !d.Found {
				t.Fatalf("%s: rendered excerpt %d+%d carries no ID: %q", lang, start, n, string(runes[start:start+n]))
			}
		}
	}
}
