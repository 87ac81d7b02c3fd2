package label

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// TestVerifyC2PAAllowedEKUs: a signer whose only EKU is documentSigning is
// invalid by default and trusted once VerifyOptions.AllowedEKUs lists it
// (c2pa-rs behaves the same with its trust_config); a malformed OID is an
// options error.
func TestVerifyC2PAAllowedEKUs(t *testing.T) {
	dir := extool.Shared(t, "testdata/c2pa")
	ca, err := os.ReadFile(filepath.Join(dir, "certs/own/ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "reference/docsigning-eku-es256.png")
	for _, tc := range []struct {
		ekus []string
		want string
	}{
		{nil, "invalid"},
		{[]string{"1.3.6.1.5.5.7.3.4"}, "invalid"}, // emailProtection is allowed anyway; the cert lacks it
		{[]string{"1.3.6.1.5.5.7.3.36"}, "trusted"},
	} {
		rep, err := VerifyFile(context.Background(), file, VerifyOptions{TrustAnchors: ca, AllowedEKUs: tc.ekus})
		if err != nil {
			t.Fatal(err)
		}
		if rep.C2PA.State == nil || *rep.C2PA.State != tc.want || rep.C2PA.Signer == nil {
			t.Errorf("AllowedEKUs %v: state %v codes %v signer %v, want %s", tc.ekus, rep.C2PA.State, rep.C2PA.Codes, rep.C2PA.Signer, tc.want)
		}
	}
	if _, err := VerifyFile(context.Background(), file, VerifyOptions{AllowedEKUs: []string{"1.3.x"}}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("bad OID: err %v, want ErrInvalidOptions", err)
	}
}
