// Package gif walks and rewrites the blocks of a GIF file without
// decoding it, to place and read an XMP packet (the "XMP DataXMP"
// application extension with its 258-byte magic trailer). Image data
// (LZW sub-blocks) and every other block are copied byte for byte,
// streamed, so memory does not grow with the number of frames.
//
// It is not a decoder (image/gif is) and decides nothing about what
// metadata to write.
package gif

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrCorrupt is wrapped by every error about malformed GIF structure.
var ErrCorrupt = errors.New("gif: corrupt file")

// Block introducers and extension labels.
const (
	Extension       = 0x21
	ImageDescriptor = 0x2C
	Trailer         = 0x3B

	LabelGraphicControl = 0xF9
	LabelComment        = 0xFE
	LabelPlainText      = 0x01
	LabelApplication    = 0xFF
)

// XMPAppID is the application identifier and authentication code of the
// XMP extension.
const XMPAppID = "XMP DataXMP"

// C2PAAppID is the application identifier C2PA uses (auth code 01 00 00).
const C2PAAppID = "C2PA_GIF"

// maxMeta bounds an extension read into memory.
const maxMeta = 64 << 20

// MagicTrailer returns the 258 bytes that end an XMP extension: 0x01,
// 0xFF down to 0x00, then the block terminator. A reader that walks the
// raw packet as sub-blocks lands on the terminator whatever the packet.
func MagicTrailer() []byte {
	b := make([]byte, 0, 258)
	b = append(b, 0x01)
	for i := 0xFF; i >= 0; i-- {
		b = append(b, byte(i))
	}
	return append(b, 0x00)
}

// Block is one block after the header: an extension, an image (descriptor,
// colour table and LZW data) or the trailer.
type Block struct {
	Kind   byte // Extension, ImageDescriptor or Trailer
	Label  byte // extension label (Extension only)
	AppID  string
	Offset int64 // file offset of the introducer byte
}

// Header is the GIF header, logical screen descriptor and global colour
// table, as raw bytes.
type Header struct {
	Raw           []byte
	Version       string // "87a" or "89a"
	Width, Height int
}

// Reader hands out blocks in order; after Next, the block's bytes can be
// copied (CopyTo) or read (Data); otherwise Next skips them.
type Reader struct {
	br      *bufio.Reader
	off     int64
	Header  Header
	cur     Block
	head    []byte // bytes of the current block already read
	pending bool
	done    bool
}

// NewReader reads the header and returns a Reader at the first block.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	h := make([]byte, 13)
	if _, err := io.ReadFull(br, h); err != nil || string(h[:3]) != "GIF" || (string(h[3:6]) != "87a" && string(h[3:6]) != "89a") {
		return nil, fmt.Errorf("%w: missing GIF87a/GIF89a header", ErrCorrupt)
	}
	rd := &Reader{br: br, off: 13}
	if h[10]&0x80 != 0 {
		gct := make([]byte, 3<<(h[10]&7+1))
		if _, err := io.ReadFull(br, gct); err != nil {
			return nil, fmt.Errorf("%w: global colour table cut short", ErrCorrupt)
		}
		h = append(h, gct...)
		rd.off += int64(len(gct))
	}
	rd.Header = Header{Raw: h, Version: string(h[3:6]),
		Width: int(binary.LittleEndian.Uint16(h[6:])), Height: int(binary.LittleEndian.Uint16(h[8:]))}
	return rd, nil
}

// Next returns the next block; io.EOF after the trailer.
func (r *Reader) Next() (Block, error) {
	if r.pending {
		if err := r.CopyTo(io.Discard); err != nil {
			return Block{}, err
		}
	}
	if r.done {
		return Block{}, io.EOF
	}
	start := r.off
	k, err := r.readByte("block introducer")
	if err != nil {
		return Block{}, err
	}
	b := Block{Kind: k, Offset: start}
	r.head = append(r.head[:0], k)
	switch k {
	case Trailer:
		r.done = true
	case Extension:
		if b.Label, err = r.readByte("extension label"); err != nil {
			return Block{}, err
		}
		r.head = append(r.head, b.Label)
		if b.Label == LabelApplication {
			// The first sub-block holds the identifier (8) and
			// authentication code (3); peek at it without consuming.
			n, err := r.readByte("application block size")
			if err != nil {
				return Block{}, err
			}
			id := make([]byte, n)
			if _, err := io.ReadFull(r.br, id); err != nil {
				return Block{}, r.cut("application extension")
			}
			r.off += int64(n)
			r.head = append(append(r.head, n), id...)
			b.AppID = string(id)
		}
	case ImageDescriptor:
		d := make([]byte, 9)
		if _, err := io.ReadFull(r.br, d); err != nil {
			return Block{}, r.cut("image descriptor")
		}
		r.off += 9
		r.head = append(r.head, d...)
		if d[8]&0x80 != 0 {
			lct := make([]byte, 3<<(d[8]&7+1))
			if _, err := io.ReadFull(r.br, lct); err != nil {
				return Block{}, r.cut("local colour table")
			}
			r.off += int64(len(lct))
			r.head = append(r.head, lct...)
		}
		lzw, err := r.readByte("LZW minimum code size")
		if err != nil {
			return Block{}, err
		}
		r.head = append(r.head, lzw)
	default:
		return Block{}, fmt.Errorf("%w: byte 0x%02X at offset %d is not a block introducer", ErrCorrupt, k, start)
	}
	r.cur = b
	r.pending = k != Trailer
	return b, nil
}

