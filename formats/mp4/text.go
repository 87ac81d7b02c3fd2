package mp4

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"
)

// TextTrack describes a tx3g timed-text track with one sample shown for the
// whole movie.
type TextTrack struct {
	Text     string // UTF-8; lines separated by "\n"
	Language string // ISO 639-2/T, e.g. "kaz", "rus"
	Name     string // handler name; marks the track's owner
	Default  bool   // enabled (players and ffmpeg treat it as the default track)
	Forced   bool   // QuickTime "all samples forced" display flags
}

// Movie is what a text track needs to know about the movie it joins.
type Movie struct {
	Timescale   uint32
	Duration    uint64 // in Timescale units
	NextTrackID uint32
	Width       uint32 // 16.16 fixed point, of the first visual track
	Height      uint32
	MaxAltGroup uint16
}

// MovieInfo reads timescale, duration, next track ID, the first visual
// track's size and the highest alternate group from moov.
func MovieInfo(moov *Node) (Movie, error) {
	var mv Movie
	mvhd := moov.Child("mvhd")
	if mvhd == nil || len(mvhd.Data) < 4 {
		return mv, fmt.Errorf("%w: moov has no mvhd", ErrCorrupt)
	}
	d := mvhd.Data
	if d[0] == 1 {
		if len(d) < 4+28+80 {
			return mv, fmt.Errorf("%w: mvhd truncated", ErrCorrupt)
		}
		mv.Timescale = binary.BigEndian.Uint32(d[20:24])
		mv.Duration = binary.BigEndian.Uint64(d[24:32])
	} else {
		if len(d) < 4+16+80 {
			return mv, fmt.Errorf("%w: mvhd truncated", ErrCorrupt)
		}
		mv.Timescale = binary.BigEndian.Uint32(d[12:16])
		mv.Duration = uint64(binary.BigEndian.Uint32(d[16:20]))
		if mv.Duration == 0xFFFFFFFF {
			mv.Duration = 0
		}
	}
	if mv.Timescale == 0 {
		return mv, fmt.Errorf("%w: mvhd timescale is 0", ErrCorrupt)
	}
	mv.NextTrackID = binary.BigEndian.Uint32(d[len(d)-4:])
	maxID := uint32(0)
	for _, trak := range moov.All("trak") {
		tk := trak.Child("tkhd")
		if tk == nil || len(tk.Data) < 84 {
			continue
		}
		t := tk.Data
		var id uint32
		var rest []byte
		if t[0] == 1 {
			if len(t) < 96 {
				continue
			}
			id = binary.BigEndian.Uint32(t[20:24])
			rest = t[36:]
		} else {
			id = binary.BigEndian.Uint32(t[12:16])
			rest = t[24:]
		}
		maxID = max(maxID, id)
		// rest: reserved(8) layer(2) alternate_group(2) volume(2) reserved(2) matrix(36) width(4) height(4)
		mv.MaxAltGroup = max(mv.MaxAltGroup, binary.BigEndian.Uint16(rest[10:12]))
		if mv.Width == 0 && HandlerType(trak.Find("mdia", "hdlr")) == "vide" {
			mv.Width = binary.BigEndian.Uint32(rest[52:56])
			mv.Height = binary.BigEndian.Uint32(rest[56:60])
		}
		if secs := trackDuration(trak); secs > 0 && uint64(secs*float64(mv.Timescale)) > mv.Duration {
			mv.Duration = uint64(secs * float64(mv.Timescale))
		}
	}
	if mv.NextTrackID <= maxID || mv.NextTrackID == 0xFFFFFFFF {
		mv.NextTrackID = maxID + 1
	}
	if mv.Width == 0 {
		mv.Width, mv.Height = 640<<16, 360<<16
	}
	return mv, nil
}

// trackDuration returns a track's media duration in seconds from mdhd.
func trackDuration(trak *Node) float64 {
	ts, dur := mdhdTiming(trak)
	if ts == 0 {
		return 0
	}
	return float64(dur) / float64(ts)
}

