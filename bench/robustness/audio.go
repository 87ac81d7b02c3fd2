package main

// audio.go evaluates the audio watermark (issue 6): every clip of DIR
// (wav, flac, ogg, oga, mp3; recursively) is marked at its own rate and
// channel count, saved as 16-bit WAV, attacked with the outside encoders
// and editors a marked file meets (lame, ffmpeg, sox), and searched again.
// It prints a Markdown table of exact-ID rates per attack, the quality of
// the marked clips, speeds, and false positives on ≥ 1,000 unmarked clips
// and excerpts and on clips marked with another key.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	wmaudio "github.com/belgi/belgi/watermark/audio"
)

type clip struct {
	name     string
	rate, ch int
	x        []float32
}

func (c clip) seconds() float64 { return float64(len(c.x)/c.ch) / float64(c.rate) }

type audioAttack struct {
	name  string
	floor string
	// apply turns the marked WAV in into an attacked file; it returns the
	// path to detect in, or "" when the attack does not apply to the clip.
	apply func(tmp, in string, c clip) (string, error)
}

func soxArgs(tmp, in, out string, args ...string) (string, error) {
	a := append([]string{"-R", "-q", in}, out)
	a = append(a, args...)
	if err := runTool(tmp, "sox", a...); err != nil {
		return "", err
	}
	return out, nil
}

