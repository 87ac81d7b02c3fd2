package label

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for the pixel verifiers
	_ "image/jpeg"
	_ "image/png"
	"io"
	"strings"

	_ "golang.org/x/image/webp"

	"github.com/belgi/belgi/formats"
	"github.com/belgi/belgi/formats/exif"
	"github.com/belgi/belgi/formats/gif"
	"github.com/belgi/belgi/formats/jpeg"
	"github.com/belgi/belgi/formats/png"
	"github.com/belgi/belgi/formats/webp"
	"github.com/belgi/belgi/formats/xmp"
	"github.com/belgi/belgi/label/disclosure"
)

// imageFormats are the still/animated image containers handled here.
var imageFormats = []formats.Format{formats.JPEG, formats.PNG, formats.WebP, formats.GIF}

func init() { refreshImageHandlers() }

// refreshImageHandlers (re)registers the image handlers with the metadata
// layer plus every pixel layer that has a stage; registerImageStage calls
// it, so the order of init functions does not matter.
func refreshImageHandlers() {
	layers := []Layer{}
	for _, l := range []Layer{LayerDisclosure, LayerWatermark} {
		for _, s := range imageStages {
			if s.layer == l {
				layers = append(layers, l)
				break
			}
		}
	}
	layers = append(layers, LayerMetadata)
	for _, f := range imageFormats {
		register(f, handler{layers: layers, apply: applyImage, verify: verifyImage})
	}
}

// applyImage runs the pixel stages (through a re-encode) when asked, then
// splices XMP, and a minimal EXIF when the file has none, without touching
// the image data.
func applyImage(ctx context.Context, j *Job) error {
	var src io.ReaderAt
	var size int64
	if imagePixelLayers(j) {
		b, err := reencodeImage(ctx, j)
		switch {
		case err == nil:
			src, size = bytes.NewReader(b), int64(len(b))
		case errors.Is(err, ErrLayerUnavailable) && !explicitPixelLayer(j) && j.Layers[LayerMetadata]:
			// Pixel layers were only defaults: label what can be labelled.
			j.Result.Warnings = append(j.Result.Warnings, err.Error()+"; metadata only")
		default:
			return err
		}
	}
	if src == nil && (j.In.Format != formats.JPEG || !j.Layers[LayerMetadata]) {
		// JPEG needs one pass; the others read metadata first, so they
		// need the input twice (free for files, spooled for streams).
		ra, n, err := j.In.ReaderAt()
		if err != nil {
			return err
		}
		src, size = ra, n
	}
	if !j.Layers[LayerMetadata] {
		if _, err := io.Copy(j.Out, io.NewSectionReader(src, 0, size)); err != nil {
			return err
		}
		return nil
	}
	var err error
	switch j.In.Format {
	case formats.JPEG:
		var r io.Reader
		if src != nil {
			r = io.NewSectionReader(src, 0, size)
		} else {
			r = j.In.Reader()
		}
		err = spliceJPEG(ctx, j, r)
	case formats.PNG:
		err = splicePNG(ctx, j, src, size)
	case formats.WebP:
		err = spliceWebP(ctx, j, src, size)
	case formats.GIF:
		err = spliceGIF(ctx, j, src, size)
	default:
		err = fmt.Errorf("%w: metadata for %s", ErrLayerUnavailable, j.In.Format)
	}
	if err != nil {
		return err
	}
	j.Result.addLayer(LayerMetadata)
	return nil
}

func explicitPixelLayer(j *Job) bool {
	for _, s := range imageStages {
		if j.Opts.explicit(s.layer) {
			return true
		}
	}
	return false
}

