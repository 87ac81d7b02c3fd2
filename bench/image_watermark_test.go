package bench

// Image watermark speed (issue 3). Run on one core:
//
//	GOMAXPROCS=1 go test -run='^$' -bench=ImageWatermark -benchmem -count=3 ./bench
//
// The 1080p and 4K frames are made from a shared photo with a Lanczos
// filter, as the anchor measurement did.

import (
	goimage "image"
	"image/color"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"syscall"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"github.com/belgi/belgi/bench/extool"
	wimage "github.com/belgi/belgi/watermark/image"
)

func loadPhoto(b testing.TB, name string, w, h int) *goimage.NRGBA {
	b.Helper()
	p := filepath.Join(extool.Shared(b, "testdata/images"), name)
	f, err := os.Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	img, _, err := goimage.Decode(f)
	if err != nil {
		b.Fatal(err)
	}
	return imaging.Resize(img, w, h, imaging.Lanczos)
}

// cpuTime is this process's user+system CPU time. On the shared, loaded
// machine wall time includes waiting for a core; with GOMAXPROCS=1 the
// CPU time per operation is the number that says what one core needs.

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

func benchEmbed(b *testing.B, w, h int) {
	img := loadPhoto(b, "astronaut.png", w, h)
	work := goimage.NewNRGBA(img.Bounds())
	b.SetBytes(int64(w * h * 4))
	b.ReportAllocs()
	b.ResetTimer()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		copy(work.Pix, img.Pix)
		b.StartTimer()
		c0 := cpuTime()
		if err := wimage.EmbedInPlace(work, 0x0123456789abcdef, nil); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
	}
	b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

func benchDetect(b *testing.B, w, h int) {
	img := loadPhoto(b, "astronaut.png", w, h)
	if err := wimage.EmbedInPlace(img, 0x0123456789abcdef, nil); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(w * h * 4))
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		r, err := wimage.Detect(img, nil)
		if err != nil || !r.Present {
			b.Fatalf("not detected: %+v %v", r, err)
		}
	}
	reportCPU(b, c0)
}

// benchDetectSearch times detection when the identity lattice does not
// fit (a marked frame rotated by 1°, or an unmarked one), so that the
// autocorrelation and the lattice search run every time.
func benchDetectSearch(b *testing.B, w, h int, marked bool) {
	img := loadPhoto(b, "astronaut.png", w, h)
	var in goimage.Image = img
	if marked {
		if err := wimage.EmbedInPlace(img, 0x0123456789abcdef, nil); err != nil {
			b.Fatal(err)
		}
		in = imaging.CropCenter(imaging.Rotate(img, 1, color.Black), w, h)
	}
	b.SetBytes(int64(w * h * 4))
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		r, err := wimage.Detect(in, nil)
		if err != nil || r.Present != marked {
			b.Fatalf("present %v, want %v: %+v %v", r.Present, marked, r, err)
		}
	}
	reportCPU(b, c0)
}

func BenchmarkImageWatermarkDetect1080pRotated(b *testing.B) { benchDetectSearch(b, 1920, 1080, true) }
func BenchmarkImageWatermarkDetect1080pUnmarked(b *testing.B) {
	benchDetectSearch(b, 1920, 1080, false)
}
func BenchmarkImageWatermarkDetect4KRotated(b *testing.B) { benchDetectSearch(b, 3840, 2160, true) }
func BenchmarkImageWatermarkDetect4KUnmarked(b *testing.B) {
	benchDetectSearch(b, 3840, 2160, false)
}

func BenchmarkImageWatermarkEmbed1080p(b *testing.B)  { benchEmbed(b, 1920, 1080) }
func BenchmarkImageWatermarkDetect1080p(b *testing.B) { benchDetect(b, 1920, 1080) }
func BenchmarkImageWatermarkEmbed4K(b *testing.B)     { benchEmbed(b, 3840, 2160) }
func BenchmarkImageWatermarkDetect4K(b *testing.B)    { benchDetect(b, 3840, 2160) }

// BenchmarkImageWatermarkEmbed60MP marks a 60-megapixel frame (9504×6336)
// and reports the process's peak resident memory (ru_maxrss), which
// includes the 241 MB NRGBA frame itself, and the bytes allocated per
// embed.
func BenchmarkImageWatermarkEmbed60MP(b *testing.B) {
	img := goimage.NewNRGBA(goimage.Rect(0, 0, 9504, 6336))
	small := loadPhoto(b, "astronaut.png", 1188, 792)
	// Tile the photo so that the frame has texture everywhere.
	for y := 0; y < 6336; y++ {
		for x := 0; x < 9504; x++ {
			so := small.PixOffset(x%1188, y%792)
			copy(img.Pix[img.PixOffset(x, y):][:4], small.Pix[so:so+4])
		}
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		debug.FreeOSMemory()
		if err := wimage.EmbedInPlace(img, 1, nil); err != nil {
			b.Fatal(err)
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.TotalAlloc-before.TotalAlloc)
		before = m
	}
	b.ReportMetric(float64(peak)/(1<<20), "MiB-alloc/op")
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "MiB-peak-RSS")
	}
}
