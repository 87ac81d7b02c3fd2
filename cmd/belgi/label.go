package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/belgi/belgi/label"
	"github.com/belgi/belgi/label/batch"
)

// labelFlags are the flags of `belgi label`, mapped 1:1 to label.Label,
// label.Options and batch.Config.
type labelFlags struct {
	out, layers, source, aiSystem, aiVersion, id, lang, profile, tdm, tdmPolicy, producer, prompt string
	from, report                                                                                  string
	textNotice                                                                                    string
	jobs                                                                                          int
	inPlace, writePrompt, quiet, dryRun, skipLabelled, burnIn, fsync                              bool
	c2pa                                                                                          c2paFlags
	disc                                                                                          disclosureFlags
}

func (f *labelFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.out, "o", "", "write outputs to `DIR` (mirrors directory trees, keeps names)")
	fs.BoolVar(&f.inPlace, "in-place", false, "replace each input atomically")
	fs.StringVar(&f.layers, "layers", "", "comma list of metadata,watermark,disclosure,c2pa (default: all that apply)")
	fs.StringVar(&f.source, "source", "generated", "generated, edited, composite or an IPTC digital source type URI")
	fs.StringVar(&f.aiSystem, "ai-system", "", "name of the AI system")
	fs.StringVar(&f.aiVersion, "ai-version", "", "version of the AI system")
	fs.StringVar(&f.producer, "producer", "", "organisation that produced the content")
	fs.StringVar(&f.id, "id", "", "content ID, 16 hex digits (default: random, one per file)")
	fs.StringVar(&f.lang, "lang", "", "disclosure languages in order, e.g. kk,ru,en (default per profile)")
	fs.StringVar(&f.profile, "profile", "kz", "kz, eu or cn")
	fs.StringVar(&f.tdm, "tdm", "", "training reservation: reserve or allow")
	fs.StringVar(&f.tdmPolicy, "tdm-policy", "", "URL of a TDM licensing policy")
	fs.StringVar(&f.prompt, "prompt", "", "the prompt (written only with --write-prompt)")
	fs.BoolVar(&f.writePrompt, "write-prompt", false, "write the prompt into metadata")
	fs.StringVar(&f.from, "from", "", "read more paths from `FILE`, one per line ('-' = stdin)")
	fs.IntVar(&f.jobs, "jobs", runtime.NumCPU(), "files labelled in parallel")
	fs.BoolVar(&f.dryRun, "dry-run", false, "list what would be labelled, write nothing")
	fs.BoolVar(&f.fsync, "fsync", false, "fsync every output before renaming it (default: one sync at the end of the run)")
	fs.BoolVar(&f.skipLabelled, "skip-labelled", false, "skip files already done (resume an interrupted run)")
	fs.StringVar(&f.report, "report", "", "write a JSON Lines report to `FILE` (one record per file)")
	fs.BoolVar(&f.quiet, "q", false, "print errors only")
	fs.StringVar(&f.textNotice, "text-notice", "start", "text: put the visible notice at the start or end")
	fs.BoolVar(&f.burnIn, "burn-in", false, "video: re-encode with ffmpeg to draw the badge (and watermark) into every frame")
	f.c2pa.register(fs)
	f.disc.register(fs)
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
	if f.textNotice != "start" && f.textNotice != "end" {
		return l, label.Options{}, fmt.Errorf("--text-notice %q: want start or end", f.textNotice)
	}
	o := label.Options{Layers: layers, BurnIn: f.burnIn, Text: label.TextOptions{Placement: label.TextPlacement(f.textNotice)}}
	if err := f.disc.apply(&o); err != nil {
		return l, label.Options{}, err
	}
	if err := f.c2pa.apply(&o.C2PA); err != nil {
		return l, o, err
	}
	return l, o, nil
}

