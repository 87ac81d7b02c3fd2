package c2pa

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"time"
)

// DevCredentials is a development certificate authority and a signing
// leaf it issued, in PEM. They are for testing only: anyone holding the
// files can sign as this "authority", and no validator trusts it unless told
// to (verify with the CA as a trust anchor).
type DevCredentials struct {
	CACert    []byte // root certificate (the trust anchor)
	CAKey     []byte // root key, PKCS#8
	LeafChain []byte // leaf then CA certificate
	LeafKey   []byte // leaf key, PKCS#8
}

// NewDevCredentials makes a P-256 CA and a leaf with the profile C2PA
// validators require of a claim signer: X.509 v3, CA:FALSE, key usage
// digitalSignature (critical), extended key usage emailProtection, subject
// and authority key identifiers. Both are valid from now-1h for validity.
func NewDevCredentials(org string, now time.Time, validity time.Duration) (*DevCredentials, error) {
	if org == "" {
		org = "belgi development"
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial := func() *big.Int {
		n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
		return n.Add(n, big.NewInt(1))
	}
	ski := func(k *ecdsa.PublicKey) []byte {
		der, _ := x509.MarshalPKIXPublicKey(k)
		s := sha1.Sum(der)
		return s[:]
	}
	nb, na := now.Add(-time.Hour), now.Add(validity)
	ca := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: org + " test CA (NOT FOR PRODUCTION)", Organization: []string{org}},
		NotBefore:             nb,
		NotAfter:              na,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		SubjectKeyId:          ski(&caKey.PublicKey),
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	leaf := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: org + " C2PA signer (NOT FOR PRODUCTION)", Organization: []string{org}},
		NotBefore:             nb,
		NotAfter:              na,
		BasicConstraintsValid: true,
		IsCA:                  false,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		SubjectKeyId:          ski(&leafKey.PublicKey),
		AuthorityKeyId:        caCert.SubjectKeyId,
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caKeyDER, err := x509.MarshalPKCS8PrivateKey(caKey)
	if err != nil {
		return nil, err
	}
	leafKeyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		return nil, err
	}
	enc := func(typ string, der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}) }
	return &DevCredentials{
		CACert:    enc("CERTIFICATE", caDER),
		CAKey:     enc("PRIVATE KEY", caKeyDER),
		LeafChain: append(enc("CERTIFICATE", leafDER), enc("CERTIFICATE", caDER)...),
		LeafKey:   enc("PRIVATE KEY", leafKeyDER),
	}, nil
}
