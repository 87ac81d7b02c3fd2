package label

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats"
	ftext "github.com/belgi/belgi/formats/text"
	wmtext "github.com/belgi/belgi/watermark/text"
)

const textID = "0123456789abcdef"

var textDocs = []struct {
	name string
	f    formats.Format
	doc  string
}{
	{"a.txt", formats.Text, "The survey covered forty villages. Each one reported its water use, its harvest and the number of wells in working order. Most wells were fine. Some needed new pumps, and a few had dried up entirely after the long summer.\n"},
	{"a.md", formats.Markdown, "---\ntitle: \"Survey\"   # keep this comment\ntags:\n  - water\n---\n# Survey results\n\nThe survey covered forty villages. Each one reported its water use, its harvest and the number of wells in working order. See [the data](https://example.org/data \"the data set\") and `code span here` too.\n\n```go\nfunc main() { println(\"code stays code\") }\n```\n\n- Most wells were fine, some needed new pumps, and a few had dried up entirely after the long summer.\n"},
	{"a.html", formats.HTML, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Survey</title>\n</head>\n<body>\n<h1>Survey results</h1>\n<p>The survey covered forty villages. Each one reported its water use, its harvest and the number of wells in working order. <a href=\"https://example.org/data\" title=\"the data set\">The data</a> is public.</p>\n<pre>code stays code and more words here</pre>\n<p>Most wells were fine. Some needed new pumps, and a few had dried up entirely after the long summer.</p>\n</body>\n</html>\n"},
	{"a.json", formats.JSON, "{\n  \"id\": \"survey-7\",\n  \"summary\": \"The survey covered forty villages. Each one reported its water use, its harvest and the number of wells in working order. Most wells were fine.\",\n  \"count\": 40\n}\n"},
}

func labelText(t *testing.T, name, doc string, l Label, o Options) ([]byte, Result) {
	t.Helper()
	o.Name = name
	var out bytes.Buffer
	res, err := Apply(context.Background(), strings.NewReader(doc), &out, l, o)
	if err != nil {
		t.Fatalf("%s: Apply: %v", name, err)
	}
	return out.Bytes(), res
}

func verifyTextDoc(t *testing.T, name string, doc []byte) Report {
	t.Helper()
	rep, err := Verify(context.Background(), bytes.NewReader(doc), VerifyOptions{Name: name})
	if err != nil {
		t.Fatalf("%s: Verify: %v", name, err)
	}
	return rep
}

func TestTextRoundTrip(t *testing.T) {
	for _, tc := range textDocs {
		for _, place := range []TextPlacement{TextStart, TextEnd} {
			for _, profile := range []Profile{ProfileKZ, ProfileEU} {
				l := Label{ContentID: textID, AISystem: "Test LLM", Profile: profile, TDM: TDMReserve}
				out, res := labelText(t, tc.name, tc.doc, l, Options{Text: TextOptions{Placement: place}})
				if res.Format != tc.f {
					t.Fatalf("%s: format %s", tc.name, res.Format)
				}
				want := []Layer{LayerWatermark, LayerDisclosure, LayerMetadata}
				if tc.f == formats.Text {
					want = want[:2]
				}
				for _, w := range want {
					if !hasLayer(res.Layers, w) {
						t.Errorf("%s: layer %s not written (%v)", tc.name, w, res.Layers)
					}
				}
				rep := verifyTextDoc(t, tc.name, out)
				if !rep.Labelled || !rep.Watermark.Present || *rep.Watermark.ID != textID {
					t.Errorf("%s %s: watermark %+v", tc.name, place, rep.Watermark)
				}
				if !hasWarning(rep.Warnings, "NFKC_Casefold") {
					t.Errorf("%s: no sanitizer warning: %v", tc.name, rep.Warnings)
				}
				// The visible text is exactly the wording table's, per language.
				_ = l.Normalize()
				lines := l.Disclosure()
				if !rep.Disclosure.Present || *rep.Disclosure.Kind != "text-notice" || len(rep.Disclosure.Text) != len(lines) {
					t.Errorf("%s %s: disclosure %+v", tc.name, place, rep.Disclosure)
				}
				for _, line := range lines {
					if got := rep.Disclosure.Text[line.Lang]; got != line.Text {
						t.Errorf("%s %s: disclosure[%s] = %q, want %q", tc.name, place, line.Lang, got, line.Text)
					}
				}
				if tc.f != formats.Text {
					m := rep.Metadata
					if !m.Present || m.DigitalSourceType == nil || *m.DigitalSourceType != Generated.URI() || m.ContentID == nil || *m.ContentID != textID {
						t.Errorf("%s: metadata %+v", tc.name, m)
					}
					if m.AISystem == nil || *m.AISystem != "Test LLM" || m.TDM == nil || *m.TDM != "reserve" {
						t.Errorf("%s: metadata fields %+v", tc.name, m)
					}
				}
				// The original comes back exactly without the carrier and notice.
				clean, err := stripText(tc.f, out)
				if err != nil || string(clean) != tc.doc {
					t.Errorf("%s %s: strip gives\n%q\nwant\n%q (%v)", tc.name, place, clean, tc.doc, err)
				}
				// Labelling again replaces, never stacks.
				again, _ := labelText(t, tc.name, string(out), l, Options{Text: TextOptions{Placement: place}})
				if !bytes.Equal(again, out) {
					t.Errorf("%s %s: relabelling changed the output:\n%s\n---\n%s", tc.name, place, out, again)
				}
			}
		}
	}
}

