package disclosure

import (
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats/wav"
)

func sine(freq, amp float64, rate, channels int, seconds float64) []float32 {
	n := int(seconds * float64(rate))
	out := make([]float32, 0, n*channels)
	for i := 0; i < n; i++ {
		v := float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
		for c := 0; c < channels; c++ {
			out = append(out, v)
		}
	}
	return out
}

// Reference points of BS.1770: a full-scale 997 Hz sine in one channel
// reads -3.01 LUFS; in two channels 0 LUFS; -20 dB reads 20 LU lower; the
// K-weighting is rate-independent.
func TestLoudnessReferenceSines(t *testing.T) {
	for _, tc := range []struct {
		amp      float64
		channels int
		rate     int
		want     float64
	}{
		{1, 1, 48000, -3.01},
		{1, 2, 48000, 0.0},
		{0.1, 1, 48000, -23.01},
		{1, 1, 44100, -3.01},
		{1, 1, 16000, -3.01},
		{0.5, 2, 8000, -6.02},
	} {
		got := Loudness(sine(997, tc.amp, tc.rate, tc.channels, 3), tc.channels, tc.rate)
		if math.Abs(got-tc.want) > 0.05 {
			t.Errorf("%+v: %.3f LUFS", tc, got)
		}
	}
	// K-weighting: +4 dB shelf above ~2 kHz, high-pass below 40 Hz.
	if hi := Loudness(sine(8000, 1, 48000, 1, 3), 1, 48000); math.Abs(hi-(-3.01+4.0-0.69)) > 0.2 {
		t.Errorf("8 kHz: %.2f", hi)
	}
	if lo := Loudness(sine(20, 1, 48000, 1, 3), 1, 48000); lo > -3.01-10 {
		t.Errorf("20 Hz: %.2f (should be strongly attenuated)", lo)
	}
}

// Silence is gated out: a tone followed by as much silence reads the same
// as the tone alone; all silence is -Inf.
func TestLoudnessGating(t *testing.T) {
	tone := sine(997, 0.3, 48000, 2, 3)
	padded := append(append([]float32(nil), tone...), make([]float32, len(tone))...)
	a, b := Loudness(tone, 2, 48000), Loudness(padded, 2, 48000)
	// Only the few blocks straddling the edge count partly; ungated the
	// difference would be 3 dB.
	if math.Abs(a-b) > 0.3 {
		t.Errorf("tone %.2f, tone+silence %.2f", a, b)
	}
	if v := Loudness(make([]float32, 96000), 1, 48000); !math.IsInf(v, -1) {
		t.Errorf("silence: %v", v)
	}
	if v := Loudness(make([]float32, 100), 1, 48000); !math.IsInf(v, -1) {
		t.Errorf("too short: %v", v)
	}
}

// Against ffmpeg's ebur128 filter on real recordings.
func TestLoudnessAgainstFFmpeg(t *testing.T) {
	ffmpeg := extool.Need(t, "ffmpeg")
	sox := extool.Need(t, "sox")
	re := regexp.MustCompile(`I:\s+(-?[0-9.]+) LUFS`)
	for _, name := range []string{"librispeech-8297-275156-0011.flac", "freesound-257344.flac", "freesound-212768.flac"} {
		src := extool.Shared(t, "testdata/audio/"+name)
		tmp := filepath.Join(t.TempDir(), "x.wav")
		if out, err := exec.Command(sox, src, "-e", "floating-point", "-b", "32", tmp).CombinedOutput(); err != nil {
			t.Fatalf("sox: %v %s", err, out)
		}
		out, err := exec.Command(ffmpeg, "-nostats", "-i", tmp, "-af", "ebur128", "-f", "null", "-").CombinedOutput()
		if err != nil {
			t.Fatalf("ffmpeg: %v", err)
		}
		m := re.FindAllSubmatch(out, -1)
		if m == nil {
			t.Fatalf("no I: in ffmpeg output")
		}
		want, _ := strconv.ParseFloat(string(m[len(m)-1][1]), 64)
		f, p := readWAV(t, tmp)
		got := Loudness(p, f.Channels, f.SampleRate)
		t.Logf("%s: ours %.2f LUFS, ffmpeg ebur128 %.1f", name, got, want)
		if math.Abs(got-want) > 0.3 {
			t.Errorf("%s: ours %.2f LUFS, ffmpeg %.1f", name, got, want)
		}
	}
}

func readWAV(t *testing.T, path string) (wav.Format, []float32) {
	t.Helper()
	f, err := openWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.ReadSamples(1 << 28)
	if err != nil {
		t.Fatal(err)
	}
	return f.Format, s
}
