// Package label is belgi's public API: what a label declares (Label), how
// it is applied to content (Apply) and how it is found again (Verify).
//
// It decides policy — which layers a format gets, in which order, with which
// wording — and delegates bytes to the formats packages and signals to the
// watermark packages. It is the only package that imports both.
//
// The order of work is fixed because each step covers the previous one:
// disclosure (pixels/samples/text) → watermark → encode → XMP/EXIF → C2PA.
package label

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/belgi/belgi/label/disclosure"
)

// Kind is the IPTC digital source type of the content, by belgi's short
// name or as a full IPTC URI.
type Kind string

// The source kinds belgi names. Any IPTC digital-source-type URI is also a
// valid Kind.
const (
	Generated Kind = "generated" // IPTC trainedAlgorithmicMedia
	Edited    Kind = "edited"    // IPTC compositeWithTrainedAlgorithmicMedia
	Composite Kind = "composite" // IPTC compositeSynthetic
)

// IPTCBase is the prefix of every IPTC digital source type URI.
const IPTCBase = "http://cv.iptc.org/newscodes/digitalsourcetype/"

// URI returns the full IPTC digital source type URI for k.
func (k Kind) URI() string {
	switch k {
	case "", Generated:
		return IPTCBase + "trainedAlgorithmicMedia"
	case Edited:
		return IPTCBase + "compositeWithTrainedAlgorithmicMedia"
	case Composite:
		return IPTCBase + "compositeSynthetic"
	}
	return NormalizeSourceType(string(k))
}

// Disclosure returns which wording fits k: content made by AI, or changed by it.
func (k Kind) Disclosure() disclosure.Kind {
	switch k.URI() {
	case IPTCBase + "trainedAlgorithmicMedia", IPTCBase + "algorithmicMedia",
		"http://c2pa.org/digitalsourcetype/trainedAlgorithmicData":
		return disclosure.Generated
	}
	return disclosure.Edited
}

// NormalizeSourceType turns a digital source type as found in the wild into
// the canonical IPTC URI: https becomes http (some generators write https),
// and a bare term such as "trainedAlgorithmicMedia" gets the IPTC prefix.
func NormalizeSourceType(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "https://"); ok {
		s = "http://" + rest
	}
	if !strings.Contains(s, "/") && s != "" {
		s = IPTCBase + s
	}
	return s
}

// IsAISourceType reports whether uri (normalised) declares AI involvement:
// generative AI, composites with AI or synthetic elements, or pure
// algorithmic media (which search engines also show as AI-generated).
func IsAISourceType(uri string) bool {
	switch NormalizeSourceType(uri) {
	case IPTCBase + "trainedAlgorithmicMedia",
		IPTCBase + "compositeWithTrainedAlgorithmicMedia",
		IPTCBase + "compositeSynthetic",
		IPTCBase + "algorithmicMedia",
		"http://c2pa.org/digitalsourcetype/trainedAlgorithmicData":
		return true
	}
	return false
}

// Profile selects regional conventions.
type Profile string

const (
	// ProfileKZ is the default: Kazakh first, then Russian, same letter size.
	ProfileKZ Profile = "kz"
	// ProfileEU adds English and puts the image badge top-right.
	ProfileEU Profile = "eu"
	// ProfileCN adds the TC260 AIGC implicit label (GB 45438).
	ProfileCN Profile = "cn"
)

// TDM is the rightsholder's text-and-data-mining (training) reservation.
type TDM int

const (
	TDMUnset   TDM = iota // say nothing
	TDMReserve            // training prohibited (Art. 23 opt-out)
	TDMAllow              // training explicitly allowed
)

// ParseTDM parses "reserve", "allow" or "" (unset).
func ParseTDM(s string) (TDM, error) {
	switch strings.ToLower(s) {
	case "", "unset":
		return TDMUnset, nil
	case "reserve", "reserved", "deny", "no":
		return TDMReserve, nil
	case "allow", "allowed", "yes":
		return TDMAllow, nil
	}
	return TDMUnset, fmt.Errorf("%w: tdm %q (want reserve or allow)", ErrInvalidLabel, s)
}

// String returns "reserve", "allow" or "".
func (t TDM) String() string {
	switch t {
	case TDMReserve:
		return "reserve"
	case TDMAllow:
		return "allow"
	}
	return ""
}

