package disclosure

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The image badge: the disclosure lines stacked in the order given (Kazakh
// first), all at the same letter size, on a backdrop whose contrast with the
// text holds whatever lies beneath, in a corner of the image.
//
// Legibility is by construction rather than by taste: the cap height is at
// least MinCapHeight of the shorter side and MinCapPixels pixels; the
// backdrop keeps MinContrast; when the long sentence would be too wide or
// cover too much of the image, the lines wrap, and when that still does not
// fit, the short form is drawn instead.

// Corner says where the badge goes.
type Corner int

const (
	BottomRight Corner = iota // the default
	BottomLeft
	TopRight // the eu profile's corner
	TopLeft
)

var cornerNames = [...]string{"bottom-right", "bottom-left", "top-right", "top-left"}

func (c Corner) String() string {
	if c >= 0 && int(c) < len(cornerNames) {
		return cornerNames[c]
	}
	return "Corner(" + strconv.Itoa(int(c)) + ")"
}

// ParseCorner parses "bottom-right", "bottom-left", "top-right" or "top-left".
func ParseCorner(s string) (Corner, error) {
	for i, n := range cornerNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Corner(i), nil
		}
	}
	return 0, fmt.Errorf("disclosure: corner %q (want bottom-right, bottom-left, top-right or top-left)", s)
}

// Legibility floors and defaults.
const (
	// MinCapHeight is the smallest cap height as a fraction of the image's
	// shorter side; CapHeight below it is raised to it.
	MinCapHeight = 0.03
	// MinCapPixels is the smallest cap height in pixels.
	MinCapPixels = 10
	// DefaultMaxCoverage is the largest fraction of the image a badge covers
	// unless BadgeOptions.MaxCoverage asks for more.
	DefaultMaxCoverage = 0.10
	// DefaultMargin is the gap between badge and image edges as a fraction
	// of the shorter side.
	DefaultMargin = 0.02
)

// Default colours: white text on black at 80 % opacity. Over pure white the
// backdrop becomes RGB 51, so the worst-case contrast is 12.6:1.
var (
	DefaultText     = color.NRGBA{255, 255, 255, 255}
	DefaultBackdrop = color.NRGBA{0, 0, 0, 204}
)

// Errors callers can test with errors.Is.
var (
	ErrNoRoom       = errors.New("disclosure: image too small for a legible badge")
	ErrContrast     = errors.New("disclosure: text/backdrop contrast below 4.5:1")
	ErrMissingGlyph = errors.New("disclosure: font has no glyph")
	ErrNoText       = errors.New("disclosure: no text to draw")
)

// BadgeOptions configure a badge. The zero value is the kz default: bottom
// right, minimum legible size, no AI mark, embedded Noto Sans.
type BadgeOptions struct {
	Corner Corner
	// Margin between badge and image edges, as a fraction of the shorter
	// side; 0 means DefaultMargin. At least 2 px.
	Margin float64
	// AIMark adds a bold "AI" in a rounded box before the text.
	AIMark bool
	// Short is the short form, drawn when the lines do not fit.
	Short []Line
	// Font and BoldFont replace the embedded Noto Sans (BoldFont is used
	// for the AI mark only; nil means Font, or Noto Sans Bold when Font is
	// nil too). Every letter drawn must have a glyph.
	Font, BoldFont *opentype.Font
	// CapHeight as a fraction of the shorter side; values below
	// MinCapHeight (including 0) mean MinCapHeight.
	CapHeight float64
	// MinHeight is the smallest badge height as a fraction of the shorter
	// side (the cn profile asks for 0.05); 0 means no such floor.
	MinHeight float64
	// MaxCoverage is the largest fraction of the image area the badge may
	// cover; 0 means DefaultMaxCoverage.
	MaxCoverage float64
	// Text and Backdrop colours; a zero alpha means the default. Text is
	// drawn opaque. Their worst-case contrast must reach MinContrast.
	Text, Backdrop color.NRGBA
}

// Badge is a planned badge: where it goes, what it says and how it looks.
// Plans are cached per image size, so drawing the same badge on every frame
// of a video costs a copy, not a rasterisation.
type Badge struct {
	Rect      image.Rectangle   // the backdrop, in image coordinates
	Lines     []Line            // the lines as drawn (after wrapping), in order
	LineRects []image.Rectangle // one text-line box per entry of Lines
	MarkRect  image.Rectangle   // the AI mark; empty without it
	Form      Form              // Long, or Short when the long lines did not fit
	CapHeight int               // pixels
	Contrast  float64           // worst-case text/backdrop contrast
	Coverage  float64           // Rect's share of the image area

	sprite *image.RGBA // premultiplied, at the origin
}