func mdhdTiming(trak *Node) (timescale uint32, duration uint64) {
	m := trak.Find("mdia", "mdhd")
	if m == nil || len(m.Data) < 24 {
		return 0, 0
	}
	d := m.Data
	if d[0] == 1 {
		if len(d) < 36 {
			return 0, 0
		}
		timescale, duration = binary.BigEndian.Uint32(d[20:24]), binary.BigEndian.Uint64(d[24:32])
	} else {
		timescale, duration = binary.BigEndian.Uint32(d[12:16]), uint64(binary.BigEndian.Uint32(d[16:20]))
		if duration == 0xFFFFFFFF {
			duration = 0
		}
	}
	return
}

// FragmentDuration adds up the sample durations of every movie fragment
// (moof boxes among boxes) and returns the longest track's end in seconds.
// Only the moof boxes are read.
func FragmentDuration(r io.ReaderAt, moov *Node, boxes []Box) (float64, error) {
	scale := map[uint32]uint32{}
	defDur := map[uint32]uint32{}
	for _, trak := range moov.All("trak") {
		if tk := trak.Child("tkhd"); tk != nil && len(tk.Data) >= 24 {
			p := 12
			if tk.Data[0] == 1 {
				p = 20
			}
			ts, _ := mdhdTiming(trak)
			scale[binary.BigEndian.Uint32(tk.Data[p:p+4])] = ts
		}
	}
	if mvex := moov.Child("mvex"); mvex != nil {
		for _, trex := range mvex.All("trex") {
			if len(trex.Data) >= 16 {
				defDur[binary.BigEndian.Uint32(trex.Data[4:8])] = binary.BigEndian.Uint32(trex.Data[12:16])
			}
		}
	}
	end := map[uint32]uint64{}
	for _, b := range boxes {
		if b.Type != "moof" {
			continue
		}
		raw, err := readBox(r, b)
		if err != nil {
			return 0, err
		}
		moof, err := ParseNode(raw)
		if err != nil {
			return 0, err
		}
		for _, traf := range moof.All("traf") {
			id, dur, base, hasBase, err := trafDuration(traf, defDur)
			if err != nil {
				return 0, err
			}
			if hasBase {
				end[id] = max(end[id], base+dur)
			} else {
				end[id] += dur
			}
		}
	}
	best := 0.0
	for id, e := range end {
		if ts := scale[id]; ts > 0 {
			best = max(best, float64(e)/float64(ts))
		}
	}
	return best, nil
}

func trafDuration(traf *Node, defDur map[uint32]uint32) (id uint32, dur, base uint64, hasBase bool, err error) {
	tfhd := traf.Child("tfhd")
	if tfhd == nil || len(tfhd.Data) < 8 {
		return 0, 0, 0, false, fmt.Errorf("%w: traf without tfhd", ErrCorrupt)
	}
	d := tfhd.Data
	flags := binary.BigEndian.Uint32(d[0:4]) & 0xFFFFFF
	id = binary.BigEndian.Uint32(d[4:8])
	def := defDur[id]
	p := 8
	if flags&0x1 != 0 {
		p += 8
	}
	if flags&0x2 != 0 {
		p += 4
	}
	if flags&0x8 != 0 {
		if len(d) < p+4 {
			return 0, 0, 0, false, fmt.Errorf("%w: tfhd truncated", ErrCorrupt)
		}
		def = binary.BigEndian.Uint32(d[p:])
	}
	if t := traf.Child("tfdt"); t != nil && len(t.Data) >= 8 {
		hasBase = true
		if t.Data[0] == 1 && len(t.Data) >= 12 {
			base = binary.BigEndian.Uint64(t.Data[4:12])
		} else {
			base = uint64(binary.BigEndian.Uint32(t.Data[4:8]))
		}
	}
	for _, trun := range traf.All("trun") {
		t := trun.Data
		if len(t) < 8 {
			return 0, 0, 0, false, fmt.Errorf("%w: trun truncated", ErrCorrupt)
		}
		tf := binary.BigEndian.Uint32(t[0:4]) & 0xFFFFFF
		count := uint64(binary.BigEndian.Uint32(t[4:8]))
		q := uint64(8)
		if tf&0x1 != 0 {
			q += 4
		}
		if tf&0x4 != 0 {
			q += 4
		}
		per := uint64(0)
		for _, bit := range []uint32{0x100, 0x200, 0x400, 0x800} {
			if tf&bit != 0 {
				per += 4
			}
		}
		if count*per > uint64(len(t))-min(q, uint64(len(t))) {
			return 0, 0, 0, false, fmt.Errorf("%w: trun: %d samples do not fit", ErrCorrupt, count)
		}
		if tf&0x100 == 0 {
			dur += count * uint64(def)
			continue
		}
		for i := uint64(0); i < count; i++ {
			dur += uint64(binary.BigEndian.Uint32(t[q+i*per:]))
		}
	}
	return id, dur, base, hasBase, nil
}

