package flac

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

const disclosure = "Жасанды интеллект көмегімен жасалған / Создано с использованием искусственного интеллекта"

func label(s *Stream) error {
	c, err := s.Comments()
	if err != nil {
		return err
	}
	c.Remove(func(k, v string) bool {
		return k == "AI_GENERATED" || k == "DIGITAL_SOURCE_TYPE" || (k == "DESCRIPTION" || k == "COMMENT") && v == disclosure
	})
	c.Add("DESCRIPTION", disclosure)
	c.Add("COMMENT", disclosure)
	c.Add("AI_GENERATED", "true")
	c.Add("DIGITAL_SOURCE_TYPE", "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")
	s.SetComments(c)
	return nil
}

func TestRewriteKeepsFramesAndMD5(t *testing.T) {
	flacTool := extool.Need(t, "flac")
	ffprobe := extool.Need(t, "ffprobe")
	exiftool := extool.Need(t, "exiftool")
	files, _ := filepath.Glob(filepath.Join(extool.Shared(t, "testdata/audio"), "*.flac"))
	if len(files) == 0 {
		t.Fatal("no shared FLAC files")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			in, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			old, err := Read(bufio.NewReader(bytes.NewReader(in)))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if _, err := Rewrite(&out, bytes.NewReader(in), label); err != nil {
				t.Fatal(err)
			}
			got, err := Read(bufio.NewReader(bytes.NewReader(out.Bytes())))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(in[old.AudioOffset:], out.Bytes()[got.AudioOffset:]) {
				t.Fatal("audio frames changed")
			}
			if !bytes.Equal(old.Blocks[0].Data, got.Blocks[0].Data) {
				t.Fatal("STREAMINFO changed")
			}
			// Every other block is kept in order.
			var a, b []byte
			for _, bl := range old.Blocks {
				if bl.Type != TypeVorbisComment {
					a = append(append(a, bl.Type), bl.Data...)
				}
			}
			for _, bl := range got.Blocks {
				if bl.Type != TypeVorbisComment {
					b = append(append(b, bl.Type), bl.Data...)
				}
			}
			if !bytes.Equal(a, b) {
				t.Error("other metadata blocks changed")
			}
			oc, _ := old.Comments()
			gc, _ := got.Comments()
			for _, f := range oc.Fields {
				if !strings.Contains(strings.Join(gc.Fields, "\n"), f) {
					t.Errorf("lost field %q", f)
				}
			}
			var again bytes.Buffer
			Rewrite(&again, bytes.NewReader(out.Bytes()), label)
			if !bytes.Equal(again.Bytes(), out.Bytes()) {
				t.Error("relabel stacked fields")
			}
			tmp := filepath.Join(t.TempDir(), "out.flac")
			os.WriteFile(tmp, out.Bytes(), 0o644)
			// flac -t decodes every frame and checks the STREAMINFO MD5.
			if msg, err := exec.Command(flacTool, "-t", "-s", tmp).CombinedOutput(); err != nil {
				t.Fatalf("flac -t: %v\n%s", err, msg)
			}
			pr, _ := exec.Command(ffprobe, "-v", "error", "-show_entries", "format_tags", "-of", "default", tmp).Output()
			for _, want := range []string{"AI_GENERATED=true", "COMMENT=" + disclosure, // ffmpeg folds DESCRIPTION into comment
				"DIGITAL_SOURCE_TYPE=http://cv.iptc.org/"} {
				if !strings.Contains(string(pr), want) {
					t.Errorf("ffprobe lacks %q:\n%s", want, pr)
				}
			}
			et, _ := exec.Command(exiftool, "-a", "-G1", "-s", tmp).Output()
			for _, want := range []string{"Description                     : " + disclosure, "AiGenerated                     : true", "DigitalSourceType               : http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"} {
				if !strings.Contains(string(et), want) {
					t.Errorf("exiftool lacks %q:\n%s", want, et)
				}
			}
		})
	}
}

func TestNoCommentBlockAddsOne(t *testing.T) {
	si := make([]byte, 34)
	in := append([]byte("fLaC\x80\x00\x00\x22"), si...)
	in = append(in, 0xFF, 0xF8, 1, 2)
	var out bytes.Buffer
	if _, err := Rewrite(&out, bytes.NewReader(in), label); err != nil {
		t.Fatal(err)
	}
	s, err := Read(bufio.NewReader(bytes.NewReader(out.Bytes())))
	if err != nil || len(s.Blocks) != 2 || s.Blocks[1].Type != TypeVorbisComment || out.Bytes()[4] != 0 {
		t.Fatalf("%v %+v", err, s)
	}
	if !bytes.HasSuffix(out.Bytes(), []byte{0xFF, 0xF8, 1, 2}) {
		t.Error("frames lost")
	}
}

func TestCorrupt(t *testing.T) {
	si := string(make([]byte, 34))
	for _, tt := range []struct{ name, in, want string }{
		{"no marker", "OggS", "no fLaC marker at offset 0"},
		{"block past end", "fLaC\x00\x00\x00\x22" + si + "\x84\x00\x01\x00abc", "metadata block type 4 at offset 42: length 256 beyond file end 49"},
		{"first not streaminfo", "fLaC\x84\x00\x00\x00", "want STREAMINFO"},
		{"comment count", "fLaC\x00\x00\x00\x22" + si + "\x84\x00\x00\x08\x00\x00\x00\x00\xff\xff\xff\xff", "fields cannot fit"},
		{"comment length", "fLaC\x00\x00\x00\x22" + si + "\x84\x00\x00\x0c\x00\x00\x00\x00\x01\x00\x00\x00\x09\x00\x00\x00", "field 0: length 9 beyond block end"},
	} {
		_, err := Rewrite(&bytes.Buffer{}, strings.NewReader(tt.in), label)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
