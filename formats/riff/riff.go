// Package riff reads and writes the chunk structure of RIFF files (WAV,
// WebP, AVI) and of their 64-bit variants RF64 and BW64 (EBU Tech 3306).
//
// It is for walking top-level chunks and LIST sub-chunks, and for writing a
// new file from a list of chunks whose payloads are streamed (the big WAV
// `data` chunk is copied with io.Copy, never held in memory). It pads odd
// chunks, computes the RIFF size and, when the output needs it, writes an
// RF64 `ds64` chunk.
//
// It is not for interpreting chunk payloads: what a `fmt `, `LIST/INFO` or
// `VP8X` chunk means belongs to the format packages (wav, webp) built on it.
package riff

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrCorrupt is wrapped by every error about malformed input.
var ErrCorrupt = errors.New("riff: corrupt")

// ErrTooLarge reports a chunk that cannot be written in the requested form.
var ErrTooLarge = errors.New("riff: too large")

// FourCC is a four-character chunk or form identifier.
type FourCC [4]byte

// ID makes a FourCC from a four-byte string; it panics on any other length,
// so use it only with constants.
func ID(s string) FourCC {
	if len(s) != 4 {
		panic("riff: FourCC must be 4 bytes: " + s)
	}
	return FourCC{s[0], s[1], s[2], s[3]}
}

func (f FourCC) String() string { return string(f[:]) }

// Well-known identifiers.
var (
	RIFF = ID("RIFF")
	RF64 = ID("RF64")
	BW64 = ID("BW64")
	LIST = ID("LIST")
	DS64 = ID("ds64")
	Data = ID("data")
)

// MaxChunks bounds the number of chunks Parse accepts, so a crafted file of
// millions of empty chunks cannot make it allocate without limit.
const MaxChunks = 1 << 16

// sizeFromDS64 marks a 32-bit size field that defers to the ds64 chunk.
const sizeFromDS64 = 0xFFFFFFFF

// Chunk is one chunk found in a file.
type Chunk struct {
	ID     FourCC
	Offset int64 // of the 8-byte chunk header, from the start of the file
	Size   int64 // payload length, without the pad byte
	// ListType is the first four payload bytes of a LIST chunk ("INFO",
	// "adtl", …); zero for other chunks.
	ListType FourCC
	r        io.ReaderAt
}

// DataOffset is where the payload starts.
func (c Chunk) DataOffset() int64 { return c.Offset + 8 }

// End is the offset just past the chunk, including its pad byte.
func (c Chunk) End() int64 { return c.Offset + 8 + c.Size + c.Size&1 }

// Data returns the payload as a section of the underlying file.
func (c Chunk) Data() *io.SectionReader { return io.NewSectionReader(c.r, c.DataOffset(), c.Size) }

// ReadAll reads the payload into memory, refusing payloads over limit bytes.
func (c Chunk) ReadAll(limit int64) ([]byte, error) {
	if c.Size > limit {
		return nil, fmt.Errorf("%w: chunk %q at offset %d: %d bytes, more than the %d this reader accepts", ErrCorrupt, c.ID, c.Offset, c.Size, limit)
	}
	b := make([]byte, c.Size)
	if _, err := c.r.ReadAt(b, c.DataOffset()); err != nil {
		return nil, fmt.Errorf("riff: chunk %q at offset %d: %w", c.ID, c.Offset, err)
	}
	return b, nil
}

// DS64Sizes holds the 64-bit sizes of an RF64/BW64 file.
type DS64Sizes struct {
	RIFFSize    uint64
	DataSize    uint64
	SampleCount uint64
	Table       map[FourCC]uint64 // sizes of other chunks over 4 GiB
}

// File is the chunk list of one RIFF/RF64/BW64 file.
type File struct {
	Kind   FourCC // RIFF, RF64 or BW64
	Form   FourCC // WAVE, WEBP, AVI , …
	Size   int64  // total file size handed to Parse
	Chunks []Chunk
	DS64   *DS64Sizes // nil unless Kind is RF64/BW64
	// TrailingOffset is where the RIFF form ends. Bytes from there to Size
	// (an appended ID3 tag, padding by some recorders) are not chunks;
	// writers that keep them copy Trailing().
	TrailingOffset int64
	r              io.ReaderAt
}

// Trailing returns the bytes after the RIFF form.
func (f *File) Trailing() *io.SectionReader {
	return io.NewSectionReader(f.r, f.TrailingOffset, f.Size-f.TrailingOffset)
}

// Find returns the first top-level chunk with the given id.
func (f *File) Find(id FourCC) (Chunk, bool) {
	for _, c := range f.Chunks {
		if c.ID == id {
			return c, true
		}
	}
	return Chunk{}, false
}

