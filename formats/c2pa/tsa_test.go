package c2pa

import (
	"bytes"
	"context"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
)

// fakeTSA answers RFC 3161 requests with an unsigned token that carries
// genTime: enough to test the request, the sigTst2 placement and the use
// of the time, without a network or a real authority.
func fakeTSA(t *testing.T, genTime time.Time, imprints *[][]byte) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/timestamp-query" {
			http.Error(w, "bad content type", 400)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var req tsReq
		if _, err := asn1.Unmarshal(body, &req); err != nil || req.Version != 1 || !req.Imprint.Alg.OID.Equal(oidSHA256) {
			http.Error(w, "bad request", 400)
			return
		}
		*imprints = append(*imprints, req.Imprint.Hash)
		tst, _ := asn1.Marshal(struct {
			Version int
			Policy  asn1.ObjectIdentifier
			Imprint asn1.RawValue
			Serial  *big.Int
			GenTime time.Time `asn1:"generalized"`
		}{1, asn1.ObjectIdentifier{1, 2, 3}, asn1.RawValue{FullBytes: mustMarshal(req.Imprint)}, big.NewInt(7), genTime})
		octets, _ := asn1.Marshal(tst)
		encap, _ := asn1.Marshal(struct {
			Type    asn1.ObjectIdentifier
			Content asn1.RawValue
		}{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}, asn1.RawValue{Class: 2, Tag: 0, IsCompound: true, Bytes: octets}})
		sd, _ := asn1.Marshal(struct {
			Version int
			Digests asn1.RawValue
			Encap   asn1.RawValue
			Signers asn1.RawValue
		}{3, asn1.RawValue{Tag: asn1.TagSet, IsCompound: true}, asn1.RawValue{FullBytes: encap}, asn1.RawValue{Tag: asn1.TagSet, IsCompound: true}})
		ci, _ := asn1.Marshal(struct {
			Type    asn1.ObjectIdentifier
			Content asn1.RawValue
		}{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}, asn1.RawValue{Class: 2, Tag: 0, IsCompound: true, Bytes: sd}})
		resp, _ := asn1.Marshal(struct {
			Status struct{ Status int }
			Token  asn1.RawValue
		}{Token: asn1.RawValue{FullBytes: ci}})
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
}

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// TestTimestamp: with a Timestamper the signature carries sigTst2, the
// store keeps its reserved size, and validation judges the certificate at
// the timestamp's time (so it stays valid after the certificate expires).
func TestTimestamp(t *testing.T) {
	s, dc := testSigner(t)
	gen := time.Now().UTC().Truncate(time.Second)
	var imprints [][]byte
	srv := fakeTSA(t, gen, &imprints)
	defer srv.Close()
	s.Timestamper = &HTTPTimestamper{URL: srv.URL}
	in, err := os.ReadFile(filepath.Join(extool.Shared(t, "testdata/c2pa/sources"), "still.png"))
	if err != nil {
		t.Fatal(err)
	}
	out := embedBytes(t, in, PNG, generatedManifest("ts.png", "image/png"), s)
	if len(imprints) != 1 || len(imprints[0]) != 32 {
		t.Fatalf("TSA saw %d requests", len(imprints))
	}
	anchors, _ := ParseCertificatesPEM(dc.CACert)
	later := time.Now().Add(72 * time.Hour) // after the 24 h certificate expired
	v, err := Validate(bytes.NewReader(out), int64(len(out)), PNG, ValidateOptions{TrustAnchors: anchors, Now: later})
	if err != nil {
		t.Fatal(err)
	}
	if v.Timestamp == nil || !v.Timestamp.Equal(gen) || v.State != StateTrusted {
		t.Fatalf("timestamp %v state %s failures %v", v.Timestamp, v.State, v.Failures)
	}
	// Without the timestamp the same check fails as expired.
	s.Timestamper = nil
	plain := embedBytes(t, in, PNG, generatedManifest("ts.png", "image/png"), s)
	v, _ = Validate(bytes.NewReader(plain), int64(len(plain)), PNG, ValidateOptions{TrustAnchors: anchors, Now: later})
	if v.State != StateInvalid || !slices.Contains(v.FailureCodes(), CodeCredentialExpired) {
		t.Fatalf("untimestamped after expiry: %s %v", v.State, v.FailureCodes())
	}
	// A refusing TSA is an error, not an unstamped manifest.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", 500) }))
	defer bad.Close()
	s.Timestamper = &HTTPTimestamper{URL: bad.URL}
	if _, err := Embed(context.Background(), io.Discard, bytes.NewReader(in), int64(len(in)), PNG, generatedManifest("x", "image/png"), s); err == nil {
		t.Fatal("refused timestamp not reported")
	}
}
