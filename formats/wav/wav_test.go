package wav

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats/riff"
)

const testXMP = `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
 Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`

const disclosure = "Жасанды интеллект көмегімен жасалған / Создано с использованием искусственного интеллекта"

var (
	tmpDir      string
	convertOnce sync.Once
)
var converted []string

// testFiles returns the project fixtures plus, when sox and ffmpeg exist,
// shared recordings converted to every PCM depth, float, EXTENSIBLE and RF64.
func testFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(extool.Testdata(t, "audio/*.wav"))
	sox := extool.Need(t, "sox")
	ffmpeg := extool.Need(t, "ffmpeg")
	src := extool.Shared(t, "testdata/audio/librispeech-8297-275156-0011.flac")
	src2 := extool.Shared(t, "testdata/audio/freesound-44127.flac")
	convertOnce.Do(func() {
		dir, err := os.MkdirTemp("", "belgi-wav-test-")
		tmpDir = dir
		if err != nil {
			t.Fatal(err)
		}
		run := func(name string, args ...string) {
			if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
				t.Fatalf("%s %v: %v\n%s", name, args, err, out)
			}
		}
		for _, c := range []struct{ name, args string }{
			{"u8.wav", "-b 8 -e unsigned-integer"},
			{"s16.wav", "-b 16"},
			{"s24.wav", "-b 24"},
			{"s32.wav", "-b 32"},
			{"f32.wav", "-b 32 -e floating-point"},
			{"f64.wav", "-b 64 -e floating-point"},
		} {
			out := filepath.Join(dir, c.name)
			run(sox, append(append([]string{src}, strings.Fields(c.args)...), out)...)
			converted = append(converted, out)
		}
		stereo := filepath.Join(dir, "stereo-s16.wav")
		run(sox, src2, "-b", "16", "-c", "2", stereo)
		ext := filepath.Join(dir, "ext-s24-3ch.wav")
		run(ffmpeg, "-v", "error", "-i", src, "-ac", "3", "-c:a", "pcm_s24le", ext)
		rf64 := filepath.Join(dir, "rf64-s16.wav")
		run(ffmpeg, "-v", "error", "-i", src, "-c:a", "pcm_s16le", "-rf64", "always", rf64)
		converted = append(converted, stereo, ext, rf64)
	})
	return append(append(files, goAudioFixtures(t)...), converted...)
}

// goAudioFixtures lists the WAV fixtures of the go-audio/wav module (in
// go.mod, so in the module cache after go mod download) that are not
// copied into testdata: misaligned chunks, FLLR/PAD fillers, 8/24/32-bit.
func goAudioFixtures(t *testing.T) []string {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return nil
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "github.com", "go-audio", "wav@v1.1.0", "fixtures")
	var files []string
	for _, name := range []string{"misaligned-chunk.wav", "dirty-kick-24b441k.wav", "listChunkInHeader.wav", "32bit.wav", "8bit.wav", "bass.wav", "kick-16b441k.wav"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			files = append(files, filepath.Join(dir, name))
		} else if extool.InCI() {
			t.Fatalf("go-audio/wav fixture missing: %v", err)
		}
	}
	return files
}

func open(t *testing.T, path string) (*File, []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f, b
}

