package audio

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/belgi/belgi/watermark/payload"
)

// TestCorpusProbe is a development probe (BELGI_AWM_CORPUS=dir): it marks
// every clip of dir (BELGI_AWM_CLIPS regexp), applies a few attacks
// (BELGI_AWM_ATTACKS, comma-separated names of probeAttacks) and prints, per
// clip and attack, whether the exact ID was found and the score the true
// frame would have (a continuous margin: ≥ 3 is a detection if Viterbi
// finds it). It is the quick loop for tuning; the evaluation of record is
// bench/robustness.
func TestCorpusProbe(t *testing.T) {
	dir := os.Getenv("BELGI_AWM_CORPUS")
	if dir == "" {
		t.Skip("set BELGI_AWM_CORPUS")
	}
	if v := os.Getenv("BELGI_AWM_NF"); v != "" {
		fmt.Sscanf(v, "%g,%g,%g,%g", &nfPow, &nfPct, &nfK, &nfQ)
	}
	if v := os.Getenv("BELGI_AWM_CAP"); v != "" {
		fmt.Sscanf(v, "%g,%g,%g", &capDB, &strictCapDB, &segTargetDB)
	}
	if v := os.Getenv("BELGI_AWM_LIST"); v != "" {
		fmt.Sscanf(v, "%d", &listSize)
	}
	if v := os.Getenv("BELGI_AWM_RIDGE"); v != "" {
		fmt.Sscanf(v, "%g", &predRidge)
	}
	t.Logf("ridge %v", predRidge)
	if os.Getenv("BELGI_AWM_NOBW") != "" {
		bandWeighting = false
	}
	t.Logf("bw %v", bandWeighting)
	if v := os.Getenv("BELGI_AWM_PRIOR"); v != "" {
		fmt.Sscanf(v, "%g", &speedPrior)
	}
	t.Logf("prior %v", speedPrior)
	t.Logf("nf %v %v %v %v cap %v %v %v", nfPow, nfPct, nfK, nfQ, capDB, strictCapDB, segTargetDB)
	re := regexp.MustCompile(os.Getenv("BELGI_AWM_CLIPS"))
	var paths []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		switch filepath.Ext(p) {
		case ".wav", ".flac":
			if re.MatchString(p) {
				paths = append(paths, p)
			}
		}
		return nil
	})
	sort.Strings(paths)
	atks := strings.Split(os.Getenv("BELGI_AWM_ATTACKS"), ",")
	if atks[0] == "" {
		atks = []string{"none", "gain-6", "mp3-64", "aac-64", "vorbis", "noise20", "ex5", "tel", "speed1.02", "tempo"}
	}
	tmp := t.TempDir()
	// BELGI_AWM_SEED=n (n > 0) draws other IDs and another key (so another
	// pattern): outcomes near the decoders' limit turn on these, so a change
	// is only worth keeping if it helps over several seeds.
	var seed uint64
	var key []byte
	if v := os.Getenv("BELGI_AWM_SEED"); v != "" {
		fmt.Sscanf(v, "%d", &seed)
		if seed > 0 {
			key = []byte(fmt.Sprintf("probe seed %d", seed))
		}
	}
	code := payload.New(key)
	type res struct {
		ok    bool
		score float64
		line  string
	}
	out := make([][]res, len(paths))
	snr := make([]float64, len(paths))
	var wg sync.WaitGroup
	jobs := make(chan int)
	for w := 0; w < 2; w++ {
		wd := filepath.Join(tmp, strconv.Itoa(w))
		os.MkdirAll(wd, 0o755)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for pi := range jobs {
				p := paths[pi]
				rate, ch := soxInfo(t, p)
				x := soxRead(t, p, rate, ch)
				id := rand.New(rand.NewPCG(uint64(pi), 77+seed)).Uint64()
				y := append([]float32(nil), x...)
				if err := Embed(y, rate, ch, id, Options{Key: key}); err != nil {
					out[pi] = []res{{line: err.Error()}}
					continue
				}
				marked := filepath.Join(wd, "marked.wav")
				soxWrite(t, marked, y, rate, ch)
				q := soxRead(t, marked, rate, ch)
				snr[pi] = SegmentalSNR(x, q, ch)
				want := code.Encode(id)
				for _, a := range atks {
					f, r2, c2 := probeAttack(t, wd, marked, a, rate, ch, len(x)/ch)
					if f == "" {
						out[pi] = append(out[pi], res{line: "–"})
						continue
					}
					z := soxRead(t, f, r2, c2)
					d, _ := NewDetector(r2, c2, Options{Key: key})
					d.Write(z)
					sr := d.soft()
					best := math.Inf(-1)
					for _, c := range sr.Candidates {
						var dot, nn float64
						for i, v := range c {
							dot += v * float64(want[i])
							nn += v * v
						}
						if nn > 0 {
							best = math.Max(best, (dot/math.Sqrt(nn)-6.9)/0.67)
						}
					}
					if os.Getenv("BELGI_AWM_DEBUG") != "" {
						var cs []string
						for _, c := range sr.Candidates {
							var dot, nn float64
							for i, v := range c {
								dot += v * float64(want[i])
								nn += v * v
							}
							cs = append(cs, fmt.Sprintf("%.1f", (dot/math.Sqrt(nn)-6.9)/0.67))
						}
						t.Logf("%s %s: sync %.1f speed %.4f pitch %.4f win %d acc %d cands %v", p, a, sr.Sync, sr.Speed, sr.Pitch, sr.Windows, sr.Accepted, cs)
					}
					d.closed = true
					det := d.Close()
					ok := det.Present && det.ID == id
					if det.Present && det.ID != id {
						t.Errorf("%s %s: WRONG ID", p, a)
					}
					mark := "✗"
					if ok {
						mark = "✓"
					}
					out[pi] = append(out[pi], res{ok, best, fmt.Sprintf("%s%5.1f", mark, best)})
				}
			}
		}()
	}
	for i := range paths {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s %5s", "clip", "snr")
	for _, a := range atks {
		fmt.Fprintf(&b, " %9s", a)
	}
	b.WriteString("\n")
	nok := make([]int, len(atks))
	sum := make([]float64, len(atks))
	for pi, p := range paths {
		fmt.Fprintf(&b, "%-28s %5.1f", strings.TrimPrefix(p, dir), snr[pi])
		for ai, r := range out[pi] {
			fmt.Fprintf(&b, " %9s", r.line)
			if r.ok {
				nok[ai]++
			}
			if ai < len(atks) && r.line != "–" {
				sum[ai] += math.Min(r.score, 8)
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%-34s", "ok / sum(min(score,8))")
	tot, totS := 0, 0.0
	for ai := range atks {
		fmt.Fprintf(&b, " %3d/%5.0f", nok[ai], sum[ai])
		tot += nok[ai]
		totS += sum[ai]
	}
	fmt.Fprintf(&b, "\nTOTAL ok %d  score %.1f\n", tot, totS)
	t.Log("\n" + b.String())
}

func soxInfo(t testing.TB, p string) (rate, ch int) {
	r, err := exec.Command("soxi", "-r", p).Output()
	if err != nil {
		t.Fatal(err)
	}
	c, _ := exec.Command("soxi", "-c", p).Output()
	rate, _ = strconv.Atoi(strings.TrimSpace(string(r)))
	ch, _ = strconv.Atoi(strings.TrimSpace(string(c)))
	return
}

// probeAttack applies attack a to the marked file; it returns the attacked
// file and its rate and channels, or "" when the attack does not apply.
func probeAttack(t testing.TB, wd, in, a string, rate, ch, n int) (string, int, int) {
	out := filepath.Join(wd, "att.wav")
	rs := strconv.Itoa(rate)
	sec := float64(n) / float64(rate)
	switch a {
	case "none":
		return in, rate, ch
	case "gain-6":
		run(t, "sox", "-R", in, out, "vol", "-6dB")
	case "gain+3":
		run(t, "sox", "-R", in, out, "vol", "3dB")
	case "mp3-64", "mp3-128":
		run(t, "lame", "--quiet", "-b", a[4:], in, filepath.Join(wd, "a.mp3"))
		run(t, "lame", "--quiet", "--decode", filepath.Join(wd, "a.mp3"), out)
	case "aac-64", "opus", "vorbis":
		args := map[string][]string{"aac-64": {"-c:a", "aac", "-b:a", "64k"}, "opus": {"-c:a", "libopus", "-b:a", "64k"}, "vorbis": {"-c:a", "libvorbis", "-q:a", "4"}}[a]
		ext := map[string]string{"aac-64": "m4a", "opus": "opus", "vorbis": "ogg"}[a]
		enc := filepath.Join(wd, "enc."+ext)
		run(t, "ffmpeg", append(append([]string{"-y", "-loglevel", "error", "-i", in}, args...), enc)...)
		run(t, "ffmpeg", "-y", "-loglevel", "error", "-i", enc, "-c:a", "pcm_s16le", out)
	case "noise20":
		x := soxRead(t, in, rate, ch)
		var e float64
		for _, v := range x {
			e += float64(v) * float64(v)
		}
		sd := math.Sqrt(e / float64(len(x)) * 0.01)
		r := rand.New(rand.NewPCG(uint64(len(x)), 20))
		for i := range x {
			x[i] += float32(sd * r.NormFloat64())
		}
		soxWrite(t, out, x, rate, ch)
	case "ex5", "ex10":
		l := 5.0
		if a == "ex10" {
			l = 10
		}
		if sec < l+0.5 {
			return "", 0, 0
		}
		r := rand.New(rand.NewPCG(uint64(n*ch), uint64(l*10)))
		st := r.Float64() * (sec - l)
		run(t, "sox", "-R", in, out, "trim", fmt.Sprintf("%.4f", st), fmt.Sprintf("%.4f", l))
	case "cut":
		run(t, "sox", "-R", in, out, "trim", "1.3")
	case "tel":
		run(t, "sox", "-R", in, out, "rate", "8000", "channels", "1", "sinc", "300-3400")
		return out, 8000, 1
	case "resample":
		run(t, "sox", "-R", in, filepath.Join(wd, "mid.wav"), "rate", "22050")
		run(t, "sox", "-R", filepath.Join(wd, "mid.wav"), out, "rate", rs)
	case "speed1.02", "speed0.98", "speed1.01", "speed0.99":
		run(t, "sox", "-R", in, out, "speed", a[5:], "rate", rs)
	case "tempo":
		run(t, "sox", "-R", in, out, "tempo", "1.02")
	default:
		t.Fatalf("unknown attack %q", a)
	}
	return out, rate, ch
}
