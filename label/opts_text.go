package label

// TextPlacement says where the visible notice goes in a text document.
type TextPlacement string

const (
	// TextStart puts the notice first: the first lines of plain text, a
	// blockquote after Markdown front matter, the first element of an
	// HTML body, the first member of a JSON object. The default.
	TextStart TextPlacement = "start"
	// TextEnd puts it last.
	TextEnd TextPlacement = "end"
)

// TextOptions configure labelling of plain text, Markdown, HTML and JSON.
// The invisible carrier is switched off by leaving LayerWatermark out of
// Options.Layers (for screen-reader-heavy or strictly sanitised uses).
type TextOptions struct {
	// Placement of the visible notice; empty means TextStart.
	Placement TextPlacement
	// CarrierMinGap and CarrierMaxGap bound the prose runes between two
	// copies of the invisible content ID (0: 70 and 120, which keep a whole
	// copy in any excerpt of 200 characters or more).
	CarrierMinGap, CarrierMaxGap int
	// KeepMarkdownBare: Markdown without front matter gets none; the
	// metadata layer is then skipped with a warning (for renderers that
	// show front matter as text). Existing front matter is always merged.
	KeepMarkdownBare bool
	// JSONMinString is the shortest JSON string value (in bytes) that may
	// carry the ID; shorter values are identifiers and enums (0: 64).
	JSONMinString int
}
