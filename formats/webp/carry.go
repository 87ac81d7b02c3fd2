package webp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/belgi/belgi/formats/riff"
)

// Carrying chunks over a re-encode: a WebP encoder writes the image
// chunks (VP8/VP8L, ALPH, or ANIM+ANMF) and at most a VP8X header.
// CarryChunks wraps them in an extended (VP8X) file with the source's ICC
// profile, EXIF, XMP and unknown chunks in the order the container
// specification asks for.

// ErrCarry wraps errors about a source or encoder output that is not a
// WebP container.
var ErrCarry = errors.New("webp: cannot carry chunks")

// VP8X flag bits (first byte of the VP8X payload).
const (
	flagICC   = 0x20
	flagAlpha = 0x10
	flagEXIF  = 0x08
	flagXMP   = 0x04
	flagAnim  = 0x02
)

// imageChunk reports chunks that hold or describe the encoded image: they
// come from the encoder, never from the source.
func imageChunk(id string) bool {
	switch id {
	case "VP8X", "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF":
		return true
	}
	return false
}

// CarryChunks writes the WebP encoded (complete encoder output, in memory)
// to w with src's ICCP, EXIF, XMP and unknown chunks. width and height
// are the canvas size; alpha says whether the image has transparency.
func CarryChunks(src io.ReaderAt, srcSize int64, encoded []byte, w io.Writer, width, height int, alpha bool) error {
	sf, err := riff.Parse(src, srcSize)
	if err != nil {
		return fmt.Errorf("%w: source: %w", ErrCarry, err)
	}
	ef, err := riff.Parse(bytes.NewReader(encoded), int64(len(encoded)))
	if err != nil {
		return fmt.Errorf("%w: encoded: %w", ErrCarry, err)
	}
	if sf.Form != riff.ID("WEBP") || ef.Form != riff.ID("WEBP") {
		return fmt.Errorf("%w: form %q / %q is not WEBP", ErrCarry, sf.Form, ef.Form)
	}
	var icc, exif, xmp []riff.Chunk
	var unknown []riff.Chunk
	for _, c := range sf.Chunks {
		switch id := c.ID.String(); {
		case id == "ICCP":
			icc = append(icc, c)
		case id == "EXIF":
			exif = append(exif, c)
		case id == "XMP ":
			xmp = append(xmp, c)
		case !imageChunk(id):
			unknown = append(unknown, c)
		}
	}
	if len(icc)+len(exif)+len(xmp)+len(unknown) == 0 {
		_, err := w.Write(encoded)
		return err
	}
	var flags byte
	var img []riff.Piece
	for _, c := range ef.Chunks {
		switch c.ID.String() {
		case "VP8X":
			if d, err := c.ReadAll(64); err == nil && len(d) >= 1 {
				flags |= d[0] & (flagAlpha | flagAnim)
			}
			continue
		case "ALPH":
			flags |= flagAlpha
		case "ANIM", "ANMF":
			flags |= flagAnim
		}
		img = append(img, riff.FromChunk(c))
	}
	if alpha {
		flags |= flagAlpha
	}
	if len(icc) > 0 {
		flags |= flagICC
	}
	if len(exif) > 0 {
		flags |= flagEXIF
	}
	if len(xmp) > 0 {
		flags |= flagXMP
	}
	if width < 1 || height < 1 || width > 1<<24 || height > 1<<24 {
		return fmt.Errorf("%w: canvas %d×%d out of range", ErrCarry, width, height)
	}
	vp8x := make([]byte, 10)
	vp8x[0] = flags
	putLE24(vp8x[4:], uint32(width-1))
	putLE24(vp8x[7:], uint32(height-1))
	pieces := []riff.Piece{riff.FromBytes(riff.ID("VP8X"), vp8x)}
	for _, c := range icc[:min(len(icc), 1)] { // one ICC profile; a second one is invalid
		pieces = append(pieces, riff.FromChunk(c))
	}
	pieces = append(pieces, img...)
	for _, c := range exif {
		pieces = append(pieces, riff.FromChunk(c))
	}
	for _, c := range xmp {
		pieces = append(pieces, riff.FromChunk(c))
	}
	for _, c := range unknown {
		pieces = append(pieces, riff.FromChunk(c))
	}
	_, _, err = riff.Write(w, riff.ID("WEBP"), pieces, nil)
	return err
}

func putLE24(b []byte, v uint32) {
	var t [4]byte
	binary.LittleEndian.PutUint32(t[:], v)
	copy(b[:3], t[:3])
}

// Lossless reports whether the first image chunk of a WebP (simple,
// extended or animated) is VP8L. It reads chunk headers only, plus the
// first frame header of an animation.
func Lossless(src io.ReaderAt, size int64) (bool, error) {
	f, err := riff.Parse(src, size)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrCarry, err)
	}
	for _, c := range f.Chunks {
		switch c.ID.String() {
		case "VP8L":
			return true, nil
		case "VP8 ":
			return false, nil
		case "ANMF":
			// 16 bytes of frame header, then the frame's own chunks.
			var h [4]byte
			for off := int64(16); off+8 <= c.Size; {
				if _, err := c.Data().ReadAt(h[:], off); err != nil {
					return false, nil
				}
				switch string(h[:]) {
				case "VP8L":
					return true, nil
				case "VP8 ":
					return false, nil
				}
				var sz [4]byte
				if _, err := c.Data().ReadAt(sz[:], off+4); err != nil {
					return false, nil
				}
				n := int64(binary.LittleEndian.Uint32(sz[:]))
				off += 8 + n + n&1
			}
			return false, nil
		}
	}
	return false, nil
}
