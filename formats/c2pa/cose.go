package c2pa

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha256" // go-cose looks hashes up with crypto.Hash.Available
	_ "crypto/sha512"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
	"github.com/veraison/go-cose"
)

// Signer signs claims: a private key and its certificate chain (leaf
// first; a self-signed root at the end is not embedded).
type Signer struct {
	Chain []*x509.Certificate
	Key   crypto.Signer
	// Timestamper, when set, adds an RFC 3161 timestamp (sigTst2) to the
	// signature. Nil means no timestamp and no network.
	Timestamper Timestamper
}

// Timestamper obtains an RFC 3161 timestamp token (DER ContentInfo) for
// data from a time-stamping authority.
type Timestamper interface {
	Timestamp(ctx context.Context, data []byte) ([]byte, error)
}

// timestampReserve is the room kept in the signature box for a TSA token,
// which is not known until after signing.
const timestampReserve = 12000

// Algorithm returns the COSE algorithm for the signer's key.
func (s *Signer) Algorithm() (cose.Algorithm, error) {
	if s == nil || s.Key == nil {
		return 0, errors.New("c2pa: no signing key")
	}
	switch k := s.Key.Public().(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return cose.AlgorithmES256, nil
		case elliptic.P384():
			return cose.AlgorithmES384, nil
		case elliptic.P521():
			return cose.AlgorithmES512, nil
		}
	case ed25519.PublicKey:
		return cose.AlgorithmEdDSA, nil
	case *rsa.PublicKey:
		return cose.AlgorithmPS256, nil
	}
	return 0, fmt.Errorf("%w: key type %T", ErrUnsupported, s.Key.Public())
}

// Check reports whether the signer can sign: a supported key that matches
// the leaf certificate.
func (s *Signer) Check() error {
	if _, err := s.Algorithm(); err != nil {
		return err
	}
	if len(s.Chain) == 0 {
		return errors.New("c2pa: signer has no certificate")
	}
	type eq interface{ Equal(crypto.PublicKey) bool }
	if k, ok := s.Key.Public().(eq); !ok || !k.Equal(s.Chain[0].PublicKey) {
		return errors.New("c2pa: private key does not match the first certificate of the chain")
	}
	return nil
}

func (s *Signer) x5chain() any {
	chain := s.Chain
	if n := len(chain); n > 1 && isSelfSigned(chain[n-1]) {
		chain = chain[:n-1]
	}
	if len(chain) == 1 {
		return chain[0].Raw
	}
	out := make([]any, len(chain))
	for i, c := range chain {
		out[i] = c.Raw
	}
	return out
}

// signClaim returns a tagged COSE_Sign1 with a detached payload over claim.
// When size > 0 the result is padded (unprotected "pad") to exactly size
// bytes, so that the manifest store does not change length when the
// placeholder signature is replaced.
func (s *Signer) signClaim(ctx context.Context, claim []byte, size int) ([]byte, error) {
	alg, err := s.Algorithm()
	if err != nil {
		return nil, err
	}
	var sig []byte
	var tst []byte
	if claim != nil {
		cs, err := cose.NewSigner(alg, s.Key)
		if err != nil {
			return nil, fmt.Errorf("c2pa: %w", err)
		}
		prot, err := s.protected(alg)
		if err != nil {
			return nil, err
		}
		msg := cose.NewSign1Message()
		msg.Headers.Protected.SetAlgorithm(alg)
		msg.Headers.Protected[cose.HeaderLabelX5Chain] = s.x5chain()
		// Sign exactly the bytes we embed (go-cose wants them bstr-wrapped).
		if msg.Headers.RawProtected, err = encMode.Marshal(prot); err != nil {
			return nil, err
		}
		msg.Payload = claim
		if err := msg.Sign(rand.Reader, nil, cs); err != nil {
			return nil, fmt.Errorf("c2pa: sign claim: %w", err)
		}
		sig = msg.Signature
		if s.Timestamper != nil {
			// What c2pa-rs timestamps for sigTst2: the COSE countersignature
			// structure ["CounterSignature", protected, h'', signature].
			cs, err := encMode.Marshal([]any{"CounterSignature", prot, []byte{}, sig})
			if err != nil {
				return nil, err
			}
			tst, err = s.Timestamper.Timestamp(ctx, cs)
			if err != nil {
				return nil, fmt.Errorf("c2pa: timestamp: %w", err)
			}
		}
	} else {
		// Placeholder of the final size: signatures of these algorithms
		// have a fixed length.
		sig = make([]byte, sigLen(alg, s.Key))
	}
	return s.encodeCOSE(alg, sig, tst, size)
}

