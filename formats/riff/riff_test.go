package riff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fixtures(t testing.TB) []string {
	t.Helper()
	m, err := filepath.Glob("../../testdata/audio/*.wav")
	if err != nil || len(m) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	return m
}

func parseBytes(t testing.TB, b []byte) *File {
	t.Helper()
	f, err := Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func pieces(f *File) []Piece {
	var ps []Piece
	for _, c := range f.Chunks {
		ps = append(ps, FromChunk(c))
	}
	return ps
}

// Copying every chunk must reproduce a well-formed file byte for byte,
// except that the RIFF size always includes the last pad byte.
func TestCopyRoundTrip(t *testing.T) {
	for _, name := range fixtures(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			in, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f := parseBytes(t, in)
			if f.Kind != RIFF || f.Form != ID("WAVE") {
				t.Fatalf("kind %s form %s", f.Kind, f.Form)
			}
			var out bytes.Buffer
			tr := f.Trailing()
			placed, n, err := Write(&out, f.Form, pieces(f), &WriteOptions{Trailing: tr, TrailingSize: tr.Size()})
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(out.Len()) || len(placed) != len(f.Chunks) {
				t.Fatalf("n=%d len=%d placed=%d", n, out.Len(), len(placed))
			}
			got := out.Bytes()
			want := append([]byte(nil), in...)
			binary.LittleEndian.PutUint32(want[4:], uint32(len(want)-8-int(tr.Size())))
			if !bytes.Equal(got, want) {
				t.Fatalf("copy differs from input (len %d vs %d)", len(got), len(want))
			}
			for i, c := range placed {
				if c.Offset != f.Chunks[i].Offset || c.Size != f.Chunks[i].Size {
					t.Errorf("chunk %d placed at %d+%d, was %d+%d", i, c.Offset, c.Size, f.Chunks[i].Offset, f.Chunks[i].Size)
				}
			}
		})
	}
}

func TestBWFPadPastDeclaredEnd(t *testing.T) {
	in, err := os.ReadFile("../../testdata/audio/goaudio-bwf.wav")
	if err != nil {
		t.Fatal(err)
	}
	f := parseBytes(t, in)
	if f.TrailingOffset != int64(len(in)) {
		t.Errorf("trailing offset %d, want %d (the pad byte belongs to the last chunk)", f.TrailingOffset, len(in))
	}
	var ids []string
	for _, c := range f.Chunks {
		ids = append(ids, c.ID.String())
	}
	if got := strings.Join(ids, ","); got != "bext,fmt ,data,AFAn,JUNK,JUNK,JUNK,JUNK,JUNK,JUNK,JUNK,LIST,AFmd,ID3 " {
		t.Errorf("chunks %s", got)
	}
	l, _ := f.Find(LIST)
	if l.ListType != ID("INFO") {
		t.Errorf("list type %q", l.ListType)
	}
	b, err := l.ReadAll(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	typ, subs, err := ParseList(b)
	if err != nil || typ != ID("INFO") || len(subs) == 0 || subs[0].ID != ID("IPRD") || string(subs[0].Data) != "WADRA2\x00\x00" {
		t.Fatalf("ParseList: %q %v %v", typ, subs, err)
	}
	if !bytes.Equal(BuildList(typ, subs), b) {
		t.Error("BuildList(ParseList(x)) != x")
	}
}

func TestListPadding(t *testing.T) {
	b := BuildList(ID("INFO"), []SubChunk{{ID("ICMT"), []byte("abc")}, {ID("ISFT"), []byte("belgi\x00")}})
	want := "INFOICMT\x03\x00\x00\x00abc\x00ISFT\x06\x00\x00\x00belgi\x00"
	if string(b) != want {
		t.Fatalf("got %q want %q", b, want)
	}
}

func TestOddChunkPadded(t *testing.T) {
	var out bytes.Buffer
	_, _, err := Write(&out, ID("WAVE"), []Piece{FromBytes(ID("abcd"), []byte{1, 2, 3}), FromBytes(ID("efgh"), []byte{4})}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "RIFF\x1a\x00\x00\x00WAVEabcd\x03\x00\x00\x00\x01\x02\x03\x00efgh\x01\x00\x00\x00\x04\x00"
	if out.String() != want {
		t.Fatalf("got %q\nwant %q", out.String(), want)
	}
}

func TestCorruptSizes(t *testing.T) {
	base := "RIFF\x1a\x00\x00\x00WAVEabcd\x03\x00\x00\x00\x01\x02\x03\x00efgh\x01\x00\x00\x00\x04\x00"
	tests := []struct {
		name, in, want string
	}{
		{"short", "RIFF\x00", "too short"},
		{"not riff", "RIFX\x04\x00\x00\x00WAVE", "not RIFF"},
		{"riff size past end", "RIFF\xff\x00\x00\x00WAVE", "RIFF size 255 at offset 4 ends at 263, beyond file end 12"},
		{"chunk past end", strings.Replace(base, "\x03\x00\x00\x00", "\x30\x00\x00\x00", 1), `chunk "abcd" at offset 12: length 48 beyond file end 34`},
		{"stray bytes", "RIFF\x14\x00\x00\x00" + base[8:24] + "ef\x00\x00", "4 stray bytes at offset 24"},
		{"LIST too short", "RIFF\x0e\x00\x00\x00WAVELIST\x02\x00\x00\x00ab", "LIST chunk at offset 12: length 2"},
		{"rf64 no ds64", "RF64\xff\xff\xff\xffWAVEfmt \x10\x00\x00\x00" + strings.Repeat("\x00", 28), "want ds64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in), int64(len(tt.in)))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want ErrCorrupt containing %q", err, tt.want)
			}
		})
	}
	if _, _, err := ParseList([]byte("INFOICMT\x09\x00\x00\x00abc")); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `sub-chunk "ICMT" at offset 4: length 9 beyond list end 15`) {
		t.Errorf("ParseList: %v", err)
	}
}

