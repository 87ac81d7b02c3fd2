package mp4

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// OffsetMap says where bytes of the input file end up in the output: each
// segment moves the input range [From, From+Len) to To. Offsets outside
// every segment (data that was dropped) are left as they are.
type OffsetMap struct {
	segs   []segment
	sorted bool
}

type segment struct{ from, len, to int64 }

// Add records that the input range [from, from+n) is written at to.
func (m *OffsetMap) Add(from, n, to int64) {
	if n <= 0 {
		return
	}
	m.segs = append(m.segs, segment{from, n, to})
	m.sorted = false // sorted once, on the first Map: files can have thousands of boxes
}

// Shift returns a map that moves every offset at or after at by delta —
// the effect of inserting delta bytes at at.
func Shift(at, delta int64) *OffsetMap {
	m := &OffsetMap{}
	m.Add(at, 1<<62, at+delta)
	return m
}

// Map returns the new position of input offset off.
func (m *OffsetMap) Map(off int64) (int64, bool) {
	if !m.sorted {
		sort.Slice(m.segs, func(i, j int) bool { return m.segs[i].from < m.segs[j].from })
		m.sorted = true
	}
	i := sort.Search(len(m.segs), func(i int) bool { return m.segs[i].from+m.segs[i].len > off })
	if i < len(m.segs) && m.segs[i].from <= off {
		return m.segs[i].to + (off - m.segs[i].from), true
	}
	return off, false
}

// Identity reports whether the map moves nothing.
func (m *OffsetMap) Identity() bool {
	for _, s := range m.segs {
		if s.from != s.to {
			return false
		}
	}
	return true
}

// ShiftOffsets rewrites every absolute file offset inside a moov, moof or
// mfra tree according to m: stco and co64 chunk offsets (an stco whose new
// offsets pass 4 GiB becomes a co64), saio in sample tables, tfhd explicit
// base data offsets and tfra moof offsets. Offsets relative to a box (trun
// data offsets, sidx references, saio inside fragments) need nothing.
func ShiftOffsets(root *Node, m *OffsetMap) error {
	var err error
	var walk func(n *Node, parent string)
	walk = func(n *Node, parent string) {
		if err != nil {
			return
		}
		switch n.Type {
		case "stco", "co64":
			err = shiftChunkOffsets(n, m)
		case "saio":
			if parent == "stbl" {
				err = shiftSaio(n, m)
			}
		case "tfhd":
			err = shiftTfhd(n, m)
		case "tfra":
			err = shiftTfra(n, m)
		}
		for _, c := range n.Children {
			walk(c, n.Type)
		}
	}
	walk(root, "")
	return err
}

func shiftChunkOffsets(n *Node, m *OffsetMap) error {
	d := n.Data
	if len(d) < 8 {
		return fmt.Errorf("%w: %s box of %d bytes", ErrCorrupt, n.Type, len(d))
	}
	count := uint64(binary.BigEndian.Uint32(d[4:8]))
	width := uint64(4)
	if n.Type == "co64" {
		width = 8
	}
	if count*width > uint64(len(d)-8) {
		return fmt.Errorf("%w: %s box: %d entries do not fit in %d bytes", ErrCorrupt, n.Type, count, len(d)-8)
	}
	vals := make([]int64, count)
	promote := false
	for i := range vals {
		p := 8 + uint64(i)*width
		var v int64
		if width == 4 {
			v = int64(binary.BigEndian.Uint32(d[p:]))
		} else {
			v = int64(binary.BigEndian.Uint64(d[p:]))
		}
		nv, _ := m.Map(v)
		if nv < 0 {
			return fmt.Errorf("%w: %s entry %d would move before the file start", ErrCorrupt, n.Type, i)
		}
		vals[i] = nv
		if width == 4 && nv > 0xFFFFFFFF {
			promote = true
		}
	}
	if promote {
		n.Type = "co64"
		width = 8
		nd := make([]byte, 8+count*8)
		copy(nd, d[:8])
		n.Data = nd
		d = nd
	}
	for i, v := range vals {
		p := 8 + uint64(i)*width
		if width == 4 {
			binary.BigEndian.PutUint32(d[p:], uint32(v))
		} else {
			binary.BigEndian.PutUint64(d[p:], uint64(v))
		}
	}
	return nil
}

func shiftSaio(n *Node, m *OffsetMap) error {
	d := n.Data
	if len(d) < 8 {
		return fmt.Errorf("%w: saio box of %d bytes", ErrCorrupt, len(d))
	}
	version := d[0]
	p := 4
	if d[3]&1 != 0 {
		p += 8
	}
	if len(d) < p+4 {
		return fmt.Errorf("%w: saio box truncated", ErrCorrupt)
	}
	count := uint64(binary.BigEndian.Uint32(d[p:]))
	p += 4
	width := uint64(4)
	if version != 0 {
		width = 8
	}
	if count*width > uint64(len(d)-p) {
		return fmt.Errorf("%w: saio box: %d entries do not fit", ErrCorrupt, count)
	}
	for i := uint64(0); i < count; i++ {
		q := uint64(p) + i*width
		if width == 4 {
			v, _ := m.Map(int64(binary.BigEndian.Uint32(d[q:])))
			if v > 0xFFFFFFFF {
				return fmt.Errorf("%w: saio offset passes 4 GiB in a version-0 box", ErrUnsupported)
			}
			binary.BigEndian.PutUint32(d[q:], uint32(v))
		} else {
			v, _ := m.Map(int64(binary.BigEndian.Uint64(d[q:])))
			binary.BigEndian.PutUint64(d[q:], uint64(v))
		}
	}
	return nil
}

func shiftTfhd(n *Node, m *OffsetMap) error {
	d := n.Data
	if len(d) < 8 {
		return fmt.Errorf("%w: tfhd box of %d bytes", ErrCorrupt, len(d))
	}
	if d[3]&1 == 0 { // no base-data-offset: relative to moof
		return nil
	}
	if len(d) < 16 {
		return fmt.Errorf("%w: tfhd box truncated", ErrCorrupt)
	}
	v, _ := m.Map(int64(binary.BigEndian.Uint64(d[8:16])))
	binary.BigEndian.PutUint64(d[8:16], uint64(v))
	return nil
}

func shiftTfra(n *Node, m *OffsetMap) error {
	d := n.Data
	if len(d) < 16 {
		return fmt.Errorf("%w: tfra box of %d bytes", ErrCorrupt, len(d))
	}
	version := d[0]
	sizes := binary.BigEndian.Uint32(d[8:12])
	count := uint64(binary.BigEndian.Uint32(d[12:16]))
	tw := uint64(4)
	if version == 1 {
		tw = 8
	}
	rest := uint64((sizes>>4)&3+1) + uint64((sizes>>2)&3+1) + uint64(sizes&3+1)
	entry := 2*tw + rest
	if count*entry > uint64(len(d)-16) {
		return fmt.Errorf("%w: tfra box: %d entries do not fit", ErrCorrupt, count)
	}
	for i := uint64(0); i < count; i++ {
		q := 16 + i*entry + tw
		if tw == 4 {
			v, _ := m.Map(int64(binary.BigEndian.Uint32(d[q:])))
			if v > 0xFFFFFFFF {
				return fmt.Errorf("%w: tfra moof offset passes 4 GiB in a version-0 box", ErrUnsupported)
			}
			binary.BigEndian.PutUint32(d[q:], uint32(v))
		} else {
			v, _ := m.Map(int64(binary.BigEndian.Uint64(d[q:])))
			binary.BigEndian.PutUint64(d[q:], uint64(v))
		}
	}
	return nil
}
