package disclosure

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
)

// Every default wording has a spoken clip of plausible length, and the
// script that made them still has the wording of wording.go.
func TestVoiceClips(t *testing.T) {
	script, err := os.ReadFile("voice/generate.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []Kind{Generated, Edited} {
		for lang, text := range Default.Long[kind] {
			if !strings.Contains(string(script), `"`+text+`"`) {
				t.Errorf("generate.sh lacks %s text %q", lang, text)
			}
			c, ok := Voice(kind, lang)
			if !ok {
				t.Errorf("no clip for %d/%s", kind, lang)
				continue
			}
			if d := c.Duration(); d < 1500*time.Millisecond || d > 5*time.Second {
				t.Errorf("%d/%s: %v long", kind, lang, d)
			}
			if l := Loudness(c.Samples, 1, c.Rate); l < -30 || l > -10 {
				t.Errorf("%d/%s: %.1f LUFS", kind, lang, l)
			}
		}
	}
	if _, ok := Voice(Generated, "xx"); ok {
		t.Error("clip for unknown language")
	}
}

// Our µ-law decoding of the clips matches sox's.
func TestVoiceDecodesLikeSox(t *testing.T) {
	sox := extool.Need(t, "sox")
	out, err := exec.Command(sox, "voice/generated-kk.wav", "-t", "raw", "-e", "signed", "-b", "16", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	f, s := readWAV(t, "voice/generated-kk.wav")
	if f.Encoding != 7 || len(out) != 2*len(s) {
		t.Fatalf("encoding %d, sox %d samples, ours %d", f.Encoding, len(out)/2, len(s))
	}
	for i := range s {
		want := float32(int16(binary.LittleEndian.Uint16(out[2*i:]))) / 32768
		if s[i] != want {
			t.Fatalf("sample %d: ours %v sox %v", i, s[i], want)
		}
	}
}

func noise(n, channels int, amp float64) []float32 {
	s := make([]float32, n*channels)
	x := uint32(1)
	for i := range s {
		x = x*1664525 + 1013904223
		s[i] = float32(amp * (float64(x>>8)/float64(1<<24)*2 - 1))
	}
	return s
}

// Position, length and level of the notice in the output.
func TestInsertPositionLengthLevel(t *testing.T) {
	rate, ch := 44100, 2
	content := sine(440, 0.2, rate, ch, 4)
	for i := range content { // some texture so it is not a pure tone
		content[i] += noise(1, 1, 0.02)[0] * float32(i%7) / 7
	}
	notice, langs := Spoken(Generated, []string{"kk", "ru"}, 300*time.Millisecond)
	if strings.Join(langs, ",") != "kk,ru" {
		t.Fatalf("langs %v", langs)
	}
	gap := 500 * time.Millisecond
	for _, pos := range []Position{AtStart, AtEnd, AtBoth} {
		out, res := Insert(content, ch, rate, notice, pos, gap)
		nf := int(math.Round(float64(len(notice.Samples)) * float64(rate) / 16000))
		if res.NoticeFrames != nf || res.GapFrames != rate/2 {
			t.Fatalf("pos %d: notice %d frames (want %d), gap %d", pos, res.NoticeFrames, nf, res.GapFrames)
		}
		copies := 1
		if pos == AtBoth {
			copies = 2
		}
		if want := len(content) + copies*(nf+res.GapFrames)*ch; len(out) != want {
			t.Fatalf("pos %d: %d samples, want %d", pos, len(out), want)
		}
		start := 0
		if pos != AtEnd {
			start = (nf + res.GapFrames) * ch
			if res.Lead != nf+res.GapFrames {
				t.Errorf("lead %d", res.Lead)
			}
			// The notice is at the start, the gap is silent, the content follows unchanged.
			if rms(out[:ch*rate/2]) < 1e-3 {
				t.Error("no sound at the start")
			}
			if rms(out[nf*ch:start]) != 0 {
				t.Error("gap not silent")
			}
		} else if res.Lead != 0 {
			t.Errorf("lead %d at end", res.Lead)
		}
		for i := range content {
			if out[start+i] != content[i] {
				t.Fatalf("pos %d: content sample %d changed", pos, i)
			}
		}
		if pos != AtStart {
			tail := out[len(out)-nf*ch:]
			if rms(tail) < 1e-3 || rms(out[len(out)-(nf+res.GapFrames)*ch:len(out)-nf*ch]) != 0 {
				t.Error("no notice (or no gap) at the end")
			}
		}
		// Same on every channel.
		for i := 0; i < nf; i++ {
			if out[i*ch] != out[i*ch+1] && pos != AtEnd {
				t.Fatal("channels differ")
			}
		}
		// Level: matched to the content, not louder.
		if res.NoticeLoudness > res.ContentLoudness+0.1 || res.NoticeLoudness < res.ContentLoudness-1 {
			t.Errorf("pos %d: notice %.2f LUFS, content %.2f", pos, res.NoticeLoudness, res.ContentLoudness)
		}
	}
}

func rms(s []float32) float64 {
	var p float64
	for _, v := range s {
		p += float64(v) * float64(v)
	}
	return math.Sqrt(p / float64(max(len(s), 1)))
}

// Quiet content gets a quiet notice; loud content never a clipping one;
// silent content the default level.
func TestInsertLevels(t *testing.T) {
	notice, _ := Spoken(Generated, []string{"ru"}, 0)
	for _, amp := range []float64{0.01, 0.1, 0.9} {
		content := noise(48000*3, 1, amp)
		out, res := Insert(content, 1, 48000, notice, AtStart, 0)
		if res.NoticeLoudness > res.ContentLoudness+0.1 {
			t.Errorf("amp %v: notice %.1f louder than content %.1f", amp, res.NoticeLoudness, res.ContentLoudness)
		}
		for _, v := range out[:res.NoticeFrames] {
			if abs32(v) > 0.98 {
				t.Fatalf("amp %v: notice clips (%v)", amp, v)
			}
		}
	}
	_, res := Insert(make([]float32, 48000), 1, 48000, notice, AtStart, 0)
	if math.Abs(res.NoticeLoudness-DefaultNoticeLoudness) > 0.2 {
		t.Errorf("silent content: notice %.1f LUFS", res.NoticeLoudness)
	}
}

// The tone is Morse "AI": on 1, off 1, on 3, off 3, on 1, off 1, on 1 units.
func TestToneRhythm(t *testing.T) {
	c := Tone(8000)
	unit := 800
	want := []int{1, 1, 3, 3, 1, 1, 1}
	var got []int
	on := true
	run := 0
	for i := 0; i < len(c.Samples); i += unit / 4 {
		seg := c.Samples[i:min(i+unit/4, len(c.Samples))]
		isOn := rms(seg) > 0.1
		if isOn != on {
			got = append(got, run)
			run, on = 0, isOn
		}
		run++
	}
	got = append(got, run)
	for i := range got {
		got[i] = int(math.Round(float64(got[i]) / 4))
	}
	if len(got) != len(want) {
		t.Fatalf("rhythm %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("rhythm %v, want %v", got, want)
		}
	}
	if d := c.Duration(); d != 1100*time.Millisecond {
		t.Errorf("tone %v", d)
	}
}

func TestParsePosition(t *testing.T) {
	for s, want := range map[string]Position{"": AtStart, "start": AtStart, "END": AtEnd, "both": AtBoth} {
		if p, err := ParsePosition(s); err != nil || p != want {
			t.Errorf("%q: %v %v", s, p, err)
		}
	}
	if _, err := ParsePosition("middle"); err == nil {
		t.Error("middle accepted")
	}
}
