package label

import (
	"context"
	"errors"
	"fmt"

	"github.com/belgi/belgi/label/disclosure"
)

// The visible disclosure on images: a badge drawn into every frame before
// the watermark is embedded (order 10 < 20), so the watermark covers it.

func init() {
	registerImageStage(imageStage{layer: LayerDisclosure, order: 10, apply: drawImageDisclosure})
}

// ImageBadge returns the lines and badge options that Apply draws for l
// with o: the Label's languages and wording, the profile's corner (eu:
// top-right, else bottom-right) and the cn profile's 5 % label height.
// Pipelines that draw on their own frames (video burn-in) call it once and
// then disclosure.DrawBadge per frame.
func ImageBadge(l *Label, o *DisclosureOptions) ([]disclosure.Line, disclosure.BadgeOptions, error) {
	bo := disclosure.BadgeOptions{
		Margin:      o.Margin,
		AIMark:      o.AIMark,
		Short:       l.ShortDisclosure(),
		Font:        o.Font,
		BoldFont:    o.BoldFont,
		CapHeight:   o.CapHeight,
		MaxCoverage: o.MaxCoverage,
		Text:        o.Text,
		Backdrop:    o.Backdrop,
	}
	switch {
	case o.Corner != "":
		c, err := disclosure.ParseCorner(o.Corner)
		if err != nil {
			return nil, bo, fmt.Errorf("%w: %v", ErrInvalidOptions, err)
		}
		bo.Corner = c
	case l.Profile == ProfileEU:
		bo.Corner = disclosure.TopRight
	default:
		bo.Corner = disclosure.BottomRight
	}
	if l.Profile == ProfileCN {
		bo.MinHeight = 0.05 // GB 45438: explicit label at least 5 % of the shorter side
	}
	lines := l.Disclosure()
	if len(lines) == 0 && len(bo.Short) == 0 {
		return nil, bo, fmt.Errorf("%w: no disclosure wording for languages %v", ErrInvalidLabel, l.Languages)
	}
	return lines, bo, nil
}

func drawImageDisclosure(ctx context.Context, f *ImageFrame, j *Job) error {
	lines, bo, err := ImageBadge(j.Label, &j.Opts.Disclosure)
	if err != nil {
		return err
	}
	if err := disclosure.DrawBadge(f.Img, lines, bo); err != nil {
		if errors.Is(err, disclosure.ErrNoRoom) && !j.Opts.explicit(LayerDisclosure) {
			// Asked for by default only: an icon-sized image keeps its other
			// layers and says why it has no badge.
			if f.Index == 0 {
				j.Result.Warnings = append(j.Result.Warnings, "disclosure badge skipped: "+err.Error())
			}
			return nil
		}
		return fmt.Errorf("%w: disclosure badge on %s frame %d: %w", ErrLayerUnavailable, j.In.Format, f.Index, err)
	}
	j.Result.addLayer(LayerDisclosure)
	return nil
}
