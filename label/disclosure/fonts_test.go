package disclosure

import (
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// The nine Kazakh letters beyond Russian, both cases.
const kazakhLetters = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"

func TestEmbeddedFontsCoverKazakh(t *testing.T) {
	for name, f := range map[string]*opentype.Font{"regular": NotoSans(), "bold": NotoSansBold()} {
		if m := MissingGlyphs(f, kazakhLetters); len(m) > 0 {
			t.Errorf("Noto Sans %s lacks %q", name, string(m))
		}
		if m := MissingGlyphs(f, "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя«»—–-AIaz09"); len(m) > 0 {
			t.Errorf("Noto Sans %s lacks %q", name, string(m))
		}
	}
}

func TestDefaultWordingHasGlyphs(t *testing.T) {
	for _, tab := range []map[Kind]Wording{Default.Long, Default.Short} {
		for kind, w := range tab {
			for lang, text := range w {
				if m := MissingGlyphs(NotoSans(), text); len(m) > 0 {
					t.Errorf("kind %d %s %q: no glyph for %q", kind, lang, text, string(m))
				}
			}
		}
	}
}

// The detector itself must see missing letters: Go's own font lacks most
// Kazakh letters (DESIGN.md: 16 of 18).
func TestMissingGlyphsDetectsGoFont(t *testing.T) {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	m := MissingGlyphs(f, kazakhLetters)
	if len(m) != 16 {
		t.Errorf("Go Regular misses %d Kazakh letters (%q), want 16", len(m), string(m))
	}
	_, err = Plan(rect(1920, 1080), []Line{{"kk", "Жасанды интеллект көмегімен жасалған"}}, BadgeOptions{Font: f})
	if err == nil || !strings.Contains(err.Error(), "no glyph") {
		t.Errorf("Plan with Go Regular: err %v, want ErrMissingGlyph", err)
	}
}
