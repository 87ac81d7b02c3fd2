package label

import (
	"strings"
	"unicode"

	"github.com/belgi/belgi/label/disclosure"
)

// guessLang names the language of a notice line that carries none: the
// wording table's language when the line is a default text, else a guess
// from its letters (Kazakh-only letters, Cyrillic, Latin).
func guessLang(s string) string {
	for _, t := range []map[disclosure.Kind]disclosure.Wording{disclosure.Default.Long, disclosure.Default.Short} {
		for _, w := range t {
			for lang, x := range w {
				if x == s {
					return lang
				}
			}
		}
	}
	cyr, lat := 0, 0
	for _, r := range s {
		switch {
		case strings.ContainsRune("ӘәҒғҚқҢңӨөҰұҮүҺһІі", r):
			return "kk"
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			lat++
		}
	}
	switch {
	case cyr > lat:
		return "ru"
	case lat > 0:
		return "en"
	}
	return "und"
}
