package mp3

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

var (
	tmpDir      string
	convertOnce sync.Once
	converted   []string
)

// testMP3s makes MP3 files from the shared recordings: plain lame output
// (with its own v2.4-less stream), and ffmpeg-tagged v2.3 and v2.4 files.
func testMP3s(t *testing.T) []string {
	t.Helper()
	sox := extool.Need(t, "sox")
	lame := extool.Need(t, "lame")
	ffmpeg := extool.Need(t, "ffmpeg")
	src := extool.Shared(t, "testdata/audio/librispeech-8297-275156-0011.flac")
	src2 := extool.Shared(t, "testdata/audio/freesound-257344.flac")
	convertOnce.Do(func() {
		dir, err := os.MkdirTemp("", "belgi-mp3-test-")
		tmpDir = dir
		if err != nil {
			t.Fatal(err)
		}
		run := func(name string, args ...string) {
			if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
				t.Fatalf("%s %v: %v\n%s", name, args, err, out)
			}
		}
		wav := filepath.Join(dir, "speech.wav")
		run(sox, src, "-b", "16", wav)
		plain := filepath.Join(dir, "lame-plain.mp3")
		run(lame, "--quiet", "-b", "64", wav, plain)
		tagged := filepath.Join(dir, "lame-tagged.mp3")
		run(lame, "--quiet", "-V", "4", "--tt", "Title ß", "--ta", "Artist", "--tc", "my comment", "--add-id3v2", wav, tagged)
		v23 := filepath.Join(dir, "ffmpeg-v23.mp3")
		run(ffmpeg, "-v", "error", "-i", src2, "-c:a", "libmp3lame", "-b:a", "96k", "-id3v2_version", "3",
			"-metadata", "title=Заголовок", "-metadata", "comment=user comment", "-metadata", "album=A", v23)
		v24 := filepath.Join(dir, "ffmpeg-v24.mp3")
		run(ffmpeg, "-v", "error", "-i", src2, "-c:a", "libmp3lame", "-b:a", "96k", "-metadata", "title=Тақырып", "-metadata", "TXXX=x", v24)
		converted = []string{plain, tagged, v23, v24}
	})
	return converted
}

func readTag(t *testing.T, b []byte) *Tag {
	t.Helper()
	tag, err := ReadTag(bufio.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatal(err)
	}
	return tag
}

