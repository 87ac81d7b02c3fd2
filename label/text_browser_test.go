package label

import (
	"bytes"
	"context"
	"html"
	"image"
	"image/png"
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

// TestTextMarkdownRendered renders labelled Markdown with cmark-gfm (GitHub
// Flavored Markdown, Debian cmark-gfm) after taking off the front matter
// as front-matter-aware renderers do: the notice is a blockquote with one
// paragraph per language, code, headings and link targets carry no
// selectors, and the rendered text carries the ID.
func TestTextMarkdownRendered(t *testing.T) {
	cmark := extool.Need(t, "cmark-gfm")
	src, err := os.ReadFile(extool.Testdata(t, "text/ru-article.txt"))
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Split(strings.TrimSpace(string(src)), "\n\n")
	md := "---\ntitle: \"Почта\"\n---\n# " + paras[0] + "\n\n" + strings.Join(paras[1:4], "\n\n") +
		"\n\n```\nfunc main() { fmt.Println(\"code words stay as they are\") }\n```\n\nInline `code words here` and a [link to the source](https://example.org/a b \"title words\").\n\n" +
		strings.Join(paras[4:], "\n\n") + "\n"
	l := Label{ContentID: textID}
	out, _ := labelText(t, "a.md", md, l, Options{})
	body := out[BodyStartForTest(out):]
	cmd := exec.Command(cmark, "--extension", "table", "--extension", "autolink")
	cmd.Stdin = bytes.NewReader(body)
	rendered, err := cmd.Output()
	if err != nil {
		t.Fatalf("cmark-gfm: %v", err)
	}
	r := string(rendered)
	_ = l.Normalize()
	want := "<blockquote>\n"
	for _, line := range l.Disclosure() {
		want += "<p>" + html.EscapeString(line.Text) + "</p>\n"
	}
	if !strings.Contains(r, want+"</blockquote>") {
		t.Errorf("notice blockquote not rendered as expected:\n%s", r[:min(len(r), 600)])
	}
	hasVS := func(s string) bool {
		for _, c := range s {
			if _, ok := wmtext.SelectorByte(c); ok {
				return true
			}
		}
		return false
	}
	for _, tag := range []string{"pre", "code", "h1"} {
		for _, part := range strings.Split(r, "<"+tag)[1:] {
			inner := part[:strings.Index(part, "</"+tag+">")]
			if hasVS(inner) {
				t.Errorf("<%s> carries selectors: %q", tag, inner)
			}
		}
	}
	if i := strings.Index(r, `href="`); i < 0 || hasVS(r[i:i+strings.Index(r[i+6:], `"`)+7]) {
		t.Errorf("link target missing or marked")
	}
	if d := wmtext.Detect(rendered); !d.Found || FormatContentID(d.ID) != textID || d.Copies < 20 {
		t.Errorf("rendered Markdown: %+v", d)
	}
}

// screenshot renders page in headless Chromium and decodes the PNG.
func screenshot(t *testing.T, chromium string, page []byte) image.Image {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "page.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--window-size=800,2400", "--hide-scrollbars",
		"--screenshot="+shot, "file://"+file)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestTextRenderingUnchanged: Chromium draws the page with the carrier
// pixel for pixel like the page without it (Kazakh, Russian, English,
// Chinese, emoji ZWJ sequences, Persian ZWNJ).
func TestTextRenderingUnchanged(t *testing.T) {
	chromium := extool.Need(t, "chromium")
	var body strings.Builder
	for _, lang := range []string{"kk", "ru", "en"} {
		src, err := os.ReadFile(extool.Testdata(t, "text/"+lang+"-article.txt"))
		if err != nil {
			t.Fatal(err)
		}
		body.WriteString("<p>" + html.EscapeString(string([]rune(string(src))[:1200])) + "</p>\n")
	}
	body.WriteString("<p>河流从山里流出来，经过许多村庄和田野，最后流进大湖。渔民在河边工作了几百年！今天的河水还干净吗？工程师每年春天都会测量水质，并把结果告诉大家。村里的孩子们在学校学习如何保护河流、森林和草原。</p>\n")
	body.WriteString("<p>Family photo 👨‍👩‍👧‍👦 with the dog, and the flag 🏳️‍🌈 flew over the square. Persian: من می‌خواهم کتاب‌ها را بخوانم و بعد به خانه بروم. Another sentence follows here so that the paragraph is long enough.</p>\n")
	page := "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n</head>\n<body style=\"font-size:18px;width:760px\">\n" + body.String() + "</body>\n</html>\n"
	out, _ := labelText(t, "p.html", page, Label{ContentID: textID}, Options{Layers: []Layer{LayerWatermark}})
	if n := len(wmtext.Find(out)); n < 20 {
		t.Fatalf("only %d copies", n)
	}
	a, b := screenshot(t, chromium, []byte(page)), screenshot(t, chromium, out)
	if a.Bounds() != b.Bounds() {
		t.Fatalf("sizes differ: %v %v", a.Bounds(), b.Bounds())
	}
	diff := 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				diff++
			}
		}
	}
	if diff > 0 {
		t.Errorf("%d pixels differ between the page with and without the carrier", diff)
	}
}
