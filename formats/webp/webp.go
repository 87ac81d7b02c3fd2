// Package webp places and reads metadata in WebP files (RIFF form WEBP)
// without decoding them: the `XMP ` and `EXIF` chunks, and the `VP8X`
// header that must announce them. A simple file (one VP8 or VP8L chunk) is
// upgraded to the extended format with the canvas size read from its
// bitstream. Image data (VP8, VP8L, ALPH, ANMF) is streamed unchanged.
//
// It builds on package riff for the chunk structure. It is not a codec
// (golang.org/x/image/webp decodes) and decides nothing about what
// metadata to write.
package webp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/belgi/belgi/formats/riff"
)

// ErrCorrupt is wrapped by every error about malformed WebP structure.
var ErrCorrupt = errors.New("webp: corrupt file")

// Chunk identifiers.
var (
	WEBP = riff.ID("WEBP")
	VP8  = riff.ID("VP8 ")
	VP8L = riff.ID("VP8L")
	VP8X = riff.ID("VP8X")
	ALPH = riff.ID("ALPH")
	ANIM = riff.ID("ANIM")
	ANMF = riff.ID("ANMF")
	ICCP = riff.ID("ICCP")
	EXIF = riff.ID("EXIF")
	XMP  = riff.ID("XMP ")
	// xmpGoogle is the id some Google software wrote by mistake.
	xmpGoogle = riff.ID("XMP\x00")
	C2PA      = riff.ID("C2PA")
)

// VP8X flag bits.
const (
	FlagAnimation = 0x02
	FlagXMP       = 0x04
	FlagEXIF      = 0x08
	FlagAlpha     = 0x10
	FlagICC       = 0x20
)

// maxMeta bounds a metadata chunk read into memory.
const maxMeta = 64 << 20

// Metadata is what ReadMetadata found.
type Metadata struct {
	XMP   []byte
	EXIF  []byte
	ICC   bool
	C2PA  bool
	Flags byte // VP8X flags (0 for a simple file)
	// Width and Height are the canvas size (from VP8X or the bitstream).
	Width, Height int
	Extended      bool // has a VP8X chunk
}

// File is a parsed WebP: its RIFF chunks and metadata.
type File struct {
	RIFF *riff.File
	Meta Metadata
}

// Parse reads the chunk list and the metadata chunks of a WebP file.
func Parse(r io.ReaderAt, size int64) (*File, error) {
	rf, err := riff.Parse(r, size)
	if err != nil {
		return nil, fmt.Errorf("webp: %w", wrapCorrupt(err))
	}
	if rf.Form != WEBP || rf.Kind != riff.RIFF {
		return nil, fmt.Errorf("%w: RIFF form %q is not WEBP", ErrCorrupt, rf.Form)
	}
	if len(rf.Chunks) == 0 {
		return nil, fmt.Errorf("%w: no chunks", ErrCorrupt)
	}
	f := &File{RIFF: rf}
	m := &f.Meta
	first := rf.Chunks[0]
	switch first.ID {
	case VP8X:
		d, err := first.ReadAll(64)
		if err != nil || len(d) < 10 {
			return nil, fmt.Errorf("%w: VP8X chunk at offset %d: %d bytes, want 10", ErrCorrupt, first.Offset, len(d))
		}
		m.Extended = true
		m.Flags = d[0]
		m.Width = int(uint32(d[4])|uint32(d[5])<<8|uint32(d[6])<<16) + 1
		m.Height = int(uint32(d[7])|uint32(d[8])<<8|uint32(d[9])<<16) + 1
	case VP8, VP8L:
		w, h, _, err := bitstreamSize(first)
		if err != nil {
			return nil, err
		}
		m.Width, m.Height = w, h
	default:
		return nil, fmt.Errorf("%w: first chunk %q is not VP8X, VP8 or VP8L", ErrCorrupt, first.ID)
	}
	for _, c := range rf.Chunks {
		switch c.ID {
		case XMP, xmpGoogle:
			if m.XMP == nil {
				if m.XMP, err = c.ReadAll(maxMeta); err != nil {
					return nil, fmt.Errorf("webp: %w", err)
				}
			}
		case EXIF:
			if m.EXIF == nil {
				if m.EXIF, err = c.ReadAll(maxMeta); err != nil {
					return nil, fmt.Errorf("webp: %w", err)
				}
			}
		case ICCP:
			m.ICC = true
		case C2PA:
			m.C2PA = true
		}
	}
	return f, nil
}