func TestTextCarrierKeepsOutOfCode(t *testing.T) {
	for _, tc := range textDocs[1:] {
		out, _ := labelText(t, tc.name, tc.doc, Label{ContentID: textID}, Options{Layers: []Layer{LayerWatermark}})
		for _, c := range wmtext.Find(out) {
			ctx := string(out[max(0, c.Start-30):c.Start])
			for _, bad := range []string{"println", "code stays", "code span", "example.org", "title=", "the data set", "survey-7", "\"id\"", "tags"} {
				if strings.Contains(ctx[max(0, len(ctx)-len(bad)-2):], bad) {
					t.Errorf("%s: copy right after %q", tc.name, ctx)
				}
			}
		}
		for _, keep := range []string{"func main() { println(\"code stays code\") }", "`code span here`", "(https://example.org/data \"the data set\")", "<pre>code stays code and more words here</pre>", "href=\"https://example.org/data\" title=\"the data set\"", "\"id\": \"survey-7\""} {
			if strings.Contains(tc.doc, keep) && !strings.Contains(string(out), keep) {
				t.Errorf("%s: %q changed", tc.name, keep)
			}
		}
	}
}

func TestTextWordingOverride(t *testing.T) {
	l := Label{ContentID: textID, Wording: map[string]string{"kk": "ЖИ мәтіні", "ru": "Текст ИИ"}}
	for _, tc := range textDocs {
		out, _ := labelText(t, tc.name, tc.doc, l, Options{})
		rep := verifyTextDoc(t, tc.name, out)
		if rep.Disclosure.Text["kk"] != "ЖИ мәтіні" || rep.Disclosure.Text["ru"] != "Текст ИИ" {
			t.Errorf("%s: disclosure %v", tc.name, rep.Disclosure.Text)
		}
	}
}

func TestTextLayersAlone(t *testing.T) {
	for _, tc := range textDocs {
		for _, layer := range []Layer{LayerWatermark, LayerDisclosure, LayerMetadata} {
			if tc.f == formats.Text && layer == LayerMetadata {
				continue
			}
			out, res := labelText(t, tc.name, tc.doc, Label{ContentID: textID}, Options{Layers: []Layer{layer}})
			if len(res.Layers) != 1 || res.Layers[0] != layer {
				t.Errorf("%s %s: layers %v", tc.name, layer, res.Layers)
			}
			rep := verifyTextDoc(t, tc.name, out)
			got := map[Layer]bool{LayerWatermark: rep.Watermark.Present, LayerDisclosure: rep.Disclosure.Present, LayerMetadata: rep.Metadata.Present}
			for l, present := range got {
				if present != (l == layer) {
					t.Errorf("%s only %s: %s present=%v", tc.name, layer, l, present)
				}
			}
			if !rep.Labelled {
				t.Errorf("%s only %s: not labelled", tc.name, layer)
			}
		}
	}
}