// TextSample returns the bytes of a tx3g sample holding text.
func TextSample(text string) []byte {
	b := make([]byte, 2, 2+len(text))
	binary.BigEndian.PutUint16(b, uint16(len(text)))
	return append(b, text...)
}

// NewTextTrak builds a trak for t with track ID id whose single sample (of
// sampleSize bytes) sits at file offset chunkOffset and lasts the movie.
func NewTextTrak(t TextTrack, mv Movie, id uint32, chunkOffset int64, sampleSize uint32, altGroup uint16) *Node {
	be := binary.BigEndian
	dur := mv.Duration
	if dur == 0 {
		dur = uint64(mv.Timescale) // an empty movie still gets one second
	}
	// tkhd, version 1 when the duration needs 64 bits.
	flags := uint32(0x2) // in movie
	if t.Default {
		flags |= 0x1 // enabled
	}
	var tk bytes.Buffer
	ver := uint8(0)
	if dur > 0xFFFFFFFF {
		ver = 1
		tk.Write(make([]byte, 16)) // creation, modification
		binary.Write(&tk, be, id)
		tk.Write(make([]byte, 4))
		binary.Write(&tk, be, dur)
	} else {
		tk.Write(make([]byte, 8))
		binary.Write(&tk, be, id)
		tk.Write(make([]byte, 4))
		binary.Write(&tk, be, uint32(dur))
	}
	tk.Write(make([]byte, 8))        // reserved
	binary.Write(&tk, be, uint16(0)) // layer
	binary.Write(&tk, be, altGroup)  // alternate group
	binary.Write(&tk, be, uint16(0)) // volume
	binary.Write(&tk, be, uint16(0)) // reserved
	for _, v := range []uint32{0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000} {
		binary.Write(&tk, be, v) // identity matrix
	}
	binary.Write(&tk, be, mv.Width)
	binary.Write(&tk, be, mv.Height)
	tkhd := NewFullLeaf("tkhd", ver, flags, tk.Bytes())

	var md bytes.Buffer
	if ver == 1 {
		md.Write(make([]byte, 16))
		binary.Write(&md, be, mv.Timescale)
		binary.Write(&md, be, dur)
	} else {
		md.Write(make([]byte, 8))
		binary.Write(&md, be, mv.Timescale)
		binary.Write(&md, be, uint32(dur))
	}
	binary.Write(&md, be, packLanguage(t.Language))
	binary.Write(&md, be, uint16(0))
	mdhd := NewFullLeaf("mdhd", ver, 0, md.Bytes())

	hdlr := NewLeaf("hdlr", hdlrPayload("\x00\x00\x00\x00", "sbtl", "", t.Name))

	// tx3g sample entry (3GPP TS 26.245 5.16).
	w, h := int16(mv.Width>>16), int16(mv.Height>>16)
	fontSize := uint8(max(12, min(255, int(h)/18)))
	var se bytes.Buffer
	se.Write(make([]byte, 6))        // reserved
	binary.Write(&se, be, uint16(1)) // data reference index
	display := uint32(0)
	if t.Forced {
		display = 0xC0000000 // QuickTime: some and all samples forced
	}
	binary.Write(&se, be, display)
	se.Write([]byte{1, 0xFF})                         // centred, bottom
	se.Write([]byte{0, 0, 0, 0})                      // background RGBA
	binary.Write(&se, be, []int16{0, 0, h, w})        // default text box: top, left, bottom, right
	binary.Write(&se, be, []uint16{0, 0, 1})          // style: start, end, font ID
	se.Write([]byte{0, fontSize, 255, 255, 255, 255}) // face, size, white
	ftab := []byte{0, 1, 0, 1, byte(len("Sans-Serif"))}
	ftab = append(ftab, "Sans-Serif"...)
	se.Write(NewLeaf("ftab", ftab).Bytes())
	tx3g := NewLeaf("tx3g", se.Bytes())
	stsd := NewContainer("stsd", []byte{0, 0, 0, 0, 0, 0, 0, 1}, tx3g)

	u32s := func(v ...uint32) []byte {
		b := make([]byte, 4*len(v))
		for i, x := range v {
			be.PutUint32(b[4*i:], x)
		}
		return b
	}
	sampleDur := uint32(min(dur, 0xFFFFFFFF))
	co := make([]byte, 12)
	be.PutUint32(co[0:4], 1)
	be.PutUint64(co[4:12], uint64(chunkOffset))
	stbl := NewContainer("stbl", nil,
		stsd,
		NewFullLeaf("stts", 0, 0, u32s(1, 1, sampleDur)),
		NewFullLeaf("stsc", 0, 0, u32s(1, 1, 1, 1)),
		NewFullLeaf("stsz", 0, 0, u32s(0, 1, sampleSize)),
		NewFullLeaf("co64", 0, 0, co),
	)
	dinf := NewContainer("dinf", nil,
		NewLeaf("dref", append(u32s(0, 1), NewFullLeaf("url ", 0, 1, nil).Bytes()...)))
	minf := NewContainer("minf", nil, NewFullLeaf("nmhd", 0, 0, nil), dinf, stbl)
	mdia := NewContainer("mdia", nil, mdhd, hdlr, minf)
	return NewContainer("trak", nil, tkhd, mdia)
}

