package label

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	stdjpeg "image/jpeg"
	stdpng "image/png"

	"github.com/belgi/belgi/formats"
	gifmeta "github.com/belgi/belgi/formats/gif"
	"github.com/belgi/belgi/formats/jpeg"
	"github.com/belgi/belgi/formats/png"
	"github.com/belgi/belgi/label/disclosure"
)

// Pixel layers need decoded frames: the image is decoded, every frame goes
// through runImageStages, and the result is encoded again in the same
// format. What the encoder does not write itself (ICC, EXIF, XMP, comments,
// other chunks) is carried over from the source by the formats packages.

// Limits for decoding untrusted images: the file is read into memory, and
// frames are decoded at 4 bytes per pixel.
const (
	maxImageBytes  = 512 << 20
	maxImagePixels = 256 << 20 // per frame
	maxGIFPixels   = 1 << 30   // summed over all frames of an animation
)

// reencodeImage decodes the input image, runs the pixel stages on every
// frame and encodes it again in the same format, carrying the source's
// non-pixel metadata (ICC, EXIF, XMP, other chunks) over. It is called by
// the image handler only when a pixel layer is requested.
func reencodeImage(ctx context.Context, j *Job) ([]byte, error) {
	data, err := j.In.Bytes(maxImageBytes)
	if err != nil {
		return nil, err
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, j.In.Format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return nil, fmt.Errorf("%w: %s of %d×%d pixels is empty or larger than %d pixels", ErrInvalidOptions, j.In.Format, cfg.Width, cfg.Height, maxImagePixels)
	}
	switch j.In.Format {
	case formats.JPEG:
		return reencodeJPEG(ctx, j, data)
	case formats.PNG:
		return reencodePNG(ctx, j, data)
	case formats.GIF:
		return reencodeGIF(ctx, j, data)
	case formats.WebP:
		return reencodeWebP(ctx, j, data)
	}
	return nil, fmt.Errorf("%w: pixel layers for %s", ErrLayerUnavailable, j.In.Format)
}

// stillStages runs the stages on a single frame.
func stillStages(ctx context.Context, img draw.Image, j *Job) error {
	return runImageStages(ctx, &ImageFrame{Img: img, Index: 0, Count: 1}, j)
}

func reencodeJPEG(ctx context.Context, j *Job, data []byte) ([]byte, error) {
	qt, err := jpeg.ReadQuantTables(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	quality, _ := qt.Quality()
	orient, err := jpeg.Orientation(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	src, err := stdjpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: jpeg: %v", ErrCorrupt, err)
	}
	_, cmyk := src.(*image.CMYK)
	var img draw.Image
	if g, ok := src.(*image.Gray); ok {
		img = g // stays one channel, encoded as grey again
	} else {
		img = toRGBA(src)
	}
	// Draw in the orientation a viewer shows, so the badge is upright and
	// in the right corner; then turn back to the stored orientation.
	shown := orientForDisplay(img, orient)
	if err := stillStages(ctx, shown, j); err != nil {
		return nil, err
	}
	img = orientForStorage(shown, orient)
	var enc bytes.Buffer
	if err := stdjpeg.Encode(&enc, img, &stdjpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("jpeg: encode: %w", err)
	}
	keep := jpeg.CarryRule
	if cmyk {
		// The pixels are written as YCbCr now: a CMYK ICC profile would
		// misdescribe them.
		keep = func(s jpeg.Segment) jpeg.CarryKind {
			if s.Marker == jpeg.APP2 && bytes.HasPrefix(s.Data, jpeg.ICCHeader) {
				return jpeg.DropCoding
			}
			return jpeg.CarryRule(s)
		}
	}
	var out bytes.Buffer
	if err := jpeg.CarryMetadata(bytes.NewReader(data), &enc, &out, keep); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return out.Bytes(), nil
}

func reencodePNG(ctx context.Context, j *Job, data []byte) ([]byte, error) {
	src, err := stdpng.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: png: %v", ErrCorrupt, err)
	}
	var out image.Image
	switch m := src.(type) {
	case *image.Paletted:
		// Draw on full colour, then go back to a palette: exact when the
		// result still fits 256 colours, else the source's colours, their
		// darkened twins under the backdrop and greys for the text.
		rgba := image.NewNRGBA(m.Bounds())
		draw.Draw(rgba, m.Bounds(), m, m.Bounds().Min, draw.Src)
		if err := stillStages(ctx, rgba, j); err != nil {
			return nil, err
		}
		out = exactPalette(rgba)
		if _, ok := out.(*image.Paletted); !ok {
			out, _ = quantize(rgba, badgePalette(m, backdrop(j)))
		}
	case draw.Image:
		// Gray, Gray16, RGBA, RGBA64, NRGBA, NRGBA64: drawn in place, so
		// bit depth and alpha stay what they were.
		if err := stillStages(ctx, m, j); err != nil {
			return nil, err
		}
		out = m
	default:
		rgba := toNRGBA(src)
		if err := stillStages(ctx, rgba, j); err != nil {
			return nil, err
		}
		out = rgba
	}
	var enc bytes.Buffer
	if err := (&stdpng.Encoder{CompressionLevel: stdpng.DefaultCompression}).Encode(&enc, out); err != nil {
		return nil, fmt.Errorf("png: encode: %w", err)
	}
	var res bytes.Buffer
	if err := png.CarryChunks(bytes.NewReader(data), &enc, &res, nil); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return res.Bytes(), nil
}

