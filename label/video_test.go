package label

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
)

func videoLabel() Label {
	return Label{AISystem: "Example Video Model", ContentID: "00112233aabbccdd",
		Created: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func videoFixtures(t *testing.T) []string {
	t.Helper()
	dir := extool.Shared(t, "testdata/video")
	var out []string
	for _, pat := range []string{"*.mp4", "*.mov"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		out = append(out, m...)
	}
	return out
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// videoFrameMD5 hashes every packet of the input's streams 0..n-1 (raw
// timestamps: -copyts), without the header lines.
func videoFrameMD5(t *testing.T, file string, n int) string {
	t.Helper()
	args := []string{"-v", "error", "-copyts", "-i", file}
	for i := 0; i < n; i++ {
		args = append(args, "-map", "0:"+strconv.Itoa(i))
	}
	out := run(t, "ffmpeg", append(args, "-c", "copy", "-f", "framemd5", "-")...)
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "#") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestVideoFixtures is the must-show list for every shared fixture
// that ffmpeg decodes: ffprobe reads the output, every original stream is
// packet-for-packet identical, exiftool finds the IPTC source type, the
// text track exists (default) and ffmpeg extracts the disclosure as SRT,
// and Verify reports both layers. Labelling twice adds nothing.
func TestVideoFixtures(t *testing.T) {
	extool.Need(t, "ffmpeg")
	extool.Need(t, "ffprobe")
	extool.Need(t, "exiftool")
	srcs := videoFixtures(t)
	// A MOV that decodes (the shared one has no samples): the same media
	// stream-copied into QuickTime's container by ffmpeg.
	mov := filepath.Join(t.TempDir(), "prog_8s_copy.mov")
	run(t, "ffmpeg", "-v", "error", "-i", filepath.Join(filepath.Dir(srcs[0]), "mp4ff_prog_8s.mp4"), "-map", "0", "-c", "copy", "-f", "mov", mov)
	for _, src := range append(srcs, mov) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			t.Parallel()
			// Cheap stand-in for "ffmpeg decodes it": demuxing and parsing
			// every packet reports nothing (the output is fully decoded below).
			msg, err := exec.Command("ffmpeg", "-v", "error", "-i", src, "-map", "0", "-c", "copy", "-f", "null", "-").CombinedOutput()
			decodes := err == nil && len(bytes.TrimSpace(msg)) == 0
			dir := t.TempDir()
			once := filepath.Join(dir, "once"+filepath.Ext(src))
			out := filepath.Join(dir, "out"+filepath.Ext(src))
			l := videoLabel()
			res, err := ApplyFile(context.Background(), src, once, l, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ApplyFile(context.Background(), once, out, l, Options{}); err != nil {
				t.Fatalf("relabel: %v", err)
			}
			if got := strings.Join(layerNames(res.Layers), ","); got != "disclosure,metadata" {
				t.Errorf("layers %s", got)
			}
			a, _ := os.Stat(once)
			b, _ := os.Stat(out)
			if a.Size() != b.Size() {
				t.Errorf("relabelling grew the file %d → %d", a.Size(), b.Size())
			}

			rep, err := VerifyFile(context.Background(), out, VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Labelled || rep.Metadata.DigitalSourceType == nil || !strings.HasSuffix(*rep.Metadata.DigitalSourceType, "trainedAlgorithmicMedia") {
				t.Errorf("verify metadata: %+v", rep.Metadata)
			}
			if !rep.Disclosure.Present || rep.Disclosure.Kind == nil || *rep.Disclosure.Kind != "subtitle-track" ||
				!strings.HasPrefix(rep.Disclosure.Text["kk"], "Жасанды") || !strings.HasPrefix(rep.Disclosure.Text["ru"], "Создано") {
				t.Errorf("verify disclosure: %+v", rep.Disclosure)
			}

			ex := run(t, "exiftool", "-s", "-s", "-s", "-XMP-iptcExt:DigitalSourceType", out)
			if !strings.Contains(ex, "trainedAlgorithmicMedia") {
				t.Errorf("exiftool DigitalSourceType: %q", ex)
			}
			ex = run(t, "exiftool", "-G1", "-s", "-Keys:Description", "-Keys:Software", out)
			if strings.Count(ex, "Жасанды интеллект") != 1 || strings.Count(ex, "[Keys]") != 2 {
				t.Errorf("exiftool QuickTime keys:\n%s", ex)
			}
			// Our boxes add no structural warnings (a second meta in udta
			// made ExifTool report "Duplicate tag 'meta'").
			inWarn := exiftoolWarnings(t, src)
			for _, w := range exiftoolWarnings(t, out) {
				if strings.Contains(w, "'meta'") || !slices.Contains(inWarn, w) {
					t.Errorf("exiftool -validate: %s", w)
				}
			}
			if !decodes {
				return // sample_qt.mov has no sample data: metadata checks only
			}
			if msg := run(t, "ffmpeg", "-v", "error", "-i", out, "-map", "0", "-c:s", "copy", "-f", "null", "-"); strings.TrimSpace(msg) != "" {
				t.Errorf("ffmpeg decoding the output reports: %s", msg)
			}
			nIn := len(strings.Fields(run(t, "ffprobe", "-v", "error", "-show_entries", "stream=index", "-of", "csv=p=0", src)))
			if msg := run(t, "ffprobe", "-v", "error", out); strings.TrimSpace(msg) != "" {
				t.Errorf("ffprobe reports: %s", msg)
			}
			probe := run(t, "ffprobe", "-v", "error", "-show_entries", "stream=index,codec_name:stream_disposition=default:stream_tags=language", "-of", "csv=p=0", out)
			var subs []string
			for _, line := range strings.Split(strings.TrimSpace(probe), "\n") {
				if strings.Contains(line, "mov_text") {
					subs = append(subs, line)
				}
			}
			if len(subs) != 2 || !strings.Contains(subs[0], ",1,") || !strings.Contains(subs[0], "kaz") || !strings.Contains(subs[1], "rus") {
				t.Errorf("text tracks (index,codec,default,lang): %q", subs)
			}
			if got, want := videoFrameMD5(t, out, nIn), videoFrameMD5(t, src, nIn); got != want {
				t.Errorf("packets differ after labelling")
			}
			srt := run(t, "ffmpeg", "-v", "error", "-i", out, "-map", "0:"+strconv.Itoa(nIn), "-f", "srt", "-")
			if !strings.Contains(srt, "Жасанды интеллект көмегімен жасалған") || !strings.Contains(srt, "Создано с использованием искусственного интеллекта") {
				t.Errorf("SRT lacks the disclosure:\n%s", srt)
			}
		})
	}
}

// exiftoolWarnings returns the warnings of exiftool -validate.
func exiftoolWarnings(t *testing.T, file string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(run(t, "exiftool", "-validate", "-warning", "-a", "-s", "-s", file), "\n") {
		if w, ok := strings.CutPrefix(l, "Warning: "); ok {
			out = append(out, w)
		}
	}
	return out
}

func layerNames(ls []Layer) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l)
	}
	return out
}

