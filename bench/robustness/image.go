package main

// The image watermark evaluation (issue 3): mark every photo of a corpus,
// apply the attacks a marked image meets in the wild, detect, and report
// rates per attack, quality, and false positives on unmarked views.

import (
	"bytes"
	"flag"
	"fmt"
	"hash/fnv"
	goimage "image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/disintegration/imaging"
	"github.com/gen2brain/webp"
	_ "golang.org/x/image/webp"

	wimage "github.com/belgi/belgi/watermark/image"
	"github.com/belgi/belgi/watermark/payload"
)

// attack is one transformation of a marked image.
type attack struct {
	name  string
	floor float64 // required exact-ID rate; 0 = stretch goal, no floor
	apply func(img goimage.Image, i int) goimage.Image
}

func jpegAt(q int) func(goimage.Image, int) goimage.Image {
	return func(img goimage.Image, _ int) goimage.Image { return jpegRoundTrip(img, q) }
}

// jpegRoundTrip encodes with image/jpeg (4:2:0 chroma for colour images)
// and decodes again.
func jpegRoundTrip(img goimage.Image, q int) goimage.Image {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		panic(err)
	}
	out, err := jpeg.Decode(&b)
	if err != nil {
		panic(err)
	}
	return out
}

func pngRoundTrip(img goimage.Image) goimage.Image {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	out, err := png.Decode(&b)
	if err != nil {
		panic(err)
	}
	return out
}

func webpRoundTrip(img goimage.Image, q int) goimage.Image {
	var b bytes.Buffer
	if err := webp.Encode(&b, img, webp.Options{Quality: q}); err != nil {
		panic(err)
	}
	out, err := webp.Decode(&b)
	if err != nil {
		panic(err)
	}
	return out
}

func scaleBy(img goimage.Image, f float64) *goimage.NRGBA {
	b := img.Bounds()
	return imaging.Resize(img, max(1, int(math.Round(float64(b.Dx())*f))), max(1, int(math.Round(float64(b.Dy())*f))), imaging.Lanczos)
}

func cropFrac(img goimage.Image, fx0, fy0, fx1, fy1 float64) *goimage.NRGBA {
	b := img.Bounds()
	r := goimage.Rect(b.Min.X+int(fx0*float64(b.Dx())), b.Min.Y+int(fy0*float64(b.Dy())),
		b.Min.X+int(fx1*float64(b.Dx())), b.Min.Y+int(fy1*float64(b.Dy())))
	return imaging.Crop(img, r)
}

func perPixel(img goimage.Image, f func(v float64) float64) *goimage.NRGBA {
	return imaging.AdjustFunc(img, func(c color.NRGBA) color.NRGBA {
		g := func(v uint8) uint8 { return uint8(math.Max(0, math.Min(255, math.Round(f(float64(v)))))) }
		return color.NRGBA{g(c.R), g(c.G), g(c.B), c.A}
	})
}

func gaussianNoise(img goimage.Image, sigma float64, seed uint64) *goimage.NRGBA {
	out := imaging.Clone(img)
	r := rand.New(rand.NewPCG(seed, 7))
	for i := 0; i < len(out.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			v := float64(out.Pix[i+c]) + sigma*r.NormFloat64()
			out.Pix[i+c] = uint8(math.Max(0, math.Min(255, math.Round(v))))
		}
	}
	return out
}