func wrapCorrupt(err error) error {
	if errors.Is(err, riff.ErrCorrupt) {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return err
}

// ReadMetadata returns the metadata of a WebP file.
func ReadMetadata(r io.ReaderAt, size int64) (*Metadata, error) {
	f, err := Parse(r, size)
	if err != nil {
		return nil, err
	}
	return &f.Meta, nil
}

// ReadXMP returns the XMP packet of a WebP (nil when absent).
func ReadXMP(r io.ReaderAt, size int64) ([]byte, error) {
	m, err := ReadMetadata(r, size)
	if err != nil {
		return nil, err
	}
	return m.XMP, nil
}

// bitstreamSize reads the canvas size of a simple file from its VP8 or
// VP8L frame header, and whether a VP8L image uses alpha.
func bitstreamSize(c riff.Chunk) (w, h int, alpha bool, err error) {
	var b [10]byte
	n, _ := c.Data().ReadAt(b[:], 0)
	switch c.ID {
	case VP8:
		// Frame tag (3 bytes, bit 0 = 0 for a key frame), start code
		// 9D 01 2A, then 14-bit width and height (2 scale bits above).
		if n < 10 || b[0]&1 != 0 || b[3] != 0x9D || b[4] != 0x01 || b[5] != 0x2A {
			return 0, 0, false, fmt.Errorf("%w: VP8 chunk at offset %d: no key frame header", ErrCorrupt, c.Offset)
		}
		w = int(binary.LittleEndian.Uint16(b[6:]) & 0x3FFF)
		h = int(binary.LittleEndian.Uint16(b[8:]) & 0x3FFF)
	case VP8L:
		// Signature 0x2F, then width-1 (14 bits), height-1 (14 bits),
		// alpha_is_used (1 bit), version (3 bits, 0).
		if n < 5 || b[0] != 0x2F {
			return 0, 0, false, fmt.Errorf("%w: VP8L chunk at offset %d: bad signature", ErrCorrupt, c.Offset)
		}
		v := binary.LittleEndian.Uint32(b[1:])
		w = int(v&0x3FFF) + 1
		h = int(v>>14&0x3FFF) + 1
		alpha = v>>28&1 == 1
	}
	if w == 0 || h == 0 {
		return 0, 0, false, fmt.Errorf("%w: %s chunk at offset %d: zero canvas size", ErrCorrupt, c.ID, c.Offset)
	}
	return w, h, alpha, nil
}

// Edit says what Rewrite changes.
type Edit struct {
	// XMP replaces every XMP chunk; nil leaves XMP as it is.
	XMP []byte
	// EXIF becomes an EXIF chunk only when the file has none.
	EXIF []byte
	// Remove drops the chunks it returns true for.
	Remove func(riff.Chunk) bool
	// Append adds chunks at the end of the file (a C2PA manifest goes last).
	Append []riff.Piece
}

// InsertXMP copies the WebP with packet as its only XMP.
func InsertXMP(r io.ReaderAt, size int64, w io.Writer, packet []byte) error {
	return Rewrite(r, size, w, Edit{XMP: packet})
}

func isImageChunk(id riff.FourCC) bool {
	return id == VP8 || id == VP8L || id == ALPH || id == ANMF
}

// Rewrite copies the WebP from r to w with the edit applied, in the chunk
// order the container specification gives (VP8X, ICCP, ANIM, image data,
// EXIF, XMP, then unknown chunks as they were). Image data is streamed.
func Rewrite(r io.ReaderAt, size int64, w io.Writer, e Edit) error {
	f, err := Parse(r, size)
	if err != nil {
		return err
	}
	m := f.Meta
	chunks := f.RIFF.Chunks
	var vp8x []byte
	if m.Extended {
		if vp8x, err = chunks[0].ReadAll(64); err != nil {
			return fmt.Errorf("webp: %w", err)
		}
		vp8x = vp8x[:10:10]
		chunks = chunks[1:]
	} else if e.XMP != nil || e.EXIF != nil {
		// Upgrade a simple file: VP8X with the bitstream's canvas size.
		_, _, alpha, err := bitstreamSize(chunks[0])
		if err != nil {
			return err
		}
		vp8x = make([]byte, 10)
		if alpha {
			vp8x[0] |= FlagAlpha
		}
		putUint24(vp8x[4:], uint32(m.Width-1))
		putUint24(vp8x[7:], uint32(m.Height-1))
	}
	addEXIF := e.EXIF != nil && m.EXIF == nil
	// Where new metadata goes: after the last image or EXIF chunk.
	insertAt := 0
	for i, c := range chunks {
		if isImageChunk(c.ID) || c.ID == EXIF || c.ID == ICCP || c.ID == ANIM {
			insertAt = i + 1
		}
	}
	var pieces []riff.Piece
	if vp8x != nil {
		pieces = append(pieces, riff.FromBytes(VP8X, nil)) // filled below
	}
	hasXMP, hasEXIF := false, false
	for i, c := range chunks {
		if i == insertAt {
			pieces = append(pieces, newMeta(e, addEXIF)...)
		}
		if e.XMP != nil && (c.ID == XMP || c.ID == xmpGoogle) {
			continue
		}
		if e.Remove != nil && e.Remove(c) {
			continue
		}
		hasXMP = hasXMP || c.ID == XMP || c.ID == xmpGoogle
		hasEXIF = hasEXIF || c.ID == EXIF
		pieces = append(pieces, riff.FromChunk(c))
	}
	if insertAt == len(chunks) {
		pieces = append(pieces, newMeta(e, addEXIF)...)
	}
	pieces = append(pieces, e.Append...)
	if vp8x != nil {
		flags := vp8x[0]
		flags &^= FlagXMP | FlagEXIF
		if hasXMP || e.XMP != nil {
			flags |= FlagXMP
		}
		if hasEXIF || addEXIF {
			flags |= FlagEXIF
		}
		vp8x[0] = flags
		pieces[0] = riff.FromBytes(VP8X, vp8x)
	}
	opts := &riff.WriteOptions{}
	if f.RIFF.TrailingOffset < size {
		opts.Trailing, opts.TrailingSize = f.RIFF.Trailing(), size-f.RIFF.TrailingOffset
	}
	if _, _, err := riff.Write(w, WEBP, pieces, opts); err != nil {
		return fmt.Errorf("webp: %w", err)
	}
	return nil
}

func newMeta(e Edit, addEXIF bool) []riff.Piece {
	var p []riff.Piece
	if addEXIF {
		p = append(p, riff.FromBytes(EXIF, e.EXIF))
	}
	if e.XMP != nil {
		p = append(p, riff.FromBytes(XMP, e.XMP))
	}
	return p
}

func putUint24(b []byte, v uint32) {
	b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16)
}
