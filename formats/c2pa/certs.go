package c2pa

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Certificate profile of a C2PA claim signer, as c2pa-rs checks it
// (sdk/src/crypto/cose/certificate_profile.rs): see checkProfile.

var (
	oidEKUEmailProtection = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 4}
	oidEKUTimeStamping    = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
	oidEKUOCSPSigning     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 9}
	oidEKUDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}
)

// ParseTrustConfig reads an EKU allow-list in c2pa-rs's trust_config form
// (valid_eku_oids.cfg): one dotted OID per line, "//" comment lines and
// blank lines ignored. The OIDs go in ValidateOptions.ExtraEKUs.
func ParseTrustConfig(b []byte) ([]asn1.ObjectIdentifier, error) {
	var out []asn1.ObjectIdentifier
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		oid, err := ParseOID(line)
		if err != nil {
			return nil, fmt.Errorf("trust config line %d: %w", i+1, err)
		}
		out = append(out, oid)
	}
	return out, nil
}

// ParseOID parses a dotted object identifier such as "1.3.6.1.5.5.7.3.36".
func ParseOID(s string) (asn1.ObjectIdentifier, error) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) < 2 {
		return nil, fmt.Errorf("OID %q: want at least two arcs", s)
	}
	oid := make(asn1.ObjectIdentifier, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 31)
		if err != nil {
			return nil, fmt.Errorf("OID %q: arc %q is not a number", s, p)
		}
		oid[i] = int(n)
	}
	if oid[0] > 2 {
		return nil, fmt.Errorf("OID %q: first arc above 2", s)
	}
	return oid, nil
}

// DocumentSigningEKUs are the EKUs c2pa-rs's own allow-list adds beyond
// emailProtection (valid_eku_oids.cfg): documentSigning, Microsoft C2PA and
// C2PA claim signing. Pass them as ValidateOptions.ExtraEKUs to accept
// such signers.
func DocumentSigningEKUs() []asn1.ObjectIdentifier {
	return []asn1.ObjectIdentifier{
		oidEKUDocumentSigning,
		{1, 3, 6, 1, 4, 1, 311, 76, 59, 1, 9},
		{1, 3, 6, 1, 4, 1, 62558, 2, 1},
	}
}

// ParseCertificatesPEM reads every CERTIFICATE block of a PEM bundle.
func ParseCertificatesPEM(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("c2pa: certificate %d: %w", len(out)+1, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("c2pa: no CERTIFICATE in PEM data")
	}
	return out, nil
}

// ParseSigner reads a signer from PEM: certPEM holds the chain (leaf
// first), keyPEM the private key as PKCS#8, SEC1 (EC) or PKCS#1 (RSA).
func ParseSigner(certPEM, keyPEM []byte) (*Signer, error) {
	chain, err := ParseCertificatesPEM(certPEM)
	if err != nil {
		return nil, err
	}
	var key crypto.Signer
	for {
		var b *pem.Block
		b, keyPEM = pem.Decode(keyPEM)
		if b == nil {
			break
		}
		var k any
		switch b.Type {
		case "PRIVATE KEY":
			k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("c2pa: private key: %w", err)
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("c2pa: private key of type %T cannot sign", k)
		}
		key = s
		break
	}
	if key == nil {
		return nil, errors.New("c2pa: no PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY in PEM data")
	}
	s := &Signer{Chain: chain, Key: key}
	if err := s.Check(); err != nil {
		return nil, err
	}
	return s, nil
}

func isSelfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil
}

// checkProfile reports why the end-entity certificate c may not sign a
// C2PA claim, or nil. extraEKUs are further allowed EKU OIDs (c2pa-rs
// trust_config).
func checkProfile(c *x509.Certificate, extraEKUs []asn1.ObjectIdentifier) error {
	if c.Version != 3 {
		return errors.New("certificate is not X.509 v3")
	}
	switch c.SignatureAlgorithm {
	case x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA,
		x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512,
		x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS,
		x509.PureEd25519:
	default:
		return fmt.Errorf("signature algorithm %v not allowed", c.SignatureAlgorithm)
	}
	switch k := publicKey(c).(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() && k.Curve != elliptic.P521() {
			return errors.New("EC curve not allowed")
		}
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return errors.New("RSA key shorter than 2048 bits")
		}
	}
	if c.IsCA && isSelfSigned(c) {
		return errors.New("self-signed CA certificate used to sign")
	}
	if len(c.UnhandledCriticalExtensions) > 0 {
		return fmt.Errorf("unhandled critical extension %v", c.UnhandledCriticalExtensions[0])
	}
	if len(c.AuthorityKeyId) == 0 && !isSelfSigned(c) {
		return errors.New("no authority key identifier")
	}
	if c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return errors.New("key usage lacks digitalSignature and nonRepudiation")
	}
	if !c.IsCA && c.KeyUsage&x509.KeyUsageCertSign != 0 {
		return errors.New("end-entity certificate with keyCertSign")
	}
	// Extended key usage: present, not anyExtendedKeyUsage, one of the
	// allowed purposes, and OCSP signing / time stamping not mixed with
	// others.
	var ekus []asn1.ObjectIdentifier
	for _, u := range c.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageAny:
			return errors.New("anyExtendedKeyUsage not allowed")
		case x509.ExtKeyUsageEmailProtection:
			ekus = append(ekus, oidEKUEmailProtection)
		case x509.ExtKeyUsageTimeStamping:
			ekus = append(ekus, oidEKUTimeStamping)
		case x509.ExtKeyUsageOCSPSigning:
			ekus = append(ekus, oidEKUOCSPSigning)
		default:
			ekus = append(ekus, nil) // other known purposes: allowed only beside a valid one
		}
	}
	ekus = append(ekus, c.UnknownExtKeyUsage...)
	if len(ekus) == 0 {
		return errors.New("no extended key usage")
	}
	allowed := false
	special := 0
	for _, u := range ekus {
		switch {
		case u == nil:
		case u.Equal(oidEKUEmailProtection):
			allowed = true
		case u.Equal(oidEKUTimeStamping), u.Equal(oidEKUOCSPSigning):
			allowed = true
			special++
		default:
			for _, x := range extraEKUs {
				if u.Equal(x) {
					allowed = true
				}
			}
		}
	}
	if !allowed {
		return errors.New("no allowed extended key usage")
	}
	if special > 0 && len(ekus) > special {
		return errors.New("OCSP signing or time stamping mixed with other key usages")
	}
	return nil
}