func dataHash(t *testing.T, f *File) [32]byte {
	b, err := f.Data.ReadAll(1 << 30)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// The metadata edit keeps the data bytes and every other chunk, and
// outside tools read what we wrote.
func TestEditKeepsSamplesAndChunks(t *testing.T) {
	ffprobe := extool.Need(t, "ffprobe")
	exiftool := extool.Need(t, "exiftool")
	outDir := t.TempDir()
	var outputs []string // checked by one exiftool run at the end (perl starts slowly)
	defer func() {
		if len(outputs) == 0 {
			return
		}
		et, err := exec.Command(exiftool, append([]string{"-j", "-G1", "-RIFF:Comment", "-RIFF:Software", "-XMP-iptcExt:DigitalSourceType"}, outputs...)...).Output()
		if err != nil {
			t.Fatalf("exiftool: %v", err)
		}
		var res []map[string]any
		if err := json.Unmarshal(et, &res); err != nil || len(res) != len(outputs) {
			t.Fatalf("exiftool: %v, %d results for %d files", err, len(res), len(outputs))
		}
		for _, r := range res {
			if r["RIFF:Comment"] != disclosure || r["RIFF:Software"] != "belgi test" ||
				r["XMP-iptcExt:DigitalSourceType"] != "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia" {
				t.Errorf("exiftool: %v", r)
			}
		}
	}()
	files := testFiles(t)
	var mu sync.Mutex
	t.Run("files", func(t *testing.T) { // returns when every parallel subtest is done
		for _, path := range files {
			t.Run(filepath.Base(path), func(t *testing.T) {
				t.Parallel()
				f, _ := open(t, path)
				edit := Edit{
					Info: []InfoField{{riff.ID("ICMT"), disclosure}, {riff.ID("ISFT"), "belgi test"}},
					XMP:  []byte(testXMP),
				}
				var out bytes.Buffer
				if _, _, err := f.Write(&out, edit); err != nil {
					t.Fatal(err)
				}
				g, err := Parse(bytes.NewReader(out.Bytes()), int64(out.Len()))
				if err != nil {
					t.Fatal(err)
				}
				if dataHash(t, f) != dataHash(t, g) {
					t.Fatal("data bytes changed")
				}
				if g.Format != f.Format || g.RIFF.Kind != f.RIFF.Kind {
					t.Fatalf("format %v→%v kind %s→%s", f.Format, g.Format, f.RIFF.Kind, g.RIFF.Kind)
				}
				// Every input chunk except the ones we replace is still there, byte for byte.
				for _, c := range f.RIFF.Chunks {
					if c.ID == IDXMP || (c.ID == riff.LIST && c.ListType == IDInfo) || c.ID == riff.DS64 {
						continue
					}
					found := false
					want, _ := c.ReadAll(1 << 30)
					for _, d := range g.RIFF.Chunks {
						if d.ID == c.ID {
							got, _ := d.ReadAll(1 << 30)
							if bytes.Equal(got, want) {
								found = true
							}
						}
					}
					if !found {
						t.Errorf("chunk %q at %d lost or changed", c.ID, c.Offset)
					}
				}
				if s, _ := g.InfoText(riff.ID("ICMT")); s != disclosure {
					t.Errorf("ICMT %q", s)
				}
				for _, s := range f.Info {
					if s.ID == riff.ID("ICMT") || s.ID == riff.ID("ISFT") {
						continue
					}
					if got, _ := g.InfoText(s.ID); got != strings.TrimRight(string(s.Data), "\x00") {
						t.Errorf("INFO %s changed: %q", s.ID, got)
					}
				}
				if string(g.XMP) != testXMP {
					t.Error("XMP not read back")
				}
				// Labelling twice does not stack.
				var again bytes.Buffer
				if _, _, err := g.Write(&again, edit); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(again.Bytes(), out.Bytes()) {
					t.Error("second edit changed the file")
				}

				tmp := filepath.Join(outDir, filepath.Base(path)+".out.wav")
				if err := os.WriteFile(tmp, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				probe, err := exec.Command(ffprobe, "-v", "error", "-show_entries", "format_tags:stream=codec_name", "-of", "json", tmp).Output()
				if err != nil {
					t.Fatalf("ffprobe: %v", err)
				}
				var pr struct {
					Format struct {
						Tags map[string]string `json:"tags"`
					} `json:"format"`
				}
				json.Unmarshal(probe, &pr)
				if pr.Format.Tags["comment"] != disclosure || pr.Format.Tags["encoder"] != "belgi test" {
					t.Errorf("ffprobe tags %v", pr.Format.Tags)
				}
				mu.Lock()
				outputs = append(outputs, tmp)
				mu.Unlock()
				// The samples decode the same with ffmpeg before and after.
				if md5(t, path) != md5(t, tmp) {
					t.Error("ffmpeg decodes different audio")
				}
			})
		}
	})
}

func md5(t *testing.T, path string) string {
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:a", "-f", "md5", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg decode %s: %v", path, err)
	}
	return string(out)
}

