package flac

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

func decodeFile(t *testing.T, b []byte) (*Stream, []int32) {
	t.Helper()
	br := bufio.NewReader(bytes.NewReader(b))
	s, err := Read(br)
	if err != nil {
		t.Fatal(err)
	}
	samples, err := DecodeSamples(br, s.Info, 1<<28)
	if err != nil {
		t.Fatal(err)
	}
	return s, samples
}

// Our decoder against sox on every shared FLAC (libFLAC's LPC, fixed,
// stereo modes, 16 and 24 bit), and the STREAMINFO MD5 of what we decode.
func TestDecodeMatchesSox(t *testing.T) {
	sox := extool.Need(t, "sox")
	files, _ := filepath.Glob(filepath.Join(extool.Shared(t, "testdata/audio"), "*.flac"))
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, got := decodeFile(t, b)
			if md5Samples(got, s.Info.BitsPerSample) != s.Info.MD5 {
				t.Error("MD5 of decoded samples differs from STREAMINFO")
			}
			raw, err := exec.Command(sox, path, "-t", "raw", "-e", "signed", "-b", "32", "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) != 4*len(got) {
				t.Fatalf("sox %d samples, ours %d", len(raw)/4, len(got))
			}
			shift := 32 - s.Info.BitsPerSample
			for i, v := range got {
				if w := int32(binary.LittleEndian.Uint32(raw[4*i:])) >> shift; w != v {
					t.Fatalf("sample %d: ours %d sox %d", i, v, w)
				}
			}
		})
	}
}

// Encoding what we decoded gives a stream that flac -t accepts (CRCs and
// MD5) and that decodes back to the same samples.
func TestEncodeRoundTrip(t *testing.T) {
	flacTool := extool.Need(t, "flac")
	files, _ := filepath.Glob(filepath.Join(extool.Shared(t, "testdata/audio"), "*.flac"))
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, samples := decodeFile(t, b)
			frames, info, err := EncodeFrames(samples, s.Info, s.Blocks[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			s.Blocks[0].Data = info
			head, _ := s.Bytes()
			out := append(head, frames...)
			tmp := filepath.Join(t.TempDir(), "x.flac")
			os.WriteFile(tmp, out, 0o644)
			if msg, err := exec.Command(flacTool, "-t", "-s", tmp).CombinedOutput(); err != nil {
				t.Fatalf("flac -t: %v %s", err, msg)
			}
			_, again := decodeFile(t, out)
			if len(again) != len(samples) {
				t.Fatalf("%d samples → %d", len(samples), len(again))
			}
			for i := range again {
				if again[i] != samples[i] {
					t.Fatalf("sample %d: %d → %d", i, samples[i], again[i])
				}
			}
			t.Logf("%s: %d → %d bytes of frames", filepath.Base(path), len(b), len(frames))
		})
	}
}

// Synthetic edge cases: silence (constant), 8 and 32 bits, short blocks,
// full-scale noise (verbatim or escape-free wide Rice).
func TestEncodeEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name    string
		bps, ch int
		n       int
		gen     func(i int) int32
	}{
		{"silence", 16, 2, 5000, func(int) int32 { return 0 }},
		{"8bit", 8, 1, 300, func(i int) int32 { return int32(i%256) - 128 }},
		{"32bit-noise", 32, 1, 4200, func(i int) int32 { return int32(uint32(i) * 2654435761) }},
		{"short", 24, 3, 7, func(i int) int32 { return int32(i * 1000) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := make([]int32, tc.n*tc.ch)
			for i := range s {
				s[i] = tc.gen(i)
			}
			si := StreamInfo{SampleRate: 44100, Channels: tc.ch, BitsPerSample: tc.bps}
			old := make([]byte, 34)
			x := uint64(44100)<<44 | uint64(tc.ch-1)<<41 | uint64(tc.bps-1)<<36
			binary.BigEndian.PutUint64(old[10:], x)
			frames, info, err := EncodeFrames(s, si, old)
			if err != nil {
				t.Fatal(err)
			}
			st := &Stream{Blocks: []Block{{Type: TypeStreamInfo, Data: info}}}
			head, _ := st.Bytes()
			_, got := decodeFile(t, append(head, frames...))
			if len(got) != len(s) {
				t.Fatalf("%d → %d samples", len(s), len(got))
			}
			for i := range s {
				if got[i] != s[i] {
					t.Fatalf("sample %d: %d → %d", i, s[i], got[i])
				}
			}
		})
	}
}
