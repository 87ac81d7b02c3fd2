// Package wav reads and rewrites the metadata chunks of WAV files (RIFF,
// RF64 and BW64 WAVE) without touching the samples, and converts PCM
// sample bytes to and from float32 for the layers that change samples.
//
// Metadata edits (LIST/INFO fields, the XMP `_PMX` chunk, extra chunks
// such as `C2PA`) stream every other chunk — `data`, `bext`, `iXML`,
// `cue `, `smpl`, unknown ones — from the input byte for byte, so memory
// does not grow with the file.
//
// It is not for deciding what to write (package label does) and not a
// resampler or codec beyond linear PCM and IEEE float.
package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/belgi/belgi/formats/riff"
)

// ErrCorrupt is wrapped by errors about malformed WAV files.
var ErrCorrupt = errors.New("wav: corrupt")

// ErrTooLong reports audio longer than a caller's sample limit.
var ErrTooLong = errors.New("wav: too long to decode")

// ErrUnsupported reports a sample encoding this package cannot decode
// (ADPCM, µ-law, MP3-in-WAV, …). Metadata edits still work for those.
var ErrUnsupported = errors.New("wav: unsupported sample format")

// Chunk ids this package reads or writes.
var (
	IDFmt  = riff.ID("fmt ")
	IDFact = riff.ID("fact")
	IDXMP  = riff.ID("_PMX") // Adobe XMP in RIFF
	IDC2PA = riff.ID("C2PA") // C2PA manifest store in RIFF
	IDInfo = riff.ID("INFO") // LIST type
	IDID3a = riff.ID("id3 ")
	IDID3b = riff.ID("ID3 ")
	IDCSET = riff.ID("CSET") // character set of the INFO texts
)

// csetUTF8 is a CSET chunk declaring code page 65001 (UTF-8), country,
// language and dialect 0. Without it exiftool decodes INFO texts as
// Latin-1 (mojibake for Kazakh and Russian); with it exiftool 12.57 shows
// them right (its -validate warns "Unsupported character set (65001)"
// because its code-page table is not consulted, and passes the UTF-8
// through). ffprobe passes the bytes through either way.
var csetUTF8 = []byte{0xE9, 0xFD, 0, 0, 0, 0, 0, 0}

// Sample encodings (wFormatTag, or the sub-format of WAVE_FORMAT_EXTENSIBLE).
const (
	TagPCM        = 1
	TagFloat      = 3
	TagExtensible = 0xFFFE
)

// Format is the decoded `fmt ` chunk.
type Format struct {
	Tag           uint16 // as written: 1, 3 or 0xFFFE (or another codec)
	Encoding      uint16 // TagPCM or TagFloat after resolving EXTENSIBLE; else Tag
	Channels      int
	SampleRate    int
	BlockAlign    int // bytes per frame
	BitsPerSample int // container bits per sample
	ValidBits     int // significant bits (EXTENSIBLE), else BitsPerSample
	ChannelMask   uint32
}

// BytesPerSample is the container size of one sample.
func (f Format) BytesPerSample() int { return (f.BitsPerSample + 7) / 8 }

// Decodable reports whether DecodeSamples handles f.
func (f Format) Decodable() bool {
	if f.Channels <= 0 || f.BlockAlign != f.Channels*f.BytesPerSample() {
		return false
	}
	switch f.Encoding {
	case TagPCM:
		return f.BitsPerSample == 8 || f.BitsPerSample == 16 || f.BitsPerSample == 24 || f.BitsPerSample == 32
	case TagFloat:
		return f.BitsPerSample == 32 || f.BitsPerSample == 64
	case TagMuLaw, TagALaw:
		return f.BitsPerSample == 8
	}
	return false
}

func (f Format) String() string {
	enc := fmt.Sprintf("tag 0x%04x", f.Encoding)
	switch f.Encoding {
	case TagPCM:
		enc = "PCM"
	case TagFloat:
		enc = "float"
	}
	return fmt.Sprintf("%s %d-bit, %d Hz, %d ch", enc, f.BitsPerSample, f.SampleRate, f.Channels)
}