func runTool(tmp, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = tmp
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func ffmpegCodec(codec, rate, ext string) func(tmp, in string, c clip) (string, error) {
	return func(tmp, in string, c clip) (string, error) {
		enc := filepath.Join(tmp, "enc."+ext)
		args := []string{"-y", "-loglevel", "error", "-i", in, "-c:a", codec, "-b:a", rate}
		if q, ok := strings.CutPrefix(rate, "q"); ok {
			args = []string{"-y", "-loglevel", "error", "-i", in, "-c:a", codec, "-q:a", q}
		}
		args = append(args, enc)
		if err := runTool(tmp, "ffmpeg", args...); err != nil {
			return "", err
		}
		out := filepath.Join(tmp, "dec.wav")
		if err := runTool(tmp, "ffmpeg", "-y", "-loglevel", "error", "-i", enc, "-c:a", "pcm_s16le", out); err != nil {
			return "", err
		}
		return out, nil
	}
}

func lameMP3(kbps string) func(tmp, in string, c clip) (string, error) {
	return func(tmp, in string, c clip) (string, error) {
		enc := filepath.Join(tmp, "enc.mp3")
		if err := runTool(tmp, "lame", "--quiet", "-b", kbps, in, enc); err != nil {
			return "", err
		}
		out := filepath.Join(tmp, "dec.wav")
		if err := runTool(tmp, "lame", "--quiet", "--decode", enc, out); err != nil {
			return "", err
		}
		return out, nil
	}
}

func soxAttack(args ...string) func(tmp, in string, c clip) (string, error) {
	return func(tmp, in string, c clip) (string, error) {
		a := make([]string, len(args))
		for i, s := range args {
			a[i] = strings.ReplaceAll(s, "RATE", strconv.Itoa(c.rate))
		}
		return soxArgs(tmp, in, filepath.Join(tmp, "att.wav"), a...)
	}
}

func excerpt(sec float64) func(tmp, in string, c clip) (string, error) {
	return func(tmp, in string, c clip) (string, error) {
		if c.seconds() < sec+0.5 {
			return "", nil
		}
		// a start that is not a multiple of the frame length, mid-clip
		r := rand.New(rand.NewPCG(uint64(len(c.x)), uint64(sec*10)))
		start := r.Float64() * (c.seconds() - sec)
		return soxArgs(tmp, in, filepath.Join(tmp, "att.wav"), "trim", fmt.Sprintf("%.4f", start), fmt.Sprintf("%.4f", sec))
	}
}

func whiteNoise(snrDB float64) func(tmp, in string, c clip) (string, error) {
	return func(tmp, in string, c clip) (string, error) {
		x, rate, ch, err := readAudio(in)
		if err != nil {
			return "", err
		}
		var e float64
		for _, v := range x {
			e += float64(v) * float64(v)
		}
		sd := math.Sqrt(e / float64(len(x)) * math.Pow(10, -snrDB/10))
		r := rand.New(rand.NewPCG(uint64(len(x)), 20))
		for i := range x {
			x[i] += float32(sd * r.NormFloat64())
		}
		out := filepath.Join(tmp, "att.wav")
		return out, writeWAV(tmp, out, x, rate, ch)
	}
}

var audioAttacks = []audioAttack{
	{"none (WAV 16-bit)", "100 %", func(tmp, in string, c clip) (string, error) { return in, nil }},
	{"FLAC", "100 %", func(tmp, in string, c clip) (string, error) {
		f, err := soxArgs(tmp, in, filepath.Join(tmp, "enc.flac"))
		if err != nil {
			return "", err
		}
		return soxArgs(tmp, f, filepath.Join(tmp, "att.wav"))
	}},
	{"MP3 128 kbps (lame)", "100 %", lameMP3("128")},
	{"MP3 64 kbps (lame)", "≥ 95 %", lameMP3("64")},
	{"AAC 128 kbps (ffmpeg)", "100 %", ffmpegCodec("aac", "128k", "m4a")},
	{"AAC 64 kbps (ffmpeg)", "≥ 95 %", ffmpegCodec("aac", "64k", "m4a")},
	{"Opus 64 kbps (ffmpeg)", "≥ 95 %", ffmpegCodec("libopus", "64k", "opus")},
	// libvorbis refuses 128 kbps at some rates and channel counts (mono
	// 16 kHz, 192 kHz); quality 4 is its ~128 kbps setting at every rate.
	{"Vorbis q4 ≈ 128 kbps (ffmpeg)", "100 %", ffmpegCodec("libvorbis", "q4", "ogg")},
	{"resample 22.05 kHz and back", "≥ 95 %", func(tmp, in string, c clip) (string, error) {
		mid, err := soxArgs(tmp, in, filepath.Join(tmp, "mid.wav"), "rate", "22050")
		if err != nil {
			return "", err
		}
		return soxArgs(tmp, mid, filepath.Join(tmp, "att.wav"), "rate", strconv.Itoa(c.rate))
	}},
	{"telephone: 8 kHz mono, 300–3400 Hz", "≥ 95 %", soxAttack("rate", "8000", "channels", "1", "sinc", "300-3400")},
	{"mono downmix", "≥ 95 %", soxAttack("channels", "1")},
	{"gain −6 dB", "≥ 95 %", soxAttack("vol", "-6dB")},
	{"gain +3 dB with clipping", "≥ 95 %", soxAttack("vol", "3dB")},
	{"white noise 20 dB SNR", "≥ 95 %", whiteNoise(20)},
	{"cut the first 1.3 s", "100 %", soxAttack("trim", "1.3")},
	{"10 s excerpt", "100 %", excerpt(10)},
	{"5 s excerpt", "≥ 90 %", excerpt(5)},
	{"speed +1 % (sox speed 1.01)", "≥ 90 %", soxAttack("speed", "1.01", "rate", "RATE")},
	{"speed −1 % (sox speed 0.99)", "≥ 90 %", soxAttack("speed", "0.99", "rate", "RATE")},
	{"speed +2 % (sox speed 1.02)", "≥ 90 %", soxAttack("speed", "1.02", "rate", "RATE")},
	{"speed −2 % (sox speed 0.98)", "≥ 90 %", soxAttack("speed", "0.98", "rate", "RATE")},
	{"tempo 1.02 (sox tempo)", "≥ 90 %", soxAttack("tempo", "1.02")},
}

func runAudio(dir string, w io.Writer) error {
	for _, tool := range []string{"sox", "lame", "ffmpeg"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("audio evaluation needs %s on PATH", tool)
		}
	}
	clips, err := loadClips(dir)
	if err != nil {
		return err
	}
	if re := os.Getenv("BELGI_AUDIO_CLIPS"); re != "" { // regexp filter on clip names, for development
		keep, err := regexp.Compile(re)
		if err != nil {
			return fmt.Errorf("BELGI_AUDIO_CLIPS: %w", err)
		}
		var sel []clip
		for _, c := range clips {
			if keep.MatchString(c.name) {
				sel = append(sel, c)
			}
		}
		clips = sel
	}
	if len(clips) == 0 {
		return fmt.Errorf("no audio clips under %s", dir)
	}
	tmp, err := os.MkdirTemp("", "belgi-audio-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ctx := context.Background()
	only := os.Getenv("BELGI_AUDIO_ATTACKS")   // substring filter, for development
	if os.Getenv("BELGI_AUDIO_PART") == "fp" { // false positives only (run beside the attacks)
		fp, n, kinds := audioFalsePositives(ctx, clips)
		fmt.Fprintf(w, "False positives: %d detections in %d unmarked clips and excerpts (%s).\n", fp, n, kinds)
		return nil
	}

	type clipResult struct {
		line              string
		snr               float64
		ok, n             []bool // per attack: detected exactly, attack applied
		notEmb            string
		marked            bool
		embSec, embDur    float64
		detSec, detDur    float64
		otherKey, otherFP bool
	}
	// evalClip marks one clip, attacks it and detects; it runs in parallel
	// workers, each with its own temporary directory.
	evalClip := func(ci int, c clip, tmp string) (clipResult, error) {
		res := clipResult{ok: make([]bool, len(audioAttacks)), n: make([]bool, len(audioAttacks))}
		id := rand.New(rand.NewPCG(uint64(ci), 77)).Uint64()
		x := append([]float32(nil), c.x...)
		t0 := time.Now()
		err := wmaudio.Embed(x, c.rate, c.ch, id, wmaudio.Options{})
		res.embDur, res.embSec = time.Since(t0).Seconds(), c.seconds()
		if errors.Is(err, wmaudio.ErrNotEmbeddable) {
			res.notEmb = fmt.Sprintf("%s (%.1f s)", c.name, c.seconds())
			return res, nil
		}
		if err != nil {
			return res, fmt.Errorf("%s: %w", c.name, err)
		}
		res.marked = true
		in := filepath.Join(tmp, "marked.wav")
		if err := writeWAV(tmp, in, x, c.rate, c.ch); err != nil {
			return res, err
		}
		q, _, _, err := readAudio(in)
		if err != nil {
			return res, err
		}
		res.snr = wmaudio.SegmentalSNR(c.x, q, c.ch)
		line := fmt.Sprintf("| %s | %.1f s, %d Hz, %d ch | %.1f |", c.name, c.seconds(), c.rate, c.ch, res.snr)
		for ai, a := range audioAttacks {
			if only != "" && !strings.Contains(a.name, only) {
				line += " |"
				continue
			}
			path, err := a.apply(tmp, in, c)
			if err != nil {
				// a tool that refuses this clip's format: reported, not counted
				fmt.Fprintf(os.Stderr, "%s / %s: attack failed: %v\n", c.name, a.name, err)
				line += " err |"
				continue
			}
			if path == "" {
				line += " – |"
				continue
			}
			y, rate, ch, err := readAudio(path)
			if err != nil {
				return res, fmt.Errorf("%s, %s: %w", c.name, a.name, err)
			}
			t0 := time.Now()
			d, err := wmaudio.Detect(ctx, y, rate, ch, wmaudio.Options{})
			res.detDur += time.Since(t0).Seconds()
			res.detSec += float64(len(y)/ch) / float64(rate)
			if err != nil {
				return res, err
			}
			res.n[ai] = true
			mark := "✗"
			if d.Present && d.ID == id {
				res.ok[ai] = true
				mark = "✓"
			} else if d.Present {
				return res, fmt.Errorf("%s, %s: WRONG ID %x (want %x), score %.1f", c.name, a.name, d.ID, id, d.Score)
			}
			line += " " + mark + " |"
			fmt.Fprintf(os.Stderr, "%s / %s: %s score %.1f sync %.1f speed %.4f pitch %.4f\n", c.name, a.name, mark, d.Score, d.Sync, d.Speed, d.Pitch)
		}
		res.line = line
		// the same clip marked with another key must not be found
		y := append([]float32(nil), c.x...)
		if err := wmaudio.Embed(y, c.rate, c.ch, id, wmaudio.Options{Key: []byte("another key")}); err == nil {
			d, _ := wmaudio.Detect(ctx, y, c.rate, c.ch, wmaudio.Options{})
			res.otherKey, res.otherFP = true, d.Present
		}
		return res, nil
	}
	all := make([]clipResult, len(clips))
	errs := make([]error, len(clips))
	audioParallel(len(clips), func(i int, tmp string) { all[i], errs[i] = evalClip(i, clips[i], tmp) }, tmp)
	if err := errors.Join(errs...); err != nil {
		return err
	}

	results := make([]struct{ ok, n int }, len(audioAttacks))
	var notEmb []string
	var snrs []float64
	var perClip []string
	var embedSec, embedDur, detSec, detDur float64
	var otherKeyFP, otherKeyN int
	var marked []clip
	for i, r := range all {
		embedSec += r.embSec
		embedDur += r.embDur
		if !r.marked {
			notEmb = append(notEmb, r.notEmb)
			continue
		}
		marked = append(marked, clips[i])
		snrs = append(snrs, r.snr)
		perClip = append(perClip, r.line)
		detSec += r.detSec
		detDur += r.detDur
		for ai := range audioAttacks {
			if r.n[ai] {
				results[ai].n++
			}
			if r.ok[ai] {
				results[ai].ok++
			}
		}
		if r.otherKey {
			otherKeyN++
			if r.otherFP {
				otherKeyFP++
			}
		}
	}

	fmt.Fprintf(w, "Clips: %d embeddable of %d (%.0f s in all); not embeddable (too short or silent): %s.\n\n",
		len(marked), len(clips), totalSeconds(marked), strings.Join(notEmb, ", "))
	fmt.Fprintln(w, "| attack | exact 64-bit ID | rate | floor |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for ai, a := range audioAttacks {
		r := results[ai]
		if r.n == 0 {
			fmt.Fprintf(w, "| %s | – | – | %s |\n", a.name, a.floor)
			continue
		}
		fmt.Fprintf(w, "| %s | %d / %d | %.0f %% | %s |\n", a.name, r.ok, r.n, 100*float64(r.ok)/float64(r.n), a.floor)
	}
	sort.Float64s(snrs)
	if len(snrs) > 0 {
		fmt.Fprintf(w, "\nQuality: segmental SNR of the marked 16-bit clips min %.1f dB, median %.1f dB, max %.1f dB (1024-sample frames above −60 dBFS, each clamped to [−10, 35] dB).\n",
			snrs[0], snrs[len(snrs)/2], snrs[len(snrs)-1])
	}
	fmt.Fprintf(w, "\nThis run (%d workers on a machine shared with other jobs, wall clock; see the benchmarks for speed): embed %.0f× realtime, detect %.0f× realtime per worker (whole-clip calls, including the speed search).\n",
		audioWorkers(), embedSec/embedDur, detSec/detDur)

	// per clip
	fmt.Fprint(w, "\n<details><summary>per clip</summary>\n\n")
	head := "| clip | format | segSNR dB |"
	sep := "|---|---|---|"
	for i := range audioAttacks {
		head += fmt.Sprintf(" %d |", i+1)
		sep += "---|"
	}
	fmt.Fprintln(w, head)
	fmt.Fprintln(w, sep)
	for _, l := range perClip {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintln(w, "\nColumns follow the attack table's rows in order.\n\n</details>")

	fmt.Fprintf(w, "\nAnother key: %d of %d clips marked with another key detected with the public key.\n", otherKeyFP, otherKeyN)
	if os.Getenv("BELGI_AUDIO_PART") == "attacks" { // the false positives run in their own process
		return nil
	}
	fp, n, kinds := audioFalsePositives(ctx, clips)
	fmt.Fprintf(w, "\nFalse positives: %d detections in %d unmarked clips and excerpts (%s).\n", fp, n, kinds)
	return nil
}

func totalSeconds(cs []clip) float64 {
	var s float64
	for _, c := range cs {
		s += c.seconds()
	}
	return s
}

// audioFalsePositives searches unmarked audio: every corpus clip, excerpts of
// 3, 5, 10 and 20 s at several offsets, and synthetic noise, silence,
// tones and sweeps, until at least 1,000 clips have been searched.
func audioFalsePositives(ctx context.Context, clips []clip) (fp, n int, kinds string) {
	type job struct {
		x        []float32
		rate, ch int
	}
	var jobs []job
	var nc, ne, ns int
	for _, c := range clips {
		jobs = append(jobs, job{c.x, c.rate, c.ch})
		nc++
	}
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; len(jobs) < 800 && round < 200; round++ {
		for _, c := range clips {
			for _, sec := range []float64{3, 5, 10} {
				if c.seconds() < sec+0.1 || len(jobs) >= 800 {
					continue
				}
				start := int(r.Float64()*(c.seconds()-sec)*float64(c.rate)) * c.ch
				jobs = append(jobs, job{c.x[start : start+int(sec*float64(c.rate))*c.ch], c.rate, c.ch})
				ne++
			}
		}
	}
	for len(jobs) < 1000 {
		rate := []int{44100, 48000, 16000, 22050}[r.IntN(4)]
		sec := 3 + r.Float64()*4
		m := int(sec * float64(rate))
		x := make([]float32, m)
		switch k := ns % 5; k {
		case 0: // white noise
			for i := range x {
				x[i] = float32(0.1 * r.NormFloat64())
			}
		case 1: // near-silence: a little dither
			for i := range x {
				x[i] = float32(1e-5 * r.NormFloat64())
			}
		case 2: // a tone
			f := 100 + r.Float64()*4000
			for i := range x {
				x[i] = float32(0.3 * math.Sin(2*math.Pi*f*float64(i)/float64(rate)))
			}
		case 3: // a sweep
			for i := range x {
				t := float64(i) / float64(rate)
				x[i] = float32(0.3 * math.Sin(2*math.Pi*(200*t+300*t*t)))
			}
		case 4: // brown-ish noise
			var v float64
			for i := range x {
				v = 0.995*v + 0.02*r.NormFloat64()
				x[i] = float32(v)
			}
		}
		jobs = append(jobs, job{x, rate, 1})
		ns++
	}
	found := make([]bool, len(jobs))
	audioParallel(len(jobs), func(i int, _ string) {
		d, err := wmaudio.Detect(ctx, jobs[i].x, jobs[i].rate, jobs[i].ch, wmaudio.Options{})
		if err == nil && d.Present {
			found[i] = true
			fmt.Fprintf(os.Stderr, "FALSE POSITIVE: job %d id %x score %.1f\n", i, d.ID, d.Score)
		}
	}, "")
	for _, f := range found {
		if f {
			fp++
		}
	}
	return fp, len(jobs), fmt.Sprintf("%d whole corpus clips, %d excerpts of 3, 5 and 10 s, %d synthetic 3–7 s clips: white and brown noise, near-silence, tones, sweeps", nc, ne, ns)
}

// audioWorkers is how many clips are evaluated at once.
func audioWorkers() int { return max(1, runtime.GOMAXPROCS(0)) }

// audioParallel runs f(i, dir) for i < n on audioWorkers() goroutines; when base is
// not empty each worker gets its own subdirectory of it.
func audioParallel(n int, f func(i int, dir string), base string) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < audioWorkers(); w++ {
		dir := ""
		if base != "" {
			dir = filepath.Join(base, strconv.Itoa(w))
			os.MkdirAll(dir, 0o755)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i, dir)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func loadClips(dir string) ([]clip, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".wav", ".flac", ".ogg", ".oga", ".mp3":
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var cs []clip
	for _, p := range paths {
		x, rate, ch, err := readAudio(p)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(dir, p)
		cs = append(cs, clip{name: rel, rate: rate, ch: ch, x: x})
	}
	return cs, nil
}

// readAudio decodes any file sox reads into interleaved float32.
func readAudio(path string) ([]float32, int, int, error) {
	info, err := exec.Command("soxi", "-r", path).Output()
	if err != nil {
		return nil, 0, 0, fmt.Errorf("soxi %s: %w", path, err)
	}
	rate, _ := strconv.Atoi(strings.TrimSpace(string(info)))
	info, err = exec.Command("soxi", "-c", path).Output()
	if err != nil {
		return nil, 0, 0, fmt.Errorf("soxi %s: %w", path, err)
	}
	ch, _ := strconv.Atoi(strings.TrimSpace(string(info)))
	out, err := exec.Command("sox", "-q", path, "-t", "f32", "-").Output()
	if err != nil {
		return nil, 0, 0, fmt.Errorf("sox %s: %w", path, err)
	}
	x := make([]float32, len(out)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:]))
	}
	return x, rate, ch, nil
}

func writeWAV(tmp, path string, x []float32, rate, ch int) error {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	raw := filepath.Join(tmp, "raw.f32")
	if err := os.WriteFile(raw, b, 0o644); err != nil {
		return err
	}
	return runTool(tmp, "sox", "-R", "-q", "-t", "f32", "-r", strconv.Itoa(rate), "-c", strconv.Itoa(ch), raw, "-b", "16", path)
}