func TestStreamingSizeAccepted(t *testing.T) {
	in := "RIFF\xff\xff\xff\xffWAVEabcd\x01\x00\x00\x00x\x00"
	f, err := Parse(strings.NewReader(in), int64(len(in)))
	if err != nil || len(f.Chunks) != 1 || f.Chunks[0].Size != 1 {
		t.Fatalf("%v %+v", err, f)
	}
	// ffmpeg writing WAV to a pipe leaves -1 in the RIFF and data sizes.
	in = "RIFF\xff\xff\xff\xffWAVEfmt \x02\x00\x00\x00abdata\xff\xff\xff\xff12345"
	f, err = Parse(strings.NewReader(in), int64(len(in)))
	if err != nil || len(f.Chunks) != 2 || f.Chunks[1].Size != 5 {
		t.Fatalf("%v %+v", err, f)
	}
	// Not in a file whose RIFF size is known.
	in = "RIFF\x16\x00\x00\x00WAVEdata\xff\xff\xff\xff12345"
	if _, err := Parse(strings.NewReader(in), int64(len(in))); err == nil {
		t.Error("data size -1 accepted in a sized RIFF")
	}
}

// RF64 output: forced by the option, read back through ds64.
func TestRF64RoundTrip(t *testing.T) {
	data := bytes.Repeat([]byte{7}, 1001)
	var out bytes.Buffer
	_, n, err := Write(&out, ID("WAVE"), []Piece{FromBytes(ID("fmt "), make([]byte, 16)), FromBytes(Data, data)}, &WriteOptions{Kind: RF64, SampleCount: 1001})
	if err != nil {
		t.Fatal(err)
	}
	b := out.Bytes()
	if string(b[:4]) != "RF64" || binary.LittleEndian.Uint32(b[4:]) != 0xFFFFFFFF {
		t.Fatalf("header %q", b[:8])
	}
	f := parseBytes(t, b)
	if f.DS64 == nil || f.DS64.RIFFSize != uint64(n-8) || f.DS64.DataSize != 1001 || f.DS64.SampleCount != 1001 {
		t.Fatalf("ds64 %+v", f.DS64)
	}
	d, ok := f.Find(Data)
	if !ok || d.Size != 1001 {
		t.Fatalf("data %+v", d)
	}
	got, _ := d.ReadAll(1 << 20)
	if !bytes.Equal(got, data) {
		t.Error("data differs")
	}
	// Copying an RF64 file keeps it RF64 and drops the old ds64 for a new one.
	var again bytes.Buffer
	if _, _, err := Write(&again, f.Form, pieces(f), &WriteOptions{Kind: f.Kind, SampleCount: f.DS64.SampleCount}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), b) {
		t.Error("RF64 copy differs")
	}
}

// A RIFF larger than 4 GiB is upgraded to RF64 (checked by Layout, without
// writing gigabytes).
func TestLayoutUpgradesToRF64(t *testing.T) {
	kind, placed, total, err := Layout(ID("WAVE"), []Piece{{ID: ID("fmt "), Size: 16}, {ID: Data, Size: 5 << 30}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if kind != RF64 || placed[0].ID != DS64 || placed[2].Offset != 12+8+28+8+16 || total != 12+8+28+8+16+8+5<<30 {
		t.Fatalf("kind %s placed %+v total %d", kind, placed, total)
	}
	if _, _, _, err := Layout(ID("WEBP"), []Piece{{ID: ID("VP8L"), Size: 5 << 30}}, nil); !errors.Is(err, ErrTooLarge) {
		t.Errorf("WEBP over 4 GiB: %v", err)
	}
}

func TestShortSource(t *testing.T) {
	_, _, err := Write(&bytes.Buffer{}, ID("WAVE"), []Piece{{ID: Data, Size: 10, Data: strings.NewReader("abc")}}, nil)
	if err == nil || !strings.Contains(err.Error(), `chunk "data": source gave 3 of 10 bytes`) {
		t.Fatalf("err %v", err)
	}
}