// Label declares what the content is. The zero value (after Normalize) is a
// valid label for fully generated content, disclosed in Kazakh and Russian.
type Label struct {
	Source    Kind      // generated, edited, composite or an IPTC URI
	AISystem  string    // e.g. "Stable Diffusion XL"
	AIVersion string    // e.g. "1.0"
	Prompt    string    // written only when WritePrompt is set (privacy)
	Producer  string    // organisation that produced the content
	ContentID string    // 16 hex digits; random when empty
	Created   time.Time // creation time; now when zero
	// Languages of the disclosure, in display order. Empty means the
	// profile's default: kk, ru (kz, cn) or kk, ru, en (eu).
	Languages []string
	Profile   Profile
	TDM       TDM
	TDMPolicy string // optional URL of a licensing policy (tdm:policy)
	// Wording overrides the default disclosure text per language.
	Wording disclosure.Wording
	// ShortWording overrides the short form (small images) per language.
	ShortWording disclosure.Wording
	// WritePrompt allows writing Prompt into metadata.
	WritePrompt bool
	// CN profile: TC260 fields. ContentProducer defaults to Producer.
	ContentPropagator string
	PropagateID       string
}

// ErrInvalidLabel reports a Label that cannot be written.
var ErrInvalidLabel = errors.New("invalid label")

// Normalize fills defaults (content ID, time, languages, profile) and
// checks the fields. Apply calls it; callers may call it to see the result.
func (l *Label) Normalize() error {
	if l.Profile == "" {
		l.Profile = ProfileKZ
	}
	switch l.Profile {
	case ProfileKZ, ProfileEU, ProfileCN:
	default:
		return fmt.Errorf("%w: profile %q (want kz, eu or cn)", ErrInvalidLabel, l.Profile)
	}
	if l.Source == "" {
		l.Source = Generated
	}
	if u := l.Source.URI(); !strings.HasPrefix(u, "http://") || strings.ContainsAny(u, " \t\r\n\"<>") {
		return fmt.Errorf("%w: source %q is neither generated, edited, composite nor a URI", ErrInvalidLabel, l.Source)
	}
	if l.ContentID == "" {
		l.ContentID = NewContentID()
	}
	id, err := ParseContentID(l.ContentID)
	if err != nil {
		return err
	}
	l.ContentID = FormatContentID(id)
	if l.Created.IsZero() {
		l.Created = time.Now().UTC().Truncate(time.Second)
	}
	if len(l.Languages) == 0 {
		l.Languages = []string{"kk", "ru"}
		if l.Profile == ProfileEU {
			l.Languages = append(l.Languages, "en")
		}
	}
	for i, lang := range l.Languages {
		l.Languages[i] = strings.ToLower(strings.TrimSpace(lang))
		if l.Languages[i] == "" {
			return fmt.Errorf("%w: empty language", ErrInvalidLabel)
		}
	}
	l.AISystem = norm.NFC.String(l.AISystem)
	l.AIVersion = norm.NFC.String(l.AIVersion)
	l.Producer = norm.NFC.String(l.Producer)
	l.Prompt = norm.NFC.String(l.Prompt)
	return nil
}

// Disclosure returns the long disclosure lines in display order.
func (l *Label) Disclosure() []disclosure.Line {
	return disclosure.Default.Lines(l.Source.Disclosure(), disclosure.Long, l.Languages, l.Wording)
}

// ShortDisclosure returns the short form for small canvases.
func (l *Label) ShortDisclosure() []disclosure.Line {
	return disclosure.Default.Lines(l.Source.Disclosure(), disclosure.Short, l.Languages, l.ShortWording)
}

// NewContentID returns a random content ID (16 hex digits).
func NewContentID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("label: crypto/rand failed: " + err.Error()) // cannot happen on supported systems
	}
	return hex.EncodeToString(b[:])
}

// ParseContentID parses 16 hex digits into the 64-bit payload a watermark carries.
func ParseContentID(s string) (uint64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != 16 {
		return 0, fmt.Errorf("%w: content ID %q must be 16 hex digits", ErrInvalidLabel, s)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return 0, fmt.Errorf("%w: content ID %q must be 16 hex digits", ErrInvalidLabel, s)
	}
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v, nil
}

// FormatContentID formats a 64-bit payload as 16 lower-case hex digits.
func FormatContentID(v uint64) string { return fmt.Sprintf("%016x", v) }
