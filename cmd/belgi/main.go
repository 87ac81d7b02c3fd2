// Command belgi labels AI-generated content (images, audio, video, text)
// with a machine-readable marker, an invisible watermark and a visible or
// audible disclosure, and verifies such labels. It is a thin layer over
// package github.com/belgi/belgi/label.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Exit statuses shared by the subcommands.
const (
	exitOK      = 0
	exitPartial = 1 // some files failed or are not labelled
	exitFatal   = 2 // usage or fatal errors
)

type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"label", "label files (metadata, watermark, disclosure, c2pa)", runLabel},
		{"verify", "report which layers files carry", runVerify},
		{"keys", "write development C2PA signing keys (keys dev; testing only)", runKeys},
		{"tdm", "write and check AI-training reservations (site, check)", runTDM},
		{"serve", "label and verify over HTTP for pipelines in any language", runServe},
		{"version", "print the version", func([]string, io.Writer, io.Writer) int { fmt.Println("belgi", version); return exitOK }},
	}
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return run([]string{args[1], "-h"}, stdout, stderr)
		}
		usage(stdout)
		if len(args) == 0 {
			return exitFatal
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "belgi: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitFatal
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `belgi labels AI-generated content so that a person sees it and a machine can prove it
(Kazakhstan Law No. 230-VIII Art. 21, EU AI Act Art. 50).

Usage:
  belgi <command> [flags] [FILE...]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-8s %s\n\nRun 'belgi help <command>' for its flags.\n", "help", "show help")
}
