package mp4

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"testing"
)

// sparseFile is an io.ReaderAt of a large file whose bytes past head are zero.
type sparseFile struct {
	head []byte
	size int64
}

func (s sparseFile) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) && off+int64(n) < s.size {
		if o := off + int64(n); o < int64(len(s.head)) {
			n += copy(p[n:], s.head[o:])
			continue
		}
		k := min(int64(len(p)-n), s.size-(off+int64(n)))
		clear(p[n : n+int(k)])
		n += int(k)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// prefixWriter keeps the first limit bytes written and counts the rest.
type prefixWriter struct {
	buf   bytes.Buffer
	limit int
	n     int64
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	if room := w.limit - w.buf.Len(); room > 0 {
		w.buf.Write(p[:min(room, len(p))])
	}
	w.n += int64(len(p))
	return len(p), nil
}

// TestPromoteCo64PastFourGiB labels a 4.3 GB file (zeros, never on disk)
// whose moov precedes mdat: growing moov pushes the last chunks past 4 GiB,
// so stco must become co64 with every entry shifted.
func TestPromoteCo64PastFourGiB(t *testing.T) {
	if testing.Short() {
		t.Skip("copies 4.3 GB through memory")
	}
	const mdatSize = int64(1)<<32 + 64<<20
	ftyp := NewLeaf("ftyp", []byte("isom\x00\x00\x02\x00isom"))
	mvhd := NewFullLeaf("mvhd", 0, 0, append(append(make([]byte, 8), u32s(1000, 10000)...), make([]byte, 80)...))
	binary.BigEndian.PutUint32(mvhd.Data[len(mvhd.Data)-4:], 2)
	entries := []uint32{0, 1 << 31, 0xFFFFFF00} // offsets inside mdat, filled below
	stco := NewFullLeaf("stco", 0, 0, u32s(append([]uint32{uint32(len(entries))}, entries...)...))
	moov := NewContainer("moov", nil, mvhd, NewContainer("trak", nil, NewContainer("mdia", nil,
		NewContainer("minf", nil, NewContainer("stbl", nil, stco)))))
	mdatAt := ftyp.Size() + moov.Size()
	want := []int64{mdatAt + 16, 1 << 31, 0xFFFFFF00}
	for i, v := range want {
		binary.BigEndian.PutUint32(stco.Data[8+4*i:], uint32(v))
	}
	var head bytes.Buffer
	head.Write(ftyp.Bytes())
	head.Write(moov.Bytes())
	var h [16]byte
	binary.BigEndian.PutUint32(h[:4], 1)
	copy(h[4:8], "mdat")
	binary.BigEndian.PutUint64(h[8:], uint64(mdatSize))
	head.Write(h[:])
	f := sparseFile{head: head.Bytes(), size: mdatAt + mdatSize}

	w := &prefixWriter{limit: 1 << 20}
	e := Edit{TextTracks: []TextTrack{{Text: "AI", Language: "eng", Name: "t", Default: true}}, Owner: "t"}
	if _, err := Apply(context.Background(), f, f.size, w, e); err != nil {
		t.Fatal(err)
	}
	out := w.buf.Bytes()
	// Only the first MiB was kept: read moov by hand.
	hd, err := ReadHeader(bytes.NewReader(out), ftyp.Size(), int64(len(out)))
	if err != nil || hd.Type != "moov" {
		t.Fatalf("no moov after ftyp: %v %v", hd, err)
	}
	n, err := ParseNode(out[hd.Offset:hd.End()])
	if err != nil {
		t.Fatal(err)
	}
	co := n.Find("trak", "mdia", "minf", "stbl", "co64")
	if co == nil {
		t.Fatal("stco was not promoted to co64")
	}
	// Everything after moov moved by the growth of moov plus the boxes after it.
	var shift int64 = -1
	for _, b := range scanUntil(t, out, hd.End(), mdatSize) {
		shift = b - mdatAt
	}
	for i, v := range want {
		got := int64(binary.BigEndian.Uint64(co.Data[8+8*i:]))
		if got != v+shift {
			t.Errorf("entry %d: %d, want %d (shift %d)", i, got, v+shift, shift)
		}
	}
	if w.n != f.size+shift {
		t.Errorf("output %d bytes, want %d", w.n, f.size+shift)
	}
	if shift <= 0 || want[2]+shift <= 0xFFFFFFFF {
		t.Fatalf("test does not cross 4 GiB (shift %d)", shift)
	}
}

// scanUntil returns the offset of the first top-level box of the given size at or after off.
func scanUntil(t *testing.T, b []byte, off int64, size int64) []int64 {
	for off+8 <= int64(len(b)) {
		hd, err := ReadHeader(bytes.NewReader(b), off, 1<<62)
		if err != nil {
			t.Fatal(err)
		}
		if hd.Size == size {
			return []int64{off}
		}
		off = hd.End()
	}
	t.Fatalf("no box of %d bytes after moov", size)
	return nil
}
