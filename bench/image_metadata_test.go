package bench

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	stdjpeg "image/jpeg"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	xdraw "golang.org/x/image/draw"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/label"
)

// The image metadata layer (issue 2): labelling speed on a 1080p JPEG and
// peak memory on large PNGs. Numbers and commands are in bench/README.md.

var metadataOnly = label.Options{Layers: []label.Layer{label.LayerMetadata}}

// jpeg1080p upscales a natural photo to 1920x1080 and encodes it at
// quality 90 (about 0.5 MB), the typical size of a generated image.
func jpeg1080p(b testing.TB) []byte {
	f, err := os.Open(filepath.Join(extool.Shared(b, "testdata/images"), "rocket.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		b.Fatal(err)
	}
	dst := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
	var buf bytes.Buffer
	if err := stdjpeg.Encode(&buf, dst, &stdjpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkLabelJPEG1080p labels a 1080p JPEG in memory (metadata layer:
// XMP + minimal EXIF spliced, scan data copied).
func BenchmarkLabelJPEG1080p(b *testing.B) {
	in := jpeg1080p(b)
	l := label.Label{AISystem: "Example Diffusion", AIVersion: "1.0", ContentID: "0123456789abcdef"}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := label.Apply(context.Background(), bytes.NewReader(in), io.Discard, l, metadataOnly); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkVerifyJPEG1080p reads the label back.
func BenchmarkVerifyJPEG1080p(b *testing.B) {
	var out bytes.Buffer
	if _, err := label.Apply(context.Background(), bytes.NewReader(jpeg1080p(b)), &out, label.Label{}, metadataOnly); err != nil {
		b.Fatal(err)
	}
	in := out.Bytes()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := label.Verify(context.Background(), bytes.NewReader(in), label.VerifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// writeBigPNG writes a valid RGB PNG of about size bytes: random rows (so
// nothing compresses) stored in zlib's uncompressed blocks, in 1 MiB IDAT
// chunks, streamed to disk.
func writeBigPNG(tb testing.TB, path string, size int64) {
	const width = 4096
	rowBytes := 1 + 3*width
	height := int(size / int64(rowBytes))
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	chunk := func(typ string, data []byte) {
		var h [8]byte
		binary.BigEndian.PutUint32(h[:], uint32(len(data)))
		copy(h[4:], typ)
		w.Write(h[:])
		w.Write(data)
		crc := crc32.NewIEEE()
		crc.Write(h[4:])
		crc.Write(data)
		binary.BigEndian.PutUint32(h[:4], crc.Sum32())
		w.Write(h[:4])
	}
	w.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, width)
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	idat := &idatWriter{emit: func(b []byte) { chunk("IDAT", b) }}
	zw, _ := zlib.NewWriterLevel(idat, zlib.NoCompression)
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	row := make([]byte, rowBytes)
	for y := 0; y < height; y++ {
		for i := 1; i+8 <= len(row); i += 8 {
			binary.LittleEndian.PutUint64(row[i:], rng.Uint64())
		}
		zw.Write(row)
	}
	zw.Close()
	idat.flush()
	chunk("IEND", nil)
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
}

type idatWriter struct {
	buf  []byte
	emit func([]byte)
}

func (w *idatWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for len(w.buf) >= 1<<20 {
		w.emit(w.buf[:1<<20])
		w.buf = append(w.buf[:0], w.buf[1<<20:]...)
	}
	return len(p), nil
}

func (w *idatWriter) flush() {
	if len(w.buf) > 0 {
		w.emit(w.buf)
	}
}

// buildCLI builds cmd/belgi once per test binary run.
func buildCLI(tb testing.TB, dir string) string {
	bin := filepath.Join(dir, "belgi")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/belgi")
	cmd.Dir = extool.RepoRoot(tb)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// peakRSS labels src with the CLI in a child process and returns its peak
// resident memory in MiB (getrusage ru_maxrss).
func peakRSS(tb testing.TB, bin, src, outDir string) float64 {
	_, kib := runPeakRSS(tb, bin, "label", "-q", "--layers", "metadata", "-o", outDir, src)
	return float64(kib) / 1024
}

// TestPNGLabelMemoryFlat is the CI-sized check: labelling a 64 MB PNG keeps
// peak memory far below the file size (IDAT is streamed, never held).
func TestPNGLabelMemoryFlat(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "big.png")
	writeBigPNG(t, src, 64<<20)
	rss := peakRSS(t, buildCLI(t, dir), src, filepath.Join(dir, "out"))
	t.Logf("64 MiB PNG: peak RSS %.1f MiB", rss)
	if rss > 40 {
		t.Fatalf("peak RSS %.1f MiB while labelling a 64 MiB PNG: memory grows with the file", rss)
	}
	in, _ := os.Stat(src)
	out, _ := os.Stat(filepath.Join(dir, "out", "big.png"))
	if out == nil || out.Size() <= in.Size() {
		t.Fatal("output missing or short")
	}
}

// BenchmarkLabelPNGPeakRSS labels 20 MB and 200 MB PNGs with the CLI and
// reports peak RSS for each: flat memory means the two are about equal.
func BenchmarkLabelPNGPeakRSS(b *testing.B) {
	dir := b.TempDir()
	bin := buildCLI(b, dir)
	for _, mb := range []int64{20, 200} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			src := filepath.Join(dir, fmt.Sprintf("big%d.png", mb))
			writeBigPNG(b, src, mb<<20)
			b.SetBytes(mb << 20)
			b.ResetTimer()
			var rss float64
			for i := 0; i < b.N; i++ {
				rss = max(rss, peakRSS(b, bin, src, filepath.Join(dir, "out")))
			}
			b.ReportMetric(rss, "peak-RSS-MiB")
		})
	}
}