func runLabel(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("belgi label", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f labelFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: belgi label [flags] FILE|DIR...
       belgi label [flags] - < in > out      (stdin to stdout)

Directories are walked recursively (files with a known extension). Outputs are
written to a temporary file beside the target and renamed, so each is either
complete or absent. Exit status: 0 all done, 1 some files failed, 2 usage or
fatal errors (and interruptions).

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitFatal
	}
	files := fs.Args()
	if len(files) == 0 && f.from == "" {
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
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C ends the process at once
	}()

	if len(files) == 1 && files[0] == "-" && f.from == "" {
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
	if f.out == "" && !f.inPlace && !f.dryRun {
		fmt.Fprintln(stderr, "belgi label: say where outputs go: -o DIR or --in-place")
		return exitFatal
	}
	if f.out != "" && f.inPlace {
		fmt.Fprintln(stderr, "belgi label: -o and --in-place exclude each other")
		return exitFatal
	}
	cfg := batch.Config{
		Inputs: files, OutDir: f.out, InPlace: f.inPlace, Jobs: f.jobs, DryRun: f.dryRun,
		SkipLabelled: f.skipLabelled, FixedID: f.id != "", Fsync: f.fsync, Label: l, Options: opts,
	}
	if f.from != "" {
		if f.from == "-" {
			cfg.From = os.Stdin
		} else {
			lf, err := os.Open(f.from)
			if err != nil {
				fmt.Fprintln(stderr, "belgi label:", err)
				return exitFatal
			}
			defer lf.Close()
			cfg.From = lf
		}
	}
	var report *os.File
	if f.report != "" {
		report, err = os.Create(f.report)
		if err != nil {
			fmt.Fprintln(stderr, "belgi label:", err)
			return exitFatal
		}
		defer report.Close()
	}
	bar := newProgressBar(stderr)
	printer := recordPrinter{out: stdout, errOut: stderr, quiet: f.quiet || bar != nil}
	if report != nil {
		printer.report = report // not a nil *os.File in a non-nil interface
	}
	cfg.Report = printer
	if bar != nil {
		cfg.Progress = bar.update
	}
	sum, err := batch.Run(ctx, cfg)
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		fmt.Fprintln(stderr, "belgi label:", err)
		return exitFatal
	}
	labelled := sum.Done - sum.Failed - sum.Skipped
	if sum.Interrupted {
		fmt.Fprintf(stderr, "belgi label: interrupted: %d labelled, %d skipped, %d failed, %d not started\n",
			labelled, sum.Skipped, sum.Failed, sum.NotStarted)
		return exitFatal
	}
	if !f.quiet && (sum.Total > 1 || bar != nil) {
		fmt.Fprintf(stderr, "belgi label: %d labelled, %d skipped, %d failed in %s\n",
			labelled, sum.Skipped, sum.Failed, sum.Elapsed.Round(time.Millisecond))
	}
	if sum.Failed > 0 {
		return exitPartial
	}
	return exitOK
}

// recordPrinter writes each batch record to the JSON Lines report and a
// one-line summary to the terminal.
type recordPrinter struct {
	report      io.Writer
	out, errOut io.Writer
	quiet       bool
}

func (p recordPrinter) Write(b []byte) (int, error) {
	if p.report != nil {
		if _, err := p.report.Write(b); err != nil {
			return 0, err
		}
	}
	var rec batch.Record
	if err := jsonUnmarshal(b, &rec); err != nil {
		return len(b), nil
	}
	switch {
	case rec.Status == batch.StatusFailed:
		fmt.Fprintf(p.errOut, "belgi label: %s: %s\n", rec.File, rec.Error)
	case p.quiet:
	case rec.Status == batch.StatusLabelled:
		printResult(p.out, rec.Output, label.Result{Format: formatOf(rec.Format), Layers: rec.Layers, ContentID: rec.ContentID, Warnings: rec.Warnings})
	default:
		fmt.Fprintf(p.out, "%s: %s\n", rec.File, rec.Status)
	}
	return len(b), nil
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
