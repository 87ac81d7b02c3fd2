package c2pa

import (
	"fmt"
	"strings"
)

// Assertion labels belgi writes or reads.
const (
	LabelActions        = "c2pa.actions.v2"
	LabelActionsV1      = "c2pa.actions"
	LabelDataHash       = "c2pa.hash.data"
	LabelBMFFHashV2     = "c2pa.hash.bmff.v2"
	LabelBMFFHashV3     = "c2pa.hash.bmff.v3"
	LabelBMFFHashV1     = "c2pa.hash.bmff"
	LabelSoftBinding    = "c2pa.soft-binding"
	LabelTrainingMining = "cawg.training-mining"
	LabelIngredient     = "c2pa.ingredient.v3"
)

// Action is one entry of c2pa.actions.v2.
type Action struct {
	Action            string         `cbor:"action"`
	When              string         `cbor:"when,omitempty"`
	SoftwareAgent     *GeneratorInfo `cbor:"softwareAgent,omitempty"`
	DigitalSourceType string         `cbor:"digitalSourceType,omitempty"`
	Description       string         `cbor:"description,omitempty"`
	Parameters        map[string]any `cbor:"parameters,omitempty"`
}

// Actions is the c2pa.actions.v2 assertion.
type Actions struct {
	Actions []Action `cbor:"actions"`
}

// actionRead is lenient: v1 softwareAgent is a string.
type actionRead struct {
	Action            string `cbor:"action"`
	DigitalSourceType string `cbor:"digitalSourceType"`
	SoftwareAgent     any    `cbor:"softwareAgent"`
}

type actionsRead struct {
	Actions []actionRead `cbor:"actions"`
}

// Exclusion is a byte range left out of a data hash.
type Exclusion struct {
	Start  uint64 `cbor:"start"`
	Length uint64 `cbor:"length"`
}

// DataHash is the c2pa.hash.data assertion: SHA-256 of the file without
// the exclusions (the manifest store's container).
type DataHash struct {
	Exclusions []Exclusion `cbor:"exclusions,omitempty"`
	Name       string      `cbor:"name,omitempty"`
	Alg        string      `cbor:"alg,omitempty"`
	Hash       []byte      `cbor:"hash"`
	Pad        []byte      `cbor:"pad"`
}

// BMFFExclusion selects top-level boxes left out of a BMFF hash.
type BMFFExclusion struct {
	XPath   string       `cbor:"xpath"`
	Length  *uint64      `cbor:"length,omitempty"`
	Data    []BMFFData   `cbor:"data,omitempty"`
	Subset  []BMFFSubset `cbor:"subset,omitempty"`
	Version *uint64      `cbor:"version,omitempty"`
	Flags   []byte       `cbor:"flags,omitempty"`
	Exact   *bool        `cbor:"exact,omitempty"`
}

// BMFFData matches bytes at an offset inside a box.
type BMFFData struct {
	Offset uint64 `cbor:"offset"`
	Value  []byte `cbor:"value"`
}

// BMFFSubset narrows an exclusion to part of a box.
type BMFFSubset struct {
	Offset uint64 `cbor:"offset"`
	Length uint64 `cbor:"length"`
}

// BMFFHash is the c2pa.hash.bmff.v2/v3 assertion.
type BMFFHash struct {
	Exclusions []BMFFExclusion `cbor:"exclusions"`
	Alg        string          `cbor:"alg,omitempty"`
	Hash       []byte          `cbor:"hash"`
	Name       string          `cbor:"name,omitempty"`
	Merkle     any             `cbor:"merkle,omitempty"`
}

// SoftBinding is the c2pa.soft-binding assertion: a watermark or
// fingerprint that ties a stripped copy back to its manifest.
type SoftBinding struct {
	Alg    string             `cbor:"alg"`
	Blocks []SoftBindingBlock `cbor:"blocks"`
	Pad    []byte             `cbor:"pad"`
	Name   string             `cbor:"name,omitempty"`
}

// SoftBindingBlock is one value of a soft binding and where it applies.
type SoftBindingBlock struct {
	Scope map[string]any `cbor:"scope"`
	Value string         `cbor:"value"`
}

// TrainingMining is the CAWG training-and-data-mining assertion.
type TrainingMining struct {
	Entries map[string]TrainingEntry `cbor:"entries"`
}

// TrainingEntry says whether one kind of use is allowed.
type TrainingEntry struct {
	Use string `cbor:"use"` // allowed, notAllowed, constrained
}

// ReservedTraining returns the assertion that refuses every AI/TDM use.
func ReservedTraining() TrainingMining {
	e := TrainingEntry{Use: "notAllowed"}
	return TrainingMining{Entries: map[string]TrainingEntry{
		"cawg.ai_generative_training": e,
		"cawg.ai_inference":           e,
		"cawg.ai_training":            e,
		"cawg.data_mining":            e,
	}}
}

// Ingredient is the c2pa.ingredient.v3 assertion.
type Ingredient struct {
	Title             string         `cbor:"dc:title,omitempty"`
	Format            string         `cbor:"dc:format,omitempty"`
	Relationship      string         `cbor:"relationship"`
	InstanceID        string         `cbor:"instanceID,omitempty"`
	ActiveManifest    *HashedURI     `cbor:"activeManifest,omitempty"`
	ClaimSignature    *HashedURI     `cbor:"claimSignature,omitempty"`
	ValidationResults map[string]any `cbor:"validationResults,omitempty"`
}

// isHardBinding reports whether label names a hard-binding assertion.
func isHardBinding(label string) bool {
	base := baseLabel(label)
	return base == LabelDataHash || strings.HasPrefix(base, LabelBMFFHashV1) || base == "c2pa.hash.boxes" || base == "c2pa.hash.collection.data"
}

// baseLabel strips the "__N" instance suffix of repeated assertions.
func baseLabel(label string) string {
	if i := strings.LastIndex(label, "__"); i > 0 {
		return label[:i]
	}
	return label
}

func decodeAssertion(box *Box, v any) error {
	c := box.Content()
	if c == nil || c.Type != "cbor" {
		return fmt.Errorf("%w: assertion %q: no CBOR content", ErrCorrupt, box.Label())
	}
	if err := decMode.Unmarshal(c.Payload, v); err != nil {
		return fmt.Errorf("%w: assertion %q: %v", ErrCorrupt, box.Label(), err)
	}
	return nil
}
