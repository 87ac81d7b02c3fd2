package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"os"
	"strings"

	"github.com/belgi/belgi/label"
	"github.com/belgi/belgi/label/tdm"
)

func runTDM(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, `Usage:
  belgi tdm site (--reserve | --allow) [--policy URL]
      print the site-level training reservation: /.well-known/tdmrep.json,
      HTTP headers, HTML meta tags and a robots.txt block for the AI crawlers
  belgi tdm check [--json] [--robots FILE --user-agent UA --path PATH]
                  [--headers FILE] [--html FILE] [--tdmrep FILE] [FILE...]
      check every machine-readable reservation; the most restrictive wins.
      Exit status: 0 allowed or unknown, 1 reserved, 2 errors.
`)
		if len(args) == 0 {
			return exitFatal
		}
		return exitOK
	}
	switch args[0] {
	case "site":
		return runTDMSite(args[1:], stdout, stderr)
	case "check":
		return runTDMCheck(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "belgi tdm: unknown subcommand %q (want site or check)\n", args[0])
	return exitFatal
}

func runTDMSite(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("belgi tdm site", flag.ContinueOnError)
	fs.SetOutput(stderr)
	reserve := fs.Bool("reserve", false, "reserve the rights: AI training prohibited")
	allow := fs.Bool("allow", false, "state that AI training is allowed")
	policy := fs.String("policy", "", "`URL` of a licensing policy for training (tdm-policy)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitFatal
	}
	if *reserve == *allow {
		fmt.Fprintln(stderr, "belgi tdm site: give exactly one of --reserve or --allow")
		return exitFatal
	}
	s := tdm.SiteSignals(tdm.SiteOptions{Reserve: *reserve, Policy: *policy})
	fmt.Fprintf(stdout, "## /.well-known/tdmrep.json\n%s\n", s.TDMRepJSON)
	fmt.Fprintf(stdout, "## HTTP response headers\n%s\n\n", strings.Join(s.Headers, "\n"))
	fmt.Fprintf(stdout, "## HTML <head>\n%s\n\n", strings.Join(s.HTMLMeta, "\n"))
	fmt.Fprintf(stdout, "## robots.txt\n%s", s.Robots)
	return exitOK
}

func runTDMCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("belgi tdm check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object")
	robots := fs.String("robots", "", "robots.txt `FILE`")
	ua := fs.String("user-agent", "", "crawler product token for robots.txt (default: every known AI crawler)")
	path := fs.String("path", "/", "URL path of the content, for robots.txt and tdmrep.json")
	headers := fs.String("headers", "", "`FILE` of HTTP response headers (e.g. curl -sI output)")
	html := fs.String("html", "", "HTML document `FILE`")
	rep := fs.String("tdmrep", "", "/.well-known/tdmrep.json `FILE`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitFatal
	}
	in := tdm.Inputs{UserAgent: *ua, Path: *path}
	var err error
	read := func(name string) []byte {
		if name == "" || err != nil {
			return nil
		}
		var b []byte
		b, err = os.ReadFile(name)
		if b == nil && err == nil {
			b = []byte{}
		}
		return b
	}
	in.Robots, in.HTML, in.TDMRep = read(*robots), read(*html), read(*rep)
	if h := read(*headers); h != nil && err == nil {
		in.Headers, err = parseHeaders(h)
	}
	if err != nil {
		fmt.Fprintln(stderr, "belgi tdm check:", err)
		return exitFatal
	}
	if in.Robots == nil && in.HTML == nil && in.TDMRep == nil && in.Headers == nil && fs.NArg() == 0 {
		fmt.Fprintln(stderr, "belgi tdm check: nothing to check (give files or --robots/--headers/--html/--tdmrep)")
		return exitFatal
	}
	status := exitOK
	for _, name := range fs.Args() {
		r, err := label.VerifyFile(context.Background(), name, label.VerifyOptions{})
		if err != nil {
			fmt.Fprintf(stderr, "belgi tdm check: %s: %v\n", name, err)
			status = exitFatal
			continue
		}
		in.Files = append(in.Files, fileSignals(name, r)...)
	}
	res := tdm.Check(in)
	if *asJSON {
		b, _ := json.Marshal(res)
		fmt.Fprintln(stdout, string(b))
	} else {
		fmt.Fprintf(stdout, "training: %s\n", res.Status)
		for _, s := range res.Signals {
			note := ""
			if s.Overridden {
				note = " (overridden by a higher-precedence TDMRep source)"
			}
			fmt.Fprintf(stdout, "  %-9s %-14s %s: %s%s\n", s.Status, s.Scheme, s.Where, s.Value, note)
		}
		for _, e := range res.Errors {
			fmt.Fprintf(stdout, "  error: %s\n", e)
		}
	}
	if len(res.Errors) > 0 {
		status = exitFatal
	}
	if status == exitOK && res.Status == tdm.Reserved {
		status = exitPartial
	}
	return status
}

// fileSignals turns what Verify read from a file's metadata into signals.
// The file-level value counts as TDMRep at file precedence (belgi writes
// tdm:reservation and plus:DataMining together; readers combine them,
// most restrictive first).
func fileSignals(name string, r label.Report) []tdm.Signal {
	if r.Metadata.TDM == nil {
		return nil
	}
	st := tdm.Unknown
	switch *r.Metadata.TDM {
	case "reserve":
		st = tdm.Reserved
	case "allow":
		st = tdm.Allowed
	}
	return []tdm.Signal{{Scheme: "tdmrep", Where: "file " + name + " metadata", Value: *r.Metadata.TDM, Status: st}}
}

// parseHeaders reads "Name: value" lines, skipping an HTTP status line.
func parseHeaders(b []byte) (http.Header, error) {
	b = bytes.TrimLeft(b, "\r\n\t ")
	if bytes.HasPrefix(b, []byte("HTTP/")) {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		} else {
			b = nil
		}
	}
	if !bytes.HasSuffix(b, []byte("\n\n")) && !bytes.HasSuffix(b, []byte("\r\n\r\n")) {
		b = append(append([]byte{}, b...), "\r\n\r\n"...)
	}
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(b))).ReadMIMEHeader()
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("headers: %w", err)
	}
	return http.Header(h), nil
}
