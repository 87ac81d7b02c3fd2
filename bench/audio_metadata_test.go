package bench

// Audio containers and notice (issue 5). Benchmarks:
//
//	go test -run '^$' -bench 'WAVMetadata' -benchmem -count 3 ./bench
//
// b.SetBytes counts the input file's bytes; labelling the metadata layer is
// a chunk copy, so it should run at copy speed with memory that does not
// grow with the file.

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats/riff"
	"github.com/belgi/belgi/formats/wav"
	"github.com/belgi/belgi/label"
	"github.com/belgi/belgi/label/disclosure"
)

// writeTestWAV writes a 16-bit stereo 48 kHz WAV with about size bytes of
// samples (a repeating ramp, so the pages are real) and a LIST/INFO chunk.
func writeTestWAV(tb testing.TB, path string, size int64) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	size -= size % 4
	fmtChunk := make([]byte, 16)
	le := binary.LittleEndian
	le.PutUint16(fmtChunk[0:], 1)
	le.PutUint16(fmtChunk[2:], 2)
	le.PutUint32(fmtChunk[4:], 48000)
	le.PutUint32(fmtChunk[8:], 48000*4)
	le.PutUint16(fmtChunk[12:], 4)
	le.PutUint16(fmtChunk[14:], 16)
	block := make([]byte, 1<<20)
	for i := range block {
		block[i] = byte(i * 7)
	}
	data := io.LimitReader(repeatReader(block), size)
	info := riff.BuildList(riff.ID("INFO"), []riff.SubChunk{{ID: riff.ID("INAM"), Data: []byte("bench\x00")}})
	if _, _, err := riff.Write(f, riff.ID("WAVE"), []riff.Piece{
		riff.FromBytes(riff.ID("fmt "), fmtChunk),
		riff.FromBytes(riff.LIST, info),
		{ID: riff.Data, Size: size, Data: data},
	}, nil); err != nil {
		tb.Fatal(err)
	}
}

type repeatReader []byte

func (r repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], r)
	}
	return n, nil
}

