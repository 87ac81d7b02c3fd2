package label

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"image/color"

	"golang.org/x/image/font/opentype"

	"github.com/belgi/belgi/formats/c2pa"
)

// WatermarkOptions configure the invisible watermark (image, audio, text).
type WatermarkOptions struct {
	// Key selects the whitening sequence; empty means belgi's documented
	// public key, so that anyone can detect the mark.
	Key []byte
	// Strength scales the embedding; 0 means the algorithm's default.
	Strength float64
}

// DisclosureOptions configure the visible or audible disclosure. The zero
// value follows the Label's profile: badge bottom-right (eu: top-right),
// smallest legible size, no AI mark, embedded Noto Sans.
type DisclosureOptions struct {
	// Corner of the image badge: "bottom-right", "bottom-left",
	// "top-right" or "top-left"; empty means the profile's corner.
	Corner string
	// Margin between badge and image edges as a fraction of the shorter
	// side; 0 means 2 %.
	Margin float64
	// AIMark adds a bold "AI" in a rounded box before the text.
	AIMark bool
	// CapHeight as a fraction of the shorter side; never below 3 % (and
	// 10 px). 0 means the minimum.
	CapHeight float64
	// MaxCoverage is the largest share of the image the badge may cover;
	// 0 means 10 %.
	MaxCoverage float64
	// Font and BoldFont replace the embedded Noto Sans; they must have a
	// glyph for every letter of the wording.
	Font, BoldFont *opentype.Font
	// Text and Backdrop colours; zero means white on 80 % black. Their
	// worst-case contrast must reach 4.5:1.
	Text, Backdrop color.NRGBA
}

// C2PAOptions configure the signed C2PA manifest. Setting a key and
// certificate chain turns the c2pa layer on.
type C2PAOptions struct {
	// CertChain is the signer's certificate chain, leaf first. C2PA
	// validators want the leaf to carry EKU emailProtection (or
	// documentSigning where allowed), key usage digitalSignature, CA:FALSE
	// and an authority key identifier; `belgi keys dev` makes such a pair
	// for testing.
	CertChain []*x509.Certificate
	// Key is the leaf's private key: ECDSA P-256/P-384 (ES256/ES384),
	// Ed25519 or RSA (PS256).
	Key crypto.Signer
	// TSAURL, when set, asks this RFC 3161 time-stamping authority for a
	// timestamp over the signature (sigTst2), so the manifest stays valid
	// after the certificate expires. Empty (the default) means no network.
	TSAURL string
	// KeepProvenance keeps a manifest by another issuer as the parent
	// ingredient; without it an existing manifest is replaced.
	KeepProvenance bool
}

func (c *C2PAOptions) configured() bool { return c.Key != nil && len(c.CertChain) > 0 }

// LoadPEM sets CertChain and Key from PEM: certPEM holds the chain (leaf
// first), keyPEM a PKCS#8, SEC1 or PKCS#1 private key.
func (c *C2PAOptions) LoadPEM(certPEM, keyPEM []byte) error {
	s, err := c2pa.ParseSigner(certPEM, keyPEM)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidOptions, err)
	}
	c.CertChain, c.Key = s.Chain, s.Key
	return nil
}

func (c *C2PAOptions) signer() (*c2pa.Signer, error) {
	if !c.configured() {
		return nil, errors.New("no signing key and certificate (C2PAOptions.Key, CertChain)")
	}
	s := &c2pa.Signer{Chain: c.CertChain, Key: c.Key}
	if err := s.Check(); err != nil {
		return nil, err
	}
	if c.TSAURL != "" {
		s.Timestamper = &c2pa.HTTPTimestamper{URL: c.TSAURL}
	}
	return s, nil
}