// imageAttacks are the floors, then the stretch goals.
var imageAttacks = []attack{
	{"none", 1, func(m goimage.Image, _ int) goimage.Image { return m }},
	{"PNG round trip", 1, func(m goimage.Image, _ int) goimage.Image { return pngRoundTrip(m) }},
	{"JPEG q90 (4:2:0)", 1, jpegAt(90)},
	{"JPEG q75 (4:2:0)", 0.99, jpegAt(75)},
	{"JPEG q50 (4:2:0)", 0.95, jpegAt(50)},
	{"WebP q80", 0.99, func(m goimage.Image, _ int) goimage.Image { return webpRoundTrip(m, 80) }},
	{"resize 50 % and back", 0.99, func(m goimage.Image, _ int) goimage.Image {
		b := m.Bounds()
		return imaging.Resize(scaleBy(m, 0.5), b.Dx(), b.Dy(), imaging.Lanczos)
	}},
	{"resize to 75 %", 0.99, func(m goimage.Image, _ int) goimage.Image { return scaleBy(m, 0.75) }},
	{"1.5× rescale, then PNG", 0.95, func(m goimage.Image, _ int) goimage.Image { return pngRoundTrip(scaleBy(m, 1.5)) }},
	{"centre crop, 75 % of area", 0.99, func(m goimage.Image, _ int) goimage.Image {
		s := math.Sqrt(0.75)
		return cropFrac(m, (1-s)/2, (1-s)/2, (1+s)/2, (1+s)/2)
	}},
	{"10 % off one side (L/T/R/B in turn)", 0.99, func(m goimage.Image, i int) goimage.Image {
		switch i % 4 {
		case 0:
			return cropFrac(m, 0.1, 0, 1, 1)
		case 1:
			return cropFrac(m, 0, 0.1, 1, 1)
		case 2:
			return cropFrac(m, 0, 0, 0.9, 1)
		}
		return cropFrac(m, 0, 0, 1, 0.9)
	}},
	{"brightness ×1.2", 0.99, func(m goimage.Image, _ int) goimage.Image {
		return perPixel(m, func(v float64) float64 { return v * 1.2 })
	}},
	{"contrast ×0.8", 0.99, func(m goimage.Image, _ int) goimage.Image {
		return perPixel(m, func(v float64) float64 { return 127.5 + (v-127.5)*0.8 })
	}},
	{"Gaussian noise σ 5", 0.99, func(m goimage.Image, i int) goimage.Image { return gaussianNoise(m, 5, uint64(i)) }},
	{"Gaussian blur σ 1 px", 0.99, func(m goimage.Image, _ int) goimage.Image { return imaging.Blur(m, 1) }},
	{"rotation 2° (canvas grows, black corners)", 0.95, func(m goimage.Image, _ int) goimage.Image {
		return imaging.Rotate(m, 2, color.Black)
	}},
	{"horizontal flip", 0.95, func(m goimage.Image, _ int) goimage.Image { return imaging.FlipH(m) }},
	{"chain: crop to 90 % + resize 0.7 + JPEG q75", 0.90, func(m goimage.Image, _ int) goimage.Image {
		return jpegRoundTrip(scaleBy(cropFrac(m, 0.05, 0.05, 0.95, 0.95), 0.7), 75)
	}},
	// Stretch goals.
	{"stretch: JPEG q30", 0, jpegAt(30)},
	{"stretch: centre crop to 25 % of area", 0, func(m goimage.Image, _ int) goimage.Image {
		return cropFrac(m, 0.25, 0.25, 0.75, 0.75)
	}},
	{"stretch: rotation 10°", 0, func(m goimage.Image, _ int) goimage.Image {
		return imaging.Rotate(m, 10, color.Black)
	}},
	{"stretch: rotation −5° + crop to original size", 0, func(m goimage.Image, _ int) goimage.Image {
		b := m.Bounds()
		return imaging.CropCenter(imaging.Rotate(m, -5, color.Black), b.Dx(), b.Dy())
	}},
	{"stretch: scale 0.5×", 0, func(m goimage.Image, _ int) goimage.Image { return scaleBy(m, 0.5) }},
	{"stretch: scale 2×", 0, func(m goimage.Image, _ int) goimage.Image { return scaleBy(m, 2) }},
	{"stretch: crop 80 % (off-centre) + scale 1.3×", 0, func(m goimage.Image, _ int) goimage.Image {
		return scaleBy(cropFrac(m, 0.2, 0.1, 1, 0.9), 1.3)
	}},
}

