package mp4

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"testing"
)

func u32s(v ...uint32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.BigEndian.PutUint32(b[4*i:], x)
	}
	return b
}

func TestShiftOffsetsPromotesToCo64(t *testing.T) {
	stco := NewFullLeaf("stco", 0, 0, u32s(2, 100, 0xFFFFFF00))
	moov := NewContainer("moov", nil, NewContainer("trak", nil, NewContainer("mdia", nil,
		NewContainer("minf", nil, NewContainer("stbl", nil, stco)))))
	if err := ShiftOffsets(moov, Shift(50, 0x200)); err != nil {
		t.Fatal(err)
	}
	if stco.Type != "co64" {
		t.Fatalf("type %s, want co64", stco.Type)
	}
	got := []uint64{binary.BigEndian.Uint64(stco.Data[8:]), binary.BigEndian.Uint64(stco.Data[16:])}
	if got[0] != 100+0x200 || got[1] != 0xFFFFFF00+0x200 {
		t.Errorf("offsets %#x", got)
	}
	// The tree re-parses after serialisation.
	n, err := ParseNode(moov.Bytes())
	if err != nil || n.Find("trak", "mdia", "minf", "stbl", "co64") == nil {
		t.Errorf("reparse: %v", err)
	}
}

func TestShiftOffsetsTable(t *testing.T) {
	m := &OffsetMap{}
	m.Add(0, 100, 0)     // ftyp stays
	m.Add(100, 1000, 60) // moved back by 40
	m.Add(5000, 10, 7000)
	tests := []struct {
		name string
		box  *Node
		at   int // byte offset of the value in Data
		w    int // 4 or 8
		in   uint64
		want uint64
	}{
		{"stco", NewFullLeaf("stco", 0, 0, u32s(1, 150)), 8, 4, 150, 110},
		{"co64", NewFullLeaf("co64", 0, 0, append(u32s(1), 0, 0, 0, 0, 0, 0, 0x13, 0x88)), 8, 8, 5000, 7000},
		{"stco dropped range unchanged", NewFullLeaf("stco", 0, 0, u32s(1, 2000)), 8, 4, 2000, 2000},
		{"tfhd base offset", NewFullLeaf("tfhd", 0, 1, append(u32s(1), 0, 0, 0, 0, 0, 0, 0, 200)), 8, 8, 200, 160},
		{"tfhd relative", NewFullLeaf("tfhd", 0, 0x20000, u32s(1)), 4, 4, 1, 1},
		{"tfra v0", NewFullLeaf("tfra", 0, 0, u32s(1, 0, 1, 10, 500, 0x01010101)), 20, 4, 500, 460},
		{"saio v1", NewFullLeaf("saio", 1, 0, append(u32s(1), 0, 0, 0, 0, 0, 0, 0x13, 0x89)), 8, 8, 5001, 7001},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := NewContainer("moov", nil, NewContainer("stbl", nil, tc.box))
			if tc.box.Type == "tfhd" || tc.box.Type == "tfra" {
				root = NewContainer("moof", nil, tc.box)
			}
			if err := ShiftOffsets(root, m); err != nil {
				t.Fatal(err)
			}
			var got uint64
			if tc.w == 4 {
				got = uint64(binary.BigEndian.Uint32(tc.box.Data[tc.at:]))
			} else {
				got = binary.BigEndian.Uint64(tc.box.Data[tc.at:])
			}
			if got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestShiftOffsetsCorrupt(t *testing.T) {
	for _, b := range []*Node{
		NewFullLeaf("stco", 0, 0, u32s(1000)),
		NewFullLeaf("co64", 0, 0, u32s(2, 0, 1)),
		NewFullLeaf("tfhd", 0, 1, u32s(1)),
		NewFullLeaf("tfra", 0, 0, u32s(1, 0, 1000)),
		NewLeaf("stco", nil),
	} {
		if err := ShiftOffsets(NewContainer("moov", nil, NewContainer("stbl", nil, b)), Shift(0, 8)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", b.Type, err)
		}
	}
}

// tinyMP4 builds ftyp, moov (one stco entry pointing at the mdat payload),
// optionally a free box, then mdat.
func tinyMP4(free int) ([]byte, int) {
	ftyp := NewLeaf("ftyp", []byte("isom\x00\x00\x02\x00isom"))
	stco := NewFullLeaf("stco", 0, 0, u32s(1, 0))
	moov := NewContainer("moov", nil, NewContainer("trak", nil, NewContainer("mdia", nil,
		NewContainer("minf", nil, NewContainer("stbl", nil, stco)))))
	var b bytes.Buffer
	b.Write(ftyp.Bytes())
	pos := int(ftyp.Size() + moov.Size())
	if free > 0 {
		pos += free
	}
	payload := pos + 8
	binary.BigEndian.PutUint32(stco.Data[8:], uint32(payload))
	b.Write(moov.Bytes())
	if free > 0 {
		b.Write(NewLeaf("free", make([]byte, free-8)).Bytes())
	}
	b.Write(NewLeaf("mdat", []byte("MEDIA-PAYLOAD")).Bytes())
	return b.Bytes(), payload
}

func chunkOffset(t *testing.T, file []byte) int {
	t.Helper()
	boxes, err := ScanTop(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range boxes {
		if b.Type == "moov" {
			n, err := ParseNode(file[b.Offset:b.End()])
			if err != nil {
				t.Fatal(err)
			}
			st := n.Find("trak", "mdia", "minf", "stbl", "stco")
			return int(binary.BigEndian.Uint32(st.Data[8:]))
		}
	}
	t.Fatal("no moov")
	return 0
}

func TestInsertAfterFtyp(t *testing.T) {
	in, _ := tinyMP4(0)
	box := NewLeaf("uuid", []byte("manifest")).Bytes()
	var out bytes.Buffer
	if err := InsertAfterFtyp(context.Background(), bytes.NewReader(in), int64(len(in)), &out, box); err != nil {
		t.Fatal(err)
	}
	o := out.Bytes()
	off := chunkOffset(t, o)
	if string(o[off:off+13]) != "MEDIA-PAYLOAD" {
		t.Errorf("chunk offset %d points at %q", off, o[off:off+13])
	}
	if !bytes.Contains(o, box) || bytes.Index(o, box) != 20 {
		t.Errorf("box not right after ftyp")
	}
}

func TestFreeBoxAbsorbsGrowth(t *testing.T) {
	in, payload := tinyMP4(256)
	var out bytes.Buffer
	e := Edit{ITunes: map[string]string{ItemComment: "hello"}, ITunesOrder: []string{ItemComment}}
	if _, err := Apply(context.Background(), bytes.NewReader(in), int64(len(in)), &out, e); err != nil {
		t.Fatal(err)
	}
	o := out.Bytes()
	if len(o) != len(in) {
		t.Errorf("size %d → %d: free box did not absorb the growth", len(in), len(o))
	}
	if off := chunkOffset(t, o); off != payload || string(o[off:off+13]) != "MEDIA-PAYLOAD" {
		t.Errorf("chunk offset %d, want %d", off, payload)
	}
	// Without room, the media moves and the offset follows.
	in, _ = tinyMP4(0)
	out.Reset()
	if _, err := Apply(context.Background(), bytes.NewReader(in), int64(len(in)), &out, e); err != nil {
		t.Fatal(err)
	}
	o = out.Bytes()
	if off := chunkOffset(t, o); string(o[off:off+13]) != "MEDIA-PAYLOAD" {
		t.Errorf("chunk offset %d points at %q", off, o[off:off+13])
	}
}

func TestScanTopCorrupt(t *testing.T) {
	good, _ := tinyMP4(0)
	loop := bytes.Clone(good)
	binary.BigEndian.PutUint32(loop[20:], 3) // moov size 3: smaller than its header
	big := append(bytes.Clone(good[:20]), 0, 0, 0, 1, 'm', 'o', 'o', 'v', 0x80, 0, 0, 0, 0, 0, 0, 0)
	for name, b := range map[string][]byte{
		"empty":         nil,
		"truncated":     good[:len(good)-3],
		"stray bytes":   append(bytes.Clone(good), 1, 2, 3),
		"size 3":        loop,
		"size 2^63":     big,
		"garbage first": []byte("\x00\x00\x00\x08abcd"),
	} {
		if _, err := ScanTop(bytes.NewReader(b), int64(len(b))); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", name, err)
		}
	}
}

func TestParseNodeDepthLimit(t *testing.T) {
	n := NewLeaf("free", nil)
	for i := 0; i < 40; i++ {
		n = NewContainer("trak", nil, n)
		n = NewContainer("moov", nil, n)
	}
	if _, err := ParseNode(n.Bytes()); !errors.Is(err, ErrCorrupt) {
		t.Errorf("err = %v, want ErrCorrupt for deep nesting", err)
	}
}

func TestLargeSizeHeaderKept(t *testing.T) {
	b := []byte{0, 0, 0, 1, 'm', 'o', 'o', 'f', 0, 0, 0, 0, 0, 0, 0, 24, 0, 0, 0, 8, 'f', 'r', 'e', 'e'}
	n, err := ParseNode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(n.Bytes(), b) {
		t.Errorf("round trip % x", n.Bytes())
	}
}
