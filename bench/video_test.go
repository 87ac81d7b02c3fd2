package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/label"
)

// The 2 GB video run is opt-in: it writes about 10 GB of temporary files.
//
//	BELGI_VIDEO_LARGE=1 go test -run TestVideoLargeFile -v -timeout 30m ./bench/
//
// It builds a 2 GB MP4 from a lossless 10 s clip (ffmpeg lavfi) with
// ffmpeg's stream copy (-stream_loop), in both layouts (moov before mdat,
// where labelling shifts every chunk offset, and moov after mdat), then
// runs `belgi label` as a child process and compares its wall time with a
// plain file copy (cp) of the same file on the same disk, and reads the
// child's peak RSS from rusage.
func TestVideoLargeFile(t *testing.T) {
	if os.Getenv("BELGI_VIDEO_LARGE") == "" {
		t.Skip("set BELGI_VIDEO_LARGE=1 to run the 2 GB video benchmark")
	}
	extool.Need(t, "ffmpeg")
	dir := t.TempDir()
	if d := os.Getenv("BELGI_VIDEO_LARGE_DIR"); d != "" {
		dir = d
	}
	bin := filepath.Join(dir, "belgi")
	mustRun(t, "go", "build", "-o", bin, "github.com/belgi/belgi/cmd/belgi")
	clip := filepath.Join(dir, "clip.mp4")
	mustRun(t, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=25:d=10",
		"-f", "lavfi", "-i", "sine=d=10", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-c:a", "aac", clip)
	st, _ := os.Stat(clip)
	loops := int(2e9/float64(st.Size())) + 1
	for _, layout := range []struct{ name, flags string }{
		{"moov-first", "+faststart"},
		{"moov-last", ""},
	} {
		t.Run(layout.name, func(t *testing.T) {
			big := filepath.Join(dir, "big-"+layout.name+".mp4")
			args := []string{"-v", "error", "-y", "-stream_loop", strconv.Itoa(loops - 1), "-i", clip, "-c", "copy"}
			if layout.flags != "" {
				args = append(args, "-movflags", layout.flags)
			}
			mustRun(t, "ffmpeg", append(args, big)...)
			defer os.Remove(big)
			st, _ := os.Stat(big)
			outDir := filepath.Join(dir, "out")
			os.MkdirAll(outDir, 0o755)
			var copies, labels []time.Duration
			var rss int64
			for i := 0; i < 3; i++ {
				d, _ := timed(t, "cp", big, filepath.Join(outDir, "copy.mp4"))
				copies = append(copies, d)
				os.Remove(filepath.Join(outDir, "copy.mp4"))
				d, r := timed(t, bin, "label", "-q", "-o", outDir, big)
				labels = append(labels, d)
				rss = max(rss, r)
				if i < 2 {
					os.Remove(filepath.Join(outDir, filepath.Base(big)))
				}
			}
			labelled := filepath.Join(outDir, filepath.Base(big))
			defer os.Remove(labelled)
			rep, err := label.VerifyFile(context.Background(), labelled, label.VerifyOptions{})
			if err != nil || !rep.Disclosure.Present || rep.Metadata.DigitalSourceType == nil {
				t.Fatalf("labelled file does not verify: %v %+v", err, rep)
			}
			mustRun(t, "ffprobe", "-v", "error", labelled)
			c, l := median(copies), median(labels)
			mb := float64(st.Size()) / 1e6
			ratio := c.Seconds() / l.Seconds()
			t.Logf("| %s | %.0f MB | cp %.2f s (%.0f MB/s) | belgi label %.2f s (%.0f MB/s) | %.0f %% of copy | peak RSS %.1f MB |",
				layout.name, mb, c.Seconds(), mb/c.Seconds(), l.Seconds(), mb/l.Seconds(), 100*ratio, float64(rss)/1024)
			if rss > 64*1024 {
				t.Errorf("peak RSS %d KiB > 64 MiB", rss)
			}
			if ratio < 0.8 {
				t.Errorf("throughput %.0f %% of a plain copy, want ≥ 80 %%", 100*ratio)
			}
		})
	}
}

func mustRun(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// timed runs a command and returns its wall time and peak RSS (KiB).
func timed(t *testing.T, name string, args ...string) (time.Duration, int64) {
	t.Helper()
	start := time.Now()
	_, kib := runPeakRSS(t, name, args...) // GNU time adds ~1 ms; see childrss_test.go
	return time.Since(start), kib
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// BenchmarkVideoLabel labels a shared fixture (metadata + text track, no
// re-encode) in process, file to file.
func BenchmarkVideoLabel(b *testing.B) {
	for _, name := range []string{"mp4ff_bbb_prog_10s.mp4", "mp4ff_prog_8s.mp4"} {
		b.Run(name, func(b *testing.B) {
			src := filepath.Join(extool.Shared(b, "testdata/video"), name)
			st, err := os.Stat(src)
			if err != nil {
				b.Fatal(err)
			}
			dst := filepath.Join(b.TempDir(), name)
			b.SetBytes(st.Size())
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := label.ApplyFile(context.Background(), src, dst, label.Label{ContentID: "0011223344556677"}, label.Options{}); err != nil {
					b.Fatal(fmt.Errorf("%s: %w", name, err))
				}
			}
		})
	}
}
