package c2pa

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// JUMBF (ISO/IEC 19566-5) is a tree of ISO BMFF-style boxes: a superbox
// "jumb" holds a description box "jumd" (type UUID, label, …) and content
// boxes ("cbor", "json", "uuid", "bfdb"/"bidb", or more superboxes).

// C2PA JUMBF type UUIDs are XXXXXXXX-0011-0010-8000-00AA00389B71 with the
// four-character code in front.
func c2paUUID(fourCC string) [16]byte {
	var u [16]byte
	copy(u[:4], fourCC)
	copy(u[4:], []byte{0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71})
	return u
}

// Superbox types used by C2PA.
var (
	TypeStore      = c2paUUID("c2pa") // manifest store
	TypeManifest   = c2paUUID("c2ma") // standard manifest
	TypeUpdate     = c2paUUID("c2um") // update manifest
	TypeAssertions = c2paUUID("c2as") // assertion store
	TypeClaim      = c2paUUID("c2cl") // claim
	TypeSignature  = c2paUUID("c2cs") // claim signature
	TypeCBOR       = c2paUUID("cbor") // CBOR assertion
	TypeJSON       = c2paUUID("json") // JSON assertion
)

// Description toggles (ISO 19566-5 table B.2).
const (
	toggleRequestable = 0x01
	toggleLabel       = 0x02
	toggleID          = 0x04
	toggleSignature   = 0x08
	togglePrivate     = 0x10
)

// maxDepth bounds superbox nesting so hostile input cannot exhaust the stack.
const maxDepth = 32

// Box is one JUMBF box. A superbox ("jumb") has Desc and Children; any other
// box has Payload (its bytes after the header).
type Box struct {
	Type     string
	Payload  []byte
	Desc     *Description
	Children []*Box
	// raw is the whole box as parsed (header included), kept so that hashes
	// are computed over the exact bytes found rather than a re-encoding.
	raw []byte
}

// Description is a superbox's "jumd" box.
type Description struct {
	Type      [16]byte
	Toggles   byte
	Label     string
	ID        uint32 // valid when Toggles&toggleID
	Signature []byte // 32 bytes when Toggles&toggleSignature
	Private   *Box   // e.g. the "c2sh" salt box, when Toggles&togglePrivate
}

// NewSuperbox returns a superbox of the given type and label.
func NewSuperbox(typ [16]byte, label string, children ...*Box) *Box {
	return &Box{Type: "jumb", Desc: &Description{Type: typ, Toggles: toggleRequestable | toggleLabel, Label: label}, Children: children}
}

// Label returns a superbox's label ("" for other boxes).
func (b *Box) Label() string {
	if b.Desc == nil {
		return ""
	}
	return b.Desc.Label
}

// Child returns the first child superbox with the given label.
func (b *Box) Child(label string) *Box {
	for _, c := range b.Children {
		if c.Desc != nil && c.Desc.Label == label {
			return c
		}
	}
	return nil
}

// Content returns the first child that is not a superbox (the content box).
func (b *Box) Content() *Box {
	for _, c := range b.Children {
		if c.Desc == nil {
			return c
		}
	}
	return nil
}

// Bytes returns the box encoded, header included. A parsed box returns the
// exact bytes it was parsed from.
func (b *Box) Bytes() []byte {
	if b.raw != nil {
		return b.raw
	}
	return b.Append(nil)
}

// Append encodes the box onto dst.
func (b *Box) Append(dst []byte) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = append(dst, b.Type...)
	if b.Type == "jumb" {
		dst = b.Desc.append(dst)
		for _, c := range b.Children {
			dst = c.Append(dst)
		}
	} else {
		dst = append(dst, b.Payload...)
	}
	n := len(dst) - start
	if n > 0xFFFFFFFF {
		// Needs XLBox: rebuild with the 16-byte header.
		body := append([]byte(nil), dst[start+8:]...)
		dst = dst[:start]
		dst = binary.BigEndian.AppendUint32(dst, 1)
		dst = append(dst, b.Type...)
		dst = binary.BigEndian.AppendUint64(dst, uint64(len(body)+16))
		return append(dst, body...)
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(n))
	return dst
}

// payloadBytes is the box without its header: what C2PA hashes for a
// hashed URI (the superbox's jumd and content boxes).
func (b *Box) payloadBytes() []byte {
	raw := b.Bytes()
	if len(raw) >= 16 && binary.BigEndian.Uint32(raw) == 1 {
		return raw[16:]
	}
	return raw[8:]
}

