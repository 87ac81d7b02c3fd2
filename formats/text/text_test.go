package text

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v2"
)

var kkru = []Line{{"kk", "Жасанды интеллект көмегімен жасалған"}, {"ru", "Создано с использованием искусственного интеллекта"}}

func known(s string) bool { return s == kkru[0].Text || s == kkru[1].Text }

func TestPlainNoticeRoundTrip(t *testing.T) {
	for _, doc := range []string{"", "abc", "abc\n", "abc\n\n", "line one\nline two\n", "a\r\nb\r\n", "\xEF\xBB\xBFbom text\n", "\xEF\xBB\xBF", "\n", "\n\n\n"} {
		for _, at := range []Placement{Start, End} {
			out := InsertPlainNotice([]byte(doc), kkru, at)
			n, ok := FindPlainNotice(out, nil)
			if !ok {
				t.Errorf("%q %v: notice not found in %q", doc, at, out)
				continue
			}
			if len(n.Lines) != 2 || n.Lines[0].Text != kkru[0].Text || n.Lines[1].Text != kkru[1].Text || !n.Marked {
				t.Errorf("%q %v: lines %+v", doc, at, n.Lines)
			}
			if got := string(RemovePlainNotice(out, nil)); got != doc {
				t.Errorf("%q %v: removed → %q", doc, at, got)
			}
			// Without the mark (a sanitizer stripped it) the wording finds it.
			bare := bytes.ReplaceAll(out, []byte(PlainMark), nil)
			if _, ok := FindPlainNotice(bare, known); !ok {
				t.Errorf("%q %v: unmarked notice not found by wording", doc, at)
			}
		}
	}
	out := InsertPlainNotice([]byte("Body text.\n"), kkru, Start)
	want := kkru[0].Text + "\n" + kkru[1].Text + PlainMark + "\n\nBody text.\n"
	if string(out) != want {
		t.Errorf("start layout %q, want %q", out, want)
	}
	if _, ok := FindPlainNotice([]byte("Hello\n\nworld\n"), known); ok {
		t.Error("notice found in plain text without one")
	}
}

func TestMarkdownNoticeRoundTrip(t *testing.T) {
	for _, doc := range []string{"", "# Title\n\nText.\n", "---\ntitle: x\n---\n# T\n", "no newline", "---\na: 1\n---\n"} {
		for _, at := range []Placement{Start, End} {
			out := InsertMarkdownNotice([]byte(doc), kkru, at)
			n, ok := FindMarkdownNotice(out)
			if !ok || len(n.Lines) != 2 || n.Lines[1].Text != kkru[1].Text || n.Placement != at && doc != "" && doc != "---\na: 1\n---\n" {
				t.Errorf("%q %v: %+v %v in %q", doc, at, n, ok, out)
				continue
			}
			if got := string(RemoveMarkdownNotice(out)); got != doc {
				t.Errorf("%q %v: removed → %q", doc, at, got)
			}
		}
	}
	out := string(InsertMarkdownNotice([]byte("---\ntitle: x\n---\nBody\n"), kkru, Start))
	want := "---\ntitle: x\n---\n" + MarkdownMarker + "\n> " + kkru[0].Text + "\n>\n> " + kkru[1].Text + "\n\nBody\n"
	if out != want {
		t.Errorf("got %q\nwant %q", out, want)
	}
}

