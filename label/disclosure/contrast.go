package disclosure

import (
	"image/color"
	"math"
)

// WCAG 2.x contrast: the ratio (L1+0.05)/(L2+0.05) of relative luminances,
// with sRGB channels linearised. 4.5:1 is the AA level for normal text.

// MinContrast is the contrast ratio every badge guarantees between its text
// and its backdrop, whatever lies beneath the backdrop (WCAG 2.x AA).
const MinContrast = 4.5

// RelativeLuminance is the WCAG relative luminance of c (alpha ignored;
// c is taken as an opaque sRGB colour).
func RelativeLuminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return luminance8(n.R, n.G, n.B)
}

func luminance8(r, g, b uint8) float64 {
	return 0.2126*linear(float64(r)/255) + 0.7152*linear(float64(g)/255) + 0.0722*linear(float64(b)/255)
}

func linear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// ContrastRatio is the WCAG contrast ratio of two opaque colours, ≥ 1.
func ContrastRatio(a, b color.Color) float64 {
	return contrastL(RelativeLuminance(a), RelativeLuminance(b))
}

func contrastL(la, lb float64) float64 {
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over composites a non-premultiplied colour with alpha over an opaque one in
// sRGB space, as image/draw does.
func over(top color.NRGBA, under color.NRGBA) color.NRGBA {
	a := float64(top.A) / 255
	mix := func(t, u uint8) uint8 {
		return uint8(math.Round(a*float64(t) + (1-a)*float64(u)))
	}
	return color.NRGBA{mix(top.R, under.R), mix(top.G, under.G), mix(top.B, under.B), 255}
}

// WorstCaseContrast is the lowest contrast between opaque text and a
// (possibly translucent) backdrop over any opaque content beneath it.
//
// Each channel of the composite is linear in the channel beneath, and
// luminance rises with every channel, so the composite's luminance spans
// [L(backdrop over black), L(backdrop over white)]. The worst case is the
// end of that span nearest the text's luminance, or 1 when the text's
// luminance lies inside it (some content beneath would match the text).
func WorstCaseContrast(text, backdrop color.NRGBA) float64 {
	text.A = 255
	lt := RelativeLuminance(text)
	lo := RelativeLuminance(over(backdrop, color.NRGBA{0, 0, 0, 255}))
	hi := RelativeLuminance(over(backdrop, color.NRGBA{255, 255, 255, 255}))
	switch {
	case lt >= hi:
		return contrastL(lt, hi)
	case lt <= lo:
		return contrastL(lt, lo)
	}
	return 1
}
