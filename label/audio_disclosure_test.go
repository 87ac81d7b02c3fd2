package label

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats/riff"
	"github.com/belgi/belgi/formats/wav"
	"github.com/belgi/belgi/label/disclosure"
)

func parseWAV(t *testing.T, b []byte) (*wav.File, []float32) {
	t.Helper()
	f, err := wav.Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.ReadSamples(1 << 28)
	if err != nil {
		t.Fatal(err)
	}
	return f, s
}

// The spoken notice on WAV of every sample format: placed first, the
// content after it unchanged (to the format's precision), same format,
// decodable by sox and ffmpeg, metadata written too.
func TestWAVNoticeEveryFormat(t *testing.T) {
	sox := extool.Need(t, "sox")
	ffmpeg := extool.Need(t, "ffmpeg")
	src := extool.Shared(t, "testdata/audio/freesound-257344.flac")
	for _, c := range []struct{ name, args string }{
		{"u8", "-b 8 -e unsigned-integer -r 22050"},
		{"s16-stereo", "-b 16 -c 2"},
		{"s24", "-b 24 -r 48000"},
		{"s32", "-b 32"},
		{"f32", "-b 32 -e floating-point"},
		{"f64", "-b 64 -e floating-point -r 8000"},
		{"mulaw", "-b 8 -e mu-law -r 8000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := convertAudio(t, "in.wav", append([]string{sox, src}, strings.Fields(c.args)...)...)
			out, res := labelBytes(t, in, "in.wav", Options{Layers: []Layer{LayerDisclosure, LayerMetadata}})
			if strings.Join(audioLayerNames(res.Layers), ",") != "disclosure,metadata" {
				t.Errorf("layers %v warnings %v", res.Layers, res.Warnings)
			}
			fi, si := parseWAV(t, in)
			fo, so := parseWAV(t, out)
			if fo.Format != fi.Format {
				t.Fatalf("format %v → %v", fi.Format, fo.Format)
			}
			clip, _, _ := AudioNotice(testLabelKK(t), &AudioNoticeOptions{})
			nf := int(math.Round(float64(len(clip.Samples)) * float64(fi.Format.SampleRate) / float64(clip.Rate)))
			lead := nf + fi.Format.SampleRate/2
			ch := fi.Format.Channels
			if len(so) != len(si)+lead*ch {
				t.Fatalf("%d samples, want %d + %d", len(so), len(si), lead*ch)
			}
			tol := float32(0)
			if fi.Format.BitsPerSample == 64 || fi.Format.BitsPerSample == 32 && fi.Format.Encoding == wav.TagPCM {
				tol = 1e-6
			}
			for i := range si {
				if d := so[lead*ch+i] - si[i]; d > tol || d < -tol {
					t.Fatalf("content sample %d: %v → %v", i, si[i], so[lead*ch+i])
				}
			}
			nl := disclosure.Loudness(so[:nf*ch], ch, fi.Format.SampleRate)
			cl := disclosure.Loudness(si, ch, fi.Format.SampleRate)
			if nl > cl+0.5 || nl < cl-2 {
				t.Errorf("notice %.1f LUFS, content %.1f", nl, cl)
			}
			rep := verifyBytes(t, out, "out.wav")
			if !rep.Labelled || rep.Metadata.DigitalSourceType == nil {
				t.Errorf("report %+v", rep.Metadata)
			}
			tmp := filepath.Join(t.TempDir(), "out.wav")
			os.WriteFile(tmp, out, 0o644)
			if msg, err := exec.Command(sox, tmp, "-n", "stat").CombinedOutput(); err != nil {
				t.Errorf("sox: %v %s", err, msg)
			}
			dur, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", tmp).Output()
			if err != nil {
				t.Fatalf("ffprobe: %v", err)
			}
			var d float64
			if _, err := fmt.Sscan(strings.TrimSpace(string(dur)), &d); err != nil || math.Abs(d-float64(len(so)/ch)/float64(fi.Format.SampleRate)) > 0.01 {
				t.Errorf("ffprobe duration %s", dur)
			}
			if msg, err := exec.Command(ffmpeg, "-v", "error", "-i", tmp, "-f", "null", "-").CombinedOutput(); err != nil || len(msg) > 0 {
				t.Errorf("ffmpeg decode: %v %s", err, msg)
			}
		})
	}
}

