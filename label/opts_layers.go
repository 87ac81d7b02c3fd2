package label

import (
	"image/color"

	"golang.org/x/image/font/opentype"
)

// WatermarkOptions configure the invisible watermark (image, audio, text).
type WatermarkOptions struct {
	// Key selects the whitening sequence; empty means belgi's documented
	// public key, so that anyone can detect the mark.
	Key []byte
	// Strength scales the embedding; 0 means the algorithm's default.
	Strength float64
}

// DisclosureOptions configure the visible or audible disclosure. The zero
// value follows the Label's profile: badge bottom-right (eu: top-right),
// smallest legible size, no AI mark, embedded Noto Sans.
type DisclosureOptions struct {
	// Corner of the image badge: "bottom-right", "bottom-left",
	// "top-right" or "top-left"; empty means the profile's corner.
	Corner string
	// Margin between badge and image edges as a fraction of the shorter
	// side; 0 means 2 %.
	Margin float64
	// AIMark adds a bold "AI" in a rounded box before the text.
	AIMark bool
	// CapHeight as a fraction of the shorter side; never below 3 % (and
	// 10 px). 0 means the minimum.
	CapHeight float64
	// MaxCoverage is the largest share of the image the badge may cover;
	// 0 means 10 %.
	MaxCoverage float64
	// Font and BoldFont replace the embedded Noto Sans; they must have a
	// glyph for every letter of the wording.
	Font, BoldFont *opentype.Font
	// Text and Backdrop colours; zero means white on 80 % black. Their
	// worst-case contrast must reach 4.5:1.
	Text, Backdrop color.NRGBA
}

// C2PAOptions configure the signed C2PA manifest.
type C2PAOptions struct{}

func (c *C2PAOptions) configured() bool { return false }
