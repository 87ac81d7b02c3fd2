package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// TestVerifyTrustConfig: the human output names the C2PA signer; a
// documentSigning-only signer is trusted only with --trust-config (the
// c2pa-rs EKU list) and the right anchors; a bad config is a usage error.
func TestVerifyTrustConfig(t *testing.T) {
	dir := extool.Shared(t, "testdata/c2pa")
	file := filepath.Join(dir, "reference/docsigning-eku-es256.png")
	anchors := filepath.Join(dir, "certs/own/ca.crt")
	cfg := filepath.Join(dir, "certs/store.cfg")
	bad := filepath.Join(t.TempDir(), "bad.cfg")
	if err := os.WriteFile(bad, []byte("// not an OID below\ndocumentSigning\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--trust-anchors", anchors}, exitOK, "c2pa:       invalid, signer Test Org (signingCredential.invalid)"},
		{[]string{"--trust-config", cfg}, exitOK, "c2pa:       valid, signer Test Org (signingCredential.untrusted)"},
		{[]string{"--trust-anchors", anchors, "--trust-config", cfg}, exitOK, "c2pa:       trusted, signer Test Org\n"},
		{[]string{"--trust-config", bad}, exitFatal, ""},
		{[]string{"--trust-config", filepath.Join(dir, "missing.cfg")}, exitFatal, ""},
	} {
		var o, e bytes.Buffer
		code := run(append(append([]string{"verify"}, tc.args...), file), &o, &e)
		if code != tc.code || !strings.Contains(o.String(), tc.want) {
			t.Errorf("%v: exit %d (want %d), output lacks %q:\n%s%s", tc.args, code, tc.code, tc.want, o.String(), e.String())
		}
	}
}
