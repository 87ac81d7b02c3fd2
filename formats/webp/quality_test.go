package webp

import (
	"bytes"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	gwebp "github.com/gen2brain/webp"

	"github.com/belgi/belgi/bench/extool"
)

// cwebp (libwebp) at several qualities: the estimate is close, and a
// re-encode at the estimate is within ±15 % of the size at the true
// quality.
func TestEstimateQualityCwebp(t *testing.T) {
	cw := extool.Need(t, "cwebp")
	src := extool.Shared(t, "testdata/images/coffee.png")
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	size := func(q int) int {
		var b bytes.Buffer
		if err := gwebp.Encode(&b, img, gwebp.Options{Quality: q, Method: 4}); err != nil {
			t.Fatal(err)
		}
		return b.Len()
	}
	for _, q := range []int{30, 50, 75, 90, 95} {
		p := filepath.Join(dir, "q.webp")
		if out, err := exec.Command(cw, "-quiet", "-q", strconv.Itoa(q), src, "-o", p).CombinedOutput(); err != nil {
			t.Fatalf("cwebp: %v %s", err, out)
		}
		data, _ := os.ReadFile(p)
		got, err := EstimateQuality(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		if got < q-8 || got > q+8 {
			t.Errorf("cwebp -q %d: estimated %d", q, got)
		}
		if r := float64(size(got)) / float64(size(q)); r < 0.85 || r > 1.15 {
			t.Errorf("cwebp -q %d: size at estimate %d / at %d = %.2f", q, got, q, r)
		}
		t.Logf("cwebp -q %d: estimated %d", q, got)
	}
	// Lossless has no VP8 frame.
	var ll bytes.Buffer
	gwebp.Encode(&ll, img, gwebp.Options{Lossless: true})
	if _, err := EstimateQuality(bytes.NewReader(ll.Bytes()), int64(ll.Len())); err == nil {
		t.Error("lossless: no error")
	}
}

func FuzzVP8Quantizer(f *testing.F) {
	var b bytes.Buffer
	gwebp.Encode(&b, image.NewGray(image.Rect(0, 0, 16, 16)), gwebp.Options{Quality: 60})
	if d := b.Bytes(); len(d) > 20 {
		f.Add(d[20:])
	}
	f.Add([]byte{0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 1, 0, 1, 0, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, frame []byte) {
		q, err := VP8Quantizer(frame)
		if err == nil && (q < 0 || q > 127) {
			t.Fatalf("quantiser %v", q)
		}
	})
}
