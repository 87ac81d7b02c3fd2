// Package formats identifies media containers from their first bytes.
//
// Each container has its own subpackage (jpeg, png, webp, gif, wav, mp3, flac,
// mp4, text, xmp, exif, c2pa) that moves bytes in and out without policy:
// what to write is decided by package label. This package only names the
// formats and sniffs them; it never parses beyond the header.
package formats

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Format names a container that belgi reads or writes.
type Format string

// The formats belgi knows. Unknown is the zero value.
const (
	Unknown  Format = ""
	JPEG     Format = "jpeg"
	PNG      Format = "png"
	WebP     Format = "webp"
	GIF      Format = "gif"
	WAV      Format = "wav"
	MP3      Format = "mp3"
	FLAC     Format = "flac"
	MP4      Format = "mp4"
	MOV      Format = "mov"
	Text     Format = "text"
	Markdown Format = "markdown"
	HTML     Format = "html"
	JSON     Format = "json"
)

// HeaderSize is how many leading bytes Detect wants to see. Fewer work for
// short inputs; more are ignored except by the text sniffers.
const HeaderSize = 4096

// IsImage reports whether f is a still or animated image container.
func (f Format) IsImage() bool { return f == JPEG || f == PNG || f == WebP || f == GIF }

// IsAudio reports whether f is an audio container.
func (f Format) IsAudio() bool { return f == WAV || f == MP3 || f == FLAC }

// IsVideo reports whether f is an ISO BMFF / QuickTime container.
func (f Format) IsVideo() bool { return f == MP4 || f == MOV }

// IsText reports whether f is one of the text formats.
func (f Format) IsText() bool { return f == Text || f == Markdown || f == HTML || f == JSON }

// Detect names the format of data whose first bytes are header. name, when
// not empty, is the file name: its extension decides between the text formats
// (which cannot be told apart reliably by content) and is otherwise ignored,
// so a misnamed file is still recognised by its bytes.
func Detect(header []byte, name string) Format {
	h := header
	switch {
	case len(h) >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF:
		return JPEG
	case bytes.HasPrefix(h, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(h, []byte("GIF87a")) || bytes.HasPrefix(h, []byte("GIF89a")):
		return GIF
	case len(h) >= 12 && (string(h[:4]) == "RIFF" || string(h[:4]) == "RF64") && string(h[8:12]) == "WEBP":
		return WebP
	case len(h) >= 12 && (string(h[:4]) == "RIFF" || string(h[:4]) == "RF64" || string(h[:4]) == "BW64") && string(h[8:12]) == "WAVE":
		return WAV
	case bytes.HasPrefix(h, []byte("fLaC")):
		return FLAC
	case bytes.HasPrefix(h, []byte("ID3")):
		// ID3v2 also prefixes FLAC and AAC now and then; MP3 is by far the
		// most common, and the mp3 package checks for a frame after the tag.
		if isFLACAfterID3(h) {
			return FLAC
		}
		return MP3
	case len(h) >= 8 && isBMFFBox(string(h[4:8])):
		if len(h) >= 12 && string(h[4:8]) == "ftyp" && string(h[8:12]) == "qt  " {
			return MOV
		}
		return MP4
	case isMPEGAudioFrame(h):
		return MP3
	}
	return detectText(h, name)
}

func isFLACAfterID3(h []byte) bool {
	if len(h) < 10 {
		return false
	}
	size := int(h[6]&0x7f)<<21 | int(h[7]&0x7f)<<14 | int(h[8]&0x7f)<<7 | int(h[9]&0x7f)
	off := 10 + size
	return off+4 <= len(h) && string(h[off:off+4]) == "fLaC"
}

func isBMFFBox(t string) bool {
	switch t {
	case "ftyp", "moov", "mdat", "free", "skip", "wide", "styp", "pnot":
		return true
	}
	return false
}

// isMPEGAudioFrame checks for an MPEG-1/2/2.5 Layer III frame header.
func isMPEGAudioFrame(h []byte) bool {
	if len(h) < 4 || h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
		return false
	}
	version := (h[1] >> 3) & 3
	layer := (h[1] >> 1) & 3
	bitrate := h[2] >> 4
	rate := (h[2] >> 2) & 3
	return version != 1 && layer == 1 && bitrate != 0 && bitrate != 15 && rate != 3
}

func detectText(h []byte, name string) Format {
	if len(h) == 0 {
		return Unknown
	}
	// A cut in the middle of a rune at the end of the header is fine.
	check := h
	for i := 1; i < utf8.UTFMax && i <= len(h); i++ {
		if utf8.RuneStart(h[len(h)-i]) {
			if !utf8.FullRune(h[len(h)-i:]) {
				check = h[:len(h)-i]
			}
			break
		}
	}
	if !utf8.Valid(check) || bytes.IndexByte(check, 0) >= 0 {
		return Unknown
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown", ".mdx":
		return Markdown
	case ".html", ".htm", ".xhtml":
		return HTML
	case ".json":
		return JSON
	case ".txt", ".text":
		return Text
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(check, []byte("\xEF\xBB\xBF")), " \t\r\n")
	lower := bytes.ToLower(t[:min(len(t), 64)])
	switch {
	case bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")):
		return HTML
	case (bytes.HasPrefix(t, []byte("{")) || bytes.HasPrefix(t, []byte("["))) && len(check) == len(h) && json.Valid(t):
		return JSON
	case bytes.HasPrefix(t, []byte("---\n")) || bytes.HasPrefix(t, []byte("---\r\n")) || bytes.HasPrefix(t, []byte("# ")):
		return Markdown
	}
	return Text
}

// MIMEType returns the media type of f ("application/octet-stream" when
// unknown), without parameters.
func (f Format) MIMEType() string {
	switch f {
	case JPEG:
		return "image/jpeg"
	case PNG:
		return "image/png"
	case WebP:
		return "image/webp"
	case GIF:
		return "image/gif"
	case WAV:
		return "audio/wav"
	case MP3:
		return "audio/mpeg"
	case FLAC:
		return "audio/flac"
	case MP4:
		return "video/mp4"
	case MOV:
		return "video/quicktime"
	case Markdown:
		return "text/markdown"
	case HTML:
		return "text/html"
	case JSON:
		return "application/json"
	case Text:
		return "text/plain"
	}
	return "application/octet-stream"
}
