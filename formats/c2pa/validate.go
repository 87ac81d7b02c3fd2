package c2pa

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Validation states, as c2pa-rs names them.
const (
	StateTrusted = "Trusted" // valid and the signer chains to a trust anchor
	StateValid   = "Valid"   // everything checks except trust
	StateInvalid = "Invalid" // a hash, signature or credential check failed
)

// C2PA status codes belgi reports (C2PA 2.x section 15, "Validation").
const (
	CodeClaimSignatureValidated = "claimSignature.validated"
	CodeClaimSignatureMismatch  = "claimSignature.mismatch"
	CodeClaimSignatureMissing   = "claimSignature.missing"
	CodeInsideValidity          = "claimSignature.insideValidity"
	CodeCredentialTrusted       = "signingCredential.trusted"
	CodeCredentialUntrusted     = "signingCredential.untrusted"
	CodeCredentialInvalid       = "signingCredential.invalid"
	CodeCredentialExpired       = "signingCredential.expired"
	CodeHashedURIMatch          = "assertion.hashedURI.match"
	CodeHashedURIMismatch       = "assertion.hashedURI.mismatch"
	CodeAssertionMissing        = "assertion.missing"
	CodeDataHashMatch           = "assertion.dataHash.match"
	CodeDataHashMismatch        = "assertion.dataHash.mismatch"
	CodeBMFFHashMatch           = "assertion.bmffHash.match"
	CodeBMFFHashMismatch        = "assertion.bmffHash.mismatch"
	CodeHardBindingsMissing     = "claim.hardBindings.missing"
	CodeClaimMissing            = "claim.missing"
	CodeClaimMalformed          = "claim.malformed"
	CodeActionMalformed         = "assertion.action.malformed"
	CodeTextCorruptedWrapper    = "manifest.text.corruptedWrapper"
	CodeTextMultipleWrappers    = "manifest.text.multipleWrappers"
)

// Status is one validation result.
type Status struct {
	Code        string `json:"code"`
	URL         string `json:"url,omitempty"`
	Explanation string `json:"explanation,omitempty"`
}

// ValidateOptions configure Validate.
type ValidateOptions struct {
	// TrustAnchors are the root certificates a trusted signer chains to.
	TrustAnchors []*x509.Certificate
	// ExtraEKUs are further extended key usages accepted for signers
	// (c2pa-rs trust_config), e.g. documentSigning 1.3.6.1.5.5.7.3.36.
	ExtraEKUs []asn1.ObjectIdentifier
	// Now is the validation time when the signature has no timestamp;
	// zero means time.Now().
	Now time.Time
}

// Validation is the outcome of validating the active manifest.
type Validation struct {
	State     string   `json:"state"`
	Failures  []Status `json:"failures"`
	Successes []Status `json:"successes"`

	ActiveManifest     string              `json:"active_manifest"`
	Manifests          int                 `json:"manifests"`
	ClaimVersion       int                 `json:"claim_version"`
	Generator          string              `json:"claim_generator"`
	GeneratorVersion   string              `json:"claim_generator_version"`
	Signer             string              `json:"signer"` // subject O (else CN) of the signing certificate
	SignerCert         *x509.Certificate   `json:"-"`
	Timestamp          *time.Time          `json:"timestamp,omitempty"`
	Actions            []string            `json:"actions"`
	DigitalSourceTypes []string            `json:"digital_source_types"`
	Assertions         []string            `json:"assertions"`
	SoftBindings       []SoftBindingsFound `json:"soft_bindings,omitempty"`
}

// SoftBindingsFound is a soft binding declared in the manifest.
type SoftBindingsFound struct {
	Alg    string   `json:"alg"`
	Values []string `json:"values"`
}

// FailureCodes lists the failure codes without repeats, in order.
func (v *Validation) FailureCodes() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range v.Failures {
		if !seen[s.Code] {
			seen[s.Code] = true
			out = append(out, s.Code)
		}
	}
	return out
}

func (v *Validation) fail(code, url, why string) {
	v.Failures = append(v.Failures, Status{code, url, why})
}