func hasLayer(ls []Layer, l Layer) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

func hasWarning(ws []string, sub string) bool {
	for _, w := range ws {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

// TestTextExcerpts: every random excerpt of ≥ 200 characters of a
// labelled 5,000-character article yields the ID, also after NFC/NFKC.
func TestTextExcerpts(t *testing.T) {
	for _, lang := range []string{"kk", "ru", "en"} {
		src, err := os.ReadFile(extool.Testdata(t, "text/"+lang+"-article.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if n := utf8.RuneCount(src); n < 5000 {
			t.Fatalf("%s article has %d characters", lang, n)
		}
		out, _ := labelText(t, lang+".txt", string(src), Label{ContentID: textID}, Options{})
		runes := []rune(string(out))
		rng := rand.New(rand.NewPCG(8, uint64(len(lang))))
		fails := 0
		for trial := 0; trial < 1000; trial++ {
			n := 200 + rng.IntN(301) // 200…500 characters, counting the invisible ones
			if trial%4 == 0 {
				n = 200
			}
			start := rng.IntN(len(runes) - n + 1)
			ex := []byte(string(runes[start : start+n]))
			for form, b := range map[string][]byte{"raw": ex, "NFC": norm.NFC.Bytes(ex), "NFKC": norm.NFKC.Bytes(ex)} {
				d := wmtext.Detect(b)
				if !d.Found || FormatContentID(d.ID) != textID {
					fails++
					if fails < 5 {
						t.Errorf("%s trial %d (%s, %d chars at %d): no ID in %q", lang, trial, form, n, start, ex)
					}
				}
			}
		}
		if fails > 0 {
			t.Errorf("%s: %d of 3000 excerpt checks failed", lang, fails)
		}
	}
}

// TestTextVisibleExcerpts counts only visible characters: any 200 visible
// characters (the carriers they enclose included) yield the ID.
func TestTextVisibleExcerpts(t *testing.T) {
	for _, lang := range []string{"kk", "ru", "en"} {
		src, _ := os.ReadFile(extool.Testdata(t, "text/"+lang+"-article.txt"))
		out, _ := labelText(t, lang+".txt", string(src), Label{ContentID: textID}, Options{})
		runes := []rune(string(out))
		for start := 0; start < len(runes); start++ {
			if _, vs := wmtext.SelectorByte(runes[start]); vs {
				continue
			}
			visible, end := 0, start
			for end < len(runes) && visible < 200 {
				if _, vs := wmtext.SelectorByte(runes[end]); !vs {
					visible++
				}
				end++
			}
			if visible < 200 {
				break
			}
			if d := wmtext.Detect([]byte(string(runes[start:end]))); !d.Found {
				t.Fatalf("%s: 200 visible characters at %d carry no ID", lang, start)
			}
		}
	}
}

// TestTextUnmarkedCorpus: ≥ 1 MB of text written by others never yields
// an ID or a notice.
func TestTextUnmarkedCorpus(t *testing.T) {
	var files []string
	lic, _ := filepath.Glob("/usr/share/common-licenses/*")
	cp, _ := filepath.Glob("/usr/share/doc/*/copyright")
	files = append(lic, cp...)
	total, n := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil || !utf8.Valid(b) {
			continue
		}
		total += len(b)
		n++
		if d := wmtext.Detect(b); d.Found {
			t.Errorf("%s: false detection %+v", f, d)
		}
		if bytes.Contains(b, []byte(wmtext.Encode(0)[:4])) {
			t.Logf("%s contains U+E0152", f)
		}
		rep := verifyTextDoc(t, filepath.Base(f)+".txt", b)
		if rep.Labelled || rep.Disclosure.Present || rep.Watermark.Present {
			t.Errorf("%s: report says labelled: %+v", f, rep)
		}
	}
	if total < 1<<20 {
		t.Skipf("only %d bytes of Debian text found (want ≥ 1 MB)", total)
	}
	t.Logf("%d files, %d bytes of unmarked text: no detection", n, total)
}

func TestTextZeroWidthNeighbours(t *testing.T) {
	doc := "Family photo 👨‍👩‍👧‍👦 with the dog. The flag 🏳️‍🌈 flew. Persian: من می‌خواهم کتاب‌ها را بخوانم. Hindi: क्‍ष and ज़्‍. Kazakh: сөз тіркесі дұрыс жазылды. " +
		"A long enough sentence follows so that several carriers are placed in between all of these words. Another one follows it here, and then a third sentence ends the test text.\n"
	out, _ := labelText(t, "zw.txt", doc, Label{ContentID: textID}, Options{Layers: []Layer{LayerWatermark}})
	for _, seq := range []string{"👨‍👩‍👧‍👦", "🏳️‍🌈", "می‌خواهم", "کتاب‌ها", "क्‍ष", "ज़्‍"} {
		if !strings.Contains(string(out), seq) {
			t.Errorf("%q broken", seq)
		}
	}
	for _, c := range wmtext.Find(out) {
		before, _ := utf8.DecodeLastRune(out[:c.Start])
		after, _ := utf8.DecodeRune(out[c.End:])
		if before != ' ' || !unicode.IsLetter(after) {
			t.Errorf("copy between %U and %U", before, after)
		}
	}
	if clean, _ := stripText(formats.Text, out); string(clean) != doc {
		t.Error("strip did not restore the text")
	}
	if d := wmtext.Detect(out); !d.Found {
		t.Error("no carrier")
	}
}

func TestTextSanitizedCarrierGone(t *testing.T) {
	out, _ := labelText(t, "a.txt", textDocs[0].doc, Label{ContentID: textID}, Options{})
	// Invisible-character stripping (default-ignorable code points).
	stripped := bytes.Map(func(r rune) rune {
		if unicode.Is(unicode.Variation_Selector, r) {
			return -1
		}
		return r
	}, out)
	rep := verifyTextDoc(t, "a.txt", stripped)
	if rep.Watermark.Present {
		t.Fatal("carrier survived stripping")
	}
	if !rep.Disclosure.Present {
		t.Fatal("notice not found by its wording after the mark was stripped")
	}
	if !hasWarning(rep.Warnings, "sanitizer") {
		t.Errorf("no sanitizer warning: %v", rep.Warnings)
	}
}

func TestTextStreamInput(t *testing.T) {
	// No name, no ReaderAt: Markdown is sniffed from its front matter.
	var out bytes.Buffer
	res, err := Apply(context.Background(), struct{ *strings.Reader }{strings.NewReader(textDocs[1].doc)}, &out, Label{ContentID: textID}, Options{})
	if err != nil || res.Format != formats.Markdown {
		t.Fatalf("Apply from a stream: %v %v", res.Format, err)
	}
	rep, err := Verify(context.Background(), struct{ *bytes.Reader }{bytes.NewReader(out.Bytes())}, VerifyOptions{})
	if err != nil || !rep.Watermark.Present || !rep.Metadata.Present || !rep.Disclosure.Present {
		t.Fatalf("Verify from a stream: %+v %v", rep, err)
	}
}

func TestTextBadInput(t *testing.T) {
	var out bytes.Buffer
	if _, err := Apply(context.Background(), strings.NewReader(`{"a": 1,}`), &out, Label{}, Options{Name: "x.json"}); err == nil {
		t.Error("invalid JSON accepted")
	}
	if _, err := Apply(context.Background(), strings.NewReader("---\n{a: 1}\n---\nbody"), &out, Label{}, Options{Name: "x.md", Layers: []Layer{LayerMetadata}}); err == nil {
		t.Error("flow front matter merged")
	}
	if _, err := Apply(context.Background(), strings.NewReader("text"), &out, Label{}, Options{Name: "x.txt", Text: TextOptions{Placement: "middle"}}); err == nil {
		t.Error("bad placement accepted")
	}
	if out.Len() != 0 {
		t.Errorf("%d bytes written on error", out.Len())
	}
}

// c2paTextWrapper is a minimal C2PA unstructured-text wrapper: U+FEFF,
// then one variation selector per byte of "C2PATXT\0", version 1, a
// length and a payload (here one that embeds our own frame).
func c2paTextWrapper(payload []byte) string {
	b := append([]byte("C2PATXT\x00\x01"), byte(len(payload)>>24), byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload)))
	b = append(b, payload...)
	var s strings.Builder
	s.WriteRune('\uFEFF')
	for _, x := range b {
		s.WriteRune(wmtext.Selector(x))
	}
	return s.String()
}

