// Package flac reads and rewrites the metadata blocks of a FLAC stream —
// the Vorbis comment block in particular — and copies the audio frames
// after them unchanged, so STREAMINFO (with its MD5 of the audio) stays
// valid.
//
// Metadata blocks are held in memory (they are small, bounded by
// MaxBlockSize each); the frames are streamed. An ID3v2 tag some tools put
// before "fLaC" is kept as it is.
//
// It is not a FLAC decoder or encoder and does not decide which comments to
// write (package label does).
package flac

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrCorrupt is wrapped by errors about malformed FLAC metadata.
var ErrCorrupt = errors.New("flac: corrupt")

// Block types.
const (
	TypeStreamInfo    = 0
	TypePadding       = 1
	TypeApplication   = 2
	TypeSeekTable     = 3
	TypeVorbisComment = 4
	TypeCueSheet      = 5
	TypePicture       = 6
)

// MaxBlocks bounds the number of metadata blocks accepted.
const MaxBlocks = 1024

// MaxMetadata bounds the total metadata read into memory.
const MaxMetadata = 64 << 20

// Block is one metadata block (its header's last-block flag is not kept:
// Write sets it).
type Block struct {
	Type byte
	Data []byte
}

// StreamInfo is the decoded STREAMINFO block.
type StreamInfo struct {
	SampleRate    int
	Channels      int
	BitsPerSample int
	TotalSamples  uint64
	MD5           [16]byte
}

// Stream is the metadata part of a FLAC stream.
type Stream struct {
	// Prefix is an ID3v2 tag found before "fLaC" (nil if none).
	Prefix []byte
	Blocks []Block
	Info   StreamInfo
	// AudioOffset is where the first frame starts in the input.
	AudioOffset int64
}

// Read reads the metadata blocks from r, leaving br at the first audio
// frame.
func Read(br *bufio.Reader) (*Stream, error) {
	s := &Stream{}
	var off int64
	h, err := br.Peek(10)
	if err == nil && string(h[:3]) == "ID3" {
		n := 10 + (int64(h[6]&0x7f)<<21 | int64(h[7]&0x7f)<<14 | int64(h[8]&0x7f)<<7 | int64(h[9]&0x7f))
		if h[5]&0x10 != 0 {
			n += 10
		}
		if n > MaxMetadata {
			return nil, fmt.Errorf("%w: ID3v2 tag of %d bytes before fLaC", ErrCorrupt, n)
		}
		s.Prefix = make([]byte, n)
		if _, err := io.ReadFull(br, s.Prefix); err != nil {
			return nil, fmt.Errorf("%w: ID3v2 tag of %d bytes before fLaC: %v", ErrCorrupt, n, err)
		}
		off = n
	}
	var magic [4]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil || string(magic[:]) != "fLaC" {
		return nil, fmt.Errorf("%w: no fLaC marker at offset %d", ErrCorrupt, off)
	}
	off += 4
	var total int64
	for last := false; !last; {
		if len(s.Blocks) >= MaxBlocks {
			return nil, fmt.Errorf("%w: more than %d metadata blocks", ErrCorrupt, MaxBlocks)
		}
		var bh [4]byte
		if _, err := io.ReadFull(br, bh[:]); err != nil {
			return nil, fmt.Errorf("%w: metadata block header at offset %d: %v", ErrCorrupt, off, err)
		}
		last = bh[0]&0x80 != 0
		typ := bh[0] & 0x7f
		n := int64(bh[1])<<16 | int64(bh[2])<<8 | int64(bh[3])
		if typ == 127 {
			return nil, fmt.Errorf("%w: invalid metadata block type 127 at offset %d", ErrCorrupt, off)
		}
		total += n
		if total > MaxMetadata {
			return nil, fmt.Errorf("%w: more than %d bytes of metadata", ErrCorrupt, MaxMetadata)
		}
		data := make([]byte, 0, min(n, 1<<16))
		buf := bytes.NewBuffer(data)
		if m, err := io.CopyN(buf, br, n); err != nil {
			return nil, fmt.Errorf("%w: metadata block type %d at offset %d: length %d beyond file end %d", ErrCorrupt, typ, off, n, off+4+m)
		}
		if len(s.Blocks) == 0 {
			if typ != TypeStreamInfo || n < 34 {
				return nil, fmt.Errorf("%w: first metadata block at offset %d is type %d of %d bytes, want STREAMINFO of 34", ErrCorrupt, off, typ, n)
			}
			s.Info = parseStreamInfo(buf.Bytes())
		}
		s.Blocks = append(s.Blocks, Block{Type: typ, Data: buf.Bytes()})
		off += 4 + n
	}
	s.AudioOffset = off
	return s, nil
}

func parseStreamInfo(b []byte) StreamInfo {
	x := binary.BigEndian.Uint64(b[10:18])
	si := StreamInfo{
		SampleRate:    int(x >> 44),
		Channels:      int(x>>41&7) + 1,
		BitsPerSample: int(x>>36&31) + 1,
		TotalSamples:  x & (1<<36 - 1),
	}
	copy(si.MD5[:], b[18:34])
	return si
}

