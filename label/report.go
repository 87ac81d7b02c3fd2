package label

import (
	"math"

	"github.com/belgi/belgi/formats"
)

// Result says what Apply did.
type Result struct {
	Format    formats.Format `json:"format"`
	Layers    []Layer        `json:"layers"` // layers written, in order
	ContentID string         `json:"content_id"`
	// WatermarkID is the payload embedded, when a watermark was written.
	WatermarkID string `json:"watermark_id,omitempty"`
	// WatermarkAlgorithm names the watermark algorithm and version, written
	// to XMP (belgi:WatermarkAlgorithm) beside WatermarkID.
	WatermarkAlgorithm string   `json:"watermark_algorithm,omitempty"`
	Warnings           []string `json:"warnings,omitempty"`
}

func (r *Result) addLayer(l Layer) {
	for _, x := range r.Layers {
		if x == l {
			return
		}
	}
	r.Layers = append(r.Layers, l)
}

// Report is what Verify found, layer by layer. Every key is present in its
// JSON form even when a layer is absent (false or null), so that consumers
// can rely on the shape.
type Report struct {
	File     string `json:"file"`
	Format   string `json:"format"`
	Labelled bool   `json:"labelled"` // some layer declares AI involvement

	Metadata   MetadataReport   `json:"metadata"`
	Watermark  WatermarkReport  `json:"watermark"`
	C2PA       C2PAReport       `json:"c2pa"`
	Disclosure DisclosureReport `json:"disclosure"`

	Errors   []string `json:"errors"`
	Warnings []string `json:"warnings"`
}

// MetadataReport describes the plain metadata layer.
type MetadataReport struct {
	Present           bool              `json:"present"`
	DigitalSourceType *string           `json:"digital_source_type"`
	AISystem          *string           `json:"ai_system"`
	AIVersion         *string           `json:"ai_version"`
	Disclosure        map[string]string `json:"disclosure"` // lang → text
	ContentID         *string           `json:"content_id"`
	TDM               *string           `json:"tdm"` // "reserve", "allow" or null
	// Sources lists where AI markers were found, e.g. "xmp:DigitalSourceType",
	// "exif:Software", "png:parameters", "tc260:AIGC", "id3:TXXX".
	Sources []string `json:"sources"`
}

// WatermarkReport describes the invisible watermark layer.
type WatermarkReport struct {
	Present   bool     `json:"present"`
	ID        *string  `json:"id"`
	Score     *float64 `json:"score"`
	Algorithm *string  `json:"algorithm"`
}

// C2PAReport describes the signed manifest.
type C2PAReport struct {
	Present           bool     `json:"present"`
	State             *string  `json:"state"` // trusted, valid, invalid
	Codes             []string `json:"codes"`
	Signer            *string  `json:"signer"`
	DigitalSourceType *string  `json:"digital_source_type"`
}

// DisclosureReport describes the visible/audible layer where it can be found
// by machine (a subtitle track, a text notice); a badge burnt into pixels is
// not searched for.
type DisclosureReport struct {
	Present bool              `json:"present"`
	Kind    *string           `json:"kind"` // "text-notice", "subtitle-track", …
	Text    map[string]string `json:"text"` // lang → text
}

func strp(s string) *string { return &s }

func (r *Report) addSource(s string) {
	for _, x := range r.Metadata.Sources {
		if x == s {
			return
		}
	}
	r.Metadata.Sources = append(r.Metadata.Sources, s)
}

// finish fills derived fields and empty slices so the JSON shape is stable.
func (r *Report) finish() {
	// A score that is not a number cannot be written as JSON; it means
	// "nothing measurable", which null says.
	if r.Watermark.Score != nil && (math.IsNaN(*r.Watermark.Score) || math.IsInf(*r.Watermark.Score, 0)) {
		r.Watermark.Score = nil
	}
	if r.Metadata.Sources == nil {
		r.Metadata.Sources = []string{}
	}
	if r.Metadata.Disclosure == nil {
		r.Metadata.Disclosure = map[string]string{}
	}
	if r.C2PA.Codes == nil {
		r.C2PA.Codes = []string{}
	}
	if r.Disclosure.Text == nil {
		r.Disclosure.Text = map[string]string{}
	}
	if r.Errors == nil {
		r.Errors = []string{}
	}
	if r.Warnings == nil {
		r.Warnings = []string{}
	}
	ai := r.Metadata.DigitalSourceType != nil && IsAISourceType(*r.Metadata.DigitalSourceType)
	ai = ai || (r.C2PA.DigitalSourceType != nil && IsAISourceType(*r.C2PA.DigitalSourceType))
	ai = ai || r.Watermark.Present || r.Disclosure.Present
	// Generator fingerprints (PNG parameters, TC260…) count as AI markers too.
	ai = ai || (r.Metadata.Present && len(r.Metadata.Sources) > 0 && r.Metadata.DigitalSourceType == nil)
	r.Labelled = ai
}