func (d *Description) append(dst []byte) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0, 'j', 'u', 'm', 'd')
	dst = append(dst, d.Type[:]...)
	t := d.Toggles &^ (toggleLabel | toggleID | toggleSignature | togglePrivate)
	if d.Label != "" {
		t |= toggleLabel
	}
	if d.Toggles&toggleID != 0 {
		t |= toggleID
	}
	if len(d.Signature) == 32 {
		t |= toggleSignature
	}
	if d.Private != nil {
		t |= togglePrivate
	}
	dst = append(dst, t)
	if t&toggleLabel != 0 {
		dst = append(dst, d.Label...)
		dst = append(dst, 0)
	}
	if t&toggleID != 0 {
		dst = binary.BigEndian.AppendUint32(dst, d.ID)
	}
	if t&toggleSignature != 0 {
		dst = append(dst, d.Signature...)
	}
	if t&togglePrivate != 0 {
		dst = d.Private.Append(dst)
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start))
	return dst
}

// ParseJUMBF parses one box (normally the "jumb" manifest store) from the
// start of data and returns it with the bytes that follow it.
func ParseJUMBF(data []byte) (*Box, []byte, error) {
	return parseBox(data, 0, 0)
}

// boxHeader reads a box header: total size, type, header size.
func boxHeader(data []byte, off int) (size uint64, typ string, hdr int, err error) {
	if len(data) < 8 {
		return 0, "", 0, fmt.Errorf("%w: jumbf: box at offset %d: %d bytes left, need an 8-byte header", ErrCorrupt, off, len(data))
	}
	size = uint64(binary.BigEndian.Uint32(data))
	typ = string(data[4:8])
	hdr = 8
	switch size {
	case 0:
		size = uint64(len(data))
	case 1:
		if len(data) < 16 {
			return 0, "", 0, fmt.Errorf("%w: jumbf: box %q at offset %d: truncated XLBox", ErrCorrupt, typ, off)
		}
		size = binary.BigEndian.Uint64(data[8:])
		hdr = 16
	}
	if size < uint64(hdr) || size > uint64(len(data)) {
		return 0, "", 0, fmt.Errorf("%w: jumbf: box %q at offset %d: length %d beyond %d bytes available", ErrCorrupt, typ, off, size, len(data))
	}
	return size, typ, hdr, nil
}

func parseBox(data []byte, off, depth int) (*Box, []byte, error) {
	size, typ, hdr, err := boxHeader(data, off)
	if err != nil {
		return nil, nil, err
	}
	b := &Box{Type: typ, raw: data[:size:size]}
	body := data[hdr:size]
	if typ != "jumb" {
		b.Payload = body
		return b, data[size:], nil
	}
	if depth >= maxDepth {
		return nil, nil, fmt.Errorf("%w: jumbf: superbox at offset %d nested deeper than %d", ErrCorrupt, off, maxDepth)
	}
	// The first child must be the description box.
	dsize, dtyp, dhdr, err := boxHeader(body, off+hdr)
	if err != nil {
		return nil, nil, err
	}
	if dtyp != "jumd" {
		return nil, nil, fmt.Errorf("%w: jumbf: superbox at offset %d starts with %q, want jumd", ErrCorrupt, off, dtyp)
	}
	b.Desc, err = parseDescription(body[dhdr:dsize], off+hdr, depth)
	if err != nil {
		return nil, nil, err
	}
	rest := body[dsize:]
	pos := off + hdr + int(dsize)
	for len(rest) > 0 {
		c, r, err := parseBox(rest, pos, depth+1)
		if err != nil {
			return nil, nil, err
		}
		pos += len(rest) - len(r)
		rest = r
		b.Children = append(b.Children, c)
	}
	return b, data[size:], nil
}

func parseDescription(d []byte, off, depth int) (*Description, error) {
	if len(d) < 17 {
		return nil, fmt.Errorf("%w: jumbf: jumd at offset %d: %d bytes, need 17", ErrCorrupt, off, len(d))
	}
	desc := &Description{Toggles: d[16]}
	copy(desc.Type[:], d[:16])
	d = d[17:]
	if desc.Toggles&toggleLabel != 0 {
		i := bytes.IndexByte(d, 0)
		if i < 0 {
			return nil, fmt.Errorf("%w: jumbf: jumd at offset %d: label not NUL-terminated", ErrCorrupt, off)
		}
		desc.Label = string(d[:i])
		d = d[i+1:]
	}
	if desc.Toggles&toggleID != 0 {
		if len(d) < 4 {
			return nil, fmt.Errorf("%w: jumbf: jumd at offset %d: truncated ID", ErrCorrupt, off)
		}
		desc.ID = binary.BigEndian.Uint32(d)
		d = d[4:]
	}
	if desc.Toggles&toggleSignature != 0 {
		if len(d) < 32 {
			return nil, fmt.Errorf("%w: jumbf: jumd at offset %d: truncated signature", ErrCorrupt, off)
		}
		desc.Signature = d[:32]
		d = d[32:]
	}
	if desc.Toggles&togglePrivate != 0 && len(d) > 0 {
		p, _, err := parseBox(d, off, depth+1)
		if err != nil {
			return nil, err
		}
		desc.Private = p
	}
	return desc, nil
}

// cborBox returns a "cbor" content box.
func cborBox(payload []byte) *Box { return &Box{Type: "cbor", Payload: payload} }