// loadCorpus decodes every image file under dir.
func loadCorpus(dir string) (names []string, imgs []goimage.Image, err error) {
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".png", ".jpg", ".jpeg", ".webp":
		default:
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		img, _, err := goimage.Decode(f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "robustness: skip %s: %v\n", p, err)
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		names = append(names, rel)
		imgs = append(imgs, img)
		return nil
	})
	return names, imgs, err
}

// quality compares the marked image with the original.
type quality struct {
	psnr, ssim float64
	maxErr     int
}

func measure(orig, marked goimage.Image) quality {
	b := orig.Bounds()
	o, m := imaging.Clone(orig), imaging.Clone(marked)
	var se float64
	maxErr := 0
	for i := 0; i < len(o.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			d := int(o.Pix[i+c]) - int(m.Pix[i+c])
			se += float64(d * d)
			maxErr = max(maxErr, d, -d)
		}
	}
	mse := se / float64(3*b.Dx()*b.Dy())
	psnr := math.Inf(1)
	if mse > 0 {
		psnr = 10 * math.Log10(255*255/mse)
	}
	return quality{psnr: psnr, ssim: ssimLuma(o, m), maxErr: maxErr}
}

// ssimLuma is the mean SSIM of the luma over 8×8 windows with stride 4
// (constants K1 = 0.01, K2 = 0.03 of Wang et al. 2004).
func ssimLuma(a, b *goimage.NRGBA) float64 {
	w, h := a.Bounds().Dx(), a.Bounds().Dy()
	luma := func(m *goimage.NRGBA) []float64 {
		out := make([]float64, w*h)
		for i := range out {
			p := m.Pix[4*i:]
			out[i] = 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
		}
		return out
	}
	x, y := luma(a), luma(b)
	const c1, c2 = (0.01 * 255) * (0.01 * 255), (0.03 * 255) * (0.03 * 255)
	var sum float64
	n := 0
	for y0 := 0; y0+8 <= h; y0 += 4 {
		for x0 := 0; x0+8 <= w; x0 += 4 {
			var mx, my, sxx, syy, sxy float64
			for j := y0; j < y0+8; j++ {
				for i := x0; i < x0+8; i++ {
					u, v := x[j*w+i], y[j*w+i]
					mx += u
					my += v
					sxx += u * u
					syy += v * v
					sxy += u * v
				}
			}
			mx /= 64
			my /= 64
			vx, vy, cv := sxx/64-mx*mx, syy/64-my*my, sxy/64-mx*my
			sum += (2*mx*my + c1) * (2*cv + c2) / ((mx*mx + my*my + c1) * (vx + vy + c2))
			n++
		}
	}
	return sum / float64(n)
}

// idFor is the content ID marked into corpus image i.
func idFor(i int) uint64 { return 0x9e3779b97f4a7c15 * uint64(i+1) }

// imageEval holds the outcome for one corpus image.
type imageEval struct {
	name     string
	w, h     int
	embedErr error
	q        quality
	ok       []bool // per attack: exact ID found
	wrong    []bool // per attack: a different ID reported present
	res      []wimage.Result
}

func evalOne(_ int, name string, img goimage.Image, attacks []attack) imageEval {
	// The ID and the attacks' choices (which side a crop takes, the noise)
	// follow from the image's name, so a run on a subset (-images) gives
	// each image the same outcome as the full run.
	h := fnv.New32a()
	h.Write([]byte(name))
	i := int(h.Sum32() & 0xffffff)
	b := img.Bounds()
	ev := imageEval{name: name, w: b.Dx(), h: b.Dy(), ok: make([]bool, len(attacks)), wrong: make([]bool, len(attacks)), res: make([]wimage.Result, len(attacks))}
	marked, err := wimage.Embed(img, idFor(i), nil)
	if err != nil {
		ev.embedErr = err
		return ev
	}
	ev.q = measure(img, marked)
	for k, a := range attacks {
		r, err := wimage.Detect(a.apply(marked, i), nil)
		if err != nil {
			panic(err)
		}
		ev.res[k] = r
		ev.ok[k] = r.Present && r.ID == idFor(i)
		ev.wrong[k] = r.Present && r.ID != idFor(i)
	}
	return ev
}