// NewTrex returns a track-extends box with neutral defaults, which
// fragmented files need for every track.
func NewTrex(id uint32) *Node {
	b := make([]byte, 20)
	binary.BigEndian.PutUint32(b[0:4], id)
	binary.BigEndian.PutUint32(b[4:8], 1)
	return NewFullLeaf("trex", 0, 0, b)
}

func packLanguage(lang string) uint16 {
	if len(lang) != 3 {
		return 0x55C4 // "und"
	}
	var v uint16
	for i := 0; i < 3; i++ {
		c := lang[i]
		if c < 'a' || c > 'z' {
			return 0x55C4
		}
		v = v<<5 | uint16(c-0x60)
	}
	return v
}

func unpackLanguage(v uint16) string {
	if v < 0x400 {
		return "" // Macintosh language code
	}
	return string([]byte{byte(v>>10&31) + 0x60, byte(v>>5&31) + 0x60, byte(v&31) + 0x60})
}

// TrackID returns a trak's track ID, or 0.
func TrackID(trak *Node) uint32 {
	tk := trak.Child("tkhd")
	if tk == nil || len(tk.Data) < 24 {
		return 0
	}
	if tk.Data[0] == 1 {
		return binary.BigEndian.Uint32(tk.Data[20:24])
	}
	return binary.BigEndian.Uint32(tk.Data[12:16])
}

// TextTrackInfo is a text track found in a file.
type TextTrackInfo struct {
	ID       uint32
	Codec    string // sample entry type: tx3g, text, wvtt, stpp…
	Language string // ISO 639-2/T from mdhd, "" when unknown
	Name     string // handler name
	Enabled  bool
	Text     string // first sample (tx3g/text only)
	// Chunks are the byte ranges of the track's samples in the file.
	Chunks []Range
}

// Range is a byte range in a file.
type Range struct{ Offset, Size int64 }