// DrawBadge draws lines onto dst in place (raw frames: no copy).
func DrawBadge(dst draw.Image, lines []Line, opts BadgeOptions) error {
	b, err := Plan(dst.Bounds(), lines, opts)
	if err != nil {
		return err
	}
	b.Draw(dst)
	return nil
}

// Stamp returns a copy of img with the badge drawn on it (an *image.NRGBA
// when img is one, else an *image.RGBA), and the badge as planned.
func Stamp(img image.Image, lines []Line, opts BadgeOptions) (draw.Image, *Badge, error) {
	r := img.Bounds()
	b, err := Plan(r, lines, opts)
	if err != nil {
		return nil, nil, err
	}
	var dst draw.Image
	if _, ok := img.(*image.NRGBA); ok {
		dst = image.NewNRGBA(r)
	} else {
		dst = image.NewRGBA(r)
	}
	draw.Draw(dst, r, img, r.Min, draw.Src)
	b.Draw(dst)
	return dst, b, nil
}

// Draw composites the badge onto dst (which must have the bounds it was
// planned for).
func (b *Badge) Draw(dst draw.Image) {
	r := b.Rect.Intersect(dst.Bounds())
	if r.Empty() {
		return
	}
	sp := r.Min.Sub(b.Rect.Min)
	switch d := dst.(type) {
	case *image.RGBA:
		overRGBA(d, r, b.sprite, sp)
	case *image.NRGBA:
		overNRGBA(d, r, b.sprite, sp)
	default:
		draw.Draw(dst, r, b.sprite, sp, draw.Over)
	}
}

// overRGBA composites premultiplied src over premultiplied dst in 8-bit
// integer arithmetic; image/draw's Over path works in 16 bits with
// divisions and is about four times slower (bench/badge_test.go).
func overRGBA(dst *image.RGBA, r image.Rectangle, src *image.RGBA, sp image.Point) {
	w := r.Dx()
	for y := 0; y < r.Dy(); y++ {
		di := dst.PixOffset(r.Min.X, r.Min.Y+y)
		si := src.PixOffset(sp.X, sp.Y+y)
		d := dst.Pix[di : di+4*w : di+4*w]
		s := src.Pix[si : si+4*w : si+4*w]
		for i := 0; i+3 < len(d) && i+3 < len(s); i += 4 {
			sa := uint32(s[i+3])
			switch sa {
			case 0:
				continue
			case 255:
				d[i], d[i+1], d[i+2], d[i+3] = s[i], s[i+1], s[i+2], 255
				continue
			}
			inv := 255 - sa
			d[i] = s[i] + div255(uint32(d[i])*inv)
			d[i+1] = s[i+1] + div255(uint32(d[i+1])*inv)
			d[i+2] = s[i+2] + div255(uint32(d[i+2])*inv)
			d[i+3] = uint8(sa + uint32(div255(uint32(d[i+3])*inv)))
		}
	}
}

// div255 is x/255 rounded, exact for x ≤ 255·255.
func div255(x uint32) uint8 { return uint8((x + 128 + (x+128)>>8) >> 8) }

// overNRGBA composites premultiplied src over non-premultiplied dst; image/draw
// has no fast path for an NRGBA destination.
func overNRGBA(dst *image.NRGBA, r image.Rectangle, src *image.RGBA, sp image.Point) {
	w := r.Dx()
	for y := 0; y < r.Dy(); y++ {
		di := dst.PixOffset(r.Min.X, r.Min.Y+y)
		si := src.PixOffset(sp.X, sp.Y+y)
		d := dst.Pix[di : di+4*w : di+4*w]
		s := src.Pix[si : si+4*w : si+4*w]
		for i := 0; i < len(d); i += 4 {
			sa := uint32(s[i+3])
			if sa == 0 {
				continue
			}
			if sa == 255 {
				copy(d[i:i+4], s[i:i+4])
				continue
			}
			da := uint32(d[i+3])
			// Premultiply dst, composite, un-premultiply; all in 0..255·255.
			inv := 255 - sa
			oa := sa*255 + da*inv // alpha ×255
			if oa == 0 {
				continue
			}
			for c := 0; c < 3; c++ {
				pc := uint32(s[i+c])*255*255 + uint32(d[i+c])*da*inv // colour ×255·255
				d[i+c] = uint8((pc + oa/2) / oa)
			}
			d[i+3] = uint8((oa + 127) / 255)
		}
	}
}