func TestTextIgnoresC2PAWrapper(t *testing.T) {
	f := wmtext.Frame(0x1111111111111111)
	wrapper := c2paTextWrapper(append([]byte("jumb"), f[:]...))
	rep := verifyTextDoc(t, "w.txt", []byte(textDocs[0].doc+wrapper))
	if rep.Watermark.Present || rep.Labelled {
		t.Fatalf("C2PA wrapper read as a belgi label: %+v", rep.Watermark)
	}
	// Every format, notice at the end, then a C2PA wrapper appended: all
	// layers still found, and relabelling drops the stale wrapper.
	for _, tc := range textDocs {
		out, _ := labelText(t, tc.name, tc.doc, Label{ContentID: textID}, Options{Text: TextOptions{Placement: TextEnd}})
		withC2PA := append(out, wrapper...)
		rep = verifyTextDoc(t, tc.name, withC2PA)
		if !rep.Watermark.Present || *rep.Watermark.ID != textID || len(rep.Warnings) != 1 || !rep.Disclosure.Present || (tc.f != formats.Text && !rep.Metadata.Present) {
			t.Errorf("%s with a C2PA wrapper: %+v %+v %v", tc.name, rep.Watermark, rep.Disclosure, rep.Warnings)
		}
		again, res := labelText(t, tc.name, string(withC2PA), Label{ContentID: textID}, Options{Text: TextOptions{Placement: TextEnd}})
		if !bytes.Equal(again, out) || !hasWarning(res.Warnings, "C2PA") {
			t.Errorf("%s: relabelling with a wrapper: same=%v warnings %v", tc.name, bytes.Equal(again, out), res.Warnings)
		}
	}
}