// parallel runs f(i) for i < n on every core.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// minEvalSide is the shorter side a corpus image needs to count towards the
// floors (the "photos ≥ 512 px").
const minEvalSide = 512

func runImage(dir string, w io.Writer) error {
	if *skyPanel != "" {
		return writeSkyPanel(dir, *skyPanel, w)
	}
	start := time.Now()
	names, imgs, err := loadCorpus(dir)
	if err != nil {
		return err
	}
	attacks := imageAttacks
	if *attackOnly != "" {
		re, err := regexp.Compile(*attackOnly)
		if err != nil {
			return fmt.Errorf("-attacks: %w", err)
		}
		attacks = nil
		for _, a := range imageAttacks {
			if re.MatchString(a.name) {
				attacks = append(attacks, a)
			}
		}
	}
	if *imageOnly != "" {
		re, err := regexp.Compile(*imageOnly)
		if err != nil {
			return fmt.Errorf("-images: %w", err)
		}
		var n2 []string
		var i2 []goimage.Image
		for i, n := range names {
			if re.MatchString(n) {
				n2, i2 = append(n2, n), append(i2, imgs[i])
			}
		}
		names, imgs = n2, i2
	}
	if len(imgs) == 0 {
		return fmt.Errorf("no images under %s", dir)
	}
	var evals []imageEval
	if !*fpOnly {
		evals = make([]imageEval, len(imgs))
		parallel(len(imgs), func(i int) {
			evals[i] = evalOne(i, names[i], imgs[i], attacks)
			fmt.Fprintf(os.Stderr, ".")
		})
	}
	fmt.Fprintln(os.Stderr)
	var fp fpStats
	if *fpViews > 0 {
		fp = falsePositives(imgs, *fpViews)
	}
	writeImageReport(w, dir, evals, attacks, fp, time.Since(start))
	return nil
}