// Plan lays out a badge for an image with the given bounds. It chooses the
// long lines when they fit (unwrapped, then wrapped), else opts.Short
// (unwrapped, then wrapped), keeping every legibility floor; when nothing
// fits it returns ErrNoRoom.
func Plan(bounds image.Rectangle, lines []Line, opts BadgeOptions) (*Badge, error) {
	if len(lines) == 0 && len(opts.Short) == 0 {
		return nil, ErrNoText
	}
	key := planKey(bounds.Size(), lines, &opts)
	// One lock over lookup and planning: faces are not safe for concurrent
	// use, and planning happens once per size.
	planMu.Lock()
	b, ok := planCache[key]
	if !ok {
		var err error
		b, err = plan(bounds.Size(), lines, opts)
		if err != nil {
			planMu.Unlock()
			return nil, err
		}
		if len(planCache) >= maxPlans {
			clear(planCache) // crude, but plans are cheap to redo and sizes rarely vary
		}
		planCache[key] = b
	}
	planMu.Unlock()
	if bounds.Min == (image.Point{}) {
		return b, nil
	}
	moved := *b
	moved.Rect = b.Rect.Add(bounds.Min)
	moved.MarkRect = b.MarkRect.Add(bounds.Min)
	moved.LineRects = make([]image.Rectangle, len(b.LineRects))
	for i, lr := range b.LineRects {
		moved.LineRects[i] = lr.Add(bounds.Min)
	}
	return &moved, nil
}

const maxPlans = 64

var (
	planMu    sync.Mutex
	planCache = map[string]*Badge{}
)

func planKey(size image.Point, lines []Line, o *BadgeOptions) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d×%d|%d|%g|%t|%p|%p|%g|%g|%g|%v|%v", size.X, size.Y, o.Corner, o.Margin, o.AIMark,
		o.Font, o.BoldFont, o.CapHeight, o.MinHeight, o.MaxCoverage, o.Text, o.Backdrop)
	for _, l := range lines {
		sb.WriteString("|L" + l.Lang + "\x00" + l.Text)
	}
	for _, l := range o.Short {
		sb.WriteString("|S" + l.Lang + "\x00" + l.Text)
	}
	return sb.String()
}

// metrics of one layout, in pixels.
type layout struct {
	cap, padH, padV, lineH, asc int
	size                        float64
	lines                       []Line
	markW, markH, markGap       int
	w, h                        int
}

type planner struct {
	reg, bold *opentype.Font
	capRatio  float64 // cap height / em of reg
	boldRatio float64
	mark      bool
	availW    int
	availH    int
	maxArea   float64
	minH      int
}

