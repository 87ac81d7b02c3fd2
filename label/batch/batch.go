// Package batch labels many files at once: whole directory trees or lists
// of paths, with a pool of workers, a JSON Lines report, resumption after an
// interruption and all-or-nothing outputs.
//
// It is the engine behind `belgi label DIR…`; it adds no policy of its own:
// each file is labelled by label.ApplyFile with the same Label and Options
// (a fresh content ID per file unless one was fixed). It is not a scheduler
// for remote work or a file-format sniffer: it selects files in directories
// by extension and leaves the bytes to package label.
package batch

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/belgi/belgi/formats"
	"github.com/belgi/belgi/label"
)

// Extensions selects which files a directory walk labels (explicitly named
// files are always tried). Lower case, with the dot.
var Extensions = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".webp": true, ".gif": true,
	".wav": true, ".mp3": true, ".flac": true,
	".mp4": true, ".m4v": true, ".mov": true,
	".txt": true, ".md": true, ".markdown": true, ".html": true, ".htm": true, ".json": true,
}

// Config describes one batch run.
type Config struct {
	Inputs []string  // files and directories (directories are walked)
	From   io.Reader // optional list of paths, one per line
	OutDir string    // mirror the tree here; empty with InPlace
	// InPlace replaces each input atomically.
	InPlace bool
	Jobs    int // workers; <1 means 1
	DryRun  bool
	// SkipLabelled skips files already done: with OutDir, an existing
	// output (outputs appear only complete, by rename); in place, an input
	// whose metadata already declares AI content.
	SkipLabelled bool
	// FixedID keeps Label.ContentID for every file; otherwise each file gets
	// a fresh random ID.
	FixedID bool
	// Fsync syncs every output before its rename. By default outputs are
	// renamed unsynced (still all-or-nothing if the process dies) and the
	// run ends with one sync(2): per-file fsync made archive relabelling
	// several times slower, and no other archive tool pays it.
	Fsync bool

	Label   label.Label
	Options label.Options

	// Report, if set, receives one JSON object per file and line.
	Report io.Writer
	// Progress, if set, is called after each file (from one goroutine at a
	// time).
	Progress func(Progress)
}

// Record is one line of the JSON Lines report.
type Record struct {
	File        string        `json:"file"`
	Output      string        `json:"output,omitempty"`
	Status      string        `json:"status"` // labelled, skipped, failed, dry-run
	Format      string        `json:"format,omitempty"`
	Layers      []label.Layer `json:"layers,omitempty"`
	ContentID   string        `json:"content_id,omitempty"`
	WatermarkID string        `json:"watermark_id,omitempty"`
	Warnings    []string      `json:"warnings,omitempty"`
	Error       string        `json:"error,omitempty"`
	Bytes       int64         `json:"bytes"`
	Millis      float64       `json:"ms"`
}

// Record statuses.
const (
	StatusLabelled = "labelled"
	StatusSkipped  = "skipped"
	StatusFailed   = "failed"
	StatusDryRun   = "dry-run"
)

// Progress is a snapshot for a progress bar.
type Progress struct {
	Done, Total           int
	Failed, Skipped       int
	BytesDone, BytesTotal int64
	Elapsed               time.Duration
}

// Summary says how a run ended.
type Summary struct {
	Progress
	Interrupted bool // the context was cancelled before every file was done
	NotStarted  int  // files never started because of the interruption
	// TempRemoved counts stale temporary files of earlier killed runs that
	// were removed.
	TempRemoved int
}

// ErrUsage reports a Config that cannot run.
var ErrUsage = errors.New("batch: usage")

type task struct {
	src, dst string
	size     int64
}

// Run labels every selected file. It returns an error only for problems that
// stop the whole run (bad configuration, unreadable input list); per-file
// failures are counted in the Summary and written to the report.
func Run(ctx context.Context, c Config) (Summary, error) {
	var sum Summary
	if c.OutDir == "" && !c.InPlace && !c.DryRun {
		return sum, fmt.Errorf("%w: give an output directory or in-place", ErrUsage)
	}
	if c.OutDir != "" && c.InPlace {
		return sum, fmt.Errorf("%w: output directory and in-place exclude each other", ErrUsage)
	}
	if err := c.Label.Normalize(); err != nil {
		return sum, err
	}
	tasks, removed, err := c.collect()
	sum.TempRemoved = removed
	if err != nil {
		return sum, err
	}
	sum.Total = len(tasks)
	for _, t := range tasks {
		sum.BytesTotal += t.size
	}
	jobs := max(c.Jobs, 1)
	start := time.Now()

	var (
		mu      sync.Mutex // guards sum, the report and progress callbacks
		started atomic.Int64
		work    = make(chan task)
		wg      sync.WaitGroup
	)
	done := func(t task, rec Record) {
		mu.Lock()
		defer mu.Unlock()
		sum.Done++
		sum.BytesDone += t.size
		switch rec.Status {
		case StatusFailed:
			sum.Failed++
		case StatusSkipped:
			sum.Skipped++
		}
		sum.Elapsed = time.Since(start)
		if c.Report != nil {
			b, _ := json.Marshal(rec)
			c.Report.Write(append(b, '\n'))
		}
		if c.Progress != nil {
			c.Progress(sum.Progress)
		}
	}
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				done(t, c.one(ctx, t))
			}
		}()
	}