// Parse walks the top-level chunks of the size-byte file r. It reads only
// chunk headers (and the ds64 chunk), so it is cheap for large files.
func Parse(r io.ReaderAt, size int64) (*File, error) {
	var h [12]byte
	if size < 12 {
		return nil, fmt.Errorf("%w: %d bytes is too short for a RIFF header", ErrCorrupt, size)
	}
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return nil, fmt.Errorf("riff: header: %w", err)
	}
	f := &File{Size: size, r: r}
	copy(f.Kind[:], h[0:4])
	copy(f.Form[:], h[8:12])
	if f.Kind != RIFF && f.Kind != RF64 && f.Kind != BW64 {
		return nil, fmt.Errorf("%w: starts with %q, not RIFF, RF64 or BW64", ErrCorrupt, h[0:4])
	}
	declared := int64(binary.LittleEndian.Uint32(h[4:8]))
	off := int64(12)
	if f.Kind != RIFF {
		ds, n, err := parseDS64(r, size)
		if err != nil {
			return nil, err
		}
		f.DS64 = ds
		f.Chunks = append(f.Chunks, Chunk{ID: DS64, Offset: 12, Size: n, r: r})
		off = 20 + n + n&1
		if declared == sizeFromDS64 {
			if ds.RIFFSize > uint64(1<<62) {
				return nil, fmt.Errorf("%w: ds64 RIFF size %d", ErrCorrupt, ds.RIFFSize)
			}
			declared = int64(ds.RIFFSize)
		}
	}
	end := 8 + declared
	streamed := false
	switch {
	case declared == 0 || declared == sizeFromDS64:
		// Streaming writers leave 0 or -1 when they cannot seek back.
		end, streamed = size, true
	case end > size:
		return nil, fmt.Errorf("%w: %s size %d at offset 4 ends at %d, beyond file end %d", ErrCorrupt, f.Kind, declared, end, size)
	}
	for off < end {
		if len(f.Chunks) >= MaxChunks {
			return nil, fmt.Errorf("%w: more than %d chunks", ErrCorrupt, MaxChunks)
		}
		if end-off < 8 {
			return nil, fmt.Errorf("%w: %d stray bytes at offset %d, too few for a chunk header", ErrCorrupt, end-off, off)
		}
		var ch [12]byte
		n := 8
		if end-off >= 12 {
			n = 12
		}
		if _, err := r.ReadAt(ch[:n], off); err != nil {
			return nil, fmt.Errorf("riff: chunk header at offset %d: %w", off, err)
		}
		c := Chunk{Offset: off, r: r}
		copy(c.ID[:], ch[0:4])
		sz := uint64(binary.LittleEndian.Uint32(ch[4:8]))
		if sz == sizeFromDS64 && f.DS64 != nil {
			if c.ID == Data {
				sz = f.DS64.DataSize
			} else if t, ok := f.DS64.Table[c.ID]; ok {
				sz = t
			}
		}
		if sz == sizeFromDS64 && f.DS64 == nil && streamed && c.ID == Data {
			sz = uint64(end - off - 8) // ffmpeg writing to a pipe: data runs to the end
		}
		if sz > uint64(end-off-8) {
			return nil, fmt.Errorf("%w: chunk %q at offset %d: length %d beyond file end %d", ErrCorrupt, c.ID, off, sz, end)
		}
		c.Size = int64(sz)
		if c.ID == LIST {
			if c.Size < 4 {
				return nil, fmt.Errorf("%w: LIST chunk at offset %d: length %d too short for a list type", ErrCorrupt, off, c.Size)
			}
			copy(c.ListType[:], ch[8:12])
		}
		f.Chunks = append(f.Chunks, c)
		// The pad byte of the last chunk may lie past the declared end
		// (many writers leave it out of the RIFF size) or be missing at
		// the end of the file; both are harmless.
		off = c.End()
	}
	f.TrailingOffset = min(max(end, off), size)
	return f, nil
}

func parseDS64(r io.ReaderAt, size int64) (*DS64Sizes, int64, error) {
	var h [8 + 28]byte
	if size < 12+int64(len(h)) {
		return nil, 0, fmt.Errorf("%w: RF64 file of %d bytes too short for a ds64 chunk", ErrCorrupt, size)
	}
	if _, err := r.ReadAt(h[:], 12); err != nil {
		return nil, 0, fmt.Errorf("riff: ds64: %w", err)
	}
	if string(h[0:4]) != "ds64" {
		return nil, 0, fmt.Errorf("%w: RF64 file has %q at offset 12, want ds64", ErrCorrupt, h[0:4])
	}
	n := int64(binary.LittleEndian.Uint32(h[4:8]))
	if n < 28 || 20+n > size {
		return nil, 0, fmt.Errorf("%w: ds64 chunk at offset 12: length %d invalid for file of %d bytes", ErrCorrupt, n, size)
	}
	d := &DS64Sizes{
		RIFFSize:    binary.LittleEndian.Uint64(h[8:16]),
		DataSize:    binary.LittleEndian.Uint64(h[16:24]),
		SampleCount: binary.LittleEndian.Uint64(h[24:32]),
		Table:       map[FourCC]uint64{},
	}
	entries := int64(binary.LittleEndian.Uint32(h[32:36]))
	if entries > (n-28)/12 {
		return nil, 0, fmt.Errorf("%w: ds64 table of %d entries does not fit its %d-byte chunk", ErrCorrupt, entries, n)
	}
	if entries > 0 {
		t := make([]byte, entries*12)
		if _, err := r.ReadAt(t, 12+36); err != nil {
			return nil, 0, fmt.Errorf("riff: ds64 table: %w", err)
		}
		for i := int64(0); i < entries; i++ {
			e := t[i*12:]
			d.Table[FourCC{e[0], e[1], e[2], e[3]}] = binary.LittleEndian.Uint64(e[4:12])
		}
	}
	return d, n, nil
}
