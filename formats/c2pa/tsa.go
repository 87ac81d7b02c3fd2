package c2pa

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"
)

// HTTPTimestamper asks an RFC 3161 time-stamping authority over HTTP. It is
// the only network code in belgi and runs only when a caller sets a TSA URL.
type HTTPTimestamper struct {
	URL    string
	Client *http.Client // nil means a client with a 30 s timeout
}

var oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}

type tsReq struct {
	Version int
	Imprint struct {
		Alg struct {
			OID    asn1.ObjectIdentifier
			Params asn1.RawValue `asn1:"optional"`
		}
		Hash []byte
	}
	Nonce   *big.Int `asn1:"optional"`
	CertReq bool     `asn1:"optional"`
}

// Timestamp requests a token for SHA-256(data) and returns the token
// (a CMS ContentInfo).
func (t *HTTPTimestamper) Timestamp(ctx context.Context, data []byte) ([]byte, error) {
	var req tsReq
	req.Version = 1
	req.Imprint.Alg.OID = oidSHA256
	req.Imprint.Alg.Params = asn1.NullRawValue
	sum := sha256.Sum256(data)
	req.Imprint.Hash = sum[:]
	nonce, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	req.Nonce = nonce
	req.CertReq = true
	body, err := asn1.Marshal(req)
	if err != nil {
		return nil, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/timestamp-query")
	c := t.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := c.Do(hr)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("TSA %s: HTTP %s", t.URL, resp.Status)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	var tsr struct {
		Status struct {
			Status int
			Rest   []asn1.RawValue `asn1:"optional"`
		}
		Token asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(raw, &tsr); err != nil {
		return nil, fmt.Errorf("TSA %s: response: %w", t.URL, err)
	}
	if tsr.Status.Status > 1 || len(tsr.Token.FullBytes) == 0 {
		return nil, fmt.Errorf("TSA %s: request refused (status %d)", t.URL, tsr.Status.Status)
	}
	if _, err := tstGenTime(tsr.Token.FullBytes); err != nil {
		return nil, errors.New("TSA " + t.URL + ": token without a readable time: " + err.Error())
	}
	return tsr.Token.FullBytes, nil
}
