package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/belgi/belgi/formats"
	"github.com/belgi/belgi/label/batch"
)

// progressBar draws files, bytes, rate and ETA on one terminal line.
type progressBar struct {
	w    io.Writer
	last time.Time
	p    batch.Progress
}

// newProgressBar returns a bar when w is a terminal, nil otherwise (logs
// and pipes stay quiet).
func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if !term.IsTerminal(int(f.Fd())) { // /dev/null is a char device, not a terminal
		return nil
	}
	return &progressBar{w: w}
}

func (b *progressBar) update(p batch.Progress) {
	b.p = p
	if time.Since(b.last) < 100*time.Millisecond && p.Done < p.Total {
		return
	}
	b.last = time.Now()
	b.draw()
}

func (b *progressBar) draw() {
	p := b.p
	frac := 0.0
	if p.BytesTotal > 0 {
		frac = float64(p.BytesDone) / float64(p.BytesTotal)
	} else if p.Total > 0 {
		frac = float64(p.Done) / float64(p.Total)
	}
	const width = 24
	n := int(frac * width)
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '.'
		if i < n {
			bar[i] = '#'
		}
	}
	secs := p.Elapsed.Seconds()
	rate, eta := 0.0, "?"
	if secs > 0 {
		rate = float64(p.BytesDone) / secs / 1e6
		if frac > 0 {
			eta = (time.Duration(secs/frac*(1-frac)) * time.Second).Round(time.Second).String()
		}
	}
	fmt.Fprintf(b.w, "\r[%s] %d/%d files, %s/%s, %.1f MB/s, ETA %s, %d failed ",
		bar, p.Done, p.Total, humanBytes(p.BytesDone), humanBytes(p.BytesTotal), rate, eta, p.Failed)
}

func (b *progressBar) finish() {
	b.draw()
	fmt.Fprintln(b.w)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func formatOf(s string) formats.Format { return formats.Format(s) }
