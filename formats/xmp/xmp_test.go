package xmp

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseWriters(t *testing.T) {
	tests := []struct {
		file      string
		ns, local string
		want      string
	}{
		{"exiftool.xmp", NSIptc4xmpExt, "DigitalSourceType", "https://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"},
		{"exiftool.xmp", NSIptc4xmpExt, "PersonInImage", "A & B <c>"},
		{"exiftool.xmp", NSDC, "creator", "Jane Roe"},
		{"exiftool.xmp", NSDC, "rights", "CC0"},
		{"exiftool.xmp", NSDC, "description", "Original caption"},
		{"exiftool.xmp", NSXMPMM, "DocumentID", "xmp.did:1234"},
		{"adobe.xmp", NSXMP, "CreatorTool", "Adobe Photoshop 25.4 (Macintosh)"},
		{"adobe.xmp", NSIptc4xmpExt, "DigitalSourceType", "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"},
		{"adobe.xmp", NSCRS, "Exposure2012", "+0.35"},
		{"adobe.xmp", NSPhotoshop, "DocumentAncestors", "adobe:docid:photoshop:1"},
		{"google.xmp", NSIptc4xmpExt, "DigitalSourceType", "https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"},
		{"google.xmp", "http://ns.google.com/photos/1.0/creations/", "CameraBurstID", "burst-1"},
		{"tc260.xmp", NSTC260, "AIGC", `{"Label":"1","ContentProducer":"001191440300708461136T1XGW3","ProduceID":"abc","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}`},
		{"retired-bare.xmp", NSIptc4xmpExt, "DigitalSourceType", "softwareImage"},
	}
	for _, tc := range tests {
		t.Run(tc.file+"/"+tc.local, func(t *testing.T) {
			p, err := Parse(readTestdata(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := p.Text(tc.ns, tc.local)
			if !ok || got != tc.want {
				t.Fatalf("Text(%s) = %q, %v; want %q", tc.local, got, ok, tc.want)
			}
		})
	}
}

func TestParseStructsAndArrays(t *testing.T) {
	p, err := Parse(readTestdata(t, "adobe.xmp"))
	if err != nil {
		t.Fatal(err)
	}
	h := p.Property(NSXMPMM, "History")
	if h == nil || len(h.Children) != 1 || len(h.Children[0].Children) != 2 {
		t.Fatalf("History = %+v", h)
	}
	if got := p.Items(NSDC, "subject"); got != nil {
		t.Fatalf("absent property has items %v", got)
	}
	p2, _ := Parse(readTestdata(t, "exiftool.xmp"))
	items := p2.Items(NSDC, "subject")
	if len(items) != 2 || items[0].Text != "alpha" || items[1].Text != "beta" {
		t.Fatalf("subject = %v", items)
	}
	if got := p2.Items(NSDC, "description"); len(got) != 1 || got[0].Lang != "en" {
		t.Fatalf("description = %v", got)
	}
}

// A round trip through Marshal keeps every property, including structs,
// qualifiers and attribute-form properties, with the same values.
func TestRoundTripKeepsEverything(t *testing.T) {
	for _, f := range []string{"exiftool.xmp", "adobe.xmp", "google.xmp", "tc260.xmp", "retired-bare.xmp"} {
		t.Run(f, func(t *testing.T) {
			p, err := Parse(readTestdata(t, f))
			if err != nil {
				t.Fatal(err)
			}
			out := p.Marshal(MarshalOptions{Padding: 100})
			q, err := Parse(out)
			if err != nil {
				t.Fatalf("reparse: %v\n%s", err, out)
			}
			if p.Len() != q.Len() {
				t.Fatalf("properties %d → %d\n%s", p.Len(), q.Len(), out)
			}
			for i, n := range p.Properties() {
				if !equalNode(n, q.Properties()[i]) {
					t.Errorf("property %s:%s changed", n.Name.Space, n.Name.Local)
				}
			}
			// Idempotent bytes: marshalling the reparsed packet gives the same.
			if again := q.Marshal(MarshalOptions{Padding: 100}); !bytes.Equal(out, again) {
				t.Errorf("second marshal differs:\n%s\n---\n%s", out, again)
			}
		})
	}
}

func equalNode(a, b *Node) bool {
	if a.Name != b.Name || len(a.Attrs) != len(b.Attrs) || len(a.Children) != len(b.Children) {
		return false
	}
	if len(a.Children) == 0 && a.Text != b.Text {
		return false
	}
	for i := range a.Attrs {
		if a.Attrs[i] != b.Attrs[i] {
			return false
		}
	}
	for i := range a.Children {
		if !equalNode(a.Children[i], b.Children[i]) {
			return false
		}
	}
	return true
}

func TestSetReplacesAllCopies(t *testing.T) {
	raw := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="A"/>
<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:CreatorTool>B</xmp:CreatorTool><xmp:Rating>3</xmp:Rating></rdf:Description>
</rdf:RDF></x:xmpmeta>`
	p, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if p.Count(NSXMP, "CreatorTool") != 2 {
		t.Fatalf("want two copies parsed")
	}
	p.SetText(NSXMP, "CreatorTool", "C")
	if p.Count(NSXMP, "CreatorTool") != 1 || p.Len() != 2 {
		t.Fatalf("after Set: %d copies, %d props", p.Count(NSXMP, "CreatorTool"), p.Len())
	}
	if v, _ := p.Text(NSXMP, "CreatorTool"); v != "C" {
		t.Fatalf("CreatorTool = %q", v)
	}
	if n := p.Remove(NSXMP, "Rating"); n != 1 || p.Len() != 1 {
		t.Fatalf("Remove = %d, len %d", n, p.Len())
	}
}

func TestPrefixCollision(t *testing.T) {
	// A foreign packet binds "belgi" and "dc" to other URIs; ours must
	// still get unique prefixes and both survive.
	raw := `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:belgi="urn:other" xmlns:dc="urn:notdc" belgi:Thing="x" dc:title="y"/></rdf:RDF>`
	p, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	p.SetText(NSBelgi, "ContentID", "0123456789abcdef")
	p.SetText(NSDC, "format", "image/jpeg")
	out := p.Marshal(MarshalOptions{})
	q, err := Parse(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, c := range []struct{ ns, local, want string }{
		{"urn:other", "Thing", "x"}, {"urn:notdc", "title", "y"},
		{NSBelgi, "ContentID", "0123456789abcdef"}, {NSDC, "format", "image/jpeg"},
	} {
		if v, ok := q.Text(c.ns, c.local); !ok || v != c.want {
			t.Errorf("%s %s = %q %v\n%s", c.ns, c.local, v, ok, out)
		}
	}
	if !strings.Contains(string(out), `xmlns:belgi="`+NSBelgi+`"`) {
		t.Errorf("belgi prefix not ours:\n%s", out)
	}
}

func TestMarshalEscapesAndDropsInvalid(t *testing.T) {
	p := New()
	p.SetText(NSDC, "title", "a<b>&\"c\x01\x00d\uFFFE")
	p.SetLangAlt(NSDC, "description", []LangText{{"x-default", "Жасанды & интеллект"}, {"kk", "Жасанды"}})
	out := p.Marshal(MarshalOptions{Padding: 2048})
	if bytes.IndexByte(out, 0) >= 0 {
		t.Fatal("NUL in packet")
	}
	q, err := Parse(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if v, _ := q.Text(NSDC, "title"); v != `a<b>&"cd` {
		t.Errorf("title = %q", v)
	}
	if v, _ := q.Text(NSDC, "description"); v != "Жасанды & интеллект" {
		t.Errorf("description x-default = %q", v)
	}
	if !bytes.HasPrefix(out, []byte("<?xpacket begin=\"\uFEFF\"")) || !bytes.HasSuffix(out, []byte(`<?xpacket end="w"?>`)) {
		t.Errorf("wrapper missing:\n%s", out)
	}
	pad := bytes.Count(out, []byte(" "))
	if pad < 2000 {
		t.Errorf("padding too small: %d spaces", pad)
	}
}

func TestParseErrors(t *testing.T) {
	for _, raw := range []string{
		"", "not xml", "<a><b></a>", `<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>`,
		strings.Repeat("<a>", 200) + strings.Repeat("</a>", 200),
	} {
		if _, err := Parse([]byte(raw)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Parse(%.30q) err = %v; want ErrCorrupt", raw, err)
		}
	}
}

func TestParseToleratesTrailingJunk(t *testing.T) {
	b := append(readTestdata(t, "google.xmp"), 0, 0, 0, 'x', '<')
	if _, err := Parse(b); err != nil {
		t.Fatal(err)
	}
}

func TestScan(t *testing.T) {
	pk := readTestdata(t, "exiftool.xmp")
	file := append(append([]byte("junk\x00\xff"), pk...), []byte("\x00more")...)
	got := Scan(file)
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(pk)) {
		t.Fatalf("Scan = %q", got)
	}
	g := readTestdata(t, "google.xmp")
	if got := Scan(append([]byte("zz"), g...)); !bytes.Equal(got, bytes.TrimSpace(g)) {
		t.Fatalf("Scan without wrapper = %q", got)
	}
	if Scan([]byte("nothing here")) != nil {
		t.Fatal("Scan found a packet in nothing")
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"exiftool.xmp", "adobe.xmp", "google.xmp", "tc260.xmp", "retired-bare.xmp"} {
		f.Add(readTestdata(f, name))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			return
		}
		for _, n := range p.Properties() {
			NodeText(n)
		}
		p.SetText(NSBelgi, "ContentID", "x")
		out := p.Marshal(MarshalOptions{})
		q, err := Parse(out)
		if err != nil {
			t.Fatalf("marshalled packet does not parse: %v\n%s", err, out)
		}
		if q.Len() != p.Len() {
			t.Fatalf("properties %d → %d\n%s", p.Len(), q.Len(), out)
		}
	})
}