// File is a parsed WAV file: its chunk list plus the parts belgi reads.
type File struct {
	RIFF   *riff.File
	Format Format
	Data   riff.Chunk
	// Info holds the sub-chunks of the first LIST/INFO chunk (nil if none).
	Info []riff.SubChunk
	// XMP is the payload of the `_PMX` chunk (nil if none).
	XMP []byte
	// C2PA is true when a `C2PA` chunk is present.
	C2PA bool
	// ID3 is the payload of an `id3 `/`ID3 ` chunk some tools add (nil if none).
	ID3 []byte
}

// maxMeta bounds the metadata chunks read into memory.
const maxMeta = 16 << 20

// Parse reads the chunk list and the metadata chunks of a WAV file.
func Parse(r io.ReaderAt, size int64) (*File, error) {
	rf, err := riff.Parse(r, size)
	if err != nil {
		return nil, fmt.Errorf("wav: %w", wrapCorrupt(err))
	}
	if rf.Form != riff.ID("WAVE") {
		return nil, fmt.Errorf("%w: RIFF form %q is not WAVE", ErrCorrupt, rf.Form)
	}
	f := &File{RIFF: rf}
	var haveFmt, haveData, haveInfo bool
	for _, c := range rf.Chunks {
		switch {
		case c.ID == IDFmt && !haveFmt:
			b, err := c.ReadAll(1 << 16)
			if err != nil {
				return nil, fmt.Errorf("wav: %w", wrapCorrupt(err))
			}
			if f.Format, err = parseFmt(b, c.Offset); err != nil {
				return nil, err
			}
			haveFmt = true
		case c.ID == riff.Data && !haveData:
			f.Data, haveData = c, true
		case c.ID == riff.LIST && c.ListType == IDInfo && !haveInfo:
			b, err := c.ReadAll(maxMeta)
			if err != nil {
				return nil, fmt.Errorf("wav: %w", wrapCorrupt(err))
			}
			_, subs, err := riff.ParseList(b)
			if err != nil {
				return nil, fmt.Errorf("wav: chunk LIST/INFO at offset %d: %w", c.Offset, wrapCorrupt(err))
			}
			f.Info, haveInfo = subs, true
		case c.ID == IDXMP && f.XMP == nil:
			if f.XMP, err = c.ReadAll(maxMeta); err != nil {
				return nil, fmt.Errorf("wav: %w", wrapCorrupt(err))
			}
		case c.ID == IDC2PA:
			f.C2PA = true
		case (c.ID == IDID3a || c.ID == IDID3b) && f.ID3 == nil:
			if f.ID3, err = c.ReadAll(maxMeta); err != nil {
				return nil, fmt.Errorf("wav: %w", wrapCorrupt(err))
			}
		}
	}
	if !haveFmt {
		return nil, fmt.Errorf("%w: no fmt chunk", ErrCorrupt)
	}
	if !haveData {
		return nil, fmt.Errorf("%w: no data chunk", ErrCorrupt)
	}
	return f, nil
}