func TestExistingCommentReplacedNotStacked(t *testing.T) {
	f, _ := open(t, extool.Testdata(t, "audio/goaudio-listinfo.wav"))
	if s, _ := f.InfoText(riff.ID("INAM")); s != "track title" {
		t.Fatalf("INAM %q", s)
	}
	var out bytes.Buffer
	if _, _, err := f.Write(&out, Edit{Info: []InfoField{{riff.ID("ICMT"), "x"}}}); err != nil {
		t.Fatal(err)
	}
	g, _ := Parse(bytes.NewReader(out.Bytes()), int64(out.Len()))
	var ids []string
	for _, s := range g.Info {
		ids = append(ids, s.ID.String())
	}
	if strings.Join(ids, ",") != "INAM,IPRD,IART,ICMT,ICRD,IGNR,ITRK" {
		t.Errorf("INFO order %v", ids)
	}
	n := 0
	for _, c := range g.RIFF.Chunks {
		if c.ID == riff.LIST {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d LIST chunks", n)
	}
}

func TestPCMRoundTrip(t *testing.T) {
	for _, f := range []Format{
		{Encoding: TagPCM, BitsPerSample: 8}, {Encoding: TagPCM, BitsPerSample: 16},
		{Encoding: TagPCM, BitsPerSample: 24}, {Encoding: TagPCM, BitsPerSample: 32},
		{Encoding: TagFloat, BitsPerSample: 32}, {Encoding: TagFloat, BitsPerSample: 64},
	} {
		f.Channels = 1
		f.BlockAlign = f.BytesPerSample()
		t.Run(fmt.Sprint(f.Encoding, f.BitsPerSample), func(t *testing.T) {
			in := make([]byte, 0, 3000)
			for i := range 3000 {
				in = append(in, byte(i*7919>>3))
			}
			in = in[:len(in)/f.BlockAlign*f.BlockAlign]
			if f.Encoding == TagFloat {
				// random bytes are not valid floats; make real ones
				s := make([]float32, len(in)/f.BlockAlign)
				for i := range s {
					s[i] = float32(math.Sin(float64(i)))
				}
				in, _ = EncodeSamples(nil, f, s)
			}
			s, err := DecodeSamples(in, f, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range s {
				if v < -1 || v > 1 {
					t.Fatalf("sample %v out of range", v)
				}
			}
			out, _ := EncodeSamples(nil, f, s)
			if f.BitsPerSample <= 24 || f.Encoding == TagFloat && f.BitsPerSample == 32 {
				if !bytes.Equal(in, out) {
					t.Fatal("round trip not exact")
				}
			}
		})
	}
	// Clipping, not wrapping.
	b, _ := EncodeSamples(nil, Format{Encoding: TagPCM, BitsPerSample: 16, Channels: 1, BlockAlign: 2}, []float32{2, -2, float32(math.NaN())})
	if !bytes.Equal(b, []byte{0xff, 0x7f, 0x00, 0x80, 0, 0}) {
		t.Errorf("clip: % x", b)
	}
}

func TestCorrupt(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"no fmt", "RIFF\x0c\x00\x00\x00WAVEdata\x00\x00\x00\x00", "no fmt chunk"},
		{"short fmt", "RIFF\x10\x00\x00\x00WAVEfmt \x04\x00\x00\x00\x01\x00\x01\x00", "fmt chunk at offset 12: 4 bytes"},
		{"data past end", "RIFF\x0c\x00\x00\x00WAVEdata\x10\x00\x00\x00", `chunk "data" at offset 12: length 16 beyond file end 20`},
		{"not wave", "RIFF\x04\x00\x00\x00AVI ", "not WAVE"},
	} {
		_, err := Parse(strings.NewReader(tt.in), int64(len(tt.in)))
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpDir != "" {
		os.RemoveAll(tmpDir)
	}
	os.Exit(code)
}

// Adding a UTF-8 CSET re-encodes older Latin-1 INFO texts, so readers that
// honour the CSET (exiftool) still read them right.
func TestLatin1InfoConvertedWithCSET(t *testing.T) {
	list := riff.BuildList(IDInfo, []riff.SubChunk{{ID: riff.ID("IART"), Data: []byte("Bj\xf6rk\x00")}})
	var in bytes.Buffer
	riff.Write(&in, riff.ID("WAVE"), []riff.Piece{
		riff.FromBytes(IDFmt, []byte{1, 0, 1, 0, 0x44, 0xac, 0, 0, 0x88, 0x58, 1, 0, 2, 0, 16, 0}),
		riff.FromBytes(riff.LIST, list),
		riff.FromBytes(riff.Data, make([]byte, 4)),
	}, nil)
	f, err := Parse(bytes.NewReader(in.Bytes()), int64(in.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, _, err := f.Write(&out, Edit{Info: []InfoField{{riff.ID("ICMT"), "ЖИ"}}}); err != nil {
		t.Fatal(err)
	}
	g, _ := Parse(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if a, _ := g.InfoText(riff.ID("IART")); a != "Björk" {
		t.Errorf("IART %q", a)
	}
	if _, ok := g.RIFF.Find(IDCSET); !ok {
		t.Error("no CSET")
	}
}