const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/></rdf:RDF></x:xmpmeta>`

func label(t *Tag) error {
	t.Remove(func(t *Tag, f Frame) bool {
		if d, _, ok := t.TXXX(f); ok && (d == "AI_GENERATED" || d == "DIGITAL_SOURCE_TYPE") {
			return true
		}
		if l, d, _, ok := t.COMM(f); ok && d == "AI disclosure" && (l == "kaz" || l == "rus") {
			return true
		}
		o, _, ok := t.PRIV(f)
		return ok && o == "XMP"
	})
	t.Frames = append(t.Frames,
		t.NewTXXX("AI_GENERATED", "true"),
		t.NewTXXX("DIGITAL_SOURCE_TYPE", "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"),
		t.NewCOMM("kaz", "AI disclosure", "Жасанды интеллект көмегімен жасалған"),
		t.NewCOMM("rus", "AI disclosure", "Создано с использованием искусственного интеллекта"),
		t.NewPRIV("XMP", []byte(xmp)))
	return nil
}

func TestRewriteKeepsFramesAndAudio(t *testing.T) {
	ffprobe := extool.Need(t, "ffprobe")
	exiftool := extool.Need(t, "exiftool")
	for _, path := range testMP3s(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			in, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			old := readTag(t, in)
			var out bytes.Buffer
			if _, err := Rewrite(&out, bytes.NewReader(in), label); err != nil {
				t.Fatal(err)
			}
			got := readTag(t, out.Bytes())
			if got.Version != old.Version && old.Size != 0 {
				t.Errorf("version %d→%d", old.Version, got.Version)
			}
			// MPEG frames (everything after the tag) are byte-identical.
			if sha256.Sum256(in[old.Size:]) != sha256.Sum256(out.Bytes()[got.Size:]) {
				t.Fatal("audio after the tag changed")
			}
			// Every old frame is still there, byte for byte, in order.
			i := 0
			for _, f := range got.Frames {
				if i < len(old.Frames) && f.ID == old.Frames[i].ID && bytes.Equal(f.Body, old.Frames[i].Body) {
					i++
				}
			}
			if i != len(old.Frames) {
				t.Errorf("kept %d of %d old frames", i, len(old.Frames))
			}
			// Twice gives the same bytes.
			var again bytes.Buffer
			if _, err := Rewrite(&again, bytes.NewReader(out.Bytes()), label); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), out.Bytes()) {
				t.Error("relabel stacked or changed frames")
			}
			tmp := filepath.Join(t.TempDir(), "out.mp3")
			os.WriteFile(tmp, out.Bytes(), 0o644)
			pr, err := exec.Command(ffprobe, "-v", "error", "-show_entries", "format_tags", "-of", "default", tmp).Output()
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"AI_GENERATED=true", "DIGITAL_SOURCE_TYPE=http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"} {
				if !strings.Contains(string(pr), want) {
					t.Errorf("ffprobe lacks %q:\n%s", want, pr)
				}
			}
			et, err := exec.Command(exiftool, "-a", "-G1", "-s", tmp).Output()
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Жасанды интеллект көмегімен жасалған", "Создано с использованием", "AI_GENERATED", "trainedAlgorithmicMedia", "DigitalSourceType"} {
				if !strings.Contains(string(et), want) {
					t.Errorf("exiftool lacks %q:\n%s", want, et)
				}
			}
			if strings.Contains(string(et), "Warning") {
				t.Errorf("exiftool warns:\n%s", et)
			}
			// ffmpeg decodes the same audio.
			if md5(t, path) != md5(t, tmp) {
				t.Error("decoded audio differs")
			}
		})
	}
}

func md5(t *testing.T, path string) string {
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:a", "-f", "md5", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg decode %s: %v", path, err)
	}
	return string(out)
}

// A v2.3 tag with tag-wide unsynchronisation is read correctly and written
// without it.
func TestUnsyncV23(t *testing.T) {
	body := []byte("TXXX\x00\x00\x00\x06\x00\x00\x00a\x00\xff\xe0b")
	var unsynced []byte
	for i, c := range body {
		unsynced = append(unsynced, c)
		if c == 0xFF && i+1 < len(body) && body[i+1]&0xE0 == 0xE0 {
			unsynced = append(unsynced, 0)
		}
	}
	h := []byte("ID3\x03\x00\x80\x00\x00\x00\x00")
	putSynchsafe(h[6:], int64(len(unsynced)))
	in := append(append(h, unsynced...), 0xFF, 0xFB, 0x90, 0x00)
	tag := readTag(t, in)
	if len(tag.Frames) != 1 {
		t.Fatalf("frames %v", tag.Frames)
	}
	d, v, ok := tag.TXXX(tag.Frames[0])
	if !ok || d != "a" || v != "\u00ff\u00e0b" {
		t.Fatalf("TXXX %q %q", d, v)
	}
	var out bytes.Buffer
	Rewrite(&out, bytes.NewReader(in), func(*Tag) error { return nil })
	if out.Bytes()[5] != 0 || !bytes.Contains(out.Bytes(), body) || !bytes.HasSuffix(out.Bytes(), []byte{0xFF, 0xFB, 0x90, 0}) {
		t.Fatalf("% x", out.Bytes()[:40])
	}
}

func TestTextEncodings(t *testing.T) {
	for _, v := range []byte{3, 4} {
		tag := &Tag{Version: v}
		f := tag.NewCOMM("kaz", "d", "Жасанды ə")
		l, d, s, ok := tag.COMM(f)
		if !ok || l != "kaz" || d != "d" || s != "Жасанды ə" {
			t.Errorf("v2.%d COMM %q %q %q", v, l, d, s)
		}
		f = tag.NewTXXX("x", "é")
		if d, s, _ := tag.TXXX(f); d != "x" || s != "é" {
			t.Errorf("v2.%d TXXX %q %q", v, d, s)
		}
		if v == 3 && f.Body[0] != encLatin1 {
			t.Errorf("v2.3 Latin-1 text should stay Latin-1")
		}
	}
}

func TestCorrupt(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"size past end", "ID3\x04\x00\x00\x00\x00\x01\x00TXXX", "ends at 138, beyond file end 14"},
		{"frame past end", "ID3\x04\x00\x00\x00\x00\x00\x0eTXXX\x00\x00\x01\x00\x00\x00abcd", `frame "TXXX" at tag offset 10: length 128 beyond tag end 24`},
		{"bad frame id", "ID3\x04\x00\x00\x00\x00\x00\x0atx!x\x00\x00\x00\x00\x00\x00", `frame id "tx!x"`},
		{"not synchsafe", "ID3\x04\x00\x00\x00\x00\x00\x80", "not synchsafe"},
		{"v2.2", "ID3\x02\x00\x00\x00\x00\x00\x00", "ID3v2.2"},
	} {
		_, err := ReadTag(bufio.NewReader(strings.NewReader(tt.in)))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !(errors.Is(err, ErrCorrupt) || errors.Is(err, ErrUnsupported)) {
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
