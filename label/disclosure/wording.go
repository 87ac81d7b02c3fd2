// Package disclosure holds what a person is told: the wording of the
// disclosure in each language and the renderers that put it in front of a
// person (an image badge, a spoken or tonal audio notice, a subtitle cue, a
// text banner).
//
// It knows nothing of files or metadata; package label decides where a
// disclosure goes. No ministry wording exists yet, so the table here is a
// default that callers can override line by line.
package disclosure

import (
	"golang.org/x/text/unicode/norm"
)

// Kind selects the wording: content made by AI, or content changed by AI.
type Kind int

const (
	// Generated is for content created by an AI system.
	Generated Kind = iota
	// Edited is for content changed with an AI system (also used for composites).
	Edited
)

// Form selects the long sentence or the short form for small canvases.
type Form int

const (
	Long Form = iota
	Short
)

// Line is one language's disclosure text.
type Line struct {
	Lang string // BCP 47 primary tag: "kk", "ru", "en", …
	Text string // NFC, UTF-8
}

// Wording maps language → text for one kind and form.
type Wording map[string]string

// Table holds the wording for every kind and form.
type Table struct {
	Long  map[Kind]Wording
	Short map[Kind]Wording
}

// Default is belgi's wording (Kazakh per the law's verbs «жасаған/өзгерткен»,
// Russian per «созданные/измененные»). It still needs a legal sign-off, which
// is why every line can be overridden.
var Default = Table{
	Long: map[Kind]Wording{
		Generated: {
			"kk": "Жасанды интеллект көмегімен жасалған",
			"ru": "Создано с использованием искусственного интеллекта",
			"en": "Created with artificial intelligence",
		},
		Edited: {
			"kk": "Жасанды интеллект көмегімен өзгертілген",
			"ru": "Изменено с использованием искусственного интеллекта",
			"en": "Modified with artificial intelligence",
		},
	},
	Short: map[Kind]Wording{
		Generated: {"kk": "ЖИ жасаған", "ru": "Создано ИИ", "en": "AI-generated"},
		Edited:    {"kk": "ЖИ өзгерткен", "ru": "Изменено ИИ", "en": "AI-modified"},
	},
}

// Lines returns the disclosure for kind in the order of langs, taking each
// text from override first and the table second. Languages with no text in
// either are skipped. Texts are returned in NFC.
func (t Table) Lines(kind Kind, form Form, langs []string, override Wording) []Line {
	src := t.Long
	if form == Short {
		src = t.Short
	}
	out := make([]Line, 0, len(langs))
	for _, lang := range langs {
		text, ok := override[lang]
		if !ok {
			text, ok = src[kind][lang]
		}
		if !ok || text == "" {
			continue
		}
		out = append(out, Line{Lang: lang, Text: norm.NFC.String(text)})
	}
	return out
}