// backdrop is the badge backdrop colour the stages draw with.
func backdrop(j *Job) color.NRGBA {
	if b := j.Opts.Disclosure.Backdrop; b.A != 0 {
		return b
	}
	return disclosure.DefaultBackdrop
}

// exactPalette returns m as a paletted image when it has at most 256
// colours, else m itself.
func exactPalette(m *image.NRGBA) image.Image {
	idx := map[color.NRGBA]uint8{}
	var pal color.Palette
	b := m.Bounds()
	p := image.NewPaletted(b, nil)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := m.NRGBAAt(x, y)
			i, ok := idx[c]
			if !ok {
				if len(pal) == 256 {
					return m
				}
				i = uint8(len(pal))
				idx[c] = i
				pal = append(pal, c)
			}
			p.Pix[p.PixOffset(x, y)] = i
		}
	}
	p.Palette = pal
	return p
}

func reencodeGIF(ctx context.Context, j *Job, data []byte) ([]byte, error) {
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: gif: %v", ErrCorrupt, err)
	}
	W, H := g.Config.Width, g.Config.Height
	if W <= 0 || H <= 0 {
		r := image.Rectangle{}
		for _, fr := range g.Image {
			r = r.Union(fr.Bounds())
		}
		W, H = r.Max.X, r.Max.Y
	}
	if int64(W)*int64(H)*int64(len(g.Image)) > maxGIFPixels {
		return nil, fmt.Errorf("%w: gif of %d frames at %d×%d is larger than %d pixels in all", ErrInvalidOptions, len(g.Image), W, H, maxGIFPixels)
	}
	bounds := image.Rect(0, 0, W, H)
	canvas := image.NewNRGBA(bounds)
	out := &gif.GIF{LoopCount: g.LoopCount, Config: image.Config{Width: W, Height: H}}
	if gp, ok := g.Config.ColorModel.(color.Palette); ok && len(gp) > 0 {
		out.Config.ColorModel = gp
		out.BackgroundIndex = g.BackgroundIndex
	}
	var saved *image.NRGBA
	for i, fr := range g.Image {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		disposal := byte(0)
		if i < len(g.Disposal) {
			disposal = g.Disposal[i]
		}
		if disposal == gif.DisposalPrevious {
			saved = cloneNRGBA(canvas)
		}
		draw.Draw(canvas, fr.Bounds(), fr, fr.Bounds().Min, draw.Over)
		// Every output frame is the whole composed canvas, so the badge is
		// whole on every frame whatever the source's frame rectangles.
		frame := cloneNRGBA(canvas)
		if err := runImageStages(ctx, &ImageFrame{Img: frame, Index: i, Count: len(g.Image)}, j); err != nil {
			return nil, err
		}
		pm, transparent := quantize(frame, badgePalette(fr, backdrop(j)))
		out.Image = append(out.Image, pm)
		delay := 0
		if i < len(g.Delay) {
			delay = g.Delay[i]
		}
		out.Delay = append(out.Delay, delay)
		// A full frame with transparent pixels must not show the previous
		// frame through them: clear before the next one.
		if transparent {
			out.Disposal = append(out.Disposal, gif.DisposalBackground)
		} else {
			out.Disposal = append(out.Disposal, gif.DisposalNone)
		}
		switch disposal {
		case gif.DisposalBackground:
			draw.Draw(canvas, fr.Bounds(), image.Transparent, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			canvas = saved
		}
	}
	var enc bytes.Buffer
	if err := gif.EncodeAll(&enc, out); err != nil {
		return nil, fmt.Errorf("gif: encode: %w", err)
	}
	var res bytes.Buffer
	if err := gifmeta.CarryExtensions(bytes.NewReader(data), &enc, &res); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return res.Bytes(), nil
}

