package mp4

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Edit says which metadata to write into a file. Boxes a previous Edit
// with the same Owner wrote are replaced, not repeated.
type Edit struct {
	// XMP, when not nil, replaces the file's XMP packet: in the top-level
	// uuid box (MP4) or in moov/udta/XMP_ (when XMPInUdta, for QuickTime).
	XMP       []byte
	XMPInUdta bool
	// QuickTimeKeys are set in moov/meta (handler mdta); ITunes items in
	// moov/udta/meta/ilst. Orders fix the order of new entries.
	QuickTimeKeys  map[string]string
	QuickTimeOrder []string
	ITunes         map[string]string
	ITunesOrder    []string
	// TextTracks are added as tx3g tracks, after removing every text track
	// whose handler name starts with Owner (and the box holding its samples).
	TextTracks []TextTrack
	// Owner marks our text tracks (their handler name starts with it).
	Owner string
}

// Info is what Read finds.
type Info struct {
	QuickTime     bool // QuickTime brand (or no ftyp)
	Fragmented    bool
	XMP           []byte // from the uuid box, else moov/udta/XMP_
	XMPIn         string // "uuid" or "udta"
	QuickTimeKeys map[string]string
	ITunes        map[string]string
	TextTracks    []TextTrackInfo
	Boxes         []Box // top-level layout
}

// Read returns the metadata and text tracks of an MP4/MOV file. It reads
// the top-level box headers, moov and the XMP box, nothing else.
func Read(r io.ReaderAt, size int64) (*Info, error) {
	boxes, err := ScanTop(r, size)
	if err != nil {
		return nil, err
	}
	info := &Info{Boxes: boxes, QuickTime: IsQuickTime(r, boxes)}
	var moov *Node
	for _, b := range boxes {
		switch {
		case b.Type == "moov" && moov == nil:
			raw, err := readBox(r, b)
			if err != nil {
				return nil, err
			}
			if moov, err = ParseNode(raw); err != nil {
				return nil, err
			}
		case b.Type == "moof":
			info.Fragmented = true
		case b.Type == "uuid" && b.UUID == XMPUUID && info.XMP == nil:
			raw, err := readBox(r, b)
			if err != nil {
				return nil, err
			}
			info.XMP, info.XMPIn = raw[b.HeaderSize:], "uuid"
		}
	}
	if moov == nil {
		return nil, fmt.Errorf("%w: no moov box", ErrCorrupt)
	}
	if info.XMP == nil {
		if x := UdtaXMP(moov); x != nil {
			info.XMP, info.XMPIn = x, "udta"
		}
	}
	info.QuickTimeKeys = QuickTimeKeys(moov)
	info.ITunes = ITunes(moov)
	info.TextTracks = TextTracks(r, moov)
	return info, nil
}

// virtualBase is where the made-up offsets of new sample data start: far
// beyond any real file, so they cannot be confused with input offsets.
const virtualBase = int64(1) << 56

// Apply writes the file (size bytes of r) to w with e applied. Media data
// is copied unchanged; moov is rebuilt and every chunk offset patched. The
// layout is chosen to move as little as possible: new boxes go right after
// moov, and a free box after moov absorbs the growth when it is big enough.
// On error nothing has been written unless the error came from w.
func Apply(ctx context.Context, r io.ReaderAt, size int64, w io.Writer, e Edit) (Result, error) {
	var res Result
	err := apply(ctx, r, size, w, e, &res)
	return res, err
}

// Result says what Apply could not do (metadata places it left alone).
type Result struct {
	Warnings []string
}

