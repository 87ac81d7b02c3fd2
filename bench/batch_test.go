package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
)

// The archive-relabelling comparison of issue 11: label 1,000 JPEGs with
// the belgi CLI and with exiftool writing the one XMP field. Each benchmark
// op labels the whole archive (use -benchtime=1x):
//
//	go test ./bench -run '^$' -bench BatchJPEG -benchtime=1x
//
// It reports files/s; bench/README.md has the numbers.

const archiveFiles = 1000

func makeArchive(b *testing.B) string {
	b.Helper()
	src, err := os.ReadFile(extool.Testdata(b, "sample.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for i := range archiveFiles {
		sub := filepath.Join(dir, fmt.Sprintf("d%02d", i%20))
		os.MkdirAll(sub, 0o755)
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("img%04d.jpg", i)), src, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// runArchive reports files/s of wall time and of the child's CPU time
// (user+system): the machine is shared, and CPU time is what the work
// costs whatever else runs.
func runArchive(b *testing.B, name string, args func(dir string) []string) {
	b.Helper()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		dir := makeArchive(b)
		a := args(dir)
		b.StartTimer()
		cmd := exec.Command(a[0], a[1:]...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", name, err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.ReportMetric(float64(archiveFiles)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
	b.ReportMetric(float64(archiveFiles)*float64(b.N)/cpu.Seconds(), "cpu-files/s")
}

func BenchmarkBatchJPEG(b *testing.B) {
	bin := buildCLI(b, b.TempDir()) // image_metadata_test.go
	b.Run("belgi-metadata", func(b *testing.B) {
		runArchive(b, "belgi", func(dir string) []string {
			return []string{bin, "label", "-q", "--layers", "metadata", "--in-place", dir}
		})
	})
	b.Run("belgi-all-layers", func(b *testing.B) {
		runArchive(b, "belgi", func(dir string) []string {
			return []string{bin, "label", "-q", "--in-place", dir}
		})
	})
	b.Run("exiftool", func(b *testing.B) {
		exiftool := extool.Need(b, "exiftool")
		runArchive(b, "exiftool", func(dir string) []string {
			return []string{exiftool, "-q", "-r", "-overwrite_original",
				"-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", dir}
		})
	})
}