func wrapCorrupt(err error) error {
	if errors.Is(err, riff.ErrCorrupt) && !errors.Is(err, ErrCorrupt) {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return err
}

func parseFmt(b []byte, off int64) (Format, error) {
	if len(b) < 16 {
		return Format{}, fmt.Errorf("%w: fmt chunk at offset %d: %d bytes, want at least 16", ErrCorrupt, off, len(b))
	}
	le := binary.LittleEndian
	f := Format{
		Tag:           le.Uint16(b[0:]),
		Channels:      int(le.Uint16(b[2:])),
		SampleRate:    int(le.Uint32(b[4:])),
		BlockAlign:    int(le.Uint16(b[12:])),
		BitsPerSample: int(le.Uint16(b[14:])),
	}
	f.Encoding, f.ValidBits = f.Tag, f.BitsPerSample
	if f.Tag == TagExtensible {
		if len(b) < 40 {
			return Format{}, fmt.Errorf("%w: fmt chunk at offset %d: WAVE_FORMAT_EXTENSIBLE with %d bytes, want 40", ErrCorrupt, off, len(b))
		}
		f.ValidBits = int(le.Uint16(b[18:]))
		f.ChannelMask = le.Uint32(b[20:])
		// The sub-format GUID is the format tag followed by a fixed suffix.
		f.Encoding = le.Uint16(b[24:])
		if f.ValidBits == 0 {
			f.ValidBits = f.BitsPerSample
		}
	}
	if f.Channels == 0 || f.SampleRate == 0 || f.BlockAlign == 0 {
		return Format{}, fmt.Errorf("%w: fmt chunk at offset %d: %d channels, %d Hz, block align %d", ErrCorrupt, off, f.Channels, f.SampleRate, f.BlockAlign)
	}
	return f, nil
}

// Frames is the number of sample frames in the data chunk.
func (f *File) Frames() int64 { return f.Data.Size / int64(f.Format.BlockAlign) }

// InfoText returns the text of INFO field id (trailing NULs removed).
func (f *File) InfoText(id riff.FourCC) (string, bool) {
	for _, s := range f.Info {
		if s.ID == id {
			return strings.TrimRight(string(s.Data), "\x00"), true
		}
	}
	return "", false
}

// InfoField is one LIST/INFO text to set.
type InfoField struct {
	ID   riff.FourCC // ICMT, ISFT, INAM, …
	Text string      // UTF-8; written NUL-terminated
}

// Edit says what to change when rewriting a file. Fields left zero keep
// what the input has.
type Edit struct {
	// Info fields replace same-id fields of the first LIST/INFO chunk (or
	// are appended to it); other fields stay. A LIST/INFO chunk is added
	// before `data` when the input has none.
	Info []InfoField
	// XMP, when not nil, replaces the `_PMX` chunk (added before `data`).
	XMP []byte
	// Data, when not nil, replaces the sample bytes (DataSize of them);
	// the `fact` sample count follows. Format must stay the same.
	Data     io.Reader
	DataSize int64
	// Drop lists chunk ids to remove (e.g. an old `C2PA` before re-signing).
	Drop []riff.FourCC
	// Append adds chunks at the end (e.g. a `C2PA` chunk).
	Append []riff.Piece
	// Transform, when not nil, may rewrite other small chunks (e.g. shift
	// `cue ` points after samples were prepended). It gets each chunk of
	// up to 1 MiB except data and returns the new payload.
	Transform func(id riff.FourCC, payload []byte) []byte
}

// Pieces returns the chunks of the output in order, streaming untouched
// chunks from the input. With WriteOptions it is what Write writes; the
// C2PA embedder uses it with riff.Layout to place its chunk.
func (f *File) Pieces(e Edit) ([]riff.Piece, *riff.WriteOptions, error) {
	var ps []riff.Piece
	drop := map[riff.FourCC]bool{}
	for _, id := range e.Drop {
		drop[id] = true
	}
	infoDone := len(e.Info) == 0
	xmpDone := e.XMP == nil
	dataDone := false
	frames := f.Frames()
	if e.Data != nil {
		frames = e.DataSize / int64(f.Format.BlockAlign)
	}
	_, hasCSET := f.RIFF.Find(IDCSET)
	needCSET := !hasCSET && !drop[IDCSET] && !asciiInfo(e.Info)
	info := func(old []riff.SubChunk) {
		if needCSET {
			ps = append(ps, riff.FromBytes(IDCSET, csetUTF8))
			old = latin1ToUTF8(old) // the CSET now declares every INFO text UTF-8
		}
		ps = append(ps, riff.FromBytes(riff.LIST, riff.BuildList(IDInfo, mergeInfo(old, e.Info))))
		infoDone = true
	}
	newInfo := func() {
		if !infoDone {
			info(nil)
		}
	}
	newXMP := func() {
		if !xmpDone {
			ps = append(ps, riff.FromBytes(IDXMP, e.XMP))
			xmpDone = true
		}
	}
	for _, c := range f.RIFF.Chunks {
		switch {
		case drop[c.ID] || c.ID == riff.DS64:
			continue
		case c.ID == riff.LIST && c.ListType == IDInfo && !infoDone:
			info(f.Info)
		case c.ID == IDXMP && e.XMP != nil:
			if !xmpDone {
				ps = append(ps, riff.FromBytes(IDXMP, e.XMP))
				xmpDone = true
			}
		case c.ID == riff.Data && !dataDone:
			// Our metadata goes before the samples, where streaming
			// readers see it first; existing chunks keep their place.
			if f.Info == nil {
				newInfo()
			}
			if f.XMP == nil {
				newXMP()
			}
			dataDone = true
			if e.Data != nil {
				ps = append(ps, riff.Piece{ID: riff.Data, Size: e.DataSize, Data: e.Data})
			} else {
				ps = append(ps, riff.FromChunk(c))
			}
		case c.ID == IDFact && e.Data != nil && c.Size >= 4:
			b, err := c.ReadAll(1 << 20)
			if err != nil {
				return nil, nil, fmt.Errorf("wav: %w", wrapCorrupt(err))
			}
			binary.LittleEndian.PutUint32(b, uint32(min(frames, 0xFFFFFFFF)))
			ps = append(ps, riff.FromBytes(IDFact, b))
		case e.Transform != nil && c.ID != riff.Data && c.Size <= 1<<20:
			b, err := c.ReadAll(1 << 20)
			if err != nil {
				return nil, nil, fmt.Errorf("wav: %w", wrapCorrupt(err))
			}
			ps = append(ps, riff.FromBytes(c.ID, e.Transform(c.ID, b)))
		default:
			ps = append(ps, riff.FromChunk(c))
		}
	}
	newInfo()
	newXMP()
	ps = append(ps, e.Append...)
	tr := f.RIFF.Trailing()
	o := &riff.WriteOptions{Kind: f.RIFF.Kind, SampleCount: uint64(frames), Trailing: tr, TrailingSize: tr.Size()}
	return ps, o, nil
}

// Write writes the file with edit e applied to w. It returns the placed
// chunks and the bytes written.
func (f *File) Write(w io.Writer, e Edit) ([]riff.Chunk, int64, error) {
	ps, o, err := f.Pieces(e)
	if err != nil {
		return nil, 0, err
	}
	placed, n, err := riff.Write(w, riff.ID("WAVE"), ps, o)
	if err != nil {
		return nil, n, fmt.Errorf("wav: %w", err)
	}
	return placed, n, nil
}

func asciiInfo(fs []InfoField) bool {
	for _, f := range fs {
		for i := 0; i < len(f.Text); i++ {
			if f.Text[i] >= 0x80 {
				return false
			}
		}
	}
	return true
}

// latin1ToUTF8 re-encodes texts that are not valid UTF-8 (old INFO
// fields are Latin-1 by convention) so they read the same under a UTF-8
// CSET.
func latin1ToUTF8(subs []riff.SubChunk) []riff.SubChunk {
	out := make([]riff.SubChunk, len(subs))
	for i, s := range subs {
		out[i] = s
		if !utf8.Valid(s.Data) {
			r := make([]rune, len(s.Data))
			for j, c := range s.Data {
				r[j] = rune(c)
			}
			out[i].Data = []byte(string(r))
		}
	}
	return out
}

// mergeInfo replaces same-id fields in place and appends the rest.
func mergeInfo(old []riff.SubChunk, set []InfoField) []riff.SubChunk {
	out := make([]riff.SubChunk, 0, len(old)+len(set))
	out = append(out, old...)
	for _, s := range set {
		payload := append([]byte(s.Text), 0)
		found := false
		for i := range out {
			if out[i].ID == s.ID {
				out[i].Data = payload
				found = true
				break
			}
		}
		if !found {
			out = append(out, riff.SubChunk{ID: s.ID, Data: payload})
		}
	}
	return out
}
