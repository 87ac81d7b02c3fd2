package label

import (
	"errors"
	"strings"
	"testing"

	"github.com/belgi/belgi/label/disclosure"
)

func TestKindURI(t *testing.T) {
	tests := []struct {
		kind Kind
		want string
		ai   bool
		disc disclosure.Kind
	}{
		{"", IPTCBase + "trainedAlgorithmicMedia", true, disclosure.Generated},
		{Generated, IPTCBase + "trainedAlgorithmicMedia", true, disclosure.Generated},
		{Edited, IPTCBase + "compositeWithTrainedAlgorithmicMedia", true, disclosure.Edited},
		{Composite, IPTCBase + "compositeSynthetic", true, disclosure.Edited},
		{"https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", IPTCBase + "trainedAlgorithmicMedia", true, disclosure.Generated},
		{"algorithmicMedia", IPTCBase + "algorithmicMedia", true, disclosure.Generated},
		{"digitalCapture", IPTCBase + "digitalCapture", false, disclosure.Edited},
	}
	for _, tt := range tests {
		if got := tt.kind.URI(); got != tt.want {
			t.Errorf("%q.URI() = %q, want %q", tt.kind, got, tt.want)
		}
		if got := IsAISourceType(tt.kind.URI()); got != tt.ai {
			t.Errorf("IsAISourceType(%q) = %v", tt.kind, got)
		}
		if got := tt.kind.Disclosure(); got != tt.disc {
			t.Errorf("%q.Disclosure() = %v", tt.kind, got)
		}
	}
}

func TestNormalize(t *testing.T) {
	var l Label
	if err := l.Normalize(); err != nil {
		t.Fatal(err)
	}
	if l.Profile != ProfileKZ || l.Source != Generated || len(l.ContentID) != 16 || l.Created.IsZero() {
		t.Errorf("defaults: %+v", l)
	}
	if strings.Join(l.Languages, ",") != "kk,ru" {
		t.Errorf("kz languages %v", l.Languages)
	}
	eu := Label{Profile: ProfileEU, ContentID: "0123456789ABCDEF", Languages: nil}
	if err := eu.Normalize(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(eu.Languages, ",") != "kk,ru,en" || eu.ContentID != "0123456789abcdef" {
		t.Errorf("eu: %v %s", eu.Languages, eu.ContentID)
	}
	for _, bad := range []Label{
		{Profile: "mars"},
		{ContentID: "123"},
		{ContentID: "zzzzzzzzzzzzzzzz"},
		{Source: "made up"},
		{Languages: []string{"kk", " "}},
	} {
		if err := bad.Normalize(); !errors.Is(err, ErrInvalidLabel) {
			t.Errorf("%+v: err %v, want ErrInvalidLabel", bad, err)
		}
	}
}

func TestContentID(t *testing.T) {
	v, err := ParseContentID("00000000000000ff")
	if err != nil || v != 255 || FormatContentID(v) != "00000000000000ff" {
		t.Fatalf("%d %v", v, err)
	}
	a, b := NewContentID(), NewContentID()
	if a == b || len(a) != 16 {
		t.Errorf("random IDs %s %s", a, b)
	}
}

func TestDisclosureWording(t *testing.T) {
	l := Label{Source: Edited, Profile: ProfileEU}
	l.Normalize()
	got := l.Disclosure()
	want := []string{"Жасанды интеллект көмегімен өзгертілген", "Изменено с использованием искусственного интеллекта", "Modified with artificial intelligence"}
	if len(got) != 3 {
		t.Fatalf("%v", got)
	}
	for i, line := range got {
		if line.Text != want[i] || line.Lang != l.Languages[i] {
			t.Errorf("line %d: %+v, want %s %q", i, line, l.Languages[i], want[i])
		}
	}
	l.Wording = disclosure.Wording{"ru": "Сделано нейросетью"}
	l.ShortWording = disclosure.Wording{"kk": "ЖИ"}
	if got := l.Disclosure()[1].Text; got != "Сделано нейросетью" {
		t.Errorf("override: %q", got)
	}
	if got := l.ShortDisclosure()[0].Text; got != "ЖИ" {
		t.Errorf("short override: %q", got)
	}
	// NFD input comes out NFC (й as и + U+0306).
	l.Wording = disclosure.Wording{"ru": "И\u0306И"}
	if got := l.Disclosure()[1].Text; got != "ЙИ" {
		t.Errorf("not NFC: %q", got)
	}
}

func TestParseLayersAndTDM(t *testing.T) {
	ls, err := ParseLayers("metadata, C2PA")
	if err != nil || len(ls) != 2 || ls[1] != LayerC2PA {
		t.Errorf("%v %v", ls, err)
	}
	if ls, _ := ParseLayers("all"); ls != nil {
		t.Errorf("all: %v", ls)
	}
	if _, err := ParseLayers("metadata,glitter"); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("bad layer: %v", err)
	}
	for in, want := range map[string]TDM{"": TDMUnset, "reserve": TDMReserve, "allow": TDMAllow} {
		if got, err := ParseTDM(in); err != nil || got != want {
			t.Errorf("ParseTDM(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseTDM("maybe"); err == nil {
		t.Error("ParseTDM(maybe): want an error")
	}
}