// TextTracks lists the text tracks of moov (handlers sbtl, text, subt) and
// reads the first sample of tx3g/text tracks from r.
func TextTracks(r io.ReaderAt, moov *Node) []TextTrackInfo {
	var out []TextTrackInfo
	for _, trak := range moov.All("trak") {
		hdlr := trak.Find("mdia", "hdlr")
		switch HandlerType(hdlr) {
		case "sbtl", "text", "subt":
		default:
			continue
		}
		info := TextTrackInfo{ID: TrackID(trak), Name: HandlerName(hdlr)}
		if tk := trak.Child("tkhd"); tk != nil && len(tk.Data) >= 4 {
			info.Enabled = tk.Data[3]&1 != 0
		}
		if m := trak.Find("mdia", "mdhd"); m != nil && len(m.Data) >= 24 {
			p := 20
			if m.Data[0] == 1 {
				p = 32
			}
			if len(m.Data) >= p+2 {
				info.Language = unpackLanguage(binary.BigEndian.Uint16(m.Data[p:]))
			}
		}
		stbl := trak.Find("mdia", "minf", "stbl")
		if stbl == nil {
			out = append(out, info)
			continue
		}
		if stsd := stbl.Child("stsd"); stsd != nil && len(stsd.Children) > 0 {
			info.Codec = stsd.Children[0].Type
		}
		info.Chunks = sampleRanges(stbl, 64)
		if (info.Codec == "tx3g" || info.Codec == "text") && len(info.Chunks) > 0 && info.Chunks[0].Size >= 2 && info.Chunks[0].Size <= 1<<16+2 {
			buf := make([]byte, info.Chunks[0].Size)
			if _, err := r.ReadAt(buf, info.Chunks[0].Offset); err == nil {
				n := int(binary.BigEndian.Uint16(buf))
				if n <= len(buf)-2 && utf8.Valid(buf[2:2+n]) {
					info.Text = string(buf[2 : 2+n])
				}
			}
		}
		out = append(out, info)
	}
	return out
}

// sampleRanges returns the byte ranges of up to limit samples of a sample
// table, one per sample, from stsc, stsz and stco/co64.
func sampleRanges(stbl *Node, limit int) []Range {
	be := binary.BigEndian
	var chunks []int64
	if c := stbl.Child("stco"); c != nil && len(c.Data) >= 8 {
		n := int(be.Uint32(c.Data[4:8]))
		for i := 0; i < n && 8+4*i+4 <= len(c.Data) && i < limit; i++ {
			chunks = append(chunks, int64(be.Uint32(c.Data[8+4*i:])))
		}
	} else if c := stbl.Child("co64"); c != nil && len(c.Data) >= 8 {
		n := int(be.Uint32(c.Data[4:8]))
		for i := 0; i < n && 8+8*i+8 <= len(c.Data) && i < limit; i++ {
			chunks = append(chunks, int64(be.Uint64(c.Data[8+8*i:])))
		}
	}
	stsz, stsc := stbl.Child("stsz"), stbl.Child("stsc")
	if stsz == nil || stsc == nil || len(stsz.Data) < 12 || len(stsc.Data) < 8 {
		return nil
	}
	fixed := be.Uint32(stsz.Data[4:8])
	nSamples := int(be.Uint32(stsz.Data[8:12]))
	size := func(i int) int64 {
		if fixed != 0 {
			return int64(fixed)
		}
		if 12+4*i+4 > len(stsz.Data) {
			return -1
		}
		return int64(be.Uint32(stsz.Data[12+4*i:]))
	}
	type run struct{ first, per uint32 }
	var runs []run
	nr := int(be.Uint32(stsc.Data[4:8]))
	for i := 0; i < nr && 8+12*i+12 <= len(stsc.Data); i++ {
		runs = append(runs, run{be.Uint32(stsc.Data[8+12*i:]), be.Uint32(stsc.Data[12+12*i:])})
	}
	var out []Range
	s := 0
	for ci, off := range chunks {
		per := uint32(1)
		for _, r := range runs {
			if uint32(ci+1) >= r.first {
				per = r.per
			}
		}
		for k := uint32(0); k < per && s < nSamples && len(out) < limit; k++ {
			sz := size(s)
			if sz < 0 {
				return out
			}
			out = append(out, Range{off, sz})
			off += sz
			s++
		}
	}
	return out
}