// Bytes serialises the prefix, marker and blocks (setting the last-block
// flag on the final one). Blocks over 16 MiB cannot be written.
func (s *Stream) Bytes() ([]byte, error) {
	var b []byte
	b = append(b, s.Prefix...)
	b = append(b, "fLaC"...)
	for i, bl := range s.Blocks {
		if len(bl.Data) >= 1<<24 {
			return nil, fmt.Errorf("flac: metadata block type %d of %d bytes exceeds 16 MiB", bl.Type, len(bl.Data))
		}
		t := bl.Type
		if i == len(s.Blocks)-1 {
			t |= 0x80
		}
		n := len(bl.Data)
		b = append(b, t, byte(n>>16), byte(n>>8), byte(n))
		b = append(b, bl.Data...)
	}
	return b, nil
}

// Rewrite reads the metadata from r, lets edit change it, writes it to w
// and copies the audio frames unchanged.
func Rewrite(w io.Writer, r io.Reader, edit func(*Stream) error) (int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	s, err := Read(br)
	if err != nil {
		return 0, err
	}
	if err := edit(s); err != nil {
		return 0, err
	}
	head, err := s.Bytes()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(head)
	if err != nil {
		return int64(n), err
	}
	m, err := io.Copy(w, br)
	return int64(n) + m, err
}

// Comments is a Vorbis comment block: vendor string and KEY=value fields in
// order (keys are case-insensitive and may repeat).
type Comments struct {
	Vendor string
	Fields []string
}

// Comments returns the first Vorbis comment block (empty if none).
func (s *Stream) Comments() (*Comments, error) {
	for _, b := range s.Blocks {
		if b.Type == TypeVorbisComment {
			return ParseComments(b.Data)
		}
	}
	return &Comments{}, nil
}

// SetComments replaces the first Vorbis comment block (dropping any other)
// or adds one after STREAMINFO.
func (s *Stream) SetComments(c *Comments) {
	data := c.Bytes()
	out := make([]Block, 0, len(s.Blocks)+1)
	done := false
	for _, b := range s.Blocks {
		if b.Type == TypeVorbisComment {
			if !done {
				out = append(out, Block{Type: TypeVorbisComment, Data: data})
				done = true
			}
			continue
		}
		out = append(out, b)
		if b.Type == TypeStreamInfo && !done && !hasType(s.Blocks, TypeVorbisComment) {
			out = append(out, Block{Type: TypeVorbisComment, Data: data})
			done = true
		}
	}
	s.Blocks = out
}

func hasType(bs []Block, t byte) bool {
	for _, b := range bs {
		if b.Type == t {
			return true
		}
	}
	return false
}

// ParseComments parses a Vorbis comment block body (little-endian lengths,
// no framing bit as in FLAC).
func ParseComments(b []byte) (*Comments, error) {
	c := &Comments{}
	rd := func(what string, i int) (string, error) {
		if len(b) < 4 {
			return "", fmt.Errorf("%w: vorbis comment: %s %d: truncated length", ErrCorrupt, what, i)
		}
		n := binary.LittleEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			return "", fmt.Errorf("%w: vorbis comment: %s %d: length %d beyond block end (%d left)", ErrCorrupt, what, i, n, len(b)-4)
		}
		s := string(b[4 : 4+n])
		b = b[4+n:]
		return s, nil
	}
	var err error
	if c.Vendor, err = rd("vendor", 0); err != nil {
		return nil, err
	}
	if len(b) < 4 {
		return nil, fmt.Errorf("%w: vorbis comment: truncated field count", ErrCorrupt)
	}
	n := binary.LittleEndian.Uint32(b)
	b = b[4:]
	if uint64(n) > uint64(len(b)/4) {
		return nil, fmt.Errorf("%w: vorbis comment: %d fields cannot fit %d bytes", ErrCorrupt, n, len(b))
	}
	for i := 0; i < int(n); i++ {
		f, err := rd("field", i)
		if err != nil {
			return nil, err
		}
		c.Fields = append(c.Fields, f)
	}
	return c, nil
}

// Bytes serialises the comment block body.
func (c *Comments) Bytes() []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(c.Vendor)))
	b = append(b, c.Vendor...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(c.Fields)))
	for _, f := range c.Fields {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	return b
}

// Get returns the values of key (case-insensitive) in order.
func (c *Comments) Get(key string) []string {
	var out []string
	for _, f := range c.Fields {
		k, v, ok := strings.Cut(f, "=")
		if ok && strings.EqualFold(k, key) {
			out = append(out, v)
		}
	}
	return out
}

// Remove drops the fields for which drop(key, value) is true.
func (c *Comments) Remove(drop func(key, value string) bool) {
	out := c.Fields[:0]
	for _, f := range c.Fields {
		k, v, _ := strings.Cut(f, "=")
		if !drop(strings.ToUpper(k), v) {
			out = append(out, f)
		}
	}
	c.Fields = out
}

// Add appends KEY=value.
func (c *Comments) Add(key, value string) {
	c.Fields = append(c.Fields, strings.ToUpper(key)+"="+value)
}
