package label

import (
	"fmt"
	"strings"
)

// Layer names one of the three layers (the metadata layer has two parts:
// plain metadata and the signed C2PA manifest).
type Layer string

const (
	LayerMetadata   Layer = "metadata"   // XMP, EXIF, ID3, Vorbis, QuickTime, front matter…
	LayerWatermark  Layer = "watermark"  // invisible payload in pixels, samples or text
	LayerDisclosure Layer = "disclosure" // what a person sees or hears
	LayerC2PA       Layer = "c2pa"       // signed C2PA manifest, written last
)

// AllLayers lists the layers in the order they are applied.
var AllLayers = []Layer{LayerDisclosure, LayerWatermark, LayerMetadata, LayerC2PA}

// ParseLayers parses a comma-separated list such as "metadata,watermark".
// "all" or "" means nil (all that apply).
func ParseLayers(s string) ([]Layer, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "all" {
		return nil, nil
	}
	var out []Layer
	for _, f := range strings.Split(s, ",") {
		l := Layer(strings.ToLower(strings.TrimSpace(f)))
		switch l {
		case LayerMetadata, LayerWatermark, LayerDisclosure, LayerC2PA:
			out = append(out, l)
		default:
			return nil, fmt.Errorf("%w: layer %q (want metadata, watermark, disclosure, c2pa)", ErrInvalidOptions, f)
		}
	}
	return out, nil
}

// Options choose how a label is applied. The zero value applies every layer
// that the format supports (C2PA only when a signer is configured).
type Options struct {
	// Layers to apply; nil means all that apply to the format.
	Layers []Layer
	// Name is the file name, used only as a hint to tell text formats apart.
	Name string
	// NoSync makes ApplyFile skip the fsync before its rename. Outputs stay
	// all-or-nothing if the process dies, but a power cut may lose recent
	// ones until the caller syncs the file system (label/batch syncs once
	// at the end of a run, which is what makes archives fast).
	NoSync bool
	// BurnIn re-encodes video (with ffmpeg) to draw the badge and embed the watermark in every frame.
	BurnIn bool

	Watermark   WatermarkOptions
	Disclosure  DisclosureOptions
	AudioNotice AudioNoticeOptions
	C2PA        C2PAOptions
	Text        TextOptions
}

func (o *Options) explicit(l Layer) bool {
	for _, x := range o.Layers {
		if x == l {
			return true
		}
	}
	return false
}

// wants reports whether layer l is asked for, explicitly or by default.
func (o *Options) wants(l Layer) bool {
	if o.Layers == nil {
		if l == LayerC2PA {
			return o.C2PA.configured()
		}
		return true
	}
	return o.explicit(l)
}
