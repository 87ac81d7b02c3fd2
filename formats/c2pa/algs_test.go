package c2pa

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats/c2pa/c2patest"
)

// signerWithKey issues a C2PA leaf for key from a fresh P-256 CA.
func signerWithKey(t *testing.T, key crypto.Signer) (*Signer, []byte) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "alg test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, SubjectKeyId: []byte{1, 2, 3, 4}}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "alg test", Organization: []string{"alg test"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		AuthorityKeyId: caCert.SubjectKeyId, SubjectKeyId: []byte{5, 6, 7, 8}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	leafCert, _ := x509.ParseCertificate(leafDER)
	s := &Signer{Chain: []*x509.Certificate{leafCert, caCert}, Key: key}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	return s, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

// TestAlgorithms signs with ES256, ES384, Ed25519 and PS256; our validator
// and c2pa-rs both accept each.
func TestAlgorithms(t *testing.T) {
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	in, err := os.ReadFile(filepath.Join(extool.Shared(t, "testdata/c2pa/sources"), "still.png"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	type signed struct{ name, file, ca string }
	var files []signed
	for _, tc := range []struct {
		name string
		key  crypto.Signer
	}{{"ES256", p256}, {"ES384", p384}, {"Ed25519", ed}, {"PS256", rsaKey}} {
		s, ca := signerWithKey(t, tc.key)
		out := embedBytes(t, in, PNG, generatedManifest(tc.name, "image/png"), s)
		if v := validateBytes(t, out, PNG, ca); v.State != StateTrusted {
			t.Errorf("%s: %s %v", tc.name, v.State, v.Failures)
		}
		if tc.name == "ES256" {
			continue // every other c2pa-rs test signs ES256
		}
		f := filepath.Join(dir, tc.name+".png")
		caf := filepath.Join(dir, tc.name+"-ca.pem")
		os.WriteFile(f, out, 0o644)
		os.WriteFile(caf, ca, 0o644)
		files = append(files, signed{tc.name, f, caf})
	}
	// The c2pa-rs test chains from ../shared (Ed25519 leaf + intermediate).
	dirCerts := extool.Shared(t, "testdata/c2pa/certs")
	chain, _ := os.ReadFile(filepath.Join(dirCerts, "ed25519.pub"))
	key, _ := os.ReadFile(filepath.Join(dirCerts, "ed25519.pem"))
	s, err := ParseSigner(chain, key)
	if err != nil {
		t.Fatal(err)
	}
	roots, _ := os.ReadFile(filepath.Join(dirCerts, "test_cert_root_bundle.pem"))
	out := embedBytes(t, in, PNG, generatedManifest("rs-ed25519", "image/png"), s)
	if v := validateBytes(t, out, PNG, roots); v.State != StateTrusted {
		t.Errorf("c2pa-rs Ed25519 chain: %s %v", v.State, v.Failures)
	}
	f := filepath.Join(dir, "rs-ed25519.png")
	os.WriteFile(f, out, 0o644)
	files = append(files, signed{"rs-ed25519", f, filepath.Join(dirCerts, "test_cert_root_bundle.pem")})

	tool := c2patest.Tool(t, "formats")
	for _, sf := range files {
		t.Run(sf.name, func(t *testing.T) {
			t.Parallel()
			r := c2patest.Verify(t, tool, sf.file, "--anchors", sf.ca)
			if r.Verdict != "trusted" || !slices.Contains(r.Active.DigitalSourceTypes, genURI) {
				t.Fatalf("reference validator: %s %v\n%s", r.Verdict, r.FailureCodes, r.Raw)
			}
		})
	}
}