func (v *Validation) ok(code, url string) {
	v.Successes = append(v.Successes, Status{Code: code, URL: url})
}

// FindStore returns the JUMBF manifest store embedded in r, or
// ErrNoManifest.
func FindStore(r io.ReaderAt, size int64, c Container) ([]byte, error) {
	l, err := scan(c, r, size)
	if err != nil {
		return nil, err
	}
	if l.store == nil {
		return nil, ErrNoManifest
	}
	return l.store, nil
}

// Validate checks the active manifest embedded in r (size bytes) in
// container c: the claim signature and its certificate, every assertion
// hash, and the hard binding over the content. It returns ErrNoManifest
// when there is no manifest store; a store that is present but broken
// yields a Validation in StateInvalid.
func Validate(r io.ReaderAt, size int64, c Container, o ValidateOptions) (*Validation, error) {
	v := &Validation{State: StateInvalid}
	var storeBytes []byte
	var storeAt span
	if c == Text {
		if size > maxText {
			return nil, fmt.Errorf("%w: text of %d bytes", ErrUnsupported, size)
		}
		text, err := readAt(r, 0, int(size))
		if err != nil {
			return nil, err
		}
		st, ws, we, err := FindTextWrapper(text)
		if err != nil {
			if errors.Is(err, ErrNoManifest) {
				return nil, err
			}
			code := CodeTextCorruptedWrapper
			if strings.Contains(err.Error(), "multiple") {
				code = CodeTextMultipleWrappers
			}
			v.fail(code, "", err.Error())
			return v, nil
		}
		storeBytes, storeAt = st, span{int64(ws), int64(we - ws)}
	} else {
		l, err := scan(c, r, size)
		if err != nil {
			return nil, err
		}
		if l.store == nil {
			return nil, ErrNoManifest
		}
		storeBytes, storeAt = l.store, l.storeAt
	}
	store, _, err := ParseJUMBF(storeBytes)
	if err != nil || store.Desc == nil || store.Desc.Type != TypeStore {
		why := "manifest store is not a c2pa superbox"
		if err != nil {
			why = err.Error()
		}
		v.fail(CodeClaimMalformed, "", why)
		return v, nil
	}
	var manifests []*Box
	for _, ch := range store.Children {
		if ch.Desc != nil && (ch.Desc.Type == TypeManifest || ch.Desc.Type == TypeUpdate) {
			manifests = append(manifests, ch)
		}
	}
	v.Manifests = len(manifests)
	if len(manifests) == 0 {
		v.fail(CodeClaimMissing, "", "manifest store holds no manifest")
		return v, nil
	}
	m := manifests[len(manifests)-1]
	v.ActiveManifest = m.Label()
	validateManifest(v, store, m, r, size, c, storeAt, o)
	v.State = StateInvalid
	trusted := false
	bad := false
	for _, s := range v.Failures {
		if s.Code != CodeCredentialUntrusted {
			bad = true
		}
	}
	for _, s := range v.Successes {
		if s.Code == CodeCredentialTrusted {
			trusted = true
		}
	}
	switch {
	case bad:
	case trusted:
		v.State = StateTrusted
	default:
		v.State = StateValid
	}
	return v, nil
}