func sigLen(alg cose.Algorithm, k crypto.Signer) int {
	switch alg {
	case cose.AlgorithmES256:
		return 64
	case cose.AlgorithmES384:
		return 96
	case cose.AlgorithmES512:
		return 132
	case cose.AlgorithmEdDSA:
		return 64
	}
	if r, ok := k.Public().(*rsa.PublicKey); ok {
		return r.Size()
	}
	return 64
}

func (s *Signer) protected(alg cose.Algorithm) ([]byte, error) {
	return encMode.Marshal(map[int]any{1: int64(alg), 33: s.x5chain()})
}

func (s *Signer) encodeCOSE(alg cose.Algorithm, sig, tst []byte, size int) ([]byte, error) {
	prot, err := s.protected(alg)
	if err != nil {
		return nil, err
	}
	build := func(pad int) ([]byte, error) {
		unprot := map[string]any{}
		if tst != nil {
			unprot["sigTst2"] = map[string]any{"tstTokens": []any{map[string]any{"val": tst}}}
		}
		if pad >= 0 {
			unprot["pad"] = make([]byte, pad)
		}
		return encMode.Marshal(cbor.Tag{Number: 18, Content: []any{prot, unprot, nil, sig}})
	}
	if size <= 0 {
		return build(-1)
	}
	if b, err := build(-1); err != nil || len(b) == size {
		return b, err // same size as the placeholder: no padding needed
	}
	// Find a pad length that lands exactly on size. The bstr header grows
	// at 24, 256 and 65536 bytes, so try a few lengths around the estimate.
	b, err := build(0)
	if err != nil {
		return nil, err
	}
	if len(b) > size {
		return nil, fmt.Errorf("c2pa: signature needs %d bytes, %d reserved", len(b), size)
	}
	est := size - len(b)
	for p := est; p >= 0 && p >= est-8; p-- {
		b, err := build(p)
		if err != nil {
			return nil, err
		}
		if len(b) == size {
			return b, nil
		}
	}
	return nil, fmt.Errorf("c2pa: cannot pad signature to %d bytes", size)
}

// sigInfo is what a claim signature says once checked.
type sigInfo struct {
	chain   []*x509.Certificate
	alg     cose.Algorithm
	tstTime *timeInfo
	sigOK   bool
}

// parseCOSE decodes a COSE_Sign1 and its certificate chain and checks the
// signature over claim (the detached payload).
func parseCOSE(data, claim []byte) (*sigInfo, error) {
	var msg cose.Sign1Message
	if err := msg.UnmarshalCBOR(data); err != nil {
		// Some writers omit the tag.
		var um cose.UntaggedSign1Message
		if err2 := um.UnmarshalCBOR(data); err2 != nil {
			return nil, fmt.Errorf("%w: claim signature: %v", ErrCorrupt, err)
		}
		msg = cose.Sign1Message(um)
	}
	alg, err := msg.Headers.Protected.Algorithm()
	if err != nil {
		return nil, fmt.Errorf("%w: claim signature: %v", ErrCorrupt, err)
	}
	x5 := msg.Headers.Protected[cose.HeaderLabelX5Chain]
	if x5 == nil {
		x5 = msg.Headers.Unprotected[cose.HeaderLabelX5Chain]
	}
	if x5 == nil {
		x5 = msg.Headers.Unprotected["x5chain"]
	}
	var ders [][]byte
	switch v := x5.(type) {
	case []byte:
		ders = [][]byte{v}
	case []any:
		for _, e := range v {
			if b, ok := e.([]byte); ok {
				ders = append(ders, b)
			}
		}
	}
	if len(ders) == 0 {
		return nil, fmt.Errorf("%w: claim signature: no x5chain", ErrCorrupt)
	}
	info := &sigInfo{alg: alg}
	for _, d := range ders {
		c, err := x509.ParseCertificate(d)
		if err != nil {
			return nil, fmt.Errorf("%w: claim signature: certificate: %v", ErrCorrupt, err)
		}
		info.chain = append(info.chain, c)
	}
	for _, key := range []any{"sigTst2", "sigTst"} {
		if v, ok := msg.Headers.Unprotected[key]; ok {
			info.tstTime = timestampTime(v)
			break
		}
	}
	ver, err := cose.NewVerifier(alg, publicKey(info.chain[0]))
	if err != nil {
		return info, nil // unsupported key/alg pairing: signature not valid
	}
	msg.Payload = claim
	info.sigOK = msg.Verify(nil, ver) == nil
	return info, nil
}
