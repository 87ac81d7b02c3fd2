package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/belgi/belgi/formats/c2pa"
)

// runKeys implements `belgi keys dev`: a development CA and a C2PA signing
// certificate, for trying the c2pa layer and for tests. Not for production.
func runKeys(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "dev" {
		fmt.Fprintln(stderr, "Usage: belgi keys dev [-o DIR] [-org NAME] [-days N] [-force]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return exitOK
		}
		return exitFatal
	}
	fs := flag.NewFlagSet("belgi keys dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("o", ".", "write the files into `DIR`")
	org := fs.String("org", "belgi development", "organisation named in the certificates")
	days := fs.Int("days", 365, "validity in days")
	force := fs.Bool("force", false, "overwrite existing files")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: belgi keys dev [flags]

Writes a development certificate authority and a C2PA signing certificate:
  dev-ca.pem          the CA certificate (give it to 'belgi verify --trust-anchors')
  dev-ca.key.pem      the CA private key
  dev-signer.pem      signing chain: leaf (EKU emailProtection, KU digitalSignature, CA:FALSE) + CA
  dev-signer.key.pem  the leaf's private key (PKCS#8)
Then: belgi label --c2pa-cert dev-signer.pem --c2pa-key dev-signer.key.pem ...

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitFatal
	}
	if *days < 1 {
		fmt.Fprintln(stderr, "belgi keys dev: -days must be at least 1")
		return exitFatal
	}
	dc, err := c2pa.NewDevCredentials(*org, time.Now(), time.Duration(*days)*24*time.Hour)
	if err != nil {
		fmt.Fprintln(stderr, "belgi keys dev:", err)
		return exitFatal
	}
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{"dev-ca.pem", dc.CACert, 0o644},
		{"dev-ca.key.pem", dc.CAKey, 0o600},
		{"dev-signer.pem", dc.LeafChain, 0o644},
		{"dev-signer.key.pem", dc.LeafKey, 0o600},
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(stderr, "belgi keys dev:", err)
		return exitFatal
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if *force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	for _, f := range files {
		p := filepath.Join(*dir, f.name)
		fh, err := os.OpenFile(p, flags, f.mode)
		if err != nil {
			fmt.Fprintf(stderr, "belgi keys dev: %v (use -force to overwrite)\n", err)
			return exitFatal
		}
		_, err = fh.Write(f.data)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintln(stderr, "belgi keys dev:", err)
			return exitFatal
		}
		fmt.Fprintln(stdout, p)
	}
	fmt.Fprintln(stderr, "belgi keys dev: WARNING: these are development keys for testing only. Validators will show")
	fmt.Fprintln(stderr, "manifests signed with them as untrusted unless dev-ca.pem is given as a trust anchor; never")
	fmt.Fprintln(stderr, "use them to sign content you publish.")
	return exitOK
}
