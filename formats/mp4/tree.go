package mp4

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Node is a box held in memory. Containers have Children (and Prefix, the
// bytes between header and first child, e.g. a full box's version and
// flags); leaves have Data, their payload after the header.
type Node struct {
	Type     string
	UUID     [16]byte // for "uuid" boxes
	Prefix   []byte   // container only: payload bytes before the children
	Children []*Node
	Suffix   []byte // container only: trailing bytes after the children (QuickTime's 0 terminator)
	Data     []byte // leaf only
	leaf     bool
	large    bool // header had a 64-bit size: written back the same way, so moof sizes never change
}

// IsLeaf reports whether n carries raw Data rather than children.
func (n *Node) IsLeaf() bool { return n.leaf }

// NewLeaf returns a leaf box with the given payload.
func NewLeaf(typ string, data []byte) *Node { return &Node{Type: typ, Data: data, leaf: true} }

// NewFullLeaf returns a leaf full box: version, 24-bit flags, then data.
func NewFullLeaf(typ string, version uint8, flags uint32, data []byte) *Node {
	p := make([]byte, 4, 4+len(data))
	binary.BigEndian.PutUint32(p, uint32(version)<<24|flags&0xFFFFFF)
	return NewLeaf(typ, append(p, data...))
}

// NewContainer returns a container box with the given prefix and children.
func NewContainer(typ string, prefix []byte, children ...*Node) *Node {
	return &Node{Type: typ, Prefix: prefix, Children: children}
}

// containerPrefix says which box types are parsed as containers and how
// many payload bytes precede their children. parent decides for boxes whose
// meaning depends on where they are (ilst items).
func containerPrefix(typ, parent string, payload []byte) (int, bool) {
	switch typ {
	case "moov", "trak", "mdia", "minf", "stbl", "udta", "edts", "dinf", "mvex",
		"moof", "traf", "mfra", "ilst", "tref":
		return 0, true
	case "meta":
		// ISO meta is a full box (4 bytes version/flags); QuickTime's may not
		// be: its first child (hdlr) then starts right away.
		if len(payload) >= 8 && string(payload[4:8]) == "hdlr" {
			return 0, true
		}
		return 4, true
	case "stsd":
		return 8, true
	}
	if parent == "ilst" {
		return 0, true // metadata item: holds data (and mean/name) boxes
	}
	return 0, false
}

// ParseNode parses one whole box (header included) into a tree. Containers
// it knows are parsed recursively; everything else is kept as raw bytes.
func ParseNode(b []byte) (*Node, error) {
	n, used, err := parseNode(b, 0, "", 0)
	if err != nil {
		return nil, err
	}
	if used != len(b) {
		return nil, fmt.Errorf("%w: box %q: %d trailing bytes", ErrCorrupt, n.Type, len(b)-used)
	}
	return n, nil
}

// parseNode parses the box at the start of b; base is b's file offset (for errors).
func parseNode(b []byte, base int64, parent string, depth int) (*Node, int, error) {
	if depth > maxDepth {
		return nil, 0, fmt.Errorf("%w: boxes nested deeper than %d at offset %d", ErrCorrupt, maxDepth, base)
	}
	h, err := parseHeader(b[:min(len(b), 32)], base, base+int64(len(b)))
	if err != nil {
		return nil, 0, err
	}
	n := &Node{Type: h.Type, UUID: h.UUID, large: h.HeaderSize-boolInt(h.Type == "uuid")*16 == 16}
	payload := b[h.HeaderSize:h.Size]
	pre, isContainer := containerPrefix(h.Type, parent, payload)
	if !isContainer || pre > len(payload) || h.Type == "uuid" {
		n.leaf = true
		n.Data = payload
		return n, int(h.Size), nil
	}
	n.Prefix = payload[:pre]
	off := pre
	for off < len(payload) {
		rest := payload[off:]
		if len(rest) < 8 {
			// QuickTime ends some atom lists with a 32-bit zero.
			if allZero(rest) {
				n.Suffix = rest
				break
			}
			return nil, 0, fmt.Errorf("%w: box %q at offset %d: %d stray bytes at its end", ErrCorrupt, n.Type, base, len(rest))
		}
		c, used, err := parseNode(rest, base+h.HeaderSize+int64(off), n.Type, depth+1)
		if err != nil {
			if lenientContainer(n.Type) {
				n.Children, n.Prefix, n.Suffix = nil, nil, nil
				n.leaf, n.Data = true, payload
				return n, int(h.Size), nil
			}
			return nil, 0, err
		}
		n.Children = append(n.Children, c)
		off += used
	}
	return n, int(h.Size), nil
}

// lenientContainer: boxes whose contents vary by writer. If their children
// do not parse, they are kept as raw bytes instead of failing the file.
func lenientContainer(t string) bool {
	switch t {
	case "udta", "meta", "ilst", "tref", "edts", "dinf", "stsd":
		return true
	}
	return false
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// Size returns the serialised size of n, header included.
func (n *Node) Size() int64 {
	body := n.payloadSize()
	hdr := int64(8)
	if n.Type == "uuid" {
		hdr += 16
	}
	if n.large || body+hdr > 0xFFFFFFFF {
		hdr += 8
	}
	return body + hdr
}

func (n *Node) payloadSize() int64 {
	if n.leaf {
		return int64(len(n.Data))
	}
	s := int64(len(n.Prefix) + len(n.Suffix))
	for _, c := range n.Children {
		s += c.Size()
	}
	return s
}

// Bytes serialises n, header included.
func (n *Node) Bytes() []byte {
	var buf bytes.Buffer
	buf.Grow(int(n.Size()))
	n.appendTo(&buf)
	return buf.Bytes()
}

func (n *Node) appendTo(buf *bytes.Buffer) {
	size := n.Size()
	var h [16]byte
	if n.large || size > 0xFFFFFFFF {
		binary.BigEndian.PutUint32(h[:4], 1)
		copy(h[4:8], n.Type)
		binary.BigEndian.PutUint64(h[8:16], uint64(size))
		buf.Write(h[:16])
	} else {
		binary.BigEndian.PutUint32(h[:4], uint32(size))
		copy(h[4:8], n.Type)
		buf.Write(h[:8])
	}
	if n.Type == "uuid" {
		buf.Write(n.UUID[:])
	}
	if n.leaf {
		buf.Write(n.Data)
		return
	}
	buf.Write(n.Prefix)
	for _, c := range n.Children {
		c.appendTo(buf)
	}
	buf.Write(n.Suffix)
}

// Child returns the first child of type typ, or nil.
func (n *Node) Child(typ string) *Node {
	for _, c := range n.Children {
		if c.Type == typ {
			return c
		}
	}
	return nil
}

// Find follows a path of child types ("trak/mdia/hdlr") and returns the
// first match, or nil.
func (n *Node) Find(path ...string) *Node {
	cur := n
	for _, p := range path {
		if cur == nil {
			return nil
		}
		cur = cur.Child(p)
	}
	return cur
}

// All returns every child of type typ.
func (n *Node) All(typ string) []*Node {
	var out []*Node
	for _, c := range n.Children {
		if c.Type == typ {
			out = append(out, c)
		}
	}
	return out
}

// Remove deletes every child for which drop returns true and reports how many went.
func (n *Node) Remove(drop func(*Node) bool) int {
	kept := n.Children[:0]
	k := 0
	for _, c := range n.Children {
		if drop(c) {
			k++
			continue
		}
		kept = append(kept, c)
	}
	for i := len(kept); i < len(n.Children); i++ {
		n.Children[i] = nil
	}
	n.Children = kept
	return k
}

// Walk calls fn for n and every descendant, depth first.
func (n *Node) Walk(fn func(*Node)) {
	fn(n)
	for _, c := range n.Children {
		c.Walk(fn)
	}
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
