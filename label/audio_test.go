package label

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// audioLabel is a fixed label for audio tests.
func audioLabel() Label {
	return Label{AISystem: "Voice Model", AIVersion: "3", ContentID: "00112233aabbccdd"}
}

func labelBytes(t *testing.T, in []byte, name string, o Options) ([]byte, Result) {
	t.Helper()
	o.Name = name
	var out bytes.Buffer
	res, err := Apply(context.Background(), bytes.NewReader(in), &out, audioLabel(), o)
	if err != nil {
		t.Fatalf("Apply %s: %v", name, err)
	}
	return out.Bytes(), res
}

func verifyBytes(t *testing.T, b []byte, name string) Report {
	t.Helper()
	rep, err := Verify(context.Background(), bytes.NewReader(b), VerifyOptions{Name: name})
	if err != nil {
		t.Fatalf("Verify %s: %v", name, err)
	}
	return rep
}

func convertAudio(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command(args[0], append(args[1:], out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The metadata layer on each audio format, read back by Verify.
func TestAudioMetadataRoundTrip(t *testing.T) {
	sox := extool.Need(t, "sox")
	lame := extool.Need(t, "lame")
	src := extool.Shared(t, "testdata/audio/librispeech-8297-275156-0011.flac")
	flacIn, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	wavIn := convertAudio(t, "in.wav", sox, src, "-b", "16")
	wavPath := filepath.Join(t.TempDir(), "in.wav")
	os.WriteFile(wavPath, wavIn, 0o644)
	mp3In := convertAudio(t, "in.mp3", lame, "--quiet", "-b", "64", wavPath)
	for _, tc := range []struct {
		name    string
		in      []byte
		sources []string
	}{
		{"a.wav", wavIn, []string{"xmp:DigitalSourceType", "wav:INFO"}},
		{"a.mp3", mp3In, []string{"id3:TXXX", "id3:COMM", "xmp:DigitalSourceType"}},
		{"a.flac", flacIn, []string{"vorbis:AI_GENERATED", "vorbis:DIGITAL_SOURCE_TYPE", "vorbis:DESCRIPTION"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, res := labelBytes(t, tc.in, tc.name, Options{Layers: []Layer{LayerMetadata}})
			if len(res.Layers) != 1 || res.Layers[0] != LayerMetadata {
				t.Errorf("layers %v", res.Layers)
			}
			rep := verifyBytes(t, out, tc.name)
			if !rep.Labelled || !rep.Metadata.Present {
				t.Errorf("not labelled: %+v", rep.Metadata)
			}
			if rep.Metadata.DigitalSourceType == nil || !strings.HasSuffix(*rep.Metadata.DigitalSourceType, "trainedAlgorithmicMedia") {
				t.Errorf("source type %v", rep.Metadata.DigitalSourceType)
			}
			if rep.Metadata.ContentID == nil || *rep.Metadata.ContentID != "00112233aabbccdd" {
				t.Errorf("content id %v", rep.Metadata.ContentID)
			}
			if rep.Metadata.AISystem == nil || !strings.HasPrefix(*rep.Metadata.AISystem, "Voice Model") {
				t.Errorf("ai system %v", rep.Metadata.AISystem)
			}
			if rep.Metadata.Disclosure["kk"] != "Жасанды интеллект көмегімен жасалған" || rep.Metadata.Disclosure["ru"] == "" {
				t.Errorf("disclosure %v", rep.Metadata.Disclosure)
			}
			for _, s := range tc.sources {
				if !strings.Contains(strings.Join(rep.Metadata.Sources, ","), s) {
					t.Errorf("sources %v lack %s", rep.Metadata.Sources, s)
				}
			}
			// Relabelling replaces rather than stacks.
			again, _ := labelBytes(t, out, tc.name, Options{Layers: []Layer{LayerMetadata}})
			if len(again) != len(out) {
				t.Errorf("relabel changed size %d→%d", len(out), len(again))
			}
			// An unlabelled input is not reported as labelled.
			if rep := verifyBytes(t, tc.in, tc.name); rep.Labelled {
				t.Errorf("input reported labelled: %v", rep.Metadata.Sources)
			}
		})
	}
}

// Markers written by other tools are recognised.
func TestAudioForeignMarkers(t *testing.T) {
	ffmpeg := extool.Need(t, "ffmpeg")
	src := extool.Shared(t, "testdata/audio/freesound-44127.flac")
	mp3 := convertAudio(t, "x.mp3", ffmpeg, "-v", "error", "-i", src, "-c:a", "libmp3lame", "-metadata", "comment=This track is AI-generated", "-metadata", "title=t")
	rep := verifyBytes(t, mp3, "x.mp3")
	if !rep.Labelled || !strings.Contains(strings.Join(rep.Metadata.Sources, ","), "id3:") {
		t.Errorf("ffmpeg comment not recognised: %+v", rep.Metadata)
	}
	plain := convertAudio(t, "y.mp3", ffmpeg, "-v", "error", "-i", src, "-c:a", "libmp3lame", "-metadata", "comment=field recording", "-metadata", "title=t")
	if rep := verifyBytes(t, plain, "y.mp3"); rep.Labelled {
		t.Errorf("plain comment reported as AI: %v", rep.Metadata.Sources)
	}
}

// A user's own comment survives, after our notice.
func TestWAVUserCommentKept(t *testing.T) {
	in, err := os.ReadFile(extool.Testdata(t, "audio/goaudio-listinfo.wav"))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := labelBytes(t, in, "a.wav", Options{Layers: []Layer{LayerMetadata}})
	out2, _ := labelBytes(t, out, "a.wav", Options{Layers: []Layer{LayerMetadata}})
	if !bytes.Equal(out, out2) {
		t.Error("relabel changed the file")
	}
	if !bytes.Contains(out2, []byte("\nmy comment\x00")) || !bytes.Contains(out2, []byte("INAM\x0c\x00\x00\x00track title\x00")) {
		t.Error("user comment or title lost")
	}
}

// MP3 and FLAC are decoded with ffmpeg for the sample verifiers.
func TestDecodeWithFFmpeg(t *testing.T) {
	extool.Need(t, "ffmpeg")
	extool.Need(t, "sox")
	lame := extool.Need(t, "lame")
	src := extool.Shared(t, "testdata/audio/freesound-19875.flac")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	wavPath := filepath.Join(t.TempDir(), "x.wav")
	if out, err := exec.Command("sox", src, "-b", "16", wavPath).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	mp3 := convertAudio(t, "x.mp3", lame, "--quiet", wavPath)
	for name, data := range map[string][]byte{"x.flac": b, "x.mp3": mp3} {
		in, err := newInput(bytes.NewReader(data), name)
		if err != nil {
			t.Fatal(err)
		}
		p, ok, err := decodeWithFFmpeg(t.Context(), in)
		if !ok || err != nil {
			t.Fatalf("%s: %v %v", name, ok, err)
		}
		// freesound-19875: 1.03 s, 48 kHz mono.
		if p.Rate == 0 || p.Channels == 0 || len(p.Samples)/p.Channels < p.Rate/2 {
			t.Errorf("%s: %d Hz, %d ch, %d samples", name, p.Rate, p.Channels, len(p.Samples))
		}
	}
	in, _ := newInput(bytes.NewReader([]byte("ID3\x04\x00\x00\x00\x00\x00\x00garbage")), "bad.mp3")
	if _, _, err := decodeWithFFmpeg(t.Context(), in); err == nil {
		t.Error("garbage decoded")
	}
}