feed:
	for _, t := range tasks {
		select {
		case <-ctx.Done():
			break feed
		case work <- t:
			started.Add(1)
		}
	}
	close(work)
	wg.Wait()
	if !c.Fsync && !c.DryRun {
		flush()
	}
	sum.Elapsed = time.Since(start)
	if ctx.Err() != nil {
		sum.Interrupted = true
		sum.NotStarted = len(tasks) - int(started.Load())
	}
	return sum, nil
}

// one labels a single file and returns its report record.
func (c *Config) one(ctx context.Context, t task) (rec Record) {
	rec = Record{File: t.src, Output: t.dst, Bytes: t.size}
	begin := time.Now()
	defer func() { rec.Millis = float64(time.Since(begin).Microseconds()) / 1000 }()
	if c.SkipLabelled && c.alreadyDone(ctx, t) {
		rec.Status = StatusSkipped
		return rec
	}
	if c.DryRun {
		rec.Status = StatusDryRun
		return rec
	}
	if err := ctx.Err(); err != nil {
		rec.Status, rec.Error = StatusFailed, "interrupted before start"
		return rec
	}
	l := c.Label
	l.Languages = append([]string(nil), c.Label.Languages...)
	if !c.FixedID {
		l.ContentID = label.NewContentID()
	}
	if dir := filepath.Dir(t.dst); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			rec.Status, rec.Error = StatusFailed, err.Error()
			return rec
		}
	}
	o := c.Options
	o.NoSync = o.NoSync || !c.Fsync
	res, err := label.ApplyFile(ctx, t.src, t.dst, l, o)
	rec.Format = string(res.Format)
	if err != nil {
		rec.Status, rec.Error = StatusFailed, err.Error()
		return rec
	}
	rec.Status = StatusLabelled
	rec.Layers, rec.ContentID, rec.WatermarkID, rec.Warnings = res.Layers, res.ContentID, res.WatermarkID, res.Warnings
	return rec
}

func (c *Config) alreadyDone(ctx context.Context, t task) bool {
	if !c.InPlace && t.dst != t.src {
		// Outputs appear only whole (by rename); an empty or unrecognisable
		// one is what a power cut can leave of an unsynced file: redo it.
		f, err := os.Open(t.dst)
		if err != nil {
			return false
		}
		defer f.Close()
		head := make([]byte, formats.HeaderSize)
		n, _ := io.ReadFull(f, head)
		return n > 0 && formats.Detect(head[:n], t.dst) != formats.Unknown
	}
	rep, err := label.VerifyFile(ctx, t.src, label.VerifyOptions{})
	return err == nil && rep.Metadata.Present && rep.Labelled
}

// collect expands the inputs into tasks, removing stale temporary files of
// killed runs in every directory it walks.
func (c *Config) collect() ([]task, int, error) {
	var tasks []task
	removed := 0
	seen := map[string]bool{}
	add := func(src, rel string, size int64) {
		if seen[src] {
			return
		}
		seen[src] = true
		dst := src
		if c.OutDir != "" {
			dst = filepath.Join(c.OutDir, rel)
		}
		tasks = append(tasks, task{src: src, dst: dst, size: size})
	}
	outAbs := ""
	if c.OutDir != "" {
		outAbs, _ = filepath.Abs(c.OutDir)
	}
	addPath := func(p string, fromList bool) error {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			rel := filepath.Base(p)
			if fromList && !filepath.IsAbs(p) && filepath.IsLocal(p) {
				rel = filepath.Clean(p)
			}
			add(p, rel, st.Size())
			return nil
		}
		return filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				if abs, _ := filepath.Abs(path); outAbs != "" && abs == outAbs {
					return filepath.SkipDir // never relabel our own outputs
				}
				return nil
			}
			if label.IsTemp(d.Name()) {
				if os.Remove(path) == nil {
					removed++
				}
				return nil
			}
			if !d.Type().IsRegular() || !Extensions[strings.ToLower(filepath.Ext(d.Name()))] {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(p, path)
			if fromList || len(c.Inputs) > 1 {
				rel = filepath.Join(filepath.Base(filepath.Clean(p)), rel)
			}
			add(path, rel, info.Size())
			return nil
		})
	}
	for _, in := range c.Inputs {
		if err := addPath(in, false); err != nil {
			return nil, removed, fmt.Errorf("%w: %v", ErrUsage, err)
		}
	}
	if c.From != nil {
		sc := bufio.NewScanner(c.From)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			p := strings.TrimSpace(sc.Text())
			if p == "" || strings.HasPrefix(p, "#") {
				continue
			}
			if err := addPath(p, true); err != nil {
				// A missing listed file is that file's failure, not the run's.
				tasks = append(tasks, task{src: p, dst: p})
			}
		}
		if err := sc.Err(); err != nil {
			return nil, removed, fmt.Errorf("batch: reading the list: %w", err)
		}
	}
	if c.OutDir != "" {
		// Stale temp files of a killed run sit beside the outputs too.
		filepath.WalkDir(c.OutDir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && label.IsTemp(d.Name()) && os.Remove(path) == nil {
				removed++
			}
			return nil
		})
	}
	return tasks, removed, nil
}