// corrupt marks format parse errors as ErrCorrupt for callers.
func corrupt(err error) error {
	if err == nil {
		return nil
	}
	for _, c := range []error{jpeg.ErrCorrupt, png.ErrCorrupt, webp.ErrCorrupt, gif.ErrCorrupt, xmp.ErrCorrupt, exif.ErrCorrupt} {
		if errors.Is(err, c) {
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
	}
	return err
}

// minimalEXIF is written when a file has no EXIF: Software and an English
// (EXIF ASCII is 7-bit) disclosure in ImageDescription.
func minimalEXIF(l *Label) []byte {
	desc := ""
	if lines := disclosure.Default.Lines(l.Source.Disclosure(), disclosure.Long, []string{"en"}, l.Wording); len(lines) > 0 {
		desc = lines[0].Text
	}
	tool := toolName
	if l.AISystem != "" {
		tool = strings.TrimSpace(l.AISystem + " " + l.AIVersion)
	}
	return exif.Build(exif.Fields{Software: tool, ImageDescription: desc})
}

// mergedXMP joins a main packet and its Extended XMP into one packet to
// merge into (nil when there is none).
func mergedXMP(main, ext []byte) []byte {
	if len(ext) == 0 {
		return main
	}
	p, err := xmp.Parse(main)
	if err != nil {
		return main
	}
	if e, err := xmp.Parse(ext); err == nil {
		p.Merge(e)
	}
	return p.Marshal(xmp.MarshalOptions{})
}

// keepInMainXMP names the properties that stay in a JPEG's main packet
// when the rest moves to Extended XMP (readers that ignore Extended XMP
// still see the label).
func keepInMainXMP(n xmp.Name) bool {
	switch n.Space {
	case xmp.NSBelgi, xmp.NSTC260, xmp.NSTDM, xmp.NSPlus:
		return true
	case xmp.NSIptc4xmpExt:
		return strings.HasPrefix(n.Local, "DigitalSourceType") || strings.HasPrefix(n.Local, "AISystem")
	}
	return n == xmp.Name{Space: xmp.NSDC, Local: "description"} ||
		n == xmp.Name{Space: xmp.NSXMP, Local: "CreatorTool"} ||
		n == xmp.Name{Space: xmp.NSXMPMM, Local: "DocumentID"}
}

func spliceJPEG(ctx context.Context, j *Job, r io.Reader) error {
	err := jpeg.Rewrite(r, j.Out, func(m *jpeg.Metadata) (jpeg.Edit, error) {
		if err := ctx.Err(); err != nil {
			return jpeg.Edit{}, err
		}
		packet, err := xmpForLabel(j.Label, j.Result, mergedXMP(m.XMP, m.ExtendedXMP))
		if err != nil {
			return jpeg.Edit{}, err
		}
		e := jpeg.Edit{XMP: packet}
		if len(packet) > jpeg.MaxXMP {
			p, err := xmp.Parse(packet)
			if err != nil {
				return jpeg.Edit{}, err
			}
			e.XMP, e.ExtendedXMP, err = p.SplitExtended(jpeg.MaxXMP, xmp.MarshalOptions{Toolkit: toolName}, keepInMainXMP)
			if err != nil {
				return jpeg.Edit{}, err
			}
		}
		if m.EXIF == nil {
			e.EXIF = minimalEXIF(j.Label)
		}
		return e, nil
	})
	return corrupt(err)
}

func splicePNG(ctx context.Context, j *Job, src io.ReaderAt, size int64) error {
	m, err := png.ReadMetadata(io.NewSectionReader(src, 0, size))
	if err != nil {
		return corrupt(err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	packet, err := xmpForLabel(j.Label, j.Result, m.XMP)
	if err != nil {
		return err
	}
	e := png.Edit{XMP: packet}
	if m.EXIF == nil {
		e.EXIF = minimalEXIF(j.Label)
	}
	return corrupt(png.Rewrite(io.NewSectionReader(src, 0, size), j.Out, e))
}

func spliceWebP(ctx context.Context, j *Job, src io.ReaderAt, size int64) error {
	m, err := webp.ReadMetadata(src, size)
	if err != nil {
		return corrupt(err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	packet, err := xmpForLabel(j.Label, j.Result, m.XMP)
	if err != nil {
		return err
	}
	e := webp.Edit{XMP: packet}
	if m.EXIF == nil {
		e.EXIF = minimalEXIF(j.Label)
	}
	return corrupt(webp.Rewrite(src, size, j.Out, e))
}

// spliceGIF writes XMP only: GIF has no EXIF.
func spliceGIF(ctx context.Context, j *Job, src io.ReaderAt, size int64) error {
	m, err := gif.ReadMetadata(io.NewSectionReader(src, 0, size))
	if err != nil {
		return corrupt(err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	packet, err := xmpForLabel(j.Label, j.Result, m.XMP)
	if err != nil {
		return err
	}
	return corrupt(gif.Rewrite(io.NewSectionReader(src, 0, size), j.Out, gif.Edit{XMP: packet}))
}

// verifyImage reads every metadata marker of an image, then runs the pixel
// verifiers (watermark detection) on the decoded image when there are any.
func verifyImage(ctx context.Context, in *Input, rep *Report) error {
	ra, size, err := in.ReaderAt()
	if err != nil {
		return err
	}
	sec := func() io.Reader { return io.NewSectionReader(ra, 0, size) }
	switch in.Format {
	case formats.JPEG:
		m, err := jpeg.ReadMetadata(sec())
		if err != nil {
			return corrupt(err)
		}
		if m.XMP != nil {
			readXMPInto(m.XMP, rep)
		}
		if m.ExtendedXMP != nil {
			readXMPInto(m.ExtendedXMP, rep)
		}
		readEXIFInto(m.EXIF, rep)
		if m.JUMBF {
			rep.addSource("c2pa")
		}
	case formats.PNG:
		m, err := png.ReadMetadata(sec())
		if err != nil {
			return corrupt(err)
		}
		if m.XMP != nil {
			readXMPInto(m.XMP, rep)
		}
		readEXIFInto(m.EXIF, rep)
		readPNGTexts(m.Texts, rep)
		rep.Warnings = append(rep.Warnings, m.Warnings...)
		if m.CaBX {
			rep.addSource("c2pa")
		}
	case formats.WebP:
		m, err := webp.ReadMetadata(ra, size)
		if err != nil {
			return corrupt(err)
		}
		if m.XMP != nil {
			readXMPInto(m.XMP, rep)
		}
		readEXIFInto(m.EXIF, rep)
		if m.C2PA {
			rep.addSource("c2pa")
		}
	case formats.GIF:
		m, err := gif.ReadMetadata(sec())
		if err != nil {
			return corrupt(err)
		}
		if m.XMP != nil {
			readXMPInto(m.XMP, rep)
		}
		for _, c := range m.Comments {
			if isDisclosureText(c) {
				rep.Metadata.Present = true
				rep.addSource("gif:Comment")
			}
		}
		if m.C2PA {
			rep.addSource("c2pa")
		}
	}
	if len(imageVerifiers) == 0 {
		return ctx.Err()
	}
	cfg, _, err := image.DecodeConfig(sec())
	if err != nil {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("pixels not decoded: %v", err))
		return nil
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxVerifyPixels {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("pixels not decoded: %dx%d is above the %d-pixel limit", cfg.Width, cfg.Height, maxVerifyPixels))
		return nil
	}
	img, _, err := image.Decode(sec())
	if err != nil {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("pixels not decoded: %v", err))
		return nil
	}
	for _, v := range imageVerifiers {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := v.verify(ctx, img, in, rep); err != nil {
			return err
		}
	}
	return nil
}

// maxVerifyPixels bounds the decode for pixel verifiers (about 1 GiB RGBA).
const maxVerifyPixels = 256 << 20

// aiSoftware are names that generators write in EXIF Software or PNG
// Software; a match counts as an AI marker.
var aiSoftware = []string{
	"novelai", "midjourney", "dall-e", "dall·e", "stable diffusion", "firefly", "imagen",
	"comfyui", "invokeai", "automatic1111", "leonardo.ai", "ideogram", "flux", "gpt-image",
	"kandinsky", "shedevrum", "doubao", "jimeng", "wenxin",
}

func isAISoftware(s string) (string, bool) {
	ls := strings.ToLower(s)
	for _, n := range aiSoftware {
		if strings.Contains(ls, n) {
			return s, true
		}
	}
	return "", false
}

// readEXIFInto reports EXIF Software naming a generator and an
// ImageDescription holding a disclosure.
func readEXIFInto(tiff []byte, rep *Report) {
	if tiff == nil {
		return
	}
	f, err := exif.Read(tiff)
	if err != nil {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("exif: %v", err))
		return
	}
	if name, ok := isAISoftware(f.Software); ok {
		rep.Metadata.Present = true
		rep.addSource("exif:Software")
		if rep.Metadata.AISystem == nil {
			rep.Metadata.AISystem = strp(name)
		}
	}
	if isDisclosureText(f.ImageDescription) {
		rep.Metadata.Present = true
		rep.addSource("exif:ImageDescription")
	}
}

// isDisclosureText reports whether s carries one of the disclosure
// sentences (any kind, form and language of the default table).
func isDisclosureText(s string) bool {
	if s == "" {
		return false
	}
	ls := strings.ToLower(s)
	for _, form := range []map[disclosure.Kind]disclosure.Wording{disclosure.Default.Long, disclosure.Default.Short} {
		for _, w := range form {
			for _, text := range w {
				if strings.Contains(ls, strings.ToLower(text)) {
					return true
				}
			}
		}
	}
	return false
}

// readPNGTexts recognises what generators write in PNG text chunks.
func readPNGTexts(texts []png.Text, rep *Report) {
	mark := func(src, system string) {
		rep.Metadata.Present = true
		rep.addSource(src)
		if system != "" && rep.Metadata.AISystem == nil {
			rep.Metadata.AISystem = strp(system)
		}
	}
	for _, t := range texts {
		k := t.Keyword
		switch {
		case k == "XML:com.adobe.xmp": // XMP in tEXt/zTXt, as some tools write it
			readXMPInto([]byte(t.Text), rep)
		case k == "parameters":
			mark("png:parameters", "")
		case k == "prompt" || k == "workflow":
			mark("png:"+k, "ComfyUI")
		case strings.HasPrefix(k, "invokeai_") || k == "sd-metadata" || k == "dream":
			mark("png:"+k, "InvokeAI")
		case k == "Software" && strings.Contains(strings.ToLower(t.Text), "novelai"):
			mark("png:Software", "NovelAI")
		case (k == "Description" || k == "Comment") && strings.Contains(t.Text, "Job ID:"):
			mark("png:"+k, "Midjourney")
		case k == "Software":
			if name, ok := isAISoftware(t.Text); ok {
				mark("png:Software", name)
			}
		case k == "AIGC":
			mark("tc260:AIGC", "")
		case (k == "Description" || k == "Comment") && isDisclosureText(t.Text):
			mark("png:"+k, "")
		}
	}
}
