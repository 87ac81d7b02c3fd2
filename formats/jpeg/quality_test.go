package jpeg

import (
	"bytes"
	"image"
	"image/draw"
	stdjpeg "image/jpeg"
	_ "image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

func photo(t testing.TB) image.Image {
	t.Helper()
	f, err := os.Open(extool.Shared(t, "testdata/images/coffee.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func goEncode(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := stdjpeg.Encode(&buf, img, &stdjpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Go's encoder uses the IJG rule, so its tables are recognised exactly.
func TestEstimateQualityGoEncoder(t *testing.T) {
	img := photo(t)
	for _, q := range []int{5, 10, 25, 40, 50, 60, 75, 85, 90, 95, 97} {
		got, exact, err := EstimateQuality(bytes.NewReader(goEncode(t, img, q)))
		if err != nil {
			t.Fatal(err)
		}
		// Tables equal for several qualities (clamping at 1 or 255) make any
		// of them right: compare the tables, not the number.
		if IJGTable(0, got) != IJGTable(0, q) || IJGTable(1, got) != IJGTable(1, q) || !exact {
			t.Errorf("q%d: estimated q%d (exact %v)", q, got, exact)
		}
	}
}

// ImageMagick (libjpeg) files: the estimate, and the size a re-encode at
// the estimate gives compared with a re-encode at the true quality.
func TestEstimateQualityImageMagick(t *testing.T) {
	convert := extool.Need(t, "convert")
	src := extool.Shared(t, "testdata/images/coffee.png")
	dir := t.TempDir()
	for _, q := range []int{30, 50, 75, 90, 95} {
		p := filepath.Join(dir, "q.jpg")
		if out, err := exec.Command(convert, src, "-quality", strconv.Itoa(q), p).CombinedOutput(); err != nil {
			t.Fatalf("convert: %v %s", err, out)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, exact, err := EstimateQuality(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if got != q || !exact {
			t.Errorf("ImageMagick q%d: estimated q%d (exact %v)", q, got, exact)
		}
		img, err := stdjpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		atEst, atTrue := len(goEncode(t, img, got)), len(goEncode(t, img, q))
		if r := float64(atEst) / float64(atTrue); r < 0.85 || r > 1.15 {
			t.Errorf("q%d: re-encode at q%d is %d bytes, at the true quality %d (ratio %.2f)", q, got, atEst, atTrue, r)
		}
	}
}

// Non-IJG tables (cameras, Photoshop): tables that are IJG(q) with ±15 %
// noise still give a quality whose re-encode size is within ±15 %.
func TestEstimateQualityPerturbedTables(t *testing.T) {
	img := photo(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, q := range []int{40, 60, 75, 85, 92} {
		var qt QuantTables
		for tb := 0; tb < 2; tb++ {
			ref := IJGTable(tb, q)
			for i, v := range ref {
				qt.Table[tb][i] = uint16(max(1, math.Round(float64(v)*(0.85+0.3*rng.Float64()))))
			}
			qt.Present[tb] = true
		}
		got, exact := qt.Quality()
		if exact || got < q-5 || got > q+5 {
			t.Errorf("perturbed q%d: estimated q%d (exact %v)", q, got, exact)
		}
		atEst, atTrue := len(goEncode(t, img, got)), len(goEncode(t, img, q))
		if r := float64(atEst) / float64(atTrue); r < 0.85 || r > 1.15 {
			t.Errorf("perturbed q%d: size at q%d / at q%d = %.2f", q, got, q, r)
		}
	}
}

// A 16-bit table (Pq=1) and a grey JPEG (luminance only) are read.
func TestReadQuantTablesVariants(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 32, 32))
	draw.Draw(gray, gray.Bounds(), image.White, image.Point{}, draw.Src)
	q, exact, err := EstimateQuality(bytes.NewReader(goEncode(t, gray, 80)))
	if err != nil || q != 80 || !exact {
		t.Errorf("grey q80: %d %v %v", q, exact, err)
	}
	// SOI, DQT with one 16-bit table (all 2s), SOS.
	seg := []byte{0xFF, 0xD8, 0xFF, 0xDB, 0, 2 + 1 + 128, 0x10}
	for i := 0; i < 64; i++ {
		seg = append(seg, 0, 2)
	}
	seg = append(seg, 0xFF, 0xDA)
	qt, err := ReadQuantTables(bytes.NewReader(seg))
	if err != nil || !qt.Present[0] || qt.Table[0][63] != 2 {
		t.Errorf("16-bit table: %v %v", qt.Table[0][:4], err)
	}
}

func TestReadQuantTablesErrors(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":        nil,
		"not jpeg":     []byte("GIF89a"),
		"no dqt":       {0xFF, 0xD8, 0xFF, 0xDA},
		"cut length":   {0xFF, 0xD8, 0xFF, 0xE0, 0x00},
		"long segment": {0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 1, 2},
		"short dqt":    {0xFF, 0xD8, 0xFF, 0xDB, 0, 5, 0, 1, 2},
		"bad tq":       append([]byte{0xFF, 0xD8, 0xFF, 0xDB, 0, 67, 0x07}, make([]byte, 64)...),
		"no marker":    {0xFF, 0xD8, 0x12},
	} {
		if _, err := ReadQuantTables(bytes.NewReader(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzReadQuantTables(f *testing.F) {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	var buf bytes.Buffer
	stdjpeg.Encode(&buf, img, &stdjpeg.Options{Quality: 70})
	f.Add(buf.Bytes())
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDB, 0, 67, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		qt, err := ReadQuantTables(bytes.NewReader(data))
		if err == nil {
			q, _ := qt.Quality()
			if q < 1 || q > 100 {
				t.Fatalf("quality %d", q)
			}
		}
	})
}
