package c2pa

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// TestValidateSharedFixtures checks our validator against the verdict table
// of ../shared/testdata/c2pa/README.md, which c2pa-rs 0.91.3 produced:
// state and failure codes (as a set) for every file there.
func TestValidateSharedFixtures(t *testing.T) {
	dir := extool.Shared(t, "testdata/c2pa")
	untrusted := []string{CodeCredentialUntrusted}
	cases := []struct {
		file    string
		c       Container
		anchors string // trust anchors, relative to dir
		state   string // "" = no manifest
		codes   []string
	}{
		{"reference/ai-es256.jpg", JPEG, "", StateValid, untrusted},
		{"reference/ai-es256.png", PNG, "", StateValid, untrusted},
		{"reference/ai-es256.wav", RIFF, "", StateValid, untrusted},
		{"reference/ai-es256.mp4", BMFF, "", StateValid, untrusted},
		{"reference/ai-ed25519.png", PNG, "", StateValid, untrusted},
		{"reference/ai-ed25519.wav", RIFF, "", StateValid, untrusted},
		{"reference/ai-es256.jpg", JPEG, "certs/test_cert_root_bundle.pem", StateTrusted, nil},
		{"reference/ai-es256.mp4", BMFF, "certs/test_cert_root_bundle.pem", StateTrusted, nil},
		{"reference/ai-ed25519.wav", RIFF, "certs/test_cert_root_bundle.pem", StateTrusted, nil},
		{"reference/ownca-es256.png", PNG, "", StateValid, untrusted},
		{"reference/ownca-es256.png", PNG, "certs/own/ca.crt", StateTrusted, nil},
		{"reference/selfsigned-es256.png", PNG, "", StateValid, untrusted},
		{"reference/selfsigned-es256.png", PNG, "certs/own/ss.crt", StateTrusted, nil},
		{"reference/docsigning-eku-es256.png", PNG, "", StateInvalid, []string{CodeCredentialUntrusted, CodeCredentialInvalid}},
		{"reference/noeku-es256.png", PNG, "", StateInvalid, []string{CodeCredentialUntrusted, CodeCredentialInvalid}},
		{"reference/noeku-es256.png", PNG, "certs/own/ca.crt", StateInvalid, []string{CodeCredentialInvalid}},
		{"reference/tampered-pixels-es256.png", PNG, "", StateInvalid, []string{CodeCredentialUntrusted, CodeDataHashMismatch}},
		{"reference/bad-signature-es256.png", PNG, "", StateInvalid, []string{CodeCredentialUntrusted, CodeClaimSignatureMismatch}},
		{"reference/tampered-audio-es256.wav", RIFF, "", StateInvalid, []string{CodeCredentialUntrusted, CodeDataHashMismatch}},
		{"reference/tampered-mdat-es256.mp4", BMFF, "", StateInvalid, []string{CodeCredentialUntrusted, CodeBMFFHashMismatch}},
		{"other-impl/amazon-titan-g1.png", PNG, "", StateValid, untrusted},
		{"other-impl/c2pa-ts-signed.jpg", JPEG, "", StateValid, untrusted},
		{"rs-fixtures/C.jpg", JPEG, "", StateValid, untrusted},
		{"rs-fixtures/C.jpg", JPEG, "certs/test_cert_root_bundle.pem", StateTrusted, nil},
		{"rs-fixtures/CA.jpg", JPEG, "", StateValid, untrusted},
		{"rs-fixtures/video1.mp4", BMFF, "", StateValid, untrusted},
		{"rs-fixtures/legacy.mp4", BMFF, "", StateValid, untrusted},
		{"rs-fixtures/no_manifest.jpg", JPEG, "", "", nil},
		{"rs-fixtures/libpng-test.png", PNG, "", "", nil},
	}
	for _, tc := range cases {
		name := tc.file
		if tc.anchors != "" {
			name += "+anchors"
		}
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st, _ := f.Stat()
			var o ValidateOptions
			if tc.anchors != "" {
				pem, err := os.ReadFile(filepath.Join(dir, tc.anchors))
				if err != nil {
					t.Fatal(err)
				}
				if o.TrustAnchors, err = ParseCertificatesPEM(pem); err != nil {
					t.Fatal(err)
				}
			}
			v, err := Validate(f, st.Size(), tc.c, o)
			if tc.state == "" {
				if !errors.Is(err, ErrNoManifest) {
					t.Fatalf("want ErrNoManifest, got %v %+v", err, v)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := v.FailureCodes()
			slices.Sort(got)
			want := slices.Clone(tc.codes)
			slices.Sort(want)
			if v.State != tc.state || !slices.Equal(got, want) {
				t.Errorf("state %s codes %v, want %s %v (failures %+v)", v.State, got, tc.state, want, v.Failures)
			}
		})
	}
}

