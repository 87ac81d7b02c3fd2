package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/belgi/belgi/label"
)

// labelFlags are the flags of `belgi label`, mapped 1:1 to label.Label and
// label.Options.
type labelFlags struct {
	out, layers, source, aiSystem, aiVersion, id, lang, profile, tdm, tdmPolicy, producer, prompt string
	inPlace, writePrompt, quiet                                                                   bool
	burnIn                                                                                        bool // video: re-encode to draw pixels (issue 7)
}

func (f *labelFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.out, "o", "", "write outputs to `DIR` (keeps file names)")
	fs.BoolVar(&f.inPlace, "in-place", false, "replace each input atomically")
	fs.StringVar(&f.layers, "layers", "", "comma list of metadata,watermark,disclosure,c2pa (default: all that apply)")
	fs.StringVar(&f.source, "source", "generated", "generated, edited, composite or an IPTC digital source type URI")
	fs.StringVar(&f.aiSystem, "ai-system", "", "name of the AI system")
	fs.StringVar(&f.aiVersion, "ai-version", "", "version of the AI system")
	fs.StringVar(&f.producer, "producer", "", "organisation that produced the content")
	fs.StringVar(&f.id, "id", "", "content ID, 16 hex digits (default: random)")
	fs.StringVar(&f.lang, "lang", "", "disclosure languages in order, e.g. kk,ru,en (default per profile)")
	fs.StringVar(&f.profile, "profile", "kz", "kz, eu or cn")
	fs.StringVar(&f.tdm, "tdm", "", "training reservation: reserve or allow")
	fs.StringVar(&f.tdmPolicy, "tdm-policy", "", "URL of a TDM licensing policy")
	fs.StringVar(&f.prompt, "prompt", "", "the prompt (written only with --write-prompt)")
	fs.BoolVar(&f.writePrompt, "write-prompt", false, "write the prompt into metadata")
	fs.BoolVar(&f.quiet, "q", false, "print errors only")
	fs.BoolVar(&f.burnIn, "burn-in", false, "video: re-encode with ffmpeg to draw the badge (and watermark) into every frame")
}

func (f *labelFlags) build() (label.Label, label.Options, error) {
	tdm, err := label.ParseTDM(f.tdm)
	if err != nil {
		return label.Label{}, label.Options{}, err
	}
	layers, err := label.ParseLayers(f.layers)
	if err != nil {
		return label.Label{}, label.Options{}, err
	}
	l := label.Label{
		Source: label.Kind(f.source), AISystem: f.aiSystem, AIVersion: f.aiVersion,
		Producer: f.producer, ContentID: f.id, Profile: label.Profile(f.profile),
		TDM: tdm, TDMPolicy: f.tdmPolicy, Prompt: f.prompt, WritePrompt: f.writePrompt,
	}
	if f.lang != "" {
		l.Languages = strings.Split(f.lang, ",")
	}
	if err := l.Normalize(); err != nil {
		return l, label.Options{}, err
	}
	return l, label.Options{Layers: layers, BurnIn: f.burnIn}, nil
}

func runLabel(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("belgi label", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f labelFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: belgi label [flags] FILE...   ('-' reads stdin and writes stdout)\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitFatal
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintln(stderr, "belgi label: no input files (see belgi help label)")
		return exitFatal
	}
	l, opts, err := f.build()
	if err != nil {
		fmt.Fprintln(stderr, "belgi label:", err)
		return exitFatal
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if len(files) == 1 && files[0] == "-" {
		res, err := label.Apply(ctx, os.Stdin, stdout, l, opts)
		if err != nil {
			fmt.Fprintln(stderr, "belgi label: -:", err)
			return exitFatal
		}
		if !f.quiet {
			printResult(stderr, "-", res)
		}
		return exitOK
	}
	if f.out == "" && !f.inPlace {
		fmt.Fprintln(stderr, "belgi label: say where outputs go: -o DIR or --in-place")
		return exitFatal
	}
	if f.out != "" && f.inPlace {
		fmt.Fprintln(stderr, "belgi label: -o and --in-place exclude each other")
		return exitFatal
	}
	if f.out != "" {
		if err := os.MkdirAll(f.out, 0o755); err != nil {
			fmt.Fprintln(stderr, "belgi label:", err)
			return exitFatal
		}
	}
	failed := 0
	for _, src := range files {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "belgi label: interrupted")
			return exitFatal
		}
		dst := src
		if f.out != "" {
			dst = filepath.Join(f.out, filepath.Base(src))
		}
		fl := l
		fl.Languages = append([]string(nil), l.Languages...)
		if f.id == "" && len(files) > 1 {
			fl.ContentID = label.NewContentID() // one ID per file
		}
		res, err := label.ApplyFile(ctx, src, dst, fl, opts)
		if err != nil {
			fmt.Fprintf(stderr, "belgi label: %s: %v\n", src, err)
			failed++
			continue
		}
		if !f.quiet {
			printResult(stdout, dst, res)
		}
	}
	if failed > 0 {
		return exitPartial
	}
	return exitOK
}

func printResult(w io.Writer, name string, res label.Result) {
	layers := make([]string, len(res.Layers))
	for i, l := range res.Layers {
		layers[i] = string(l)
	}
	fmt.Fprintf(w, "%s: %s labelled [%s] id %s\n", name, res.Format, strings.Join(layers, ","), res.ContentID)
	for _, warn := range res.Warnings {
		fmt.Fprintf(w, "%s: warning: %s\n", name, warn)
	}
}