func TestTextLongJSONFromStream(t *testing.T) {
	// Over 4 KiB and no name: formats.Detect sees a cut JSON prefix and
	// says text; the handler looks at the whole document.
	doc := "{\"items\": [" + strings.Repeat("\"The quick brown fox jumps over the lazy dog again and again and again.\",", 80) + "\"end\"]}\n"
	var out bytes.Buffer
	res, err := Apply(context.Background(), struct{ *strings.Reader }{strings.NewReader(doc)}, &out, Label{ContentID: textID}, Options{})
	if err != nil || res.Format != formats.JSON || !hasLayer(res.Layers, LayerMetadata) {
		t.Fatalf("%v %v %v", res.Format, res.Layers, err)
	}
	if !json.Valid(out.Bytes()) {
		t.Fatal("labelled JSON is not JSON")
	}
	rep, err := Verify(context.Background(), struct{ *bytes.Reader }{bytes.NewReader(out.Bytes())}, VerifyOptions{})
	if err != nil || rep.Format != "json" || !rep.Metadata.Present || !rep.Watermark.Present || !rep.Disclosure.Present {
		t.Fatalf("%+v %v", rep, err)
	}
}

func TestTextRelabelNewID(t *testing.T) {
	for _, tc := range textDocs {
		first, _ := labelText(t, tc.name, tc.doc, Label{ContentID: textID}, Options{})
		second, _ := labelText(t, tc.name, string(first), Label{ContentID: "fedcba9876543210"}, Options{})
		rep := verifyTextDoc(t, tc.name, second)
		if *rep.Watermark.ID != "fedcba9876543210" || len(rep.Warnings) != 1 {
			t.Errorf("%s: %+v %v", tc.name, rep.Watermark, rep.Warnings)
		}
		if tc.f != formats.Text && *rep.Metadata.ContentID != "fedcba9876543210" {
			t.Errorf("%s: metadata id %s", tc.name, *rep.Metadata.ContentID)
		}
		if clean, _ := stripText(tc.f, second); string(clean) != tc.doc {
			t.Errorf("%s: strip after relabel differs", tc.name)
		}
	}
}