func (r *Reader) readByte(what string) (byte, error) {
	c, err := r.br.ReadByte()
	if err != nil {
		return 0, r.cut(what)
	}
	r.off++
	return c, nil
}

func (r *Reader) cut(what string) error {
	return fmt.Errorf("%w: file ends at offset %d inside %s", ErrCorrupt, r.off, what)
}

// CopyTo writes the current block to w exactly as it is in the file,
// streaming its sub-blocks.
func (r *Reader) CopyTo(w io.Writer) error {
	if !r.pending {
		return errors.New("gif: CopyTo without a current block")
	}
	r.pending = false
	if _, err := w.Write(r.head); err != nil {
		return err
	}
	var buf [256]byte
	for {
		n, err := r.readByte("sub-block size")
		if err != nil {
			return err
		}
		buf[0] = n
		if _, err := io.ReadFull(r.br, buf[1:1+int(n)]); err != nil {
			return fmt.Errorf("%w: sub-block at offset %d: length %d beyond file end", ErrCorrupt, r.off-1, n)
		}
		r.off += int64(n)
		if _, err := w.Write(buf[:1+int(n)]); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
}

// Data returns the concatenated sub-block bytes of the current block after
// what Next already read (for an application extension: the data after
// the identifier), refusing more than limit bytes. For the XMP extension,
// whose packet is stored raw, this is the packet followed by 257 bytes of
// the magic trailer; use XMPFromData.
func (r *Reader) Data(limit int) ([]byte, error) {
	if !r.pending {
		return nil, errors.New("gif: Data without a current block")
	}
	r.pending = false
	var out []byte
	for {
		n, err := r.readByte("sub-block size")
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return out, nil
		}
		if len(out)+int(n) > limit {
			return nil, fmt.Errorf("%w: block at offset %d holds more than %d bytes", ErrCorrupt, r.cur.Offset, limit)
		}
		start := len(out)
		out = append(out, make([]byte, n)...)
		if _, err := io.ReadFull(r.br, out[start:]); err != nil {
			return nil, fmt.Errorf("%w: sub-block at offset %d: length %d beyond file end", ErrCorrupt, r.off-1, n)
		}
		r.off += int64(n)
	}
}

// rawData reads sub-blocks keeping the size bytes, as the XMP extension
// needs (its packet is not really sub-blocked).
func (r *Reader) rawData(limit int) ([]byte, error) {
	var out bytes.Buffer
	if err := r.CopyTo(&limitWriter{w: &out, n: limit + len(r.head)}); err != nil {
		return nil, err
	}
	b := out.Bytes()[len(r.head):]
	return b[:len(b)-1], nil // without the block terminator
}

type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if len(p) > l.n {
		return 0, fmt.Errorf("%w: extension larger than %d bytes", ErrCorrupt, maxMeta)
	}
	l.n -= len(p)
	return l.w.Write(p)
}

// XMPFromRaw extracts the packet from the raw bytes of an XMP extension
// (packet followed by the magic trailer without its terminator). Files
// whose trailer is damaged still yield the packet when it is well formed.
func XMPFromRaw(raw []byte) []byte {
	magic := MagicTrailer()
	magic = magic[:len(magic)-1]
	if bytes.HasSuffix(raw, magic) {
		return raw[:len(raw)-len(magic)]
	}
	if i := bytes.LastIndex(raw, []byte("<?xpacket end")); i >= 0 {
		if j := bytes.Index(raw[i:], []byte("?>")); j >= 0 {
			return raw[:i+j+2]
		}
	}
	if i := bytes.LastIndex(raw, []byte("</x:xmpmeta>")); i >= 0 {
		return raw[:i+len("</x:xmpmeta>")]
	}
	return nil
}

// Walk calls fn for every block; fn may copy or read it through r, or
// leave it to be skipped. ErrStop ends the walk early.
func Walk(rd io.Reader, fn func(r *Reader, b Block) error) error {
	r, err := NewReader(rd)
	if err != nil {
		return err
	}
	for {
		b, err := r.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(r, b); err != nil {
			if err == ErrStop {
				return nil
			}
			return err
		}
	}
}

// ErrStop ends a Walk early.
var ErrStop = errors.New("gif: stop walk")