func apply(ctx context.Context, r io.ReaderAt, size int64, w io.Writer, e Edit, res *Result) error {
	boxes, err := ScanTop(r, size)
	if err != nil {
		return err
	}
	moovAt := -1
	for i, b := range boxes {
		if b.Type == "moov" {
			if moovAt >= 0 {
				return fmt.Errorf("%w: two moov boxes (at %d and %d)", ErrCorrupt, boxes[moovAt].Offset, b.Offset)
			}
			moovAt = i
		}
	}
	if moovAt < 0 {
		return fmt.Errorf("%w: no moov box", ErrCorrupt)
	}
	raw, err := readBox(r, boxes[moovAt])
	if err != nil {
		return err
	}
	moov, err := ParseNode(raw)
	if err != nil {
		return err
	}

	// Our earlier text tracks: remove them and remember where their samples were.
	var oldSamples []Range
	var oldIDs []uint32
	if e.Owner != "" {
		for _, t := range TextTracks(r, moov) {
			if strings.HasPrefix(t.Name, e.Owner) {
				oldIDs = append(oldIDs, t.ID)
				oldSamples = append(oldSamples, t.Chunks...)
			}
		}
		moov.Remove(func(c *Node) bool {
			return c.Type == "trak" && containsID(oldIDs, TrackID(c))
		})
		if mvex := moov.Child("mvex"); mvex != nil {
			mvex.Remove(func(c *Node) bool {
				return c.Type == "trex" && len(c.Data) >= 8 && containsID(oldIDs, beU32(c.Data[4:8]))
			})
		}
	}

	// Metadata inside moov.
	if e.XMP != nil && e.XMPInUdta {
		if err := SetUdtaXMP(moov, e.XMP); err != nil {
			return err
		}
	} else if e.XMP != nil {
		RemoveUdtaXMP(moov) // the uuid box is the one place for MP4
	}
	if len(e.QuickTimeKeys) > 0 {
		if err := SetQuickTimeKeys(moov, e.QuickTimeKeys, e.QuickTimeOrder); errors.Is(err, ErrUnsupported) {
			res.Warnings = append(res.Warnings, err.Error()+"; QuickTime keys not written")
		} else if err != nil {
			return err
		}
	}
	if len(e.ITunes) > 0 {
		if err := SetITunes(moov, e.ITunes, e.ITunesOrder); errors.Is(err, ErrUnsupported) {
			res.Warnings = append(res.Warnings, err.Error()+"; iTunes items not written")
		} else if err != nil {
			return err
		}
	}

	// New text tracks, with their samples in one small mdat after moov.
	var sampleBox []byte
	if len(e.TextTracks) > 0 {
		mv, err := MovieInfo(moov)
		if err != nil {
			return err
		}
		fragmented := false
		for _, b := range boxes {
			fragmented = fragmented || b.Type == "moof"
		}
		if fragmented {
			secs, err := FragmentDuration(r, moov, boxes)
			if err != nil {
				return err
			}
			if d := uint64(secs * float64(mv.Timescale)); d > mv.Duration {
				mv.Duration = d
			}
		}
		var data []byte
		var traks []*Node
		id := mv.NextTrackID
		for _, t := range e.TextTracks {
			s := TextSample(t.Text)
			off := virtualBase + 8 + int64(len(data))
			traks = append(traks, NewTextTrak(t, mv, id, off, uint32(len(s)), mv.MaxAltGroup+1))
			if mvex := moov.Child("mvex"); mvex != nil {
				mvex.Children = append(mvex.Children, NewTrex(id))
			}
			data = append(data, s...)
			id++
		}
		insertAfterLast(moov, "trak", traks)
		setNextTrackID(moov, id)
		sampleBox = NewLeaf("mdat", data).Bytes()
	}

	// Lay out the top level: drop our old XMP uuid (when replacing it) and
	// the mdat that held only our old samples; new boxes follow moov.
	var pieces []Piece
	for i, b := range boxes {
		switch {
		case b.Type == "uuid" && b.UUID == XMPUUID && e.XMP != nil:
			continue
		case b.Type == "mdat" && onlyHolds(b, oldSamples):
			continue
		}
		if i == moovAt {
			pieces = append(pieces, Piece{Node: moov})
			if e.XMP != nil && !e.XMPInUdta {
				pieces = append(pieces, Piece{Node: NewXMPBox(e.XMP)})
			}
			if sampleBox != nil {
				pieces = append(pieces, Piece{Raw: sampleBox, Virtual: virtualBase})
			}
			continue
		}
		pieces = append(pieces, CopyBox(b))
	}
	return Rewrite(ctx, r, pieces, w)
}

func containsID(ids []uint32, id uint32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func beU32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// onlyHolds reports whether mdat b holds exactly the given sample ranges
// (back to back) and nothing else: the box an earlier Apply wrote.
func onlyHolds(b Box, samples []Range) bool {
	if len(samples) == 0 || b.ToEOF {
		return false
	}
	pos := b.PayloadOffset()
	for _, s := range samples {
		if s.Offset != pos {
			return false
		}
		pos += s.Size
	}
	return pos == b.End()
}

func insertAfterLast(parent *Node, typ string, nodes []*Node) {
	at := len(parent.Children)
	for i, c := range parent.Children {
		if c.Type == typ {
			at = i + 1
		}
	}
	out := make([]*Node, 0, len(parent.Children)+len(nodes))
	out = append(out, parent.Children[:at]...)
	out = append(out, nodes...)
	out = append(out, parent.Children[at:]...)
	parent.Children = out
}

func setNextTrackID(moov *Node, id uint32) {
	if mvhd := moov.Child("mvhd"); mvhd != nil && len(mvhd.Data) >= 4 {
		d := mvhd.Data
		d[len(d)-4], d[len(d)-3], d[len(d)-2], d[len(d)-1] = byte(id>>24), byte(id>>16), byte(id>>8), byte(id)
	}
}
