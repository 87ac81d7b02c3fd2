package label

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/belgi/belgi/formats/xmp"
)

func testLabel(t *testing.T, mod func(*Label)) *Label {
	t.Helper()
	l := Label{AISystem: "Example Diffusion", AIVersion: "2.1", ContentID: "0123456789ABCDEF",
		Created: time.Date(2026, 1, 18, 9, 0, 0, 0, time.UTC)}
	if mod != nil {
		mod(&l)
	}
	if err := l.Normalize(); err != nil {
		t.Fatal(err)
	}
	return &l
}

func TestXMPForLabelProperties(t *testing.T) {
	l := testLabel(t, func(l *Label) { l.TDM = TDMReserve; l.TDMPolicy = "https://example.kz/tdm.json" })
	res := &Result{WatermarkID: "0123456789abcdef", WatermarkAlgorithm: "belgi-dwt/1"}
	b, err := xmpForLabel(l, res, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := xmp.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ ns, local, val string }{
		{xmp.NSIptc4xmpExt, "DigitalSourceType", "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"},
		{xmp.NSIptc4xmpExt, "AISystemUsed", "Example Diffusion"},
		{xmp.NSIptc4xmpExt, "AISystemVersionUsed", "2.1"},
		{xmp.NSXMP, "CreatorTool", "Example Diffusion 2.1"},
		{xmp.NSXMPMM, "DocumentID", "belgi:0123456789abcdef"},
		{xmp.NSPlus, "DataMining", "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING"},
		{xmp.NSTDM, "reservation", "1"},
		{xmp.NSTDM, "policy", "https://example.kz/tdm.json"},
		{xmp.NSBelgi, "ContentID", "0123456789abcdef"},
		{xmp.NSBelgi, "WatermarkID", "0123456789abcdef"},
		{xmp.NSBelgi, "WatermarkAlgorithm", "belgi-dwt/1"},
		{xmp.NSXMP, "CreateDate", "2026-01-18T09:00:00Z"},
	}
	for _, w := range want {
		if v, ok := p.Text(w.ns, w.local); !ok || v != w.val {
			t.Errorf("%s = %q, %v; want %q", w.local, v, ok, w.val)
		}
	}
	if p.Property(xmp.NSIptc4xmpExt, "AIPromptInformation") != nil {
		t.Error("prompt written without WritePrompt")
	}
	if p.Property(xmp.NSTC260, "AIGC") != nil {
		t.Error("TC260 written outside the cn profile")
	}
	items := p.Items(xmp.NSDC, "description")
	langs := []string{}
	for _, it := range items {
		langs = append(langs, it.Lang)
	}
	if strings.Join(langs, ",") != "x-default,kk,ru" {
		t.Fatalf("description languages %v", langs)
	}
	if items[1].Text != "Жасанды интеллект көмегімен жасалған" || items[2].Text != "Создано с использованием искусственного интеллекта" {
		t.Errorf("description = %v", items)
	}
	if !strings.HasPrefix(items[0].Text, items[1].Text) || !strings.HasSuffix(items[0].Text, items[2].Text) {
		t.Errorf("x-default = %q", items[0].Text)
	}
}