func writeImageReport(w io.Writer, dir string, evals []imageEval, attacks []attack, fp fpStats, took time.Duration) {
	if len(evals) == 0 {
		fmt.Fprintf(w, "Corpus `%s`, false positives only. Run took %s.\n", dir, took.Round(time.Second))
		fp.write(w)
		return
	}
	var big, small []imageEval
	failed := 0
	for _, e := range evals {
		if e.embedErr != nil {
			failed++
			continue
		}
		if min(e.w, e.h) >= minEvalSide {
			big = append(big, e)
		} else {
			small = append(small, e)
		}
	}
	fmt.Fprintf(w, "Corpus `%s`: %d images, %d with shorter side ≥ %d px (the floors' population), %d smaller, %d not embeddable. Run took %s.\n\n",
		dir, len(evals), len(big), minEvalSide, len(small), failed, took.Round(time.Second))
	fmt.Fprintf(w, "| attack | floor | detected, exact ID (≥ %d px) | rate | smaller images | wrong IDs |\n|---|---|---|---|---|---|\n", minEvalSide)
	for k, a := range attacks {
		hit, hs, wrong := 0, 0, 0
		for _, e := range big {
			if e.ok[k] {
				hit++
			}
			if e.wrong[k] {
				wrong++
			}
		}
		for _, e := range small {
			if e.ok[k] {
				hs++
			}
			if e.wrong[k] {
				wrong++
			}
		}
		rate := float64(hit) / float64(max(len(big), 1))
		floor, mark := "stretch", ""
		if a.floor > 0 {
			floor = fmt.Sprintf("%g %%", a.floor*100)
			if rate < a.floor {
				mark = " **below floor**"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %d / %d | %.1f %%%s | %d / %d | %d |\n", a.name, floor, hit, len(big), 100*rate, mark, hs, len(small), wrong)
	}
	var ps, ss []float64
	maxErr := 0
	for _, e := range evals {
		if e.embedErr == nil {
			ps = append(ps, e.q.psnr)
			ss = append(ss, e.q.ssim)
			maxErr = max(maxErr, e.q.maxErr)
		}
	}
	sort.Float64s(ps)
	sort.Float64s(ss)
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(max(len(v), 1))
	}
	if len(ps) > 0 {
		fmt.Fprintf(w, "\nQuality over %d marked images (RGB PSNR; SSIM of luma, 8×8 windows):\n\n", len(ps))
		fmt.Fprintf(w, "| metric | min | median | mean | max | target |\n|---|---|---|---|---|---|\n")
		fmt.Fprintf(w, "| PSNR dB | %.2f | %.2f | %.2f | %.2f | ≥ 40 each, mean ≥ 42 |\n", ps[0], ps[len(ps)/2], mean(ps), ps[len(ps)-1])
		fmt.Fprintf(w, "| SSIM | %.4f | %.4f | %.4f | %.4f | ≥ 0.98 |\n", ss[0], ss[len(ss)/2], mean(ss), ss[len(ss)-1])
		fmt.Fprintf(w, "| max abs error | | | | %d / 255 | ≤ 24 |\n", maxErr)
		var worstP, worstS imageEval
		worstP.q.psnr, worstS.q.ssim = math.Inf(1), math.Inf(1)
		for _, e := range evals {
			if e.embedErr == nil && e.q.psnr < worstP.q.psnr {
				worstP = e
			}
			if e.embedErr == nil && e.q.ssim < worstS.q.ssim {
				worstS = e
			}
		}
		fmt.Fprintf(w, "\nLowest PSNR: %s (%.2f dB); lowest SSIM: %s (%.4f).\n", worstP.name, worstP.q.psnr, worstS.name, worstS.q.ssim)
	}
	for _, e := range evals {
		if e.embedErr != nil {
			fmt.Fprintf(w, "\nNot embeddable: %s (%dx%d): %v\n", e.name, e.w, e.h, e.embedErr)
		}
	}
	if *listMisses {
		fmt.Fprintf(w, "\nMisses (image: attack [score/threshold, scale, rotation, decoded, CRC passes]):\n\n")
		for _, e := range evals {
			for k, a := range attacks {
				if e.embedErr == nil && !e.ok[k] && (a.floor > 0 || *listStretch) {
					r := e.res[k]
					fmt.Fprintf(w, "- %s (%dx%d): %s [%.2f/%.2f, %.3f, %.1f°, %d, %d]\n", e.name, e.w, e.h, a.name, r.Score, r.Threshold, r.Scale, r.Rotation, r.Decoded, r.CRCPasses)
				}
			}
		}
	}
	if fp.views > 0 {
		fp.write(w)
	}
}

// fpStats summarises detection on unmarked views.
type fpStats struct {
	views      int
	kinds      map[string]int
	detections int
	crcPass    int
	decoded    int // hypotheses decoded in all
	maxDecoded int
	scores     []float64
	maxScore   float64
	maxWhere   string
	threshold  float64
}

func (s fpStats) write(w io.Writer) {
	fmt.Fprintf(w, "\nFalse positives: %d unmarked views, **%d detections** (threshold %.2f).\n\n", s.views, s.detections, s.threshold)
	var kinds []string
	for k := range s.kinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "- %s: %d\n", k, s.kinds[k])
	}
	fmt.Fprintf(w, "\nLargest score %.2f (%s). Each view's score is the best of its decoded hypotheses (%d in all, at most %d per view), so the model's tail for it is at most %d·Q(t), Q the standard normal tail:\n\n", s.maxScore, s.maxWhere, s.decoded, s.maxDecoded, s.maxDecoded)
	fmt.Fprintf(w, "| t | views with score ≥ t | fraction | model bound %d·Q(t) |\n|---|---|---|---|\n", s.maxDecoded)
	for _, t := range []float64{0, 1, 2, 3, 4} {
		n := 0
		for _, v := range s.scores {
			if v >= t {
				n++
			}
		}
		q := 0.5 * math.Erfc(t/math.Sqrt2)
		fmt.Fprintf(w, "| %.0f | %d | %.2g | %.2g |\n", t, n, float64(n)/float64(max(s.views, 1)), math.Min(1, float64(s.maxDecoded)*q))
	}
	fmt.Fprintf(w, "\nDecoded frames passing the CRC among all unmarked views (a detection also needs the score): %d of %d (model: %.2g).\n", s.crcPass, s.decoded, float64(s.decoded)/(1<<32))
}

