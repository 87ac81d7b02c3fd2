// Package png walks and rewrites the chunks of a PNG (and APNG) file
// without decoding it: chunk headers are handed out one by one, payloads
// are read only when asked for, and image data (IDAT, fdAT) is streamed.
//
// It places metadata (XMP in iTXt, eXIf, and for other packages caBX) and
// reads it back, checking every CRC it passes. It is not a decoder
// (image/png is) and decides nothing about what to write (package label
// does). Memory stays bounded by the metadata chunks, whatever the size of
// the image.
package png

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Signature starts every PNG file.
const Signature = "\x89PNG\r\n\x1a\n"

// ErrCorrupt is wrapped by every error about malformed PNG structure.
var ErrCorrupt = errors.New("png: corrupt file")

// maxChunk is the largest length PNG allows (2^31-1).
const maxChunk = 1<<31 - 1

// Chunk is a chunk header and where it is in the file.
type Chunk struct {
	Type   string // four ASCII letters, e.g. "IHDR", "iTXt"
	Length uint32 // payload length
	Offset int64  // file offset of the length field
}

// Reader hands out the chunks of a PNG in order. After Next, the payload
// can be read (Data), copied (CopyTo) or skipped (the next Next skips it).
type Reader struct {
	src     io.Reader
	br      *bufio.Reader
	off     int64
	cur     Chunk
	pending bool // current payload + CRC not yet consumed
	ended   bool
}

// NewReader checks the PNG signature and returns a Reader after it.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var sig [8]byte
	if _, err := io.ReadFull(br, sig[:]); err != nil || string(sig[:]) != Signature {
		return nil, fmt.Errorf("%w: missing PNG signature", ErrCorrupt)
	}
	return &Reader{src: r, br: br, off: 8}, nil
}

// Next returns the next chunk header, skipping the unread payload of the
// previous one. It returns io.EOF after IEND.
func (r *Reader) Next() (Chunk, error) {
	if r.pending {
		if err := r.skip(); err != nil {
			return Chunk{}, err
		}
	}
	if r.ended {
		return Chunk{}, io.EOF
	}
	var h [8]byte
	if _, err := io.ReadFull(r.br, h[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return Chunk{}, fmt.Errorf("%w: file ends at offset %d without IEND", ErrCorrupt, r.off)
		}
		return Chunk{}, fmt.Errorf("png: read at offset %d: %w", r.off, err)
	}
	c := Chunk{Length: binary.BigEndian.Uint32(h[:4]), Type: string(h[4:8]), Offset: r.off}
	if c.Length > maxChunk {
		return Chunk{}, fmt.Errorf("%w: chunk at offset %d: length %d above 2^31-1", ErrCorrupt, r.off, c.Length)
	}
	for _, b := range h[4:8] {
		if !(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z') {
			return Chunk{}, fmt.Errorf("%w: chunk at offset %d: type %q is not four letters", ErrCorrupt, r.off, h[4:8])
		}
	}
	r.off += 8
	r.cur = c
	r.pending = true
	if c.Type == "IEND" {
		r.ended = true
	}
	return c, nil
}

// Data reads the current chunk's payload, refusing more than limit bytes,
// and checks its CRC.
func (r *Reader) Data(limit int) ([]byte, error) {
	if !r.pending {
		return nil, errors.New("png: Data called without a current chunk")
	}
	c := r.cur
	if int64(c.Length) > int64(limit) {
		return nil, fmt.Errorf("%w: chunk %q at offset %d: %d bytes is more than the %d allowed", ErrCorrupt, c.Type, c.Offset, c.Length, limit)
	}
	d := make([]byte, c.Length)
	if _, err := io.ReadFull(r.br, d); err != nil {
		return nil, r.short(c)
	}
	r.off += int64(c.Length)
	crc := crc32.NewIEEE()
	crc.Write([]byte(c.Type))
	crc.Write(d)
	if err := r.checkCRC(c, crc.Sum32()); err != nil {
		return nil, err
	}
	return d, nil
}