func TestMergeFrontMatter(t *testing.T) {
	fields := []Field{{"ai_generated", true}, {"digital_source_type", "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"}, {"content_id", "0123456789abcdef"}}
	cases := []struct{ in, want string }{
		{"Body\n", "---\n" + CreatedComment + "\nai_generated: true\ndigital_source_type: \"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia\"\ncontent_id: \"0123456789abcdef\"\n---\nBody\n"},
		{"---\n# keep me\ntitle: \"Hi\"  # comment\ntags:\n  - a\n  - b\n---\nBody\n",
			"---\n# keep me\ntitle: \"Hi\"  # comment\ntags:\n  - a\n  - b\nai_generated: true\ndigital_source_type: \"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia\"\ncontent_id: \"0123456789abcdef\"\n---\nBody\n"},
		{"---\nai_generated: false\nz: 1\ncontent_id:\n  - old\n---\n",
			"---\nai_generated: true\nz: 1\ncontent_id: \"0123456789abcdef\"\ndigital_source_type: \"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia\"\n---\n"},
	}
	for _, c := range cases {
		got, err := MergeFrontMatter([]byte(c.in), fields)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("merge %q\n got %q\nwant %q", c.in, got, c.want)
		}
		m, ok, err := ReadFrontMatter(got)
		if !ok || err != nil || m["ai_generated"] != true || m["content_id"] != "0123456789abcdef" {
			t.Errorf("read back %v %v %v", m, ok, err)
		}
	}
	// Removing our keys gives back what we started from when we added them.
	for _, in := range []string{"Body\n", "---\n# keep me\ntitle: \"Hi\"  # comment\ntags:\n  - a\n---\nBody\n", "\xEF\xBB\xBFx"} {
		got, err := MergeFrontMatter([]byte(in), fields)
		if err != nil {
			t.Fatal(err)
		}
		if back := string(RemoveFrontMatterKeys(got, []string{"ai_generated", "digital_source_type", "content_id"})); back != in {
			t.Errorf("remove: %q → %q", in, back)
		}
	}
	// A flow mapping cannot take block keys: an error, not a broken file.
	if _, err := MergeFrontMatter([]byte("---\n{a: 1}\n---\n"), fields); err == nil {
		t.Error("flow-mapping front matter merged without error")
	}
}

const page = `<!DOCTYPE html>
<html lang="kk">
<head>
<meta charset="utf-8">
<title>Title words here</title>
<style>p { color: red; } .a b { x: y }</style>
</head>
<body>
<p>First paragraph with words. <a href="https://example.org/a b" title="tip text here">link text</a> more words.</p>
<pre>code block words</pre>
<p>Inline <code>code words</code> and <kbd>Ctrl C</kbd> then prose again.</p>
<script>var s = "script words";</script>
<!-- comment words -->
</body>
</html>
`

func TestHTMLProse(t *testing.T) {
	var prose strings.Builder
	for _, s := range HTMLProse([]byte(page)) {
		prose.Write([]byte(page)[s.Start:s.End])
		prose.WriteString("|")
	}
	got := prose.String()
	for _, want := range []string{"First paragraph with words. ", "link text", " more words.", "Inline ", " then prose again."} {
		if !strings.Contains(got, want) {
			t.Errorf("prose lacks %q: %q", want, got)
		}
	}
	for _, bad := range []string{"Title words", "color", "tip text", "example.org", "code block", "code words", "Ctrl", "script words", "comment words"} {
		if strings.Contains(got, bad) {
			t.Errorf("prose contains %q: %q", bad, got)
		}
	}
}

func TestHTMLBlocks(t *testing.T) {
	for _, doc := range []string{page, "<p>fragment</p>", "", "<html><body>x</body></html>", "<HTML><HEAD></HEAD><BODY class=a>x</BODY></HTML>"} {
		for _, at := range []Placement{Start, End} {
			out := InsertHTMLHead([]byte(doc), "metadata", []byte(`<meta name="ai-generated" content="true">`))
			out = InsertHTMLBody(out, "disclosure", HTMLNotice(kkru), at)
			lines, aria, ok := FindHTMLNotice(out)
			if !ok || len(lines) != 2 || lines[0].Lang != "kk" || lines[1].Text != kkru[1].Text || aria != kkru[0].Text+" / "+kkru[1].Text {
				t.Errorf("%q: notice %+v %q %v", doc, lines, aria, ok)
			}
			if HTMLMeta(out)["ai-generated"] != "true" {
				t.Errorf("%q: meta not found in %s", doc, out)
			}
			back := RemoveHTMLBlock(RemoveHTMLBlock(out, "disclosure"), "metadata")
			if string(back) != doc {
				t.Errorf("%q: removed → %q", doc, back)
			}
		}
	}
	out := string(InsertHTMLBody([]byte(page), "disclosure", HTMLNotice(kkru), Start))
	if !strings.Contains(out, "<body>\n<!-- belgi:disclosure --><aside") {
		t.Errorf("notice not right after <body>: %s", out)
	}
	out = string(InsertHTMLHead([]byte(page), "metadata", []byte("<meta>")))
	if !strings.Contains(out, "<!-- belgi:metadata --><meta><!-- /belgi:metadata -->\n</head>") {
		t.Errorf("head block not before </head>: %s", out)
	}
}