// timeInfo is the generation time found in an RFC 3161 token.
type timeInfo struct{ t time.Time }

// timestampTime extracts genTime from a sigTst/sigTst2 header value
// ({tstTokens: [{val: token}]}). The token's own signature is not checked:
// the time only decides which moment the certificate must be valid at.
func timestampTime(v any) *timeInfo {
	m, ok := v.(map[any]any)
	if !ok {
		return nil
	}
	toks, _ := m["tstTokens"].([]any)
	for _, t := range toks {
		tm, _ := t.(map[any]any)
		der, _ := tm["val"].([]byte)
		if gt, err := tstGenTime(der); err == nil {
			return &timeInfo{gt}
		}
	}
	return nil
}

func tstGenTime(der []byte) (time.Time, error) {
	// Some writers embed the whole TimeStampResp (status, token).
	var resp struct {
		Status asn1.RawValue
		Token  asn1.RawValue
	}
	if _, err := asn1.Unmarshal(der, &resp); err == nil && resp.Status.Tag == asn1.TagSequence && resp.Token.Tag == asn1.TagSequence {
		der = resp.Token.FullBytes
	}
	var ci struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue // [0] EXPLICIT SignedData
	}
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		return time.Time{}, err
	}
	if !ci.Type.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}) {
		return time.Time{}, errors.New("not a CMS SignedData")
	}
	var sd struct {
		Version int
		Digests asn1.RawValue
		Encap   struct {
			Type    asn1.ObjectIdentifier
			Content asn1.RawValue // [0] EXPLICIT OCTET STRING
		}
		Rest []asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return time.Time{}, err
	}
	var octets []byte
	if _, err := asn1.Unmarshal(sd.Encap.Content.Bytes, &octets); err != nil {
		return time.Time{}, err
	}
	var tst struct {
		Version int
		Policy  asn1.ObjectIdentifier
		Imprint asn1.RawValue
		Serial  asn1.RawValue
		GenTime time.Time       `asn1:"generalized"`
		Rest    []asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(octets, &tst); err != nil {
		return time.Time{}, err
	}
	return tst.GenTime, nil
}

// publicKey returns c's public key, including RSASSA-PSS keys
// (id-RSASSA-PSS SubjectPublicKeyInfo), which crypto/x509 leaves nil.
func publicKey(c *x509.Certificate) any {
	if c.PublicKey != nil {
		return c.PublicKey
	}
	var spki struct {
		Alg struct {
			OID    asn1.ObjectIdentifier
			Params asn1.RawValue `asn1:"optional"`
		}
		Key asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil {
		return nil
	}
	if spki.Alg.OID.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}) {
		if k, err := x509.ParsePKCS1PublicKey(spki.Key.Bytes); err == nil {
			return k
		}
	}
	return nil
}

// chainTrusted reports whether chain[0] chains to one of anchors at time t.
func chainTrusted(chain []*x509.Certificate, anchors []*x509.Certificate, t time.Time) bool {
	if len(anchors) == 0 || len(chain) == 0 {
		return false
	}
	// crypto/x509 leaves RSASSA-PSS keys unparsed; fill them in on copies
	// so that chains of PSS certificates verify.
	withKey := func(c *x509.Certificate) *x509.Certificate {
		if c.PublicKey != nil {
			return c
		}
		cc := *c
		cc.PublicKey = publicKey(c)
		if _, ok := cc.PublicKey.(*rsa.PublicKey); ok {
			cc.PublicKeyAlgorithm = x509.RSA
		}
		return &cc
	}
	roots := x509.NewCertPool()
	for _, a := range anchors {
		roots.AddCert(withKey(a))
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(withKey(c))
	}
	_, err := withKey(chain[0]).Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: t,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	return err == nil
}
