package main

import (
	"errors"
	"flag"
	"os"

	"github.com/belgi/belgi/label"
)

// c2paFlags are the C2PA signing flags of `belgi label`: giving a
// certificate and key turns the c2pa layer on.
type c2paFlags struct {
	cert, key, tsa string
	keep           bool
}

func (f *c2paFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.cert, "c2pa-cert", "", "sign a C2PA manifest with the certificate chain in `CHAIN.pem` (leaf first; see belgi keys dev)")
	fs.StringVar(&f.key, "c2pa-key", "", "private key for --c2pa-cert, `KEY.pem` (PKCS#8 or SEC1)")
	fs.StringVar(&f.tsa, "c2pa-tsa", "", "RFC 3161 time-stamping authority `URL` for the C2PA signature (default: none, no network)")
	fs.BoolVar(&f.keep, "keep-provenance", false, "keep another issuer's C2PA manifest as the parent ingredient instead of replacing it")
}

func (f *c2paFlags) apply(o *label.C2PAOptions) error {
	o.KeepProvenance = f.keep
	o.TSAURL = f.tsa
	if f.cert == "" && f.key == "" {
		if f.tsa != "" {
			return errors.New("--c2pa-tsa needs --c2pa-cert and --c2pa-key")
		}
		return nil
	}
	if f.cert == "" || f.key == "" {
		return errors.New("--c2pa-cert and --c2pa-key go together")
	}
	cert, err := os.ReadFile(f.cert)
	if err != nil {
		return err
	}
	key, err := os.ReadFile(f.key)
	if err != nil {
		return err
	}
	return o.LoadPEM(cert, key)
}