func TestHTMLMetaAndJSONLD(t *testing.T) {
	doc := []byte(`<head><META NAME="tdm-reservation" CONTENT='1'><meta property="og:x" content="a &amp; b"><script type="application/ld+json">{"a":1}</script><script>x</script></head>`)
	m := HTMLMeta(doc)
	if m["tdm-reservation"] != "1" || m["og:x"] != "a & b" {
		t.Errorf("meta %v", m)
	}
	ld := HTMLJSONLD(doc)
	if len(ld) != 1 || string(ld[0]) != `{"a":1}` {
		t.Errorf("json-ld %q", ld)
	}
}

func TestJSONMember(t *testing.T) {
	val := []byte(`{"ai_generated": true, "text": {"kk": "a"}}`)
	for _, doc := range []string{`{"a":1,"b":[1,2]}`, "{\n  \"a\": 1,\n  \"b\": {\"c\": \"d\"}\n}\n", `{}`, `{ }`, `[1,2,3]`, "\"str\"\n", `null`, `{"content":"x"}`, "\t{\"a\" : 1 }  "} {
		for _, at := range []Placement{Start, End} {
			out, err := InsertJSONMember([]byte(doc), "_disclosure", val, at)
			if err != nil {
				t.Fatalf("%q: %v", doc, err)
			}
			if !json.Valid(out) {
				t.Errorf("%q %v: invalid JSON %s", doc, at, out)
			}
			raw, ok, err := JSONMember(out, "_disclosure")
			var v map[string]any
			if !ok || err != nil || json.Unmarshal(raw, &v) != nil || v["ai_generated"] != true {
				t.Errorf("%q %v: member %s %v %v", doc, at, raw, ok, err)
			}
			back, err := RemoveJSONMember(out, "_disclosure")
			if err != nil || string(back) != doc {
				t.Errorf("%q %v: removed → %q (%v) from %q", doc, at, back, err, out)
			}
		}
	}
	out, _ := InsertJSONMember([]byte("{\n  \"a\": 1\n}\n"), "_disclosure", val, Start)
	want := "{\n  \"_disclosure\": {\n    \"ai_generated\": true,\n    \"text\": {\n      \"kk\": \"a\"\n    }\n  },\n  \"a\": 1\n}\n"
	if string(out) != want {
		t.Errorf("pretty insert\n got %q\nwant %q", out, want)
	}
	if _, err := InsertJSONMember([]byte(`{"a":`), "_d", val, Start); err == nil {
		t.Error("invalid JSON accepted")
	}
}

func TestJSONProse(t *testing.T) {
	doc := []byte(`{"long key with spaces in it, long enough to count": "short", "body": "A long value with several words in it, long enough to be prose.", "list": ["another long string value in an array, also prose enough"], "_disclosure": {"text": "a long disclosure string that must not be touched at all"}}`)
	var got []string
	for _, s := range JSONProse(doc, 40, "_disclosure") {
		got = append(got, string(doc[s.Start:s.End]))
	}
	want := []string{"A long value with several words in it, long enough to be prose.", "another long string value in an array, also prose enough"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("prose %q, want %q", got, want)
	}
}

func TestMarkdownProse(t *testing.T) {
	doc := "---\ntitle: front matter words\n---\n# Heading words here\n\nA paragraph with `code span words` and a [link text](http://x.org/a \"title words\") and <span class=\"a b\">tag</span> end.\n\n```\nfenced code words\n```\n\n    indented code words\n\nSetext heading words\n====\n\n[ref]: http://x.org \"ref title words\"\n\n- list item words\n> quoted words\n"
	var b strings.Builder
	for _, s := range MarkdownProse([]byte(doc)) {
		b.WriteString(doc[s.Start:s.End] + "|")
	}
	got := b.String()
	for _, want := range []string{"A paragraph with ", "[link text]", " end.", "- list item words", "> quoted words"} {
		if !strings.Contains(got, want) {
			t.Errorf("prose lacks %q: %q", want, got)
		}
	}
	for _, bad := range []string{"front matter", "Heading words", "code span", "title words", "class", "fenced code", "indented code", "Setext", "ref title"} {
		if strings.Contains(got, bad) {
			t.Errorf("prose contains %q: %q", bad, got)
		}
	}
}

