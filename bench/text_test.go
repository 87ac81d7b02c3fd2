package bench

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/label"
	wmtext "github.com/belgi/belgi/watermark/text"
)

// textCorpus is about 8 MB of plain text: the three test articles
// (kk, ru, en) repeated.
func textCorpus(b *testing.B) []byte {
	b.Helper()
	var one []byte
	for _, lang := range []string{"kk", "ru", "en"} {
		s, err := os.ReadFile(extool.Testdata(b, "text/"+lang+"-article.txt"))
		if err != nil {
			b.Fatal(err)
		}
		one = append(append(one, s...), '\n')
	}
	return bytes.Repeat(one, (8<<20)/len(one)+1)
}

// cpuTime is the process's user+system CPU time. The machine is shared,
// so wall-clock MB/s understates speed; cpuMBps reports MB per CPU second
// beside it (with GOMAXPROCS=1 that is one core, GC included).

func reportCPUThroughput(b *testing.B, start time.Duration, bytesPerOp int) {
	if d := cpuTime() - start; d > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/1e6/d.Seconds(), "cpu-MB/s")
	}
}

// BenchmarkTextLabel: label.Apply on plain text (notice + carrier).
func BenchmarkTextLabel(b *testing.B) {
	doc := textCorpus(b)
	l := label.Label{ContentID: "0123456789abcdef"}
	var out bytes.Buffer
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	c0 := cpuTime()
	defer func() { reportCPUThroughput(b, c0, len(doc)) }()
	for b.Loop() {
		out.Reset()
		if _, err := label.Apply(context.Background(), bytes.NewReader(doc), &out, l, label.Options{Name: "a.txt"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTextVerify: label.Verify on labelled plain text.
func BenchmarkTextVerify(b *testing.B) {
	doc := textCorpus(b)
	var out bytes.Buffer
	if _, err := label.Apply(context.Background(), bytes.NewReader(doc), &out, label.Label{ContentID: "0123456789abcdef"}, label.Options{Name: "a.txt"}); err != nil {
		b.Fatal(err)
	}
	marked := out.Bytes()
	b.SetBytes(int64(len(marked)))
	b.ReportAllocs()
	c0 := cpuTime()
	defer func() { reportCPUThroughput(b, c0, len(marked)) }()
	for b.Loop() {
		rep, err := label.Verify(context.Background(), bytes.NewReader(marked), label.VerifyOptions{Name: "a.txt"})
		if err != nil || !rep.Watermark.Present {
			b.Fatal(err, rep.Watermark)
		}
	}
}

// BenchmarkTextCarrierEmbed / Detect: the watermark/text kernels alone.
func BenchmarkTextCarrierEmbed(b *testing.B) {
	doc := textCorpus(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	c0 := cpuTime()
	defer func() { reportCPUThroughput(b, c0, len(doc)) }()
	for b.Loop() {
		wmtext.Embed(doc, 42, nil, wmtext.Params{})
	}
}

func BenchmarkTextCarrierDetect(b *testing.B) {
	doc := wmtext.Embed(textCorpus(b), 42, nil, wmtext.Params{})
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	c0 := cpuTime()
	defer func() { reportCPUThroughput(b, c0, len(doc)) }()
	for b.Loop() {
		if !wmtext.Detect(doc).Found {
			b.Fatal("not found")
		}
	}
}
