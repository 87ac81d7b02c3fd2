package c2pa

import (
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"strings"

	"github.com/fxamacker/cbor/v2"
)

// encMode writes deterministic CBOR (RFC 8949 core deterministic encoding:
// shortest forms, map keys sorted), so the same manifest encodes to the
// same bytes.
var encMode = func() cbor.EncMode {
	m, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return m
}()

// decMode reads untrusted CBOR with bounds on nesting and sizes.
var decMode = func() cbor.DecMode {
	m, err := cbor.DecOptions{
		MaxNestedLevels:  32,
		MaxArrayElements: 1 << 16,
		MaxMapPairs:      1 << 16,
		IndefLength:      cbor.IndefLengthAllowed,
		DupMapKey:        cbor.DupMapKeyQuiet,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}()

// HashedURI points at a JUMBF box and carries the hash of its payload.
type HashedURI struct {
	URL  string `cbor:"url"`
	Alg  string `cbor:"alg,omitempty"`
	Hash []byte `cbor:"hash"`
}

// GeneratorInfo names software (claim generator or action agent).
type GeneratorInfo struct {
	Name    string `cbor:"name" json:"name"`
	Version string `cbor:"version,omitempty" json:"version,omitempty"`
}

// Claim is a C2PA claim. Version 2 fields are written; the version 1 fields
// are read so that older manifests validate.
type Claim struct {
	InstanceID         string      `cbor:"instanceID"`
	ClaimGeneratorInfo any         `cbor:"claim_generator_info,omitempty"` // v2: map; v1: array of maps
	Signature          string      `cbor:"signature"`
	CreatedAssertions  []HashedURI `cbor:"created_assertions,omitempty"`
	GatheredAssertions []HashedURI `cbor:"gathered_assertions,omitempty"`
	Title              string      `cbor:"dc:title,omitempty"`
	RedactedAssertions []string    `cbor:"redacted_assertions,omitempty"`
	Alg                string      `cbor:"alg,omitempty"`
	AlgSoft            string      `cbor:"alg_soft,omitempty"`
	ClaimGenerator     string      `cbor:"claim_generator,omitempty"` // v1
	Format             string      `cbor:"dc:format,omitempty"`       // v1
	Assertions         []HashedURI `cbor:"assertions,omitempty"`      // v1
	generatorName      string
	generatorVersion   string
}

// ParseClaim decodes a claim box's CBOR.
func ParseClaim(data []byte) (*Claim, error) {
	var c Claim
	if err := decMode.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%w: claim: %v", ErrCorrupt, err)
	}
	if c.Signature == "" {
		return nil, fmt.Errorf("%w: claim: no signature reference", ErrCorrupt)
	}
	for _, list := range [][]HashedURI{c.CreatedAssertions, c.GatheredAssertions, c.Assertions} {
		for _, h := range list {
			if h.URL == "" || len(h.Hash) == 0 {
				return nil, fmt.Errorf("%w: claim: assertion reference without url or hash", ErrCorrupt)
			}
		}
	}
	c.generatorName, c.generatorVersion = generatorOf(c.ClaimGeneratorInfo)
	if c.generatorName == "" && c.ClaimGenerator != "" {
		c.generatorName = c.ClaimGenerator
	}
	return &c, nil
}

// Generator returns the claim generator's name and version.
func (c *Claim) Generator() (name, version string) {
	return c.generatorName, c.generatorVersion
}

func generatorOf(v any) (string, string) {
	switch t := v.(type) {
	case []any:
		if len(t) > 0 {
			return generatorOf(t[0])
		}
	case map[any]any:
		n, _ := t["name"].(string)
		ver, _ := t["version"].(string)
		return n, ver
	}
	return "", ""
}

// AllAssertions lists every assertion the claim references, in order.
func (c *Claim) AllAssertions() []HashedURI {
	out := append([]HashedURI(nil), c.CreatedAssertions...)
	out = append(out, c.GatheredAssertions...)
	return append(out, c.Assertions...)
}

// IsV2 reports whether c is a version 2 claim.
func (c *Claim) IsV2() bool { return c.Assertions == nil && c.CreatedAssertions != nil }

// newHash returns the hash function named by a C2PA alg string.
func newHash(alg string) (hash.Hash, error) {
	switch strings.ToLower(alg) {
	case "", "sha256":
		return sha256.New(), nil
	case "sha384":
		return sha512.New384(), nil
	case "sha512":
		return sha512.New(), nil
	}
	return nil, fmt.Errorf("%w: hash algorithm %q", ErrUnsupported, alg)
}

func hashBytes(alg string, b []byte) ([]byte, error) {
	h, err := newHash(alg)
	if err != nil {
		return nil, err
	}
	h.Write(b)
	return h.Sum(nil), nil
}