func validateManifest(v *Validation, store, m *Box, r io.ReaderAt, size int64, c Container, storeAt span, o ValidateOptions) {
	prefix := "self#jumbf=/c2pa/" + m.Label() + "/"
	claimBox := m.Child("c2pa.claim.v2")
	v.ClaimVersion = 2
	if claimBox == nil {
		claimBox = m.Child("c2pa.claim")
		v.ClaimVersion = 1
	}
	if claimBox == nil || claimBox.Content() == nil {
		v.fail(CodeClaimMissing, prefix, "no claim box")
		return
	}
	claimBytes := claimBox.Content().Payload
	claim, err := ParseClaim(claimBytes)
	if err != nil {
		v.fail(CodeClaimMalformed, prefix+claimBox.Label(), err.Error())
		return
	}
	v.Generator, v.GeneratorVersion = claim.Generator()

	// Signature and credential.
	sigURL := prefix + "c2pa.signature"
	sigBox := m.Child("c2pa.signature")
	if sigBox == nil || sigBox.Content() == nil {
		v.fail(CodeClaimSignatureMissing, sigURL, "no signature box")
	} else if info, err := parseCOSE(sigBox.Content().Payload, claimBytes); err != nil {
		v.fail(CodeClaimSignatureMismatch, sigURL, err.Error())
	} else {
		leaf := info.chain[0]
		v.SignerCert = leaf
		v.Signer = leaf.Subject.CommonName
		if len(leaf.Subject.Organization) > 0 {
			v.Signer = leaf.Subject.Organization[0]
		}
		at := o.Now
		if at.IsZero() {
			at = time.Now()
		}
		if info.tstTime != nil {
			at = info.tstTime.t
			t := at
			v.Timestamp = &t
		}
		if chainTrusted(info.chain, o.TrustAnchors, at) {
			v.ok(CodeCredentialTrusted, sigURL)
		} else {
			v.fail(CodeCredentialUntrusted, sigURL, "signing certificate untrusted")
		}
		if !info.sigOK {
			v.fail(CodeClaimSignatureMismatch, sigURL, "claim signature does not verify")
		} else {
			if at.Before(leaf.NotBefore) || at.After(leaf.NotAfter) {
				v.fail(CodeCredentialExpired, sigURL, "signing certificate not valid at signing time")
			} else {
				v.ok(CodeInsideValidity, sigURL)
			}
			v.ok(CodeClaimSignatureValidated, sigURL)
		}
		if err := checkProfile(leaf, o.ExtraEKUs); err != nil {
			v.fail(CodeCredentialInvalid, sigURL, "certificate params incorrect: "+err.Error())
		}
	}

	// Assertions referenced by the claim.
	var hard []*Box
	for _, h := range claim.AllAssertions() {
		box := resolveURI(store, m, h.URL)
		url := absURL(prefix, h.URL)
		if box == nil {
			v.fail(CodeAssertionMissing, url, "assertion not found")
			continue
		}
		alg := h.Alg
		if alg == "" {
			alg = claim.Alg
		}
		got, err := hashBytes(alg, box.payloadBytes())
		if err != nil || !bytes.Equal(got, h.Hash) {
			v.fail(CodeHashedURIMismatch, url, "hash of the assertion does not match the claim")
			continue
		}
		v.ok(CodeHashedURIMatch, url)
		label := box.Label()
		v.Assertions = append(v.Assertions, label)
		switch {
		case isHardBinding(label):
			hard = append(hard, box)
		case baseLabel(label) == LabelActions || baseLabel(label) == LabelActionsV1:
			var a actionsRead
			if err := decodeAssertion(box, &a); err != nil {
				v.fail(CodeActionMalformed, url, err.Error())
				continue
			}
			for _, act := range a.Actions {
				v.Actions = append(v.Actions, act.Action)
				if act.DigitalSourceType != "" && !contains(v.DigitalSourceTypes, act.DigitalSourceType) {
					v.DigitalSourceTypes = append(v.DigitalSourceTypes, act.DigitalSourceType)
				}
				if claim.IsV2() && baseLabel(label) == LabelActions && act.Action == "c2pa.created" && act.DigitalSourceType == "" {
					v.fail(CodeActionMalformed, url, "c2pa.created without digitalSourceType")
				}
			}
		case baseLabel(label) == LabelSoftBinding:
			var sb SoftBinding
			if decodeAssertion(box, &sb) == nil {
				f := SoftBindingsFound{Alg: sb.Alg}
				for _, b := range sb.Blocks {
					f.Values = append(f.Values, b.Value)
				}
				v.SoftBindings = append(v.SoftBindings, f)
			}
		}
	}
	if len(hard) == 0 && m.Desc.Type == TypeManifest {
		v.fail(CodeHardBindingsMissing, prefix, "no hard binding assertion")
	}
	for _, box := range hard {
		url := prefix + "c2pa.assertions/" + box.Label()
		checkHardBinding(v, box, url, r, size, c, storeAt)
	}
}