// CopyTo writes the current chunk to w as it is (length, type, payload,
// CRC), streaming the payload and checking the CRC on the way.
func (r *Reader) CopyTo(w io.Writer) error {
	if !r.pending {
		return errors.New("png: CopyTo called without a current chunk")
	}
	c := r.cur
	var h [8]byte
	binary.BigEndian.PutUint32(h[:4], c.Length)
	copy(h[4:], c.Type)
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	crc := crc32.NewIEEE()
	crc.Write(h[4:])
	n, err := io.CopyN(io.MultiWriter(w, crc), r.br, int64(c.Length))
	r.off += n
	if err != nil {
		if err == io.EOF {
			return r.short(c)
		}
		return fmt.Errorf("png: chunk %q at offset %d: %w", c.Type, c.Offset, err)
	}
	sum := crc.Sum32()
	if err := r.checkCRC(c, sum); err != nil {
		return err
	}
	var cb [4]byte
	binary.BigEndian.PutUint32(cb[:], sum)
	_, err = w.Write(cb[:])
	return err
}

// skip discards the current payload and CRC, seeking when the source can.
func (r *Reader) skip() error {
	c := r.cur
	n := int64(c.Length) + 4
	r.pending = false
	if s, ok := r.src.(io.Seeker); ok && n > int64(r.br.Buffered())+64<<10 {
		buf := int64(r.br.Buffered())
		r.br.Discard(int(buf))
		// Seek relative to where the source is, then check the chunk's
		// end is inside the file.
		pos, err := s.Seek(n-buf, io.SeekCurrent)
		if err != nil {
			return fmt.Errorf("png: chunk %q at offset %d: %w", c.Type, c.Offset, err)
		}
		end, err := s.Seek(0, io.SeekEnd)
		if err != nil || end < pos {
			return r.short(c)
		}
		if _, err := s.Seek(pos, io.SeekStart); err != nil {
			return err
		}
		r.br.Reset(r.src)
		r.off += n
		return nil
	}
	k, err := r.br.Discard(int(min(n, maxChunk)))
	r.off += int64(k)
	if err != nil {
		return r.short(c)
	}
	return nil
}

func (r *Reader) checkCRC(c Chunk, sum uint32) error {
	var cb [4]byte
	if _, err := io.ReadFull(r.br, cb[:]); err != nil {
		return r.short(c)
	}
	r.off += 4
	r.pending = false
	if got := binary.BigEndian.Uint32(cb[:]); got != sum {
		return fmt.Errorf("%w: chunk %q at offset %d: CRC %08x, computed %08x", ErrCorrupt, c.Type, c.Offset, got, sum)
	}
	return nil
}

func (r *Reader) short(c Chunk) error {
	r.pending = false
	return fmt.Errorf("%w: chunk %q at offset %d: length %d beyond file end", ErrCorrupt, c.Type, c.Offset, c.Length)
}

// WriteChunk writes a chunk with its length and CRC.
func WriteChunk(w io.Writer, typ string, data []byte) error {
	if len(typ) != 4 {
		return fmt.Errorf("png: chunk type %q is not four letters", typ)
	}
	if int64(len(data)) > maxChunk {
		return fmt.Errorf("png: chunk %q of %d bytes is too large", typ, len(data))
	}
	b := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(b, uint32(len(data)))
	copy(b[4:], typ)
	b = append(b, data...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
	_, err := w.Write(b)
	return err
}

// Walk calls fn for every chunk; fn may read the payload with r.Data or
// leave it to be skipped. Return ErrStop to end early.
func Walk(rd io.Reader, fn func(r *Reader, c Chunk) error) error {
	r, err := NewReader(rd)
	if err != nil {
		return err
	}
	for {
		c, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(r, c); err != nil {
			if err == ErrStop {
				return nil
			}
			return err
		}
	}
}

// ErrStop ends a Walk early.
var ErrStop = errors.New("png: stop walk")

// Chunks lists the chunk headers of a PNG with their offsets, skipping
// payloads (by seeking when r is an io.Seeker).
func Chunks(r io.Reader) ([]Chunk, error) {
	var cs []Chunk
	err := Walk(r, func(_ *Reader, c Chunk) error { cs = append(cs, c); return nil })
	return cs, err
}
