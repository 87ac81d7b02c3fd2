package main

import (
	"context"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/belgi/belgi/formats/c2pa"
	"github.com/belgi/belgi/label"
)

func runVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("belgi verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per file and line")
	anchors := fs.String("trust-anchors", "", "PEM `FILE` of trusted C2PA root certificates")
	wmKey := fs.String("watermark-key", "", "detect watermarks made with this secret key (default: belgi's public key)")
	trustConfig := fs.String("trust-config", "", "`FILE` of extended key usages (one OID a line, c2pa-rs trust_config) accepted for C2PA signers beyond emailProtection")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: belgi verify [--json] [--trust-anchors PEM] [--trust-config FILE] FILE...   ('-' reads stdin)\n\nExit status: 0 all labelled, 1 some not, 2 errors.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitFatal
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "belgi verify: no input files")
		return exitFatal
	}
	var vo label.VerifyOptions
	if *wmKey != "" {
		vo.WatermarkKey = []byte(*wmKey)
	}
	if *anchors != "" {
		b, err := os.ReadFile(*anchors)
		if err != nil {
			fmt.Fprintln(stderr, "belgi verify:", err)
			return exitFatal
		}
		vo.TrustAnchors = b
	}
	if *trustConfig != "" {
		b, err := os.ReadFile(*trustConfig)
		if err == nil {
			var oids []asn1.ObjectIdentifier
			if oids, err = c2pa.ParseTrustConfig(b); err == nil {
				for _, o := range oids {
					vo.AllowedEKUs = append(vo.AllowedEKUs, o.String())
				}
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "belgi verify: --trust-config: %v\n", err)
			return exitFatal
		}
	}
	ctx := context.Background()
	status := exitOK
	for _, name := range fs.Args() {
		var rep label.Report
		var err error
		o := vo
		if name == "-" {
			o.Name = "-"
			rep, err = label.Verify(ctx, os.Stdin, o)
		} else {
			rep, err = label.VerifyFile(ctx, name, o)
		}
		if err != nil {
			rep.Errors = append(rep.Errors, err.Error())
			status = exitFatal
		} else if !rep.Labelled && status == exitOK {
			status = exitPartial
		}
		if *asJSON {
			b, err := json.Marshal(rep)
			if err != nil { // never an empty line: say what went wrong, as JSON
				b, _ = json.Marshal(map[string]any{"file": rep.File, "errors": []string{"report: " + err.Error()}})
				status = exitFatal
			}
			fmt.Fprintln(stdout, string(b))
		} else {
			printReport(stdout, rep)
		}
	}
	return status
}

func printReport(w io.Writer, r label.Report) {
	verdict := "NOT labelled"
	if r.Labelled {
		verdict = "labelled as AI content"
	}
	if len(r.Errors) > 0 {
		verdict = "error: " + strings.Join(r.Errors, "; ")
	}
	fmt.Fprintf(w, "%s (%s): %s\n", r.File, orDash(r.Format), verdict)
	m := r.Metadata
	if m.Present {
		fmt.Fprintf(w, "  metadata:   %s", deref(m.DigitalSourceType))
		if m.AISystem != nil {
			fmt.Fprintf(w, ", AI system %s", *m.AISystem)
		}
		if m.ContentID != nil {
			fmt.Fprintf(w, ", id %s", *m.ContentID)
		}
		fmt.Fprintf(w, " [%s]\n", strings.Join(m.Sources, ", "))
		langs := make([]string, 0, len(m.Disclosure))
		for k := range m.Disclosure {
			langs = append(langs, k)
		}
		sort.Strings(langs)
		for _, k := range langs {
			fmt.Fprintf(w, "              %s: %s\n", k, m.Disclosure[k])
		}
	} else {
		fmt.Fprintln(w, "  metadata:   absent")
	}
	if r.Watermark.Present {
		fmt.Fprintf(w, "  watermark:  id %s (score %.1f)\n", deref(r.Watermark.ID), derefF(r.Watermark.Score))
	} else {
		fmt.Fprintln(w, "  watermark:  absent")
	}
	if r.C2PA.Present {
		fmt.Fprintf(w, "  c2pa:       %s, signer %s", deref(r.C2PA.State), deref(r.C2PA.Signer))
		if len(r.C2PA.Codes) > 0 {
			fmt.Fprintf(w, " (%s)", strings.Join(r.C2PA.Codes, " "))
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintln(w, "  c2pa:       absent")
	}
	if r.Disclosure.Present {
		fmt.Fprintf(w, "  disclosure: %s\n", deref(r.Disclosure.Kind))
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "  warning:    %s\n", warn)
	}
}

func deref(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

func derefF(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