// TestVideoSubtitleRenders draws the default text track with ffmpeg's
// subtitles filter: the frame must differ from the unlabelled one in the
// lower part (where the cue sits) and not above it.
func TestVideoSubtitleRenders(t *testing.T) {
	extool.Need(t, "ffmpeg")
	src := filepath.Join(extool.Shared(t, "testdata/video"), "mp4ff_prog_8s.mp4")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.mp4")
	if _, err := ApplyFile(context.Background(), src, out, videoLabel(), Options{}); err != nil {
		t.Fatal(err)
	}
	frame := func(file, vf string) image.Image {
		png1 := filepath.Join(dir, "f.png")
		args := []string{"-v", "error", "-y", "-ss", "2", "-i", file}
		if vf != "" {
			args = append(args, "-vf", vf)
		}
		run(t, "ffmpeg", append(args, "-frames:v", "1", png1)...)
		b, _ := os.ReadFile(png1)
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	plain := frame(src, "")
	// setpts keeps the subtitle clock in step after -ss.
	subbed := frame(out, "setpts=PTS+2/TB,subtitles="+out+",setpts=PTS-2/TB")
	bnd := plain.Bounds()
	diff := func(y0, y1 int) int {
		n := 0
		for y := y0; y < y1; y++ {
			for x := bnd.Min.X; x < bnd.Max.X; x++ {
				r1, g1, b1, _ := plain.At(x, y).RGBA()
				r2, g2, b2, _ := subbed.At(x, y).RGBA()
				if absDiff(r1, r2)+absDiff(g1, g2)+absDiff(b1, b2) > 3*0x3000 {
					n++
				}
			}
		}
		return n
	}
	h := bnd.Dy()
	low, high := diff(h*2/3, h), diff(0, h/3)
	t.Logf("changed pixels: lower third %d, upper third %d", low, high)
	if low < 500 || high > low/20 {
		t.Errorf("subtitle not rendered at the bottom: lower third %d changed, upper third %d", low, high)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// TestVideoCorrupt feeds damaged files: each must fail with ErrCorrupt and
// leave no output file.
func TestVideoCorrupt(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(extool.Shared(t, "testdata/video"), "mp4ff_prog_8s.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	moov := bytes.Index(good, []byte("moov")) - 4
	put32 := func(b []byte, at int, v uint32) []byte {
		c := bytes.Clone(b)
		binary.BigEndian.PutUint32(c[at:], v)
		return c
	}
	huge := bytes.Clone(good[:moov])
	huge = append(huge, 0, 0, 0, 1, 'm', 'o', 'o', 'v', 0x80, 0, 0, 0, 0, 0, 0, 0) // 2^63
	huge = append(huge, good[moov+8:]...)
	cases := map[string][]byte{
		"truncated":          good[:len(good)-100],
		"truncated header":   good[:moov+5],
		"size past EOF":      put32(good, moov, uint32(len(good))),
		"box loop (size 4)":  put32(good, moov, 4),
		"64-bit size 2^63":   huge,
		"child past parent":  put32(good, moov+8, 0x7FFFFFFF), // mvhd
		"stco count too big": corruptStco(t, good),
		"not mp4":            append([]byte("\x00\x00\x00\x10ftypisom\x00\x00\x00\x00"), bytes.Repeat([]byte{0xFF}, 64)...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "in.mp4")
			os.WriteFile(src, data, 0o644)
			dst := filepath.Join(dir, "out.mp4")
			_, err := ApplyFile(context.Background(), src, dst, videoLabel(), Options{})
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("err = %v, want ErrCorrupt", err)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("output left behind: %v", ents)
			}
			// Verify reads boxes, not sample tables: a bad stco does not concern it.
			if _, err := VerifyFile(context.Background(), src, VerifyOptions{}); name != "stco count too big" && !errors.Is(err, ErrCorrupt) {
				t.Errorf("verify err = %v, want ErrCorrupt", err)
			}
		})
	}
}

func corruptStco(t *testing.T, good []byte) []byte {
	i := bytes.Index(good, []byte("stco"))
	if i < 0 {
		t.Fatal("no stco")
	}
	c := bytes.Clone(good)
	binary.BigEndian.PutUint32(c[i+8:], 0x10000000)
	return c
}

// TestVideoWatermarkNeedsBurnIn: asking for a watermark explicitly on the
// no-re-encode path is an error, not a silent skip.
func TestVideoWatermarkNeedsBurnIn(t *testing.T) {
	src := filepath.Join(extool.Shared(t, "testdata/video"), "gomp4_sample.mp4")
	_, err := ApplyFile(context.Background(), src, filepath.Join(t.TempDir(), "o.mp4"), videoLabel(), Options{Layers: []Layer{LayerWatermark}})
	if !errors.Is(err, ErrLayerUnavailable) {
		t.Fatalf("err = %v, want ErrLayerUnavailable", err)
	}
}