// unmarkedView is a named unmarked image to detect on.
type unmarkedView struct {
	kind string
	img  func() goimage.Image
}

// falsePositives detects on at least n unmarked views: crops, rescales and
// re-saves of the corpus, synthetic images, and images marked with another
// key.
func falsePositives(corpus []goimage.Image, n int) fpStats {
	var views []unmarkedView
	for i, img := range corpus {
		img := img
		i := i
		b := img.Bounds()
		r := rand.New(rand.NewPCG(uint64(i), 1))
		add := func(kind string, f func() goimage.Image) { views = append(views, unmarkedView{kind, f}) }
		add("corpus: original", func() goimage.Image { return img })
		for _, q := range []int{90, 75, 50, 30} {
			add("corpus: JPEG re-save", func() goimage.Image { return jpegRoundTrip(img, q) })
		}
		for _, f := range []float64{0.5, 0.75, 1.5} {
			add("corpus: rescale", func() goimage.Image { return scaleBy(img, f) })
		}
		add("corpus: rotation", func() goimage.Image { return imaging.Rotate(img, 3, color.Black) })
		add("corpus: flip", func() goimage.Image { return imaging.FlipH(img) })
		for k := 0; k < 12; k++ {
			cw := 256 + r.IntN(max(1, b.Dx()-256))
			ch := 256 + r.IntN(max(1, b.Dy()-256))
			x0, y0 := r.IntN(max(1, b.Dx()-cw+1)), r.IntN(max(1, b.Dy()-ch+1))
			add("corpus: random crop", func() goimage.Image {
				return imaging.Crop(img, goimage.Rect(b.Min.X+x0, b.Min.Y+y0, b.Min.X+x0+cw, b.Min.Y+y0+ch))
			})
		}
		other := []byte(fmt.Sprintf("another key %d", i))
		add("marked with another key", func() goimage.Image {
			m, err := wimage.Embed(img, idFor(i), &wimage.Options{Key: other, Strength: 1})
			if err != nil {
				return img
			}
			return m
		})
		add("marked with another key, JPEG q75", func() goimage.Image {
			m, err := wimage.Embed(img, idFor(i), &wimage.Options{Key: other, Strength: 1})
			if err != nil {
				return img
			}
			return jpegRoundTrip(m, 75)
		})
	}
	for k := 0; len(views) < n; k++ {
		k := k
		views = append(views, unmarkedView{"synthetic: " + synthKind(k), func() goimage.Image { return synthetic(k) }})
	}
	st := fpStats{views: len(views), kinds: map[string]int{}, scores: make([]float64, len(views)), maxScore: math.Inf(-1)}
	for _, v := range views {
		st.kinds[v.kind]++
	}
	var mu sync.Mutex
	parallel(len(views), func(i int) {
		r, err := wimage.Detect(views[i].img(), nil)
		if err != nil {
			panic(err)
		}
		mu.Lock()
		defer mu.Unlock()
		st.threshold = r.Threshold
		st.scores[i] = r.Score
		st.crcPass += r.CRCPasses
		st.decoded += r.Decoded
		st.maxDecoded = max(st.maxDecoded, r.Decoded)
		if r.Present {
			st.detections++
		}
		if r.Score > st.maxScore {
			st.maxScore, st.maxWhere = r.Score, views[i].kind
		}
		if i%500 == 0 {
			fmt.Fprintf(os.Stderr, "fp %d/%d\n", i, len(views))
		}
	})
	return st
}

