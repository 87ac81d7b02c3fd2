package formats

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name   string
		header string
		file   string
		want   Format
	}{
		{"jpeg", "\xFF\xD8\xFF\xE0\x00\x10JFIF", "", JPEG},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "", PNG},
		{"gif87", "GIF87a\x01\x00", "", GIF},
		{"gif89", "GIF89a\x01\x00", "", GIF},
		{"webp", "RIFF\x10\x00\x00\x00WEBPVP8 ", "", WebP},
		{"wav", "RIFF\x24\x00\x00\x00WAVEfmt ", "", WAV},
		{"rf64", "RF64\xFF\xFF\xFF\xFFWAVEds64", "", WAV},
		{"flac", "fLaC\x00\x00\x00\x22", "", FLAC},
		{"mp3 id3", "ID3\x04\x00\x00\x00\x00\x00\x00", "", MP3},
		{"flac behind id3", "ID3\x04\x00\x00\x00\x00\x00\x00fLaC", "", FLAC},
		{"mp3 frame", "\xFF\xFB\x90\x64", "", MP3},
		{"mp4", "\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "", MP4},
		{"mov", "\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "", MOV},
		{"mov wide", "\x00\x00\x00\x08wide\x00\x00\x00\x00mdat", "", MP4},
		{"text", "Hello, world.\n", "", Text},
		{"text kk", "Жасанды интеллект көмегімен жасалған", "", Text},
		{"markdown by name", "Hello", "a.md", Markdown},
		{"markdown front matter", "---\ntitle: x\n---\n", "", Markdown},
		{"html by content", "<!DOCTYPE html><html>", "", HTML},
		{"html by name", "<p>x</p>", "page.htm", HTML},
		{"json by content", `{"a": 1}`, "", JSON},
		{"json by name", `{"a": 1}`, "x.JSON", JSON},
		{"truncated json is text", `{"a": `, "", Text},
		{"binary", "\x00\x01\x02\x03", "", Unknown},
		{"empty", "", "", Unknown},
		{"invalid utf8", "abc\xC3\x28def", "", Unknown},
		{"utf8 cut at header end", "абв\xD0", "", Text},
		{"misnamed jpeg", "\xFF\xD8\xFF\xDB", "photo.png", JPEG},
		{"not mpeg (bad bitrate)", "\xFF\xFB\xF0\x64", "", Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect([]byte(tt.header), tt.file); got != tt.want {
				t.Errorf("Detect(%q, %q) = %q, want %q", tt.header, tt.file, got, tt.want)
			}
		})
	}
}

// Every file in the shared corpus is recognised as what its extension says.
func TestDetectSharedCorpus(t *testing.T) {
	want := map[string]Format{".jpg": JPEG, ".png": PNG, ".flac": FLAC, ".mp4": MP4, ".wav": WAV}
	root := filepath.Join("..", "..", "shared", "testdata")
	n := 0
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		f, ok := want[filepath.Ext(p)]
		if !ok {
			return nil
		}
		b := make([]byte, HeaderSize)
		fh, err := os.Open(p)
		if err != nil {
			return nil
		}
		k, _ := fh.Read(b)
		fh.Close()
		if got := Detect(b[:k], p); got != f && !(f == MP4 && got == MOV) {
			t.Errorf("%s: %q, want %q", p, got, f)
		}
		n++
		return nil
	})
	if n == 0 {
		t.Skip("../shared/testdata not found")
	}
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte("\xFF\xD8\xFF"), "a.jpg")
	f.Add([]byte("ID3\x04\x00\x00\x7f\x7f\x7f\x7ffLaC"), "")
	f.Add([]byte(`{"a":[1,2]}`), "")
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		Detect(b, name)
	})
}