func plan(size image.Point, lines []Line, o BadgeOptions) (*Badge, error) {
	W, H := size.X, size.Y
	if W <= 0 || H <= 0 {
		return nil, fmt.Errorf("%w: empty image", ErrNoRoom)
	}
	p := planner{reg: o.Font, bold: o.BoldFont, mark: o.AIMark}
	if p.reg == nil {
		p.reg = NotoSans()
		if p.bold == nil {
			p.bold = NotoSansBold()
		}
	}
	if p.bold == nil {
		p.bold = p.reg
	}
	for _, set := range [][]Line{lines, o.Short} {
		for _, l := range set {
			if m := MissingGlyphs(p.reg, l.Text); len(m) > 0 {
				return nil, fmt.Errorf("%w for %q in the %s line", ErrMissingGlyph, string(m), l.Lang)
			}
		}
	}
	if o.AIMark {
		if m := MissingGlyphs(p.bold, "AI"); len(m) > 0 {
			return nil, fmt.Errorf("%w for the AI mark", ErrMissingGlyph)
		}
	}
	text, back := o.Text, o.Backdrop
	if text.A == 0 {
		text = DefaultText
	}
	if back.A == 0 {
		back = DefaultBackdrop
	}
	text.A = 255
	contrast := WorstCaseContrast(text, back)
	if contrast < MinContrast {
		return nil, fmt.Errorf("%w: %.2f:1 for text %v on backdrop %v", ErrContrast, contrast, text, back)
	}

	s := min(W, H)
	capFrac := max(o.CapHeight, MinCapHeight)
	capPx := max(MinCapPixels, int(math.Ceil(capFrac*float64(s))))
	marginFrac := o.Margin
	if marginFrac <= 0 {
		marginFrac = DefaultMargin
	}
	margin := max(2, int(math.Round(marginFrac*float64(s))))
	maxCov := o.MaxCoverage
	if maxCov <= 0 {
		maxCov = DefaultMaxCoverage
	}
	p.availW, p.availH = W-2*margin, H-2*margin
	p.maxArea = maxCov * float64(W) * float64(H)
	if o.MinHeight > 0 {
		p.minH = int(math.Ceil(o.MinHeight * float64(s)))
	}
	p.capRatio = capRatio(p.reg)
	p.boldRatio = capRatio(p.bold)

	type candidate struct {
		lines []Line
		form  Form
		wrap  bool
		tight bool // compact padding and line spacing, the last resort
	}
	var cands []candidate
	if len(lines) > 0 {
		cands = append(cands, candidate{lines, Long, false, false}, candidate{lines, Long, true, false})
	}
	if len(o.Short) > 0 {
		cands = append(cands, candidate{o.Short, Short, false, false}, candidate{o.Short, Short, true, false},
			// Three short lines on a small image (eu) need the space that
			// generous padding would take; the letter size stays.
			candidate{o.Short, Short, false, true}, candidate{o.Short, Short, true, true})
	}
	marks := []bool{o.AIMark}
	if o.AIMark {
		marks = append(marks, false) // drop the mark before giving up
	}
	var best *layout
	var bestForm Form
	var last layout
	// The long wording matters more than the mark: try every candidate with
	// and then without the mark before moving on to a shorter candidate.
	for _, c := range cands {
		for _, mark := range marks {
			lay, ok := p.fit(c.lines, capPx, mark, c.wrap, c.tight)
			if lay.w > 0 {
				last = lay
			}
			if ok {
				best, bestForm = &lay, c.form
				break
			}
		}
		if best != nil {
			break
		}
	}
	if best == nil {
		if last.w == 0 {
			return nil, fmt.Errorf("%w: %d×%d px is too narrow for one word at %d px capitals", ErrNoRoom, W, H, capPx)
		}
		return nil, fmt.Errorf("%w: %d×%d px leaves no room for %d px capitals (last try %d×%d px, %.1f%% of the area, limit %.0f%%)",
			ErrNoRoom, W, H, capPx, last.w, last.h, 100*float64(last.w*last.h)/float64(W*H), 100*maxCov)
	}
	lay := *best
	var x0, y0 int
	switch o.Corner {
	case TopLeft:
		x0, y0 = margin, margin
	case TopRight:
		x0, y0 = W-margin-lay.w, margin
	case BottomLeft:
		x0, y0 = margin, H-margin-lay.h
	default:
		x0, y0 = W-margin-lay.w, H-margin-lay.h
	}
	b := &Badge{
		Rect:      image.Rect(x0, y0, x0+lay.w, y0+lay.h),
		Lines:     lay.lines,
		Form:      bestForm,
		CapHeight: lay.cap,
		Contrast:  contrast,
		Coverage:  float64(lay.w*lay.h) / float64(W*H),
	}
	b.sprite = p.render(&lay, text, back, b)
	return b, nil
}

// fit lays lines out at capPx (raised to meet minH) and reports whether
// the result fits the image.
func (p *planner) fit(lines []Line, capPx int, mark, wrap, tight bool) (layout, bool) {
	lay, ok := p.layout(lines, capPx, mark, wrap, tight)
	for i := 0; ok && p.minH > 0 && lay.h < p.minH && i < 50; i++ {
		// Height grows about linearly with the cap height.
		next := int(math.Ceil(float64(lay.cap) * float64(p.minH) / float64(lay.h)))
		if next <= lay.cap {
			next = lay.cap + 1
		}
		lay, ok = p.layout(lines, next, mark, wrap, tight)
	}
	if !ok {
		return lay, false
	}
	fits := lay.w <= p.availW && lay.h <= p.availH && float64(lay.w*lay.h) <= p.maxArea &&
		(p.minH == 0 || lay.h >= p.minH)
	return lay, fits
}