func FuzzFrontMatter(f *testing.F) {
	for _, s := range []string{"---\ntitle: x\n---\nBody", "---\na:\n  - b\nai_generated: false\n---\n", "---\r\nx: 1\r\n...\r\n", "# no fm", "---\n{a: 1}\n---\n", "---\n"} {
		f.Add([]byte(s))
	}
	fields := []Field{{"ai_generated", true}, {"content_id", "0123456789abcdef"}}
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, err := MergeFrontMatter(doc, fields)
		if err != nil {
			return
		}
		m, ok, err := ReadFrontMatter(out)
		if !ok || err != nil {
			t.Fatalf("merged front matter unreadable: %v %v\n%q", ok, err, out)
		}
		if m["ai_generated"] != true || m["content_id"] != "0123456789abcdef" {
			t.Fatalf("merged values lost: %v", m)
		}
		var any yaml.MapSlice
		_ = yaml.Unmarshal(out, &any)
		_ = RemoveFrontMatterKeys(out, []string{"ai_generated", "content_id"})
		_ = MarkdownProse(doc)
		_, _ = FindMarkdownNotice(doc)
	})
}

func FuzzHTMLScan(f *testing.F) {
	f.Add([]byte(page))
	f.Add([]byte("<p a='>' b=\"<\">x</p><script>"))
	f.Add([]byte("<!-- belgi:disclosure --><aside aria-label=x><p lang=kk>a</p>"))
	f.Add([]byte("<<//><a<b"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		prev := 0
		for _, s := range HTMLProse(doc) {
			if s.Start < prev || s.End < s.Start || s.End > len(doc) {
				t.Fatalf("bad span %+v", s)
			}
			if bytes.IndexByte(doc[s.Start:s.End], '<') > 0 {
				t.Fatalf("span %+v contains a tag start: %q", s, doc[s.Start:s.End])
			}
			prev = s.End
		}
		_ = HTMLMeta(doc)
		_ = HTMLJSONLD(doc)
		_, _, _ = FindHTMLNotice(doc)
		out := InsertHTMLBody(InsertHTMLHead(doc, "metadata", []byte("<meta name=a content=b>")), "disclosure", HTMLNotice(kkru), End)
		if lines, _, ok := FindHTMLNotice(out); !ok || len(lines) != 2 {
			if !bytes.Contains(doc, []byte("<!-- belgi:")) && utf8.Valid(doc) {
				t.Fatalf("notice not found after insert in %q", out)
			}
		}
	})
}

func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, "{\n  \"a\": [1, {\"b\": \"c d\"}]\n}", `[]`, `"x"`, `{}`, `{"_disclosure":1,"_content":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		_ = JSONProse(doc, 1, "_disclosure")
		_ = C2PATail(doc)
		out, err := InsertJSONMember(doc, "_disclosure", []byte(`{"x":1}`), End)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON after insert: %q", out)
		}
		if _, ok, _ := JSONMember(out, "_disclosure"); !ok {
			t.Fatalf("member lost: %q", out)
		}
		if _, has, _ := JSONMember(doc, "_disclosure"); has {
			return // a second member of the same name: removal takes the first
		}
		back, err := RemoveJSONMember(out, "_disclosure")
		if err != nil || !bytes.Equal(back, doc) {
			t.Fatalf("round trip %q → %q → %q (%v)", doc, out, back, err)
		}
	})
}

func c2paWrapper(payload []byte) []byte {
	b := append([]byte("C2PATXT\x00\x01"), 0, 0, 0, byte(len(payload)))
	b = append(b, payload...)
	out := []byte("\uFEFF")
	for _, x := range b {
		r := rune(0xFE00) + rune(x)
		if x >= 0x10 {
			r = 0xE0100 + rune(x) - 0x10
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}

func TestC2PATail(t *testing.T) {
	w := c2paWrapper([]byte("jumbf"))
	for _, c := range []struct {
		doc  []byte
		want int
	}{
		{append([]byte("text\n"), w...), len(w)},
		{w, len(w)},
		{[]byte("text"), 0},
		{append([]byte("text"), w[3:]...), 0},          // no U+FEFF
		{append(append([]byte("text"), w...), 'x'), 0}, // not at the end
		{[]byte("a\uFEFF\U000E0152\uFE01\uFE02\uFE03\uFE04\uFE05\uFE06\uFE07"), 0}, // not C2PATXT
	} {
		if got := C2PATail(c.doc); got != c.want {
			t.Errorf("C2PATail(%q) = %d, want %d", c.doc, got, c.want)
		}
	}
}
