package c2pa

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/belgi/belgi/formats/jpeg"
	"github.com/belgi/belgi/formats/mp4"
	"github.com/belgi/belgi/formats/riff"
)

// Container names where a manifest store is placed.
type Container int

// The containers belgi places manifests in.
const (
	JPEG Container = iota + 1 // APP11 segments
	PNG                       // caBX chunk after IHDR
	RIFF                      // top-level "C2PA" chunk (WAV, WebP)
	BMFF                      // top-level uuid box after ftyp (MP4, MOV)
	Text                      // U+FEFF + variation selectors appended to UTF-8 text
)

func (c Container) String() string {
	switch c {
	case JPEG:
		return "jpeg"
	case PNG:
		return "png"
	case RIFF:
		return "riff"
	case BMFF:
		return "bmff"
	case Text:
		return "text"
	}
	return "unknown"
}

// span is a byte range of the input.
type span struct{ off, n int64 }

// piece is one run of output bytes: a range of the input, literal bytes,
// or the manifest store's container.
type piece struct {
	src   span
	lit   []byte
	store bool
	// BMFF: the piece is one whole top-level box; excluded boxes (ftyp,
	// free, skip, mfra) are left out of the hash, others are hashed with
	// their output offset first.
	box, excl bool
}

func (p piece) size(storeLen int64) int64 {
	switch {
	case p.store:
		return storeLen
	case p.lit != nil:
		return int64(len(p.lit))
	}
	return p.src.n
}

// layout is what scanning an input finds: the existing store (if any) and
// how to lay out an output that carries a new one.
type layout struct {
	c       Container
	store   []byte // existing manifest store, nil if none
	wrapLen func(storeLen int) int64
	// exclLen, when set, is the data-hash exclusion for a store of n
	// bytes when it differs from wrapLen (RIFF: without the pad byte).
	exclLen  func(storeLen int) int64
	wrap     func(store []byte) []byte
	pieces   func(wrapLen int64) ([]piece, error)
	textBody []byte // Text: the NFC text without a wrapper
	// storeAt is where the existing store's container sits (for JPEG all
	// its APP11 segments, for RIFF the chunk without its pad byte): a data
	// hash must exclude exactly this range.
	storeAt span
}

// scan reads the container structure of r (size bytes).
func scan(c Container, r io.ReaderAt, size int64) (*layout, error) {
	switch c {
	case JPEG:
		return scanJPEG(r, size)
	case PNG:
		return scanPNG(r, size)
	case RIFF:
		return scanRIFF(r, size)
	case BMFF:
		return scanBMFF(r, size)
	case Text:
		return scanText(r, size)
	}
	return nil, fmt.Errorf("%w: container %d", ErrUnsupported, c)
}