// TestDocumentSigningEKU: the documentSigning-only certificate passes once
// its EKU is allowed (c2pa-rs trust_config with store.cfg).
func TestDocumentSigningEKU(t *testing.T) {
	dir := extool.Shared(t, "testdata/c2pa")
	b, err := os.ReadFile(filepath.Join(dir, "reference/docsigning-eku-es256.png"))
	if err != nil {
		t.Fatal(err)
	}
	v := validateBytes(t, b, PNG, nil)
	if v.State != StateInvalid {
		t.Fatalf("without the EKU allowed: %s", v.State)
	}
	pem, _ := os.ReadFile(filepath.Join(dir, "certs/own/ca.crt"))
	anchors, _ := ParseCertificatesPEM(pem)
	v, err = Validate(bytes.NewReader(b), int64(len(b)), PNG, ValidateOptions{TrustAnchors: anchors, ExtraEKUs: nil})
	if err != nil || v.State != StateInvalid {
		t.Fatalf("anchors only: %v %v", v.State, err)
	}
	v, err = Validate(bytes.NewReader(b), int64(len(b)), PNG, ValidateOptions{TrustAnchors: anchors, ExtraEKUs: DocumentSigningEKUs()})
	if err != nil || v.State != StateTrusted {
		t.Fatalf("with documentSigning allowed: %v %v %+v", v.State, err, v.Failures)
	}
}

// TestValidateBrokenStore: a store that is present but does not parse is
// reported (Invalid, claim.malformed), not an error and not "no manifest".
func TestValidateBrokenStore(t *testing.T) {
	s, _ := testSigner(t)
	in, err := os.ReadFile(filepath.Join(extool.Shared(t, "testdata/c2pa/sources"), "still.png"))
	if err != nil {
		t.Fatal(err)
	}
	out := embedBytes(t, in, PNG, generatedManifest("x", "image/png"), s)
	i := bytes.Index(out, []byte("caBX"))
	broken := append([]byte(nil), out...)
	copy(broken[i+4+8:], "xxxx") // the store's first child is no longer "jumd"
	v, err := Validate(bytes.NewReader(broken), int64(len(broken)), PNG, ValidateOptions{})
	if err != nil || v.State != StateInvalid || !slices.Equal(v.FailureCodes(), []string{CodeClaimMalformed}) {
		t.Fatalf("%v %+v", err, v)
	}
	trunc := append([]byte(nil), out...)
	trunc[i-1]-- // caBX chunk one byte shorter than its store
	if v, err := Validate(bytes.NewReader(trunc), int64(len(trunc)), PNG, ValidateOptions{}); err == nil && v.State != StateInvalid {
		t.Fatalf("truncated store: %+v", v)
	}
}

// TestParseTrustConfig reads c2pa-rs's EKU list (the shared copy of
// valid_eku_oids.cfg) and rejects lines that are not OIDs.
func TestParseTrustConfig(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(extool.Shared(t, "testdata/c2pa/certs"), "store.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	oids, err := ParseTrustConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range oids {
		got = append(got, o.String())
	}
	want := "1.3.6.1.5.5.7.3.4 1.3.6.1.5.5.7.3.36 1.3.6.1.5.5.7.3.8 1.3.6.1.5.5.7.3.9 1.3.6.1.4.1.311.76.59.1.9 1.3.6.1.4.1.62558.2.1"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v\nwant %s", got, want)
	}
	for _, bad := range []string{"1.3.6.x\n", "emailProtection\n", "7.1\n", "1\n"} {
		if _, err := ParseTrustConfig([]byte("// comment\n" + bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
