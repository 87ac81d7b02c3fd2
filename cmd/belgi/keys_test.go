package main

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// TestKeysDevProfile: `belgi keys dev` writes a CA and a leaf with the
// profile C2PA validators require, warns, and refuses to overwrite.
func TestKeysDevProfile(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI("keys", "dev", "-o", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "testing only") {
		t.Errorf("no warning on stderr: %q", errs)
	}
	if strings.Count(out, "\n") != 4 {
		t.Errorf("stdout %q", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "dev-signer.pem"))
	if err != nil {
		t.Fatal(err)
	}
	blk, rest := pem.Decode(b)
	leaf, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if blk2, _ := pem.Decode(rest); blk2 == nil {
		t.Error("chain lacks the CA certificate")
	}
	if leaf.IsCA || !leaf.BasicConstraintsValid {
		t.Error("leaf is not CA:FALSE")
	}
	if leaf.KeyUsage != x509.KeyUsageDigitalSignature {
		t.Errorf("key usage %v", leaf.KeyUsage)
	}
	if !slices.Equal(leaf.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}) {
		t.Errorf("EKU %v", leaf.ExtKeyUsage)
	}
	if len(leaf.SubjectKeyId) == 0 || len(leaf.AuthorityKeyId) == 0 {
		t.Error("SKI/AKI missing")
	}
	for _, e := range leaf.Extensions {
		if e.Id.Equal([]int{2, 5, 29, 15}) && !e.Critical {
			t.Error("key usage not critical")
		}
	}
	if st, _ := os.Stat(filepath.Join(dir, "dev-signer.key.pem")); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", st.Mode().Perm())
	}
	if code, _, _ := runCLI("keys", "dev", "-o", dir); code == exitOK {
		t.Error("overwrote existing keys without -force")
	}
}

// TestLabelC2PAFlags: --c2pa-cert/--c2pa-key sign, verify --trust-anchors
// reports trusted; one flag without the other is a usage error.
func TestLabelC2PAFlags(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCLI("keys", "dev", "-o", dir); code != exitOK {
		t.Fatal(errs)
	}
	src := filepath.Join(extool.Shared(t, "testdata/c2pa/sources"), "still.jpg")
	cert, key := filepath.Join(dir, "dev-signer.pem"), filepath.Join(dir, "dev-signer.key.pem")
	outDir := filepath.Join(dir, "out")
	code, _, errs := runCLI("label", "--c2pa-cert", cert, "--c2pa-key", key, "--layers", "metadata,c2pa", "-o", outDir, src)
	if code != exitOK {
		t.Fatalf("label exit %d: %s", code, errs)
	}
	labelled := filepath.Join(outDir, "still.jpg")
	code, out, errs := runCLI("verify", "--json", "--trust-anchors", filepath.Join(dir, "dev-ca.pem"), labelled)
	if code != exitOK {
		t.Fatalf("verify exit %d: %s %s", code, out, errs)
	}
	r := parseJSONLines(t, out)[0]
	if r.C2PA["present"] != true || r.C2PA["state"] != "trusted" || r.C2PA["signer"] != "belgi development" {
		t.Fatalf("c2pa report %v", r.C2PA)
	}
	_, out, _ = runCLI("verify", "--json", labelled)
	if r := parseJSONLines(t, out)[0]; r.C2PA["state"] != "valid" {
		t.Fatalf("without anchors: %v", r.C2PA)
	}
	if code, _, _ := runCLI("label", "--c2pa-cert", cert, "-o", outDir, src); code != exitFatal {
		t.Errorf("--c2pa-cert alone: exit %d", code)
	}
	if code, _, _ := runCLI("label", "--c2pa-cert", key, "--c2pa-key", cert, "-o", outDir, src); code != exitFatal {
		t.Errorf("swapped PEM files: exit %d", code)
	}
}