func audioLayerNames(ls []Layer) []string {
	var out []string
	for _, l := range ls {
		out = append(out, string(l))
	}
	return out
}

func testLabelKK(t *testing.T) *Label {
	l := audioLabel()
	if err := l.Normalize(); err != nil {
		t.Fatal(err)
	}
	return &l
}

// cue points and smpl loops follow the content after a notice is prepended.
func TestWAVNoticeShiftsCuePoints(t *testing.T) {
	in, err := os.ReadFile(extool.Testdata(t, "audio/goaudio-flloop.wav"))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := labelBytes(t, in, "a.wav", Options{Layers: []Layer{LayerDisclosure}})
	cue := func(b []byte) (uint32, uint32) {
		f, err := riff.Parse(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		c, _ := f.Find(riff.ID("cue "))
		s, _ := f.Find(riff.ID("smpl"))
		cb, _ := c.ReadAll(1 << 20)
		sb, _ := s.ReadAll(1 << 20)
		return binary.LittleEndian.Uint32(cb[4+4+24:]), binary.LittleEndian.Uint32(sb[36+8:])
	}
	fi, si := parseWAV(t, in)
	_, so := parseWAV(t, out)
	lead := uint32((len(so) - len(si)) / fi.Format.Channels)
	c0, l0 := cue(in)
	c1, l1 := cue(out)
	if c1 != c0+lead || l1 != l0+lead {
		t.Errorf("cue %d→%d, loop %d→%d, lead %d", c0, c1, l0, l1, lead)
	}
}

// Tone mode and positions end/both through the options.
func TestWAVNoticeOptions(t *testing.T) {
	in, err := os.ReadFile(extool.Testdata(t, "audio/goaudio-kick.wav"))
	if err != nil {
		t.Fatal(err)
	}
	_, si := parseWAV(t, in)
	rate := 22050
	for _, tc := range []struct {
		o    AudioNoticeOptions
		want int // added frames
	}{
		{AudioNoticeOptions{Tone: true}, int(1.1*float64(rate)) + rate/2},
		{AudioNoticeOptions{Tone: true, Position: "both", Gap: 250e6}, 2 * (int(1.1*float64(rate)) + rate/4)},
		{AudioNoticeOptions{Clip: &disclosure.Clip{Rate: 11025, Channels: 2, Samples: make([]float32, 2*11025)}, Position: "end"}, 2*11025 + rate/2},
	} {
		out, _ := labelBytes(t, in, "a.wav", Options{Layers: []Layer{LayerDisclosure}, AudioNotice: tc.o})
		_, so := parseWAV(t, out)
		if got := len(so) - len(si); got != tc.want {
			t.Errorf("%+v: %d frames added, want %d", tc.o, got, tc.want)
		}
	}
	_, err = Apply(t.Context(), bytes.NewReader(in), &bytes.Buffer{}, audioLabel(), Options{Layers: []Layer{LayerDisclosure}, AudioNotice: AudioNoticeOptions{Position: "middle"}})
	if err == nil {
		t.Error("bad position accepted")
	}
}

// MP3 and FLAC say clearly that they get metadata only.
func TestNoticeOnCompressedWarns(t *testing.T) {
	in, err := os.ReadFile(extool.Shared(t, "testdata/audio/freesound-44127.flac"))
	if err != nil {
		t.Fatal(err)
	}
	_, res := labelBytes(t, in, "a.flac", Options{})
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "metadata only") {
		t.Errorf("warnings %v", res.Warnings)
	}
}