// layout measures lines at capPx. With wrap, each line is broken at spaces
// to fit the available width; ok is false when a word alone is too wide.
func (p *planner) layout(lines []Line, capPx int, mark, wrap, tight bool) (layout, bool) {
	size := float64(capPx) / p.capRatio
	face := faceFor(p.reg, size)
	lay := layout{
		cap:   capPx,
		size:  size,
		padH:  int(math.Round(float64(capPx) * 0.7)),
		padV:  int(math.Round(float64(capPx) * 0.35)),
		lineH: int(math.Ceil(size * 1.32)),
		asc:   int(math.Round(size * 0.98)),
	}
	if tight {
		// 1.2 em still clears descenders (0.24 em) from the next line's
		// accented capitals (0.93 em).
		lay.padH = int(math.Round(float64(capPx) * 0.4))
		lay.padV = int(math.Round(float64(capPx) * 0.2))
		lay.lineH = int(math.Ceil(size * 1.2))
		lay.asc = int(math.Round(size * 0.95))
	}
	if mark {
		lay.markGap = lay.padH
		n := len(lines)
		if wrap {
			n = max(n, 2)
		}
		lay.markH = lay.lineH*n - int(math.Round(size*0.25))
		lay.markH = min(max(lay.markH, int(1.8*float64(capPx))), int(3.4*float64(capPx)))
		bface := faceFor(p.bold, p.markCap(&lay)/p.boldRatio)
		lay.markW = measure(bface, "AI") + 2*int(math.Round(float64(lay.markH)*0.22))
	}
	textW := p.availW - 2*lay.padH - lay.markW - lay.markGap
	out := lines
	if wrap {
		out = nil
		for _, l := range lines {
			parts, ok := wrapLine(face, l.Text, textW)
			if !ok {
				return lay, false
			}
			for _, t := range parts {
				out = append(out, Line{Lang: l.Lang, Text: t})
			}
		}
	}
	widest := 0
	for _, l := range out {
		widest = max(widest, measure(face, l.Text))
	}
	lay.lines = out
	blockH := lay.lineH * len(out)
	lay.w = 2*lay.padH + lay.markW + lay.markGap + widest
	lay.h = 2*lay.padV + max(blockH, lay.markH)
	return lay, true
}

func (p *planner) markCap(lay *layout) float64 { return math.Round(float64(lay.markH) * 0.42) }

// wrapLine breaks text greedily at spaces so that each part is at most
// width pixels wide.
func wrapLine(face font.Face, text string, width int) ([]string, bool) {
	words := strings.Fields(text)
	if len(words) == 0 {
		return nil, true
	}
	var parts []string
	cur := words[0]
	for _, w := range words[1:] {
		if measure(face, cur+" "+w) <= width {
			cur += " " + w
			continue
		}
		parts = append(parts, cur)
		cur = w
	}
	parts = append(parts, cur)
	for _, s := range parts {
		if measure(face, s) > width {
			return nil, false
		}
	}
	return parts, true
}

// render draws the badge into a premultiplied sprite and fills b's rects.
func (p *planner) render(lay *layout, text, back color.NRGBA, b *Badge) *image.RGBA {
	sprite := image.NewRGBA(image.Rect(0, 0, lay.w, lay.h))
	fillRoundRect(sprite, sprite.Bounds(), float64(lay.cap)*0.4, back)

	x := lay.padH
	blockH := lay.lineH * len(lay.lines)
	inner := lay.h - 2*lay.padV
	if lay.markW > 0 {
		my := lay.padV + (inner-lay.markH)/2
		mr := image.Rect(x, my, x+lay.markW, my+lay.markH)
		drawMark(sprite, mr, p.bold, p.markCap(lay)/p.boldRatio, text)
		b.MarkRect = mr.Add(b.Rect.Min)
		x += lay.markW + lay.markGap
	}
	face := faceFor(p.reg, lay.size)
	mask := image.NewAlpha(sprite.Bounds())
	d := font.Drawer{Dst: mask, Src: image.Opaque, Face: face}
	top := lay.padV + (inner-blockH)/2
	for i, l := range lay.lines {
		y := top + i*lay.lineH
		d.Dot = fixed.P(x, y+lay.asc)
		d.DrawString(l.Text)
		w := measure(face, l.Text)
		b.LineRects = append(b.LineRects, image.Rect(x, y, x+w, y+lay.lineH).Add(b.Rect.Min))
	}
	draw.DrawMask(sprite, sprite.Bounds(), image.NewUniform(text), image.Point{}, mask, image.Point{}, draw.Over)
	return sprite
}