// BodyStartForTest is where the Markdown body starts (after front matter).
func BodyStartForTest(doc []byte) int { return ftext.BodyStart(doc) }

func TestTextKeepMarkdownBare(t *testing.T) {
	doc := "# Notes\n\nThe meeting agreed on three points, and everyone will send their drafts by Friday.\n"
	out, res := labelText(t, "a.md", doc, Label{ContentID: textID}, Options{Text: TextOptions{KeepMarkdownBare: true}})
	if bytes.HasPrefix(out, []byte("---")) || hasLayer(res.Layers, LayerMetadata) || !hasWarning(res.Warnings, "front matter") {
		t.Errorf("front matter created: %v %v\n%s", res.Layers, res.Warnings, out)
	}
	out, res = labelText(t, "a.md", "---\ntitle: x\n---\n"+doc, Label{ContentID: textID}, Options{Text: TextOptions{KeepMarkdownBare: true}})
	if !hasLayer(res.Layers, LayerMetadata) || !bytes.Contains(out, []byte("content_id: \"0123456789abcdef\"")) {
		t.Errorf("existing front matter not merged: %v\n%s", res.Layers, out)
	}
}

// TestTextWithC2PA: every layer plus a signed C2PA text manifest (its
// wrapper follows the text); verify finds all four, and relabelling
// replaces rather than stacks.
func TestTextWithC2PA(t *testing.T) {
	o, ca := c2paTestOptions(t)
	for _, tc := range textDocs[:2] { // text and Markdown take the unstructured-text wrapper
		for _, place := range []TextPlacement{TextStart, TextEnd} {
			o.Text.Placement = place
			out, res := labelText(t, tc.name, tc.doc, Label{ContentID: textID}, o)
			if !hasLayer(res.Layers, LayerC2PA) || !hasLayer(res.Layers, LayerWatermark) || !hasLayer(res.Layers, LayerDisclosure) {
				t.Fatalf("%s: layers %v", tc.name, res.Layers)
			}
			rep, err := Verify(context.Background(), bytes.NewReader(out), VerifyOptions{Name: tc.name, TrustAnchors: ca})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.C2PA.Present || rep.C2PA.State == nil || *rep.C2PA.State != "trusted" {
				t.Errorf("%s %s: c2pa %+v", tc.name, place, rep.C2PA)
			}
			if !rep.Watermark.Present || *rep.Watermark.ID != textID || !rep.Disclosure.Present || (tc.f == formats.Markdown && !rep.Metadata.Present) {
				t.Errorf("%s %s: %+v %+v %+v", tc.name, place, rep.Watermark, rep.Disclosure, rep.Metadata)
			}
			again, _ := labelText(t, tc.name, string(out), Label{ContentID: textID}, o)
			rep, _ = Verify(context.Background(), bytes.NewReader(again), VerifyOptions{Name: tc.name, TrustAnchors: ca})
			if !rep.C2PA.Present || *rep.C2PA.State != "trusted" || *rep.Watermark.Score != float64(len(wmtext.Find(out))) {
				t.Errorf("%s %s relabelled: %+v %+v", tc.name, place, rep.C2PA, rep.Watermark)
			}
			if clean, _ := stripText(tc.f, out[:len(out)-ftext.C2PATail(out)]); string(clean) != tc.doc {
				t.Errorf("%s %s: strip without the wrapper differs", tc.name, place)
			}
		}
	}
}
