package riff

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
)

// Piece is one chunk to write: its id and a reader giving exactly Size
// payload bytes.
type Piece struct {
	ID   FourCC
	Size int64
	Data io.Reader
}

// FromChunk makes a piece that copies chunk c unchanged.
func FromChunk(c Chunk) Piece { return Piece{ID: c.ID, Size: c.Size, Data: c.Data()} }

// FromBytes makes a piece from an in-memory payload.
func FromBytes(id FourCC, b []byte) Piece {
	return Piece{ID: id, Size: int64(len(b)), Data: bytes.NewReader(b)}
}

// WriteOptions adjust Write. The zero value writes a plain RIFF file.
type WriteOptions struct {
	// Kind is RIFF, RF64 or BW64. RIFF is upgraded to RF64 when the file
	// or a chunk does not fit 32-bit sizes; zero means RIFF.
	Kind FourCC
	// SampleCount goes into the ds64 chunk of RF64/BW64 output.
	SampleCount uint64
	// Trailing bytes (TrailingSize of them) are written after the RIFF
	// form, e.g. an ID3 tag some tools append to WAV files.
	Trailing     io.Reader
	TrailingSize int64
}

const max32 = 0xFFFFFFFE // the largest size a 32-bit field holds (-1 means "see ds64")

// Layout computes where Write would put each piece without writing: the
// output kind, the placed chunks (Offset and Size; no reader) and the
// total length including trailing bytes. A C2PA hard binding uses it to
// know the byte range of its own chunk before signing.
func Layout(form FourCC, pieces []Piece, o *WriteOptions) (FourCC, []Chunk, int64, error) {
	if o == nil {
		o = &WriteOptions{}
	}
	kind := o.Kind
	if kind == (FourCC{}) {
		kind = RIFF
	}
	if kind != RIFF && kind != RF64 && kind != BW64 {
		return kind, nil, 0, fmt.Errorf("riff: cannot write kind %q", kind)
	}
	body := int64(4) // form type
	big := false
	for _, p := range pieces {
		if p.ID == DS64 {
			continue // regenerated below when needed
		}
		if p.Size < 0 {
			return kind, nil, 0, fmt.Errorf("riff: chunk %q: negative size", p.ID)
		}
		body += 8 + p.Size + p.Size&1
		big = big || p.Size > max32
	}
	if kind == RIFF && (big || body > max32) {
		if form != ID("WAVE") {
			return kind, nil, 0, fmt.Errorf("%w: %s form of %d bytes needs 64-bit sizes, which only WAVE (RF64) has", ErrTooLarge, form, body)
		}
		kind = RF64
	}
	off := int64(12)
	var placed []Chunk
	if kind != RIFF {
		n := ds64Len(pieces)
		placed = append(placed, Chunk{ID: DS64, Offset: off, Size: n})
		off += 8 + n
	}
	for _, p := range pieces {
		if p.ID == DS64 {
			continue
		}
		placed = append(placed, Chunk{ID: p.ID, Offset: off, Size: p.Size})
		off += 8 + p.Size + p.Size&1
	}
	return kind, placed, off + o.TrailingSize, nil
}

// ds64Len is 28 bytes plus a 12-byte table entry for every non-data chunk
// over 4 GiB.
func ds64Len(pieces []Piece) int64 {
	n := int64(28)
	for _, p := range pieces {
		if p.ID != Data && p.ID != DS64 && p.Size > max32 {
			n += 12
		}
	}
	return n
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// Write writes a RIFF (or RF64) file of the given form made of pieces, in
// order, padding odd chunks and filling in the sizes. Any ds64 piece is
// dropped and regenerated. It returns the placed chunks (as Layout) and
// the number of bytes written. Payloads are streamed, so memory does not
// grow with chunk size.
func Write(w io.Writer, form FourCC, pieces []Piece, o *WriteOptions) ([]Chunk, int64, error) {
	if o == nil {
		o = &WriteOptions{}
	}
	kind, placed, total, err := Layout(form, pieces, o)
	if err != nil {
		return nil, 0, err
	}
	cw := &countWriter{w: w}
	hdr := make([]byte, 0, 64)
	riffSize := total - o.TrailingSize - 8
	hdr = append(hdr, kind[:]...)
	if kind == RIFF {
		hdr = binary.LittleEndian.AppendUint32(hdr, uint32(riffSize))
	} else {
		hdr = binary.LittleEndian.AppendUint32(hdr, sizeFromDS64)
	}
	hdr = append(hdr, form[:]...)
	if kind != RIFF {
		hdr = append(hdr, DS64[:]...)
		hdr = binary.LittleEndian.AppendUint32(hdr, uint32(ds64Len(pieces)))
		var dataSize uint64
		var table []byte
		for _, p := range pieces {
			switch {
			case p.ID == Data:
				dataSize = uint64(p.Size)
			case p.ID != DS64 && p.Size > max32:
				table = append(table, p.ID[:]...)
				table = binary.LittleEndian.AppendUint64(table, uint64(p.Size))
			}
		}
		hdr = binary.LittleEndian.AppendUint64(hdr, uint64(riffSize))
		hdr = binary.LittleEndian.AppendUint64(hdr, dataSize)
		hdr = binary.LittleEndian.AppendUint64(hdr, o.SampleCount)
		hdr = binary.LittleEndian.AppendUint32(hdr, uint32(len(table)/12))
		hdr = append(hdr, table...)
	}
	if _, err := cw.Write(hdr); err != nil {
		return nil, cw.n, err
	}
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	for _, p := range pieces {
		if p.ID == DS64 {
			continue
		}
		var ch [8]byte
		copy(ch[:], p.ID[:])
		size := uint32(p.Size)
		if kind != RIFF && (p.ID == Data || p.Size > max32) {
			size = sizeFromDS64
		}
		binary.LittleEndian.PutUint32(ch[4:], size)
		if _, err := cw.Write(ch[:]); err != nil {
			return nil, cw.n, err
		}
		n, err := io.CopyBuffer(cw, io.LimitReader(p.Data, p.Size), *bp)
		if err != nil {
			return nil, cw.n, fmt.Errorf("riff: writing chunk %q: %w", p.ID, err)
		}
		if n != p.Size {
			return nil, cw.n, fmt.Errorf("riff: chunk %q: source gave %d of %d bytes: %w", p.ID, n, p.Size, io.ErrUnexpectedEOF)
		}
		if p.Size&1 == 1 {
			if _, err := cw.Write([]byte{0}); err != nil {
				return nil, cw.n, err
			}
		}
	}
	if o.TrailingSize > 0 {
		n, err := io.CopyBuffer(cw, io.LimitReader(o.Trailing, o.TrailingSize), *bp)
		if err != nil {
			return nil, cw.n, fmt.Errorf("riff: writing trailing bytes: %w", err)
		}
		if n != o.TrailingSize {
			return nil, cw.n, fmt.Errorf("riff: trailing bytes: got %d of %d: %w", n, o.TrailingSize, io.ErrUnexpectedEOF)
		}
	}
	if cw.n != total {
		return nil, cw.n, fmt.Errorf("riff: wrote %d bytes, planned %d", cw.n, total)
	}
	return placed, cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