// badgeGreys are added to a palette so that the badge's white text and
// the anti-aliased edges between text and backdrop find close entries.
var badgeGreys = func() color.Palette {
	var p color.Palette
	for _, v := range []uint8{0, 24, 51, 80, 112, 144, 176, 208, 232, 255} {
		p = append(p, color.NRGBA{v, v, v, 255})
	}
	return p
}()

// badgePalette is the palette a paletted frame (GIF, PNG) is written with
// after the badge: the source's colours, most used first, each also as
// seen through the backdrop, plus badgeGreys — at most 256 entries, so the
// least used source colours go first when there is no room.
func badgePalette(src *image.Paletted, back color.NRGBA) color.Palette {
	count := make([]int, len(src.Palette))
	for _, i := range src.Pix {
		if int(i) < len(count) {
			count[i]++
		}
	}
	order := make([]int, len(src.Palette))
	for i := range order {
		order[i] = i
	}
	sortByUse(order, count, src.Palette)
	room := (256 - len(badgeGreys)) / 2
	if len(order) > room {
		order = order[:room]
	}
	pal := make(color.Palette, 0, 256)
	for _, i := range order {
		pal = append(pal, src.Palette[i])
	}
	for _, i := range order {
		c := color.NRGBAModel.Convert(src.Palette[i]).(color.NRGBA)
		if c.A == 0 {
			continue
		}
		a := uint32(back.A)
		mix := func(t, u uint8) uint8 { return uint8((uint32(t)*a + uint32(u)*(255-a) + 127) / 255) }
		pal = append(pal, color.NRGBA{mix(back.R, c.R), mix(back.G, c.G), mix(back.B, c.B), 255})
	}
	return append(pal, badgeGreys...)
}

// quantize maps frame onto pal (nearest colour; pixels more than half
// transparent to pal's transparent entry, when it has one) and reports
// whether any pixel is transparent.
func quantize(frame *image.NRGBA, pal color.Palette) (*image.Paletted, bool) {
	b := frame.Bounds()
	pm := image.NewPaletted(b, pal)
	cache := map[color.NRGBA]uint8{}
	transparent := false
	tIndex := -1
	for i, c := range pal {
		if _, _, _, a := c.RGBA(); a == 0 {
			tIndex = i
			break
		}
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := frame.NRGBAAt(x, y)
			if c.A < 128 && tIndex >= 0 {
				pm.Pix[pm.PixOffset(x, y)] = uint8(tIndex)
				transparent = true
				continue
			}
			c.A = 255
			i, ok := cache[c]
			if !ok {
				i = uint8(nearestOpaque(pal, c))
				cache[c] = i
			}
			pm.Pix[pm.PixOffset(x, y)] = i
		}
	}
	return pm, transparent
}

func nearestOpaque(pal color.Palette, c color.NRGBA) int {
	best, bestD := 0, int(^uint(0)>>1)
	for i, p := range pal {
		pr, pg, pb, pa := p.RGBA()
		if pa == 0 {
			continue
		}
		dr, dg, db := int(pr>>8)-int(c.R), int(pg>>8)-int(c.G), int(pb>>8)-int(c.B)
		if d := dr*dr + dg*dg + db*db; d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

func sortByUse(order, count []int, pal color.Palette) {
	use := func(i int) int {
		if _, _, _, a := pal[i].RGBA(); a == 0 {
			return int(^uint(0) >> 1)
		}
		return count[i]
	}
	// Insertion sort: palettes have at most 256 entries.
	for i := 1; i < len(order); i++ {
		for k := i; k > 0 && use(order[k]) > use(order[k-1]); k-- {
			order[k], order[k-1] = order[k-1], order[k]
		}
	}
}

func cloneNRGBA(m *image.NRGBA) *image.NRGBA {
	c := *m
	c.Pix = append([]byte(nil), m.Pix...)
	return &c
}

func toRGBA(src image.Image) *image.RGBA {
	if m, ok := src.(*image.RGBA); ok {
		return m
	}
	b := src.Bounds()
	m := image.NewRGBA(b)
	draw.Draw(m, b, src, b.Min, draw.Src)
	return m
}

func toNRGBA(src image.Image) *image.NRGBA {
	if m, ok := src.(*image.NRGBA); ok {
		return m
	}
	b := src.Bounds()
	m := image.NewNRGBA(b)
	draw.Draw(m, b, src, b.Min, draw.Src)
	return m
}