func benchLabelFile(b *testing.B, dir, src string, toFile bool) {
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(filepath.Join(dir, "out.wav"))
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	defer os.Remove(out.Name())
	st, _ := in.Stat()
	l := label.Label{AISystem: "bench", ContentID: "0011223344556677"}
	o := label.Options{Layers: []label.Layer{label.LayerMetadata}}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	b.ResetTimer()
	var w io.Writer = io.Discard
	if toFile {
		w = out
	}
	for i := 0; i < b.N; i++ {
		if toFile {
			out.Seek(0, io.SeekStart)
			out.Truncate(0)
		}
		if _, err := label.Apply(context.Background(), in, w, l, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWAVMetadata labels a WAV file (metadata layer) to io.Discard
// (the labelling work) and into another file (page cache, no fsync; bound
// by the disk's write-back), at two sizes to show that memory per
// operation does not grow with the file.
func BenchmarkWAVMetadata(b *testing.B) {
	dir := b.TempDir() // the inputs are written once per run, not per b.N round
	for _, size := range []int64{64 << 20, 512 << 20} {
		src := filepath.Join(dir, fmt.Sprint(size, ".wav"))
		writeTestWAV(b, src, size)
		for _, toFile := range []bool{false, true} {
			sink := "discard"
			if toFile {
				sink = "file"
			}
			b.Run(fmt.Sprintf("size=%dMiB/to=%s", size>>20, sink), func(b *testing.B) { benchLabelFile(b, dir, src, toFile) })
		}
	}
}

// BenchmarkWAVMetadataParse is the read side alone: parse and stream the
// edited file to io.Discard.
func BenchmarkWAVMetadataParse(b *testing.B) {
	dir := b.TempDir()
	src := filepath.Join(dir, "in.wav")
	writeTestWAV(b, src, 256<<20)
	in, _ := os.Open(src)
	defer in.Close()
	st, _ := in.Stat()
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f, err := wav.Parse(in, st.Size())
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := f.Write(io.Discard, wav.Edit{Info: []wav.InfoField{{ID: riff.ID("ICMT"), Text: "x"}}, XMP: []byte("<x/>")}); err != nil {
			b.Fatal(err)
		}
	}
}

// Memory of the metadata path does not grow with the file: labelling a
// 128 MiB WAV allocates about as much as a 8 MiB one (a normal test, so
// that CI checks it; the speed is in the benchmark above).
func TestWAVMetadataMemoryFlat(t *testing.T) {
	dir := t.TempDir()
	alloc := func(size int64) uint64 {
		src := filepath.Join(dir, fmt.Sprint(size, ".wav"))
		writeTestWAV(t, src, size)
		in, err := os.Open(src)
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		out, err := os.Create(src + ".out")
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		l := label.Label{ContentID: "0011223344556677"}
		o := label.Options{Layers: []label.Layer{label.LayerMetadata}}
		label.Apply(context.Background(), in, out, l, o) // warm up pools
		out.Seek(0, io.SeekStart)
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		if _, err := label.Apply(context.Background(), in, out, l, o); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&m1)
		return m1.TotalAlloc - m0.TotalAlloc
	}
	// The smallest of three runs each: a sync.Pool emptied by the GC
	// between warm-up and measurement costs one 1 MiB buffer at random.
	least := func(size int64) uint64 { return min(alloc(size), alloc(size), alloc(size)) }
	small, big := least(8<<20), least(128<<20)
	t.Logf("allocated: 8 MiB file %d bytes, 128 MiB file %d bytes", small, big)
	if big > small+(1<<20) {
		t.Errorf("allocation grows with file size: %d → %d bytes", small, big)
	}
}

var updateAudioSample = flag.Bool("update-audio-notice-sample", false, "rewrite bench/audio/notice-sample.wav")

// The listening sample linked from bench/README.md: 4 s of LibriSpeech
// speech (CC-BY-4.0) labelled with the default spoken notice (kk, ru) at
// the start. With -update-audio-notice-sample it is regenerated; without,
// the committed file is checked: notice first, gap, then the speech.
func TestAudioNoticeSample(t *testing.T) {
	path := filepath.Join(extool.RepoRoot(t), "bench", "audio", "notice-sample.wav")
	if *updateAudioSample {
		sox := extool.Need(t, "sox")
		src := extool.Shared(t, "testdata/audio/librispeech-8297-275156-0011.flac")
		tmp := filepath.Join(t.TempDir(), "speech.wav")
		if out, err := exec.Command(sox, src, "-b", "16", tmp, "trim", "0", "4").CombinedOutput(); err != nil {
			t.Fatalf("sox: %v %s", err, out)
		}
		in, err := os.ReadFile(tmp)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		l := label.Label{ContentID: "0011223344556677"}
		if _, err := label.Apply(context.Background(), bytes.NewReader(in), &out, l, label.Options{Layers: []label.Layer{label.LayerDisclosure, label.LayerMetadata}}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := wav.Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.ReadSamples(1 << 24)
	if err != nil {
		t.Fatal(err)
	}
	rate := f.Format.SampleRate
	clip, _ := disclosure.Spoken(disclosure.Generated, []string{"kk", "ru"}, 300e6)
	nf := len(clip.Samples) * rate / clip.Rate
	if got := len(s) - 4*rate; got < nf+rate/2-2 || got > nf+rate/2+2 {
		t.Errorf("sample has %d frames before the speech, want %d", got, nf+rate/2)
	}
	notice := disclosure.Loudness(s[:nf], 1, rate)
	speech := disclosure.Loudness(s[nf+rate/2:], 1, rate)
	t.Logf("notice %.1f s at %.1f LUFS, speech %.1f LUFS", float64(nf)/float64(rate), notice, speech)
	if notice > speech+0.5 || notice < speech-3 {
		t.Errorf("notice %.1f LUFS vs speech %.1f", notice, speech)
	}
}