// drawMark draws the bold "AI" cut out of a rounded box in the text colour.
func drawMark(dst *image.RGBA, r image.Rectangle, f *opentype.Font, size float64, c color.NRGBA) {
	face := faceFor(f, size)
	box := image.NewAlpha(r)
	fillRoundRectAlpha(box, r, float64(r.Dy())*0.18)
	glyphs := image.NewAlpha(r)
	w := measure(face, "AI")
	bounds, _ := font.BoundString(face, "AI")
	capH := -bounds.Min.Y.Round()
	d := font.Drawer{Dst: glyphs, Src: image.Opaque, Face: face,
		Dot: fixed.P(r.Min.X+(r.Dx()-w)/2, r.Min.Y+(r.Dy()+capH)/2)}
	d.DrawString("AI")
	for i := range box.Pix {
		box.Pix[i] = uint8(uint32(box.Pix[i]) * uint32(255-glyphs.Pix[i]) / 255)
	}
	draw.DrawMask(dst, r, image.NewUniform(c), image.Point{}, box, r.Min, draw.Over)
}

// fillRoundRect fills r with c (non-premultiplied, any alpha), corners
// rounded with radius rad and anti-aliased.
func fillRoundRect(dst *image.RGBA, r image.Rectangle, rad float64, c color.NRGBA) {
	m := image.NewAlpha(r)
	fillRoundRectAlpha(m, r, rad)
	draw.DrawMask(dst, r, image.NewUniform(c), image.Point{}, m, r.Min, draw.Src)
}

func fillRoundRectAlpha(m *image.Alpha, r image.Rectangle, rad float64) {
	rad = min(rad, float64(r.Dx())/2, float64(r.Dy())/2)
	w, h := float64(r.Dx()), float64(r.Dy())
	corner := int(math.Ceil(rad)) // rows and columns that can be partly covered
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := m.Pix[m.PixOffset(r.Min.X, y) : m.PixOffset(r.Min.X, y)+r.Dx()]
		for i := range row {
			row[i] = 255
		}
		py := float64(y-r.Min.Y) + 0.5
		if y-r.Min.Y >= corner && r.Max.Y-y > corner {
			continue // a straight row: fully covered
		}
		for i := 0; i < len(row); i++ {
			if i >= corner && len(row)-i > corner {
				i = len(row) - corner - 1 // jump over the straight middle
				continue
			}
			px := float64(i) + 0.5
			cx, cy := px, py
			switch {
			case px < rad:
				cx = rad
			case px > w-rad:
				cx = w - rad
			}
			switch {
			case py < rad:
				cy = rad
			case py > h-rad:
				cy = h - rad
			}
			if cx != px || cy != py {
				a := rad - math.Hypot(px-cx, py-cy) + 0.5
				row[i] = uint8(math.Round(255 * min(1, max(0, a))))
			}
		}
	}
}

func measure(face font.Face, s string) int { return font.MeasureString(face, s).Ceil() }

// capRatio is the height of "H" per em: the font's cap height.
func capRatio(f *opentype.Font) float64 {
	face := faceFor(f, 1000)
	b, _ := font.BoundString(face, "H")
	if r := float64(-b.Min.Y) / 64 / 1000; r > 0.2 {
		return r
	}
	return 0.7 // a font without "H": assume a typical Latin/Cyrillic cap height
}

// Faces are cached per font and size: making one parses tables, and the
// same sizes recur for every frame of a video.
type faceKey struct {
	f    *opentype.Font
	size float64
}

var (
	faceMu sync.Mutex
	faces  = map[faceKey]font.Face{}
)

// faceFor returns a face at size pixels per em. opentype faces are not safe
// for concurrent use, so every caller holds planMu while using them.
func faceFor(f *opentype.Font, size float64) font.Face {
	faceMu.Lock()
	defer faceMu.Unlock()
	k := faceKey{f, size}
	if fc, ok := faces[k]; ok {
		return fc
	}
	if len(faces) > 256 {
		clear(faces)
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		// NewFace fails only for sizes ≤ 0 or DPI ≤ 0, which plan never asks for.
		panic("disclosure: " + err.Error())
	}
	faces[k] = fc
	return fc
}
