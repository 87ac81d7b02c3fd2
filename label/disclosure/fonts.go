package disclosure

import (
	_ "embed"
	"fmt"
	"sync"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// Noto Sans (OFL-1.1, fonts/OFL.txt) is embedded because Go's own fonts lack
// most Kazakh letters; see fonts/README.md for where the files come from.
var (
	//go:embed fonts/NotoSans-Regular.ttf
	notoSansRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	notoSansBold []byte
)

var (
	fontsOnce             sync.Once
	regularFont, boldFont *opentype.Font
	fontsErr              error
)

func loadFonts() {
	regularFont, fontsErr = opentype.Parse(notoSansRegular)
	if fontsErr != nil {
		fontsErr = fmt.Errorf("disclosure: embedded Noto Sans Regular: %w", fontsErr)
		return
	}
	boldFont, fontsErr = opentype.Parse(notoSansBold)
	if fontsErr != nil {
		fontsErr = fmt.Errorf("disclosure: embedded Noto Sans Bold: %w", fontsErr)
	}
}

// NotoSans returns the embedded Noto Sans Regular, parsed once.
func NotoSans() *opentype.Font {
	fontsOnce.Do(loadFonts)
	if fontsErr != nil {
		panic(fontsErr) // the embedded file is fixed at build time; fonts_test.go parses it
	}
	return regularFont
}

// NotoSansBold returns the embedded Noto Sans Bold, parsed once.
func NotoSansBold() *opentype.Font {
	fontsOnce.Do(loadFonts)
	if fontsErr != nil {
		panic(fontsErr)
	}
	return boldFont
}

// MissingGlyphs lists the letters of text (spaces and control characters
// aside) that f has no glyph for, each once, in order of appearance. A font
// that maps a letter to glyph 0 would draw the .notdef box ("tofu").
func MissingGlyphs(f *opentype.Font, text string) []rune {
	var buf sfnt.Buffer
	var missing []rune
	seen := map[rune]bool{}
	for _, r := range text {
		if r <= ' ' || r == 0x7f || r == 0xa0 || seen[r] {
			continue
		}
		seen[r] = true
		if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
			missing = append(missing, r)
		}
	}
	return missing
}
