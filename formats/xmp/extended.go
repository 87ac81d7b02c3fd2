package xmp

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// ExtendedGUID names an Extended XMP packet: the upper-case hex MD5 of its
// bytes (XMP Part 3, JPEG).
func ExtendedGUID(ext []byte) string {
	sum := md5.Sum(ext)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// SplitExtended serialises p for a container that limits one packet to
// limit bytes (JPEG: 65 504). When the whole packet fits, main is it and
// ext is nil. Otherwise the largest properties that keep does not protect
// move to ext, a separate packet without wrapper, and main gains
// xmpNote:HasExtendedXMP naming ext's GUID. p itself is not changed.
func (p *Packet) SplitExtended(limit int, o MarshalOptions, keep func(Name) bool) (main, ext []byte, err error) {
	if b := p.Marshal(o); len(b) <= limit {
		return b, nil, nil
	}
	mainP := &Packet{About: p.About, prefixes: p.prefixes}
	extP := &Packet{About: p.About, prefixes: p.prefixes}
	type cand struct {
		n    *Node
		size int
		idx  int
	}
	var movable []cand
	for i, n := range p.props {
		if n.Name == (Name{NSXMPNote, "HasExtendedXMP"}) {
			continue
		}
		mainP.props = append(mainP.props, n)
		if keep == nil || !keep(n.Name) {
			one := &Packet{props: []*Node{n}, prefixes: p.prefixes}
			movable = append(movable, cand{n, len(one.Marshal(MarshalOptions{NoWrapper: true})), i})
		}
	}
	sort.SliceStable(movable, func(i, j int) bool { return movable[i].size > movable[j].size })
	placeholder := strings.Repeat("0", 32)
	o.Padding = 0
	fits := func() bool {
		q := &Packet{About: mainP.About, props: append(append([]*Node{}, mainP.props...), &Node{Name: Name{NSXMPNote, "HasExtendedXMP"}, Text: placeholder}), prefixes: p.prefixes}
		return len(q.Marshal(o)) <= limit
	}
	moved := map[*Node]bool{}
	for _, c := range movable {
		if fits() {
			break
		}
		moved[c.n] = true
		kept := mainP.props[:0:0]
		for _, n := range mainP.props {
			if n != c.n {
				kept = append(kept, n)
			}
		}
		mainP.props = kept
	}
	if !fits() {
		return nil, nil, fmt.Errorf("xmp: the properties that must stay in the main packet exceed %d bytes", limit)
	}
	for _, n := range p.props {
		if moved[n] {
			extP.props = append(extP.props, n)
		}
	}
	ext = extP.Marshal(MarshalOptions{NoWrapper: true, Toolkit: o.Toolkit})
	mainP.SetText(NSXMPNote, "HasExtendedXMP", ExtendedGUID(ext))
	return mainP.Marshal(o), ext, nil
}

// Merge adds every property of other that p does not have (used to join a
// main packet and its Extended XMP when reading).
func (p *Packet) Merge(other *Packet) {
	for _, n := range other.props {
		if p.Property(n.Name.Space, n.Name.Local) == nil {
			p.props = append(p.props, n)
		}
	}
	for u, pre := range other.prefixes {
		if _, ok := p.prefixes[u]; !ok {
			p.prefixes[u] = pre
		}
	}
}