func checkHardBinding(v *Validation, box *Box, url string, r io.ReaderAt, size int64, c Container, storeAt span) {
	label := baseLabel(box.Label())
	switch {
	case label == LabelDataHash:
		var dh DataHash
		if err := decodeAssertion(box, &dh); err != nil {
			v.fail(CodeDataHashMismatch, url, err.Error())
			return
		}
		// The exclusions must leave out exactly the manifest's container,
		// or they could hide changes to the content.
		located := false
		for _, e := range dh.Exclusions {
			if int64(e.Start) == storeAt.off && int64(e.Length) == storeAt.n {
				located = true
			}
		}
		if !located {
			v.fail(CodeDataHashMismatch, url, "data hash exclusion does not match the manifest location in the asset")
			return
		}
		var got []byte
		var err error
		if c == Text {
			got, err = textHash(dh.Alg, r, size, dh.Exclusions)
		} else {
			got, err = dataHash(dh.Alg, r, size, dh.Exclusions)
		}
		if err != nil || !bytes.Equal(got, dh.Hash) {
			v.fail(CodeDataHashMismatch, url, "data hash does not match the content")
			return
		}
		v.ok(CodeDataHashMatch, url)
	case strings.HasPrefix(label, LabelBMFFHashV1):
		var bh BMFFHash
		if err := decodeAssertion(box, &bh); err != nil {
			v.fail(CodeBMFFHashMismatch, url, err.Error())
			return
		}
		if c != BMFF {
			v.fail(CodeBMFFHashMismatch, url, "BMFF hash on a non-BMFF asset")
			return
		}
		got, err := bmffHash(bh.Alg, r, size, bh.Exclusions, label != LabelBMFFHashV1)
		if err != nil || !bytes.Equal(got, bh.Hash) {
			v.fail(CodeBMFFHashMismatch, url, "BMFF hash does not match the content")
			return
		}
		v.ok(CodeBMFFHashMatch, url)
	default:
		v.fail(CodeHardBindingsMissing, url, "hard binding "+label+" is not supported")
	}
}

// textHash hashes text without the exclusions, NFC-normalised.
func textHash(alg string, r io.ReaderAt, size int64, ex []Exclusion) ([]byte, error) {
	text, err := readAt(r, 0, int(size))
	if err != nil {
		return nil, err
	}
	sort.Slice(ex, func(i, j int) bool { return ex[i].Start < ex[j].Start })
	var kept []byte
	pos := uint64(0)
	for _, e := range ex {
		if e.Start < pos || e.Start > uint64(size) || e.Length > uint64(size)-e.Start {
			return nil, fmt.Errorf("%w: text exclusion %d+%d", ErrCorrupt, e.Start, e.Length)
		}
		kept = append(kept, text[pos:e.Start]...)
		pos = e.Start + e.Length
	}
	kept = append(kept, text[pos:]...)
	return hashBytes(alg, norm.NFC.Bytes(kept))
}

// resolveURI finds the box a "self#jumbf=" URI names, relative to manifest
// m or absolute from the store.
func resolveURI(store, m *Box, url string) *Box {
	u, ok := strings.CutPrefix(url, "self#jumbf=")
	if !ok {
		return nil
	}
	node := m
	if rest, abs := strings.CutPrefix(u, "/"); abs {
		parts := strings.Split(rest, "/")
		if len(parts) == 0 || parts[0] != store.Label() {
			return nil
		}
		node = store
		u = strings.Join(parts[1:], "/")
	}
	if u == "" {
		return node
	}
	for _, p := range strings.Split(u, "/") {
		node = node.Child(p)
		if node == nil {
			return nil
		}
	}
	return node
}

func absURL(prefix, url string) string {
	u := strings.TrimPrefix(url, "self#jumbf=")
	if strings.HasPrefix(u, "/") {
		return "self#jumbf=" + u
	}
	return prefix + u
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
