package disclosure

import (
	"bytes"
	"embed"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/belgi/belgi/formats/wav"
)

// The audible notice: a spoken disclosure (belgi's clips, made by
// voice/generate.sh with espeak-ng, or a clip the caller supplies) or the
// Morse "AI" tone, put before and/or after the content at the content's
// sample rate, on every channel, as loud as the content and never louder.

//go:embed voice/*.wav
var voiceFS embed.FS

// Clip is a piece of audio: interleaved samples in [-1, 1].
type Clip struct {
	Rate     int
	Channels int
	Samples  []float32
}

// Duration is the clip's length.
func (c Clip) Duration() time.Duration {
	if c.Rate <= 0 || c.Channels <= 0 {
		return 0
	}
	return time.Duration(len(c.Samples)/c.Channels) * time.Second / time.Duration(c.Rate)
}

// Voice returns belgi's spoken disclosure for kind in lang (16 kHz mono),
// trimmed of leading and trailing silence, or false when there is none.
func Voice(kind Kind, lang string) (Clip, bool) {
	name := "generated"
	if kind == Edited {
		name = "edited"
	}
	b, err := voiceFS.ReadFile("voice/" + name + "-" + strings.ToLower(lang) + ".wav")
	if err != nil {
		return Clip{}, false
	}
	f, err := wav.Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return Clip{}, false
	}
	s, err := f.ReadSamples(1 << 24)
	if err != nil || f.Format.Channels != 1 {
		return Clip{}, false
	}
	return Clip{Rate: f.Format.SampleRate, Channels: 1, Samples: trimSilence(s, 0.01)}, true
}

func trimSilence(s []float32, floor float32) []float32 {
	lo, hi := 0, len(s)
	for lo < hi && abs32(s[lo]) < floor {
		lo++
	}
	for hi > lo && abs32(s[hi-1]) < floor {
		hi--
	}
	return s[lo:hi]
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

// Spoken joins belgi's spoken clips for langs, in order, with pause
// between them. It returns the languages it found a clip for.
func Spoken(kind Kind, langs []string, pause time.Duration) (Clip, []string) {
	out := Clip{Rate: 16000, Channels: 1}
	var used []string
	gap := make([]float32, int(pause.Seconds()*16000))
	for _, lang := range langs {
		c, ok := Voice(kind, lang)
		if !ok {
			continue
		}
		if len(used) > 0 {
			out.Samples = append(out.Samples, gap...)
		}
		out.Samples = append(out.Samples, c.Samples...)
		used = append(used, lang)
	}
	return out, used
}

// Tone timing: Morse "AI" (·− ··), the short-long-short-short rhythm GB
// 45438 names for audio, at 1 kHz with 100 ms units and 5 ms ramps.
const (
	ToneFreq = 1000.0
	ToneUnit = 100 * time.Millisecond
)

// Tone returns the Morse "AI" tone at rate.
func Tone(rate int) Clip {
	unit := int(ToneUnit.Seconds() * float64(rate))
	ramp := rate / 200
	// on/off pattern in units: dot, gap, dash, letter gap, dot, gap, dot
	pattern := []struct {
		on    bool
		units int
	}{{true, 1}, {false, 1}, {true, 3}, {false, 3}, {true, 1}, {false, 1}, {true, 1}}
	var s []float32
	for _, p := range pattern {
		n := p.units * unit
		for i := 0; i < n; i++ {
			v := 0.0
			if p.on {
				g := 1.0
				if i < ramp {
					g = 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(ramp))
				} else if n-1-i < ramp {
					g = 0.5 - 0.5*math.Cos(math.Pi*float64(n-1-i)/float64(ramp))
				}
				v = 0.5 * g * math.Sin(2*math.Pi*ToneFreq*float64(len(s))/float64(rate))
			}
			s = append(s, float32(v))
		}
	}
	return Clip{Rate: rate, Channels: 1, Samples: s}
}

// Position says where the notice goes.
type Position int

const (
	AtStart Position = iota
	AtEnd
	AtBoth
)

// ParsePosition parses "start" (or ""), "end" or "both".
func ParsePosition(s string) (Position, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "start", "begin":
		return AtStart, nil
	case "end":
		return AtEnd, nil
	case "both":
		return AtBoth, nil
	}
	return AtStart, fmt.Errorf("disclosure: notice position %q (want start, end or both)", s)
}

// DefaultNoticeLoudness is used when the content is silent or too short to
// measure (EBU R 128 programme level).
const DefaultNoticeLoudness = -23.0

// NoticeResult says what Insert did.
type NoticeResult struct {
	Lead            int     // frames put before the original start
	NoticeFrames    int     // frames of one notice (without gap)
	GapFrames       int     // frames of silence between notice and content
	ContentLoudness float64 // LUFS (-Inf when unmeasurable)
	NoticeLoudness  float64 // LUFS of the notice as inserted
	Gain            float64 // linear gain applied to the notice
}

// Insert puts notice into content (interleaved samples at rate with
// channels): downmixed to mono, resampled to rate, copied to every
// channel, scaled to the content's integrated loudness (never louder, and
// never clipping), separated from the content by gap of silence.
func Insert(content []float32, channels, rate int, notice Clip, pos Position, gap time.Duration) ([]float32, NoticeResult) {
	var res NoticeResult
	mono := downmix(notice)
	mono = Resample(mono, notice.Rate, rate)
	frames := len(mono)
	multi := make([]float32, frames*channels)
	for i, v := range mono {
		for c := 0; c < channels; c++ {
			multi[i*channels+c] = v
		}
	}
	res.ContentLoudness = Loudness(content, channels, rate)
	target := res.ContentLoudness
	if math.IsInf(target, -1) {
		target = DefaultNoticeLoudness
	}
	nl := Loudness(multi, channels, rate)
	gain := 1.0
	if !math.IsInf(nl, -1) {
		gain = math.Pow(10, (target-nl)/20)
	}
	var peak float32
	for _, v := range mono {
		peak = max(peak, abs32(v))
	}
	if peak > 0 && gain*float64(peak) > 0.98 {
		gain = 0.98 / float64(peak)
	}
	for i := range multi {
		multi[i] = float32(float64(multi[i]) * gain)
	}
	res.Gain = gain
	res.NoticeLoudness = Loudness(multi, channels, rate)
	res.NoticeFrames = frames
	res.GapFrames = int(gap.Seconds() * float64(rate))
	silence := make([]float32, res.GapFrames*channels)
	out := make([]float32, 0, len(content)+2*(len(multi)+len(silence)))
	if pos == AtStart || pos == AtBoth {
		out = append(append(out, multi...), silence...)
		res.Lead = frames + res.GapFrames
	}
	out = append(out, content...)
	if pos == AtEnd || pos == AtBoth {
		out = append(append(out, silence...), multi...)
	}
	return out, res
}

func downmix(c Clip) []float32 {
	if c.Channels <= 1 {
		return c.Samples
	}
	n := len(c.Samples) / c.Channels
	out := make([]float32, n)
	for i := range out {
		var s float32
		for ch := 0; ch < c.Channels; ch++ {
			s += c.Samples[i*c.Channels+ch]
		}
		out[i] = s / float32(c.Channels)
	}
	return out
}