func readAt(r io.ReaderAt, off int64, n int) ([]byte, error) {
	b := make([]byte, n)
	m, err := r.ReadAt(b, off)
	if m == n {
		return b, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return nil, err
}

// keepPieces returns the input [from, to) minus drop (sorted) as pieces.
func keepPieces(from, to int64, drop []span) []piece {
	var out []piece
	pos := from
	for _, d := range drop {
		if d.off > pos {
			out = append(out, piece{src: span{pos, d.off - pos}})
		}
		if e := d.off + d.n; e > pos {
			pos = e
		}
	}
	if to > pos {
		out = append(out, piece{src: span{pos, to - pos}})
	}
	return out
}

// ---- JPEG ----

const jpegChunk = 64000 // store bytes per APP11 segment, as c2pa-rs writes

func scanJPEG(r io.ReaderAt, size int64) (*layout, error) {
	// formats/jpeg walks the segments before SOS; a segment ends where the
	// next one (or SOS) starts, which also covers any fill bytes.
	type seg struct {
		marker   byte
		off, end int64
		data     []byte
	}
	var segs []seg
	err := jpeg.Walk(io.NewSectionReader(r, 0, size), func(s jpeg.Segment) error {
		if n := len(segs); n > 0 && segs[n-1].end < 0 {
			segs[n-1].end = s.Offset
		}
		if s.Marker == jpeg.SOS || s.Marker == jpeg.EOI {
			return jpeg.ErrStop
		}
		segs = append(segs, seg{s.Marker, s.Offset, -1, s.Data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if n := len(segs); n > 0 && segs[n-1].end < 0 {
		segs[n-1].end = segs[n-1].off + 4 + int64(len(segs[n-1].data))
	}
	insert := int64(2)
	var drop []span
	var store []byte
	var en []byte
	for _, sg := range segs {
		if sg.marker == jpeg.APP0 {
			insert = sg.end
		}
		d := sg.data
		if sg.marker != jpeg.APP11 || len(d) < 16 || d[0] != 'J' || d[1] != 'P' {
			continue
		}
		z := binary.BigEndian.Uint32(d[4:8])
		body := d[8:]
		switch {
		case store == nil && z == 1 && len(body) >= 20 && bytes.Equal(body[4:8], []byte("jumb")) && bytes.Equal(body[16:20], []byte("c2pa")):
			store = append([]byte(nil), body...)
			en = append([]byte(nil), d[2:4]...)
			drop = append(drop, span{sg.off, sg.end - sg.off})
		case store != nil && bytes.Equal(d[2:4], en) && z > 1 && len(body) >= 8:
			store = append(store, body[8:]...)
			drop = append(drop, span{sg.off, sg.end - sg.off})
		}
	}
	l := &layout{c: JPEG, store: store}
	if len(drop) > 0 {
		l.storeAt = span{drop[0].off, drop[len(drop)-1].off + drop[len(drop)-1].n - drop[0].off}
	}
	l.wrapLen = func(n int) int64 {
		segs := (n + jpegChunk - 1) / jpegChunk
		return int64(n + segs*(4+8) + (segs-1)*8)
	}
	l.wrap = func(st []byte) []byte {
		var out []byte
		for i, z := 0, uint32(1); i < len(st); i, z = i+jpegChunk, z+1 {
			chunk := st[i:min(i+jpegChunk, len(st))]
			extra := 0
			if z > 1 {
				extra = 8
			}
			out = append(out, 0xFF, 0xEB)
			out = binary.BigEndian.AppendUint16(out, uint16(2+8+extra+len(chunk)))
			out = append(out, 'J', 'P', 0x02, 0x11)
			out = binary.BigEndian.AppendUint32(out, z)
			if z > 1 {
				out = append(out, st[:8]...)
			}
			out = append(out, chunk...)
		}
		return out
	}
	l.pieces = func(int64) ([]piece, error) {
		head := keepPieces(0, insert, drop)
		tail := keepPieces(insert, size, drop)
		return append(append(head, piece{store: true}), tail...), nil
	}
	return l, nil
}

// ---- PNG ----

var pngSig = []byte("\x89PNG\r\n\x1a\n")

func scanPNG(r io.ReaderAt, size int64) (*layout, error) {
	h, err := readAt(r, 0, 8)
	if err != nil || !bytes.Equal(h, pngSig) {
		return nil, fmt.Errorf("%w: png: bad signature", ErrCorrupt)
	}
	var drop []span
	var store []byte
	insert := int64(-1)
	pos := int64(8)
	for pos+12 <= size {
		hd, err := readAt(r, pos, 8)
		if err != nil {
			return nil, fmt.Errorf("%w: png: chunk at offset %d: %v", ErrCorrupt, pos, err)
		}
		n := int64(binary.BigEndian.Uint32(hd))
		typ := string(hd[4:8])
		if pos+12+n > size {
			return nil, fmt.Errorf("%w: png: chunk %q at offset %d: length %d beyond file end", ErrCorrupt, typ, pos, n)
		}
		switch typ {
		case "IHDR":
			insert = pos + 12 + n
		case "caBX":
			if store == nil {
				store, err = readAt(r, pos+8, int(n))
				if err != nil {
					return nil, fmt.Errorf("%w: png: caBX at offset %d: %v", ErrCorrupt, pos, err)
				}
			}
			drop = append(drop, span{pos, 12 + n})
		}
		pos += 12 + n
		if typ == "IEND" {
			break
		}
	}
	if insert < 0 {
		return nil, fmt.Errorf("%w: png: no IHDR chunk", ErrCorrupt)
	}
	l := &layout{c: PNG, store: store}
	if len(drop) > 0 {
		l.storeAt = drop[0]
	}
	l.wrapLen = func(n int) int64 { return int64(n) + 12 }
	l.wrap = func(st []byte) []byte {
		out := binary.BigEndian.AppendUint32(nil, uint32(len(st)))
		out = append(out, "caBX"...)
		out = append(out, st...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
	}
	l.pieces = func(int64) ([]piece, error) {
		head := keepPieces(0, insert, drop)
		tail := keepPieces(insert, size, drop)
		return append(append(head, piece{store: true}), tail...), nil
	}
	return l, nil
}

// ---- RIFF (WAV, WebP) ----

func scanRIFF(r io.ReaderAt, size int64) (*layout, error) {
	f, err := riff.Parse(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if f.Kind != riff.ID("RIFF") {
		return nil, fmt.Errorf("%w: riff: %s files (sizes over 4 GiB)", ErrUnsupported, f.Kind)
	}
	h, err := readAt(r, 0, 12)
	if err != nil {
		return nil, err
	}
	end := f.TrailingOffset
	var drop []span
	var store []byte
	var storeAt span
	for _, c := range f.Chunks {
		if c.ID != riff.ID("C2PA") {
			continue
		}
		if store == nil {
			if store, err = c.ReadAll(1 << 30); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
			}
			storeAt = span{c.Offset, 8 + c.Size}
		}
		drop = append(drop, span{c.Offset, min(c.End(), end) - c.Offset})
	}
	removed := int64(0)
	for _, d := range drop {
		removed += d.n
	}
	l := &layout{c: RIFF, store: store, storeAt: storeAt}
	l.wrapLen = func(n int) int64 { return int64(8 + n + n&1) }
	l.exclLen = func(n int) int64 { return int64(8 + n) }
	l.wrap = func(st []byte) []byte {
		out := append([]byte("C2PA"), 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(out[4:], uint32(len(st)))
		out = append(out, st...)
		if len(st)&1 == 1 {
			out = append(out, 0)
		}
		return out
	}
	l.pieces = func(wl int64) ([]piece, error) {
		newSize := end - 8 - removed + wl
		if newSize > 0xFFFFFFFF {
			return nil, fmt.Errorf("%w: riff: output beyond 4 GiB", ErrUnsupported)
		}
		hdr := append([]byte(nil), h...)
		binary.LittleEndian.PutUint32(hdr[4:], uint32(newSize))
		out := []piece{{lit: hdr}}
		out = append(out, keepPieces(12, end, drop)...)
		out = append(out, piece{store: true})
		if end < size {
			out = append(out, piece{src: span{end, size - end}})
		}
		return out, nil
	}
	return l, nil
}

// ---- BMFF (MP4, MOV) ----

// bmffUUID is the extended type of the top-level box carrying C2PA data.
var bmffUUID = []byte{0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81}

// bmffBox is one top-level box: its bytes are ra[base : base+size] and it
// sits at off in the file being hashed.
type bmffBox struct {
	off, size int64
	typ       string
	ra        io.ReaderAt
	base      int64
}

func (b bmffBox) bytesAt(off int64, n int) ([]byte, error) {
	if off < 0 || off+int64(n) > b.size {
		return nil, io.ErrUnexpectedEOF
	}
	return readAt(b.ra, b.base+off, n)
}

// topBoxes lists the top-level boxes of r.
func topBoxes(r io.ReaderAt, size int64) ([]bmffBox, error) {
	var out []bmffBox
	pos := int64(0)
	for pos < size {
		if size-pos < 8 {
			return nil, fmt.Errorf("%w: bmff: %d stray bytes at offset %d", ErrCorrupt, size-pos, pos)
		}
		h, err := readAt(r, pos, 8)
		if err != nil {
			return nil, err
		}
		n := int64(binary.BigEndian.Uint32(h))
		typ := string(h[4:8])
		switch n {
		case 0:
			n = size - pos
		case 1:
			x, err := readAt(r, pos+8, 8)
			if err != nil {
				return nil, fmt.Errorf("%w: bmff: box %q at offset %d: truncated largesize", ErrCorrupt, typ, pos)
			}
			n = int64(binary.BigEndian.Uint64(x))
			if n < 16 {
				return nil, fmt.Errorf("%w: bmff: box %q at offset %d: largesize %d", ErrCorrupt, typ, pos, n)
			}
		}
		if n < 8 || n > size-pos {
			return nil, fmt.Errorf("%w: bmff: box %q at offset %d: length %d beyond file end", ErrCorrupt, typ, pos, n)
		}
		out = append(out, bmffBox{off: pos, size: n, typ: typ, ra: r, base: pos})
		pos += n
		if len(out) > 1<<20 {
			return nil, fmt.Errorf("%w: bmff: more than a million top-level boxes", ErrCorrupt)
		}
	}
	return out, nil
}

func isC2PABox(b bmffBox) bool {
	if b.typ != "uuid" || b.size < 24 {
		return false
	}
	u, err := b.bytesAt(8, 16)
	return err == nil && bytes.Equal(u, bmffUUID)
}

// c2paBoxStore returns the JUMBF store inside a C2PA uuid box ("manifest"
// purpose), or nil for other purposes.
func c2paBoxStore(b bmffBox) ([]byte, error) {
	if b.size > 1<<30 {
		return nil, fmt.Errorf("%w: bmff: C2PA box of %d bytes", ErrCorrupt, b.size)
	}
	body, err := b.bytesAt(0, int(b.size))
	if err != nil {
		return nil, err
	}
	hdr := 8
	if binary.BigEndian.Uint32(body) == 1 {
		hdr = 16
	}
	p := body[hdr+16:]
	if len(p) < 5 {
		return nil, fmt.Errorf("%w: bmff: C2PA box at offset %d too short", ErrCorrupt, b.off)
	}
	p = p[4:] // version, flags
	i := bytes.IndexByte(p, 0)
	if i < 0 {
		return nil, fmt.Errorf("%w: bmff: C2PA box at offset %d: purpose not terminated", ErrCorrupt, b.off)
	}
	purpose := string(p[:i])
	p = p[i+1:]
	if purpose != "manifest" {
		return nil, nil
	}
	if len(p) < 8 {
		return nil, fmt.Errorf("%w: bmff: C2PA box at offset %d: no merkle offset", ErrCorrupt, b.off)
	}
	return p[8:], nil
}

func scanBMFF(r io.ReaderAt, size int64) (*layout, error) {
	boxes, err := topBoxes(r, size)
	if err != nil {
		return nil, err
	}
	if len(boxes) == 0 || boxes[0].typ != "ftyp" {
		return nil, fmt.Errorf("%w: bmff: first box is not ftyp", ErrCorrupt)
	}
	l := &layout{c: BMFF}
	for _, b := range boxes {
		if isC2PABox(b) && l.store == nil {
			if l.store, err = c2paBoxStore(b); err != nil {
				return nil, err
			}
		}
	}
	l.wrapLen = func(n int) int64 { return int64(8 + 16 + 4 + len("manifest") + 1 + 8 + n) }
	l.wrap = func(st []byte) []byte {
		out := binary.BigEndian.AppendUint32(nil, uint32(l.wrapLen(len(st))))
		out = append(out, "uuid"...)
		out = append(out, bmffUUID...)
		out = append(out, 0, 0, 0, 0)
		out = append(out, "manifest\x00"...)
		out = append(out, 0, 0, 0, 0, 0, 0, 0, 0)
		return append(out, st...)
	}
	l.pieces = func(wl int64) ([]piece, error) {
		// Output position of every kept input box.
		outOff := make(map[int64]int64, len(boxes))
		pos := int64(0)
		for i, b := range boxes {
			if isC2PABox(b) {
				continue
			}
			outOff[b.off] = pos
			pos += b.size
			if i == 0 {
				pos += wl
			}
		}
		// Where each kept input box lands, for the absolute offsets inside
		// moov/moof/mfra (formats/mp4 patches stco, co64, saio, tfhd, tfra).
		om := &mp4.OffsetMap{}
		for _, b := range boxes {
			if no, ok := outOff[b.off]; ok {
				om.Add(b.off, b.size, no)
			}
		}
		var out []piece
		for i, b := range boxes {
			if isC2PABox(b) {
				continue
			}
			p := piece{src: span{b.off, b.size}, box: true}
			switch b.typ {
			case "moov", "moof", "mfra":
				if b.size > 256<<20 {
					return nil, fmt.Errorf("%w: bmff: %s box of %d bytes", ErrUnsupported, b.typ, b.size)
				}
				buf, err := b.bytesAt(0, int(b.size))
				if err != nil {
					return nil, err
				}
				node, err := mp4.ParseNode(buf)
				if err != nil {
					return nil, fmt.Errorf("%w: bmff: %s at offset %d: %v", ErrCorrupt, b.typ, b.off, err)
				}
				if err := mp4.ShiftOffsets(node, om); err != nil {
					return nil, fmt.Errorf("bmff: %s at offset %d: %w", b.typ, b.off, err)
				}
				p.lit = node.Bytes()
				if int64(len(p.lit)) != b.size {
					// stco promoted to co64 (offsets past 4 GiB): the layout
					// would move again.
					return nil, fmt.Errorf("%w: bmff: %s changes size when its offsets move", ErrUnsupported, b.typ)
				}
			}
			out = append(out, p)
			if i == 0 {
				out = append(out, piece{store: true, box: true})
			}
		}
		return out, nil
	}
	return l, nil
}