var synthKinds = []string{"flat", "gradient", "noise", "poster", "stripes", "checkerboard", "noise + gradient"}

func synthKind(k int) string { return synthKinds[k%len(synthKinds)] }

// synthetic draws the k-th synthetic unmarked image (256–767 px sides).
func synthetic(k int) goimage.Image {
	r := rand.New(rand.NewPCG(uint64(k), 2))
	w, h := 256+r.IntN(512), 256+r.IntN(512)
	img := goimage.NewNRGBA(goimage.Rect(0, 0, w, h))
	set := func(x, y int, v [3]float64) {
		p := img.Pix[img.PixOffset(x, y):]
		for c := 0; c < 3; c++ {
			p[c] = uint8(math.Max(0, math.Min(255, math.Round(v[c]))))
		}
		p[3] = 255
	}
	base := [3]float64{r.Float64() * 255, r.Float64() * 255, r.Float64() * 255}
	switch synthKind(k) {
	case "flat":
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				set(x, y, base)
			}
		}
	case "gradient":
		ax, ay := r.Float64()*2-1, r.Float64()*2-1
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				t := 100 * (ax*float64(x)/float64(w) + ay*float64(y)/float64(h))
				set(x, y, [3]float64{base[0] + t, base[1] + t, base[2] - t})
			}
		}
	case "noise", "noise + gradient":
		s := 1 + r.Float64()*40
		grad := synthKind(k) == "noise + gradient"
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				t := 0.0
				if grad {
					t = 80 * float64(x+y) / float64(w+h)
				}
				n := s * r.NormFloat64()
				set(x, y, [3]float64{base[0] + n + t, base[1] + n + t, base[2] + n + t})
			}
		}
	case "poster":
		// A few flat rectangles of random colours.
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				set(x, y, base)
			}
		}
		for i := 0; i < 3+r.IntN(10); i++ {
			c := [3]float64{r.Float64() * 255, r.Float64() * 255, r.Float64() * 255}
			x0, y0 := r.IntN(w), r.IntN(h)
			x1, y1 := x0+r.IntN(w-x0)+1, y0+r.IntN(h-y0)+1
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					set(x, y, c)
				}
			}
		}
	case "stripes", "checkerboard":
		period := 2 + r.IntN(300)
		ang := r.Float64() * math.Pi
		ca, sa := math.Cos(ang), math.Sin(ang)
		amp := 5 + r.Float64()*100
		check := synthKind(k) == "checkerboard"
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				u := float64(x)*ca + float64(y)*sa
				v := math.Sin(2 * math.Pi * u / float64(period))
				if check {
					vv := -float64(x)*sa + float64(y)*ca
					v = math.Copysign(1, v*math.Sin(2*math.Pi*vv/float64(period)))
				}
				t := amp * v
				set(x, y, [3]float64{base[0] + t, base[1] + t, base[2] + t})
			}
		}
	}
	return img
}

var _ = payload.DefaultPFA

var fpViews = flag.Int("fp-views", 10000, "least number of unmarked views for the false-positive count")

var (
	imageOnly   = flag.String("images", "", "only corpus images whose path matches `REGEXP`")
	attackOnly  = flag.String("attacks", "", "only attacks whose name matches `REGEXP`")
	listMisses  = flag.Bool("misses", false, "list every image and floor attack that missed, with the detector's geometry")
	listStretch = flag.Bool("misses-stretch", false, "with -misses, list stretch-goal misses too")
)

var fpOnly = flag.Bool("fp-only", false, "skip the attacks; only count false positives")