func TestXMPForLabelOptions(t *testing.T) {
	l := testLabel(t, func(l *Label) {
		l.Profile = ProfileCN
		l.Producer = "001191440300708461136T1XGW3"
		l.Prompt = "a cat"
		l.WritePrompt = true
		l.TDM = TDMAllow
		l.Source = Edited
		l.AISystem = ""
		l.AIVersion = ""
	})
	b, err := xmpForLabel(l, &Result{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := xmp.Parse(b)
	for _, w := range []struct{ ns, local, val string }{
		{xmp.NSIptc4xmpExt, "DigitalSourceType", IPTCBase + "compositeWithTrainedAlgorithmicMedia"},
		{xmp.NSIptc4xmpExt, "AIPromptInformation", "a cat"},
		{xmp.NSXMP, "CreatorTool", "belgi"},
		{xmp.NSPlus, "DataMining", "http://ns.useplus.org/ldf/vocab/DMI-ALLOWED"},
		{xmp.NSTDM, "reservation", "0"},
		{xmp.NSTC260, "AIGC", `{"Label":"1","ContentProducer":"001191440300708461136T1XGW3","ProduceID":"0123456789abcdef","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}`},
	} {
		if v, ok := p.Text(w.ns, w.local); !ok || v != w.val {
			t.Errorf("%s = %q, %v; want %q", w.local, v, ok, w.val)
		}
	}
	for _, absent := range []string{"AISystemUsed", "AISystemVersionUsed"} {
		if p.Property(xmp.NSIptc4xmpExt, absent) != nil {
			t.Errorf("%s written though empty", absent)
		}
	}
	if p.Property(xmp.NSBelgi, "WatermarkID") != nil {
		t.Error("WatermarkID written without a watermark")
	}
	var rep Report
	readXMPInto(b, &rep)
	if rep.Metadata.TDM == nil || *rep.Metadata.TDM != "allow" {
		t.Errorf("tdm = %v", rep.Metadata.TDM)
	}
	if !contains(rep.Metadata.Sources, "tc260:AIGC") {
		t.Errorf("sources %v", rep.Metadata.Sources)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Merging into a foreign packet keeps every foreign property, replaces ours
// and, done twice, leaves one set.
func TestXMPForLabelMergeIdempotent(t *testing.T) {
	foreign, err := os.ReadFile("../formats/xmp/testdata/adobe.xmp")
	if err != nil {
		t.Fatal(err)
	}
	fp, _ := xmp.Parse(foreign)
	l := testLabel(t, nil)
	once, err := xmpForLabel(l, &Result{}, foreign)
	if err != nil {
		t.Fatal(err)
	}
	l2 := testLabel(t, func(l *Label) { l.ContentID = "fedcba9876543210" })
	twice, err := xmpForLabel(l2, &Result{}, once)
	if err != nil {
		t.Fatal(err)
	}
	p, err := xmp.Parse(twice)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range fp.Properties() {
		if p.Property(n.Name.Space, n.Name.Local) == nil {
			t.Errorf("foreign %s lost", n.Name.Local)
		}
	}
	if v, _ := p.Text(xmp.NSXMP, "CreateDate"); v != "2024-02-01T10:11:12+06:00" {
		t.Errorf("existing CreateDate replaced: %q", v)
	}
	if c := p.Count(xmp.NSIptc4xmpExt, "DigitalSourceType"); c != 1 {
		t.Errorf("%d DigitalSourceType", c)
	}
	if strings.Count(string(twice), "<?xpacket begin") != 1 {
		t.Error("more than one packet")
	}
	if v, _ := p.Text(xmp.NSBelgi, "ContentID"); v != "fedcba9876543210" {
		t.Errorf("ContentID = %q", v)
	}
	// The foreign packet's DST (composite) is ours to replace.
	if v, _ := p.Text(xmp.NSIptc4xmpExt, "DigitalSourceType"); v != IPTCBase+"trainedAlgorithmicMedia" {
		t.Errorf("DST = %q", v)
	}
	var rep Report
	readXMPInto(twice, &rep)
	rep.finish()
	if !rep.Labelled || rep.Metadata.ContentID == nil || *rep.Metadata.ContentID != "fedcba9876543210" {
		t.Errorf("report %+v", rep.Metadata)
	}
	if rep.Metadata.Disclosure["kk"] != "Жасанды интеллект көмегімен жасалған" || rep.Metadata.Disclosure["ru"] == "" {
		t.Errorf("disclosure %v", rep.Metadata.Disclosure)
	}
}

func TestXMPForLabelKeepsForeignDescriptionLanguages(t *testing.T) {
	foreign, _ := os.ReadFile("../formats/xmp/testdata/exiftool.xmp")
	b, err := xmpForLabel(testLabel(t, nil), &Result{}, foreign)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := xmp.Parse(b)
	found := false
	for _, it := range p.Items(xmp.NSDC, "description") {
		if it.Lang == "en" && it.Text == "Original caption" {
			found = true
		}
	}
	if !found {
		t.Errorf("foreign en caption lost: %v", p.Items(xmp.NSDC, "description"))
	}
}

func TestXMPForLabelCorruptExisting(t *testing.T) {
	res := &Result{}
	b, err := xmpForLabel(testLabel(t, nil), res, []byte("<x:xmpmeta><broken"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 {
		t.Errorf("warnings %v", res.Warnings)
	}
	if _, err := xmp.Parse(b); err != nil {
		t.Fatal(err)
	}
}

func TestReadXMPIntoOthers(t *testing.T) {
	tests := []struct {
		file    string
		dst     string
		sources string
		ai      bool
	}{
		{"google.xmp", IPTCBase + "trainedAlgorithmicMedia", "xmp:DigitalSourceType", true},
		{"adobe.xmp", IPTCBase + "compositeWithTrainedAlgorithmicMedia", "xmp:DigitalSourceType", true},
		{"exiftool.xmp", IPTCBase + "digitalCapture", "xmp:DigitalSourceType", false},
		{"retired-bare.xmp", IPTCBase + "softwareImage", "xmp:DigitalSourceType", false},
		{"tc260.xmp", "", "tc260:AIGC", true},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile("../formats/xmp/testdata/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			var rep Report
			readXMPInto(b, &rep)
			rep.finish()
			got := ""
			if rep.Metadata.DigitalSourceType != nil {
				got = *rep.Metadata.DigitalSourceType
			}
			if got != tc.dst {
				t.Errorf("DST = %q; want %q", got, tc.dst)
			}
			if strings.Join(rep.Metadata.Sources, ",") != tc.sources {
				t.Errorf("sources = %v", rep.Metadata.Sources)
			}
			if rep.Labelled != tc.ai {
				t.Errorf("labelled = %v", rep.Labelled)
			}
		})
	}
	var rep Report
	readXMPInto([]byte("garbage"), &rep)
	if len(rep.Warnings) != 1 || rep.Metadata.Present {
		t.Errorf("garbage: %+v", rep)
	}
}
