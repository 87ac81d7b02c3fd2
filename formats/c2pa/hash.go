package c2pa

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"sort"
	"strings"
)

// copyBuf is the chunk size for streaming hashes and copies.
const copyBuf = 256 << 10

// hashRange feeds r[off, off+n) into h.
func hashRange(h hash.Hash, r io.ReaderAt, off, n int64, buf []byte) error {
	for n > 0 {
		k := int64(len(buf))
		if k > n {
			k = n
		}
		m, err := r.ReadAt(buf[:k], off)
		h.Write(buf[:m])
		if int64(m) < k {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		off += k
		n -= k
	}
	return nil
}

// dataHash hashes r (size bytes) without the exclusions, as c2pa.hash.data
// defines it.
func dataHash(alg string, r io.ReaderAt, size int64, ex []Exclusion) ([]byte, error) {
	h, err := newHash(alg)
	if err != nil {
		return nil, err
	}
	ex = append([]Exclusion(nil), ex...)
	sort.Slice(ex, func(i, j int) bool { return ex[i].Start < ex[j].Start })
	buf := make([]byte, copyBuf)
	pos := int64(0)
	for _, e := range ex {
		if e.Start > uint64(size) || e.Length > uint64(size)-e.Start {
			return nil, fmt.Errorf("%w: exclusion %d+%d beyond %d bytes", ErrCorrupt, e.Start, e.Length, size)
		}
		if int64(e.Start) < pos {
			return nil, fmt.Errorf("%w: overlapping exclusions at %d", ErrCorrupt, e.Start)
		}
		if err := hashRange(h, r, pos, int64(e.Start)-pos, buf); err != nil {
			return nil, err
		}
		pos = int64(e.Start + e.Length)
	}
	if err := hashRange(h, r, pos, size-pos, buf); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// bmffContainers are the boxes whose children an exclusion xpath may
// name; meta may start with 4 bytes of version and flags (see metaChildren).
var bmffContainers = map[string]bool{"moov": true, "trak": true, "mdia": true, "minf": true, "stbl": true,
	"moof": true, "traf": true, "mfra": true, "meta": true, "edts": true, "dinf": true, "udta": true}

// boxesAt lists the boxes of r inside [off, end).
func boxesAt(r io.ReaderAt, off, end int64) ([]bmffBox, error) {
	var out []bmffBox
	for pos := off; pos+8 <= end; {
		h, err := readAt(r, pos, 8)
		if err != nil {
			return nil, err
		}
		n := int64(binary.BigEndian.Uint32(h))
		switch n {
		case 0:
			n = end - pos
		case 1:
			x, err := readAt(r, pos+8, 8)
			if err != nil {
				return nil, err
			}
			n = int64(binary.BigEndian.Uint64(x))
		}
		if n < 8 || n > end-pos {
			return nil, fmt.Errorf("%w: bmff: box %q at offset %d: length %d beyond its parent", ErrCorrupt, h[4:8], pos, n)
		}
		out = append(out, bmffBox{off: pos, size: n, typ: string(h[4:8]), ra: r, base: pos})
		pos += n
		if len(out) > 1<<20 {
			return nil, fmt.Errorf("%w: bmff: too many boxes", ErrCorrupt)
		}
	}
	return out, nil
}

// bmffHeaderLen is the size of b's header: 16 with a 64-bit size, else 8.
func bmffHeaderLen(b bmffBox) int64 {
	if h, err := b.bytesAt(0, 4); err == nil && binary.BigEndian.Uint32(h) == 1 {
		return 16
	}
	return 8
}

// metaChildren returns the offset of the first child of meta box b. ISO
// BMFF's meta is a full box (version and flags, then children); QuickTime's
// moov/meta, as Apple devices and ExifTool write it, has no version and
// flags: its payload starts with a child box (hdlr first). A payload whose
// first 8 bytes are a plausible child size and a known child type is
// QuickTime's; anything else is read as the full box.
func metaChildren(b bmffBox) int64 {
	start := b.off + bmffHeaderLen(b)
	h, err := b.bytesAt(start-b.off, 8)
	if err != nil {
		return start + 4
	}
	n := int64(binary.BigEndian.Uint32(h))
	if n >= 8 && n <= b.off+b.size-start && quickTimeMetaChild[string(h[4:8])] {
		return start
	}
	return start + 4
}

// quickTimeMetaChild are the box types that may open a QuickTime meta.
var quickTimeMetaChild = map[string]bool{"hdlr": true, "keys": true, "ilst": true, "free": true, "skip": true, "uuid": true, "ctry": true, "lang": true}

// boxesByPath finds the boxes an xpath such as "/moov/trak/mdia/minf/stbl/stco" names.
func boxesByPath(r io.ReaderAt, top []bmffBox, xpath string) []bmffBox {
	parts := strings.Split(strings.TrimPrefix(xpath, "/"), "/")
	level := top
	for i, p := range parts {
		var next []bmffBox
		for _, b := range level {
			if b.typ != p {
				continue
			}
			if i == len(parts)-1 {
				next = append(next, b)
				continue
			}
			if !bmffContainers[b.typ] {
				continue
			}
			start := b.off + bmffHeaderLen(b)
			if b.typ == "meta" {
				start = metaChildren(b)
			}
			kids, err := boxesAt(r, start, b.off+b.size)
			if err == nil {
				next = append(next, kids...)
			}
		}
		level = next
	}
	return level
}

// bmffMatches reports whether box b passes exclusion e's conditions.
func bmffMatches(b bmffBox, e BMFFExclusion) bool {
	if e.Length != nil && *e.Length != uint64(b.size) {
		return false
	}
	if e.Version != nil {
		v, err := b.bytesAt(8, 1)
		if err == nil && uint64(v[0]) != *e.Version {
			return false
		}
	}
	if len(e.Flags) >= 3 {
		f, err := b.bytesAt(9, 3)
		if err == nil {
			exact := e.Exact == nil || *e.Exact
			want := uint32(e.Flags[0])<<16 | uint32(e.Flags[1])<<8 | uint32(e.Flags[2])
			got := uint32(f[0])<<16 | uint32(f[1])<<8 | uint32(f[2])
			if exact && want != got || !exact && want|got != want {
				return false
			}
		}
	}
	for _, d := range e.Data {
		v, err := b.bytesAt(int64(d.Offset), len(d.Value))
		if err != nil || !bytes.Equal(v, d.Value) {
			return false
		}
	}
	return true
}

// bmffHash hashes r (size bytes) as c2pa.hash.bmff does: the boxes the
// exclusions name (or their subsets) are left out; for version 2 and later
// every top-level box not wholly excluded contributes its 8-byte
// big-endian file offset before its bytes.
func bmffHash(alg string, r io.ReaderAt, size int64, ex []BMFFExclusion, withOffsets bool) ([]byte, error) {
	h, err := newHash(alg)
	if err != nil {
		return nil, err
	}
	top, err := topBoxes(r, size)
	if err != nil {
		return nil, err
	}
	whole := map[int64]bool{}
	var ranges []Exclusion
	for _, e := range ex {
		for _, b := range boxesByPath(r, top, e.XPath) {
			if !bmffMatches(b, e) {
				continue
			}
			if len(e.Subset) == 0 {
				ranges = append(ranges, Exclusion{uint64(b.off), uint64(b.size)})
				whole[b.off] = true
				continue
			}
			for _, s := range e.Subset {
				if int64(s.Offset) > b.size {
					continue
				}
				n := uint64(b.size) - s.Offset
				if s.Length != 0 && s.Length < n {
					n = s.Length
				}
				ranges = append(ranges, Exclusion{uint64(b.off) + s.Offset, n})
			}
		}
	}
	sort.Slice(ranges, func(i, j int) bool { return ranges[i].Start < ranges[j].Start })
	buf := make([]byte, copyBuf)
	ri := 0
	for _, b := range top {
		if whole[b.off] {
			continue
		}
		if withOffsets {
			h.Write(binary.BigEndian.AppendUint64(nil, uint64(b.off)))
		}
		pos, end := b.off, b.off+b.size
		for ri < len(ranges) && int64(ranges[ri].Start+ranges[ri].Length) <= pos {
			ri++
		}
		for j := ri; j < len(ranges) && int64(ranges[j].Start) < end; j++ {
			rs, re := int64(ranges[j].Start), int64(ranges[j].Start+ranges[j].Length)
			if rs > pos {
				if err := hashRange(h, r, pos, rs-pos, buf); err != nil {
					return nil, err
				}
			}
			if re > pos {
				pos = re
			}
		}
		if pos < end {
			if err := hashRange(h, r, pos, end-pos, buf); err != nil {
				return nil, err
			}
		}
	}
	return h.Sum(nil), nil
}

// HashData computes a c2pa.hash.data value: the hash (alg "sha256",
// "sha384" or "sha512") of r's size bytes without the exclusions.
func HashData(alg string, r io.ReaderAt, size int64, ex []Exclusion) ([]byte, error) {
	return dataHash(alg, r, size, ex)
}
