package webp

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/belgi/belgi/formats/riff"
)

// Quality estimation for lossy WebP: the base quantiser index of the first
// VP8 key frame (per segment when segmentation is on), turned back into the
// libwebp quality setting that produces it, so that a re-encode after
// drawing on the pixels lands near the source's size.

// ErrNoVP8 reports a WebP without a lossy (VP8) key frame.
var ErrNoVP8 = errors.New("webp: no VP8 key frame")

// boolDecoder is the VP8 boolean entropy decoder (RFC 6386, section 7).
type boolDecoder struct {
	data  []byte
	pos   int
	value uint32
	rng   uint32
	bits  int
}

func newBoolDecoder(b []byte) *boolDecoder {
	d := &boolDecoder{data: b, rng: 255}
	for i := 0; i < 2; i++ {
		d.value = d.value<<8 | uint32(d.next())
	}
	return d
}

func (d *boolDecoder) next() byte {
	if d.pos < len(d.data) {
		d.pos++
		return d.data[d.pos-1]
	}
	d.pos++ // past the end: reads zeros, and overrun reports it
	return 0
}

func (d *boolDecoder) overrun() bool { return d.pos > len(d.data)+2 }

func (d *boolDecoder) readBool(prob uint32) bool {
	split := 1 + ((d.rng-1)*prob)>>8
	big := split << 8
	var bit bool
	if d.value >= big {
		bit = true
		d.rng -= split
		d.value -= big
	} else {
		d.rng = split
	}
	for d.rng < 128 {
		d.value <<= 1
		d.rng <<= 1
		d.bits++
		if d.bits == 8 {
			d.bits = 0
			d.value |= uint32(d.next())
		}
	}
	return bit
}

func (d *boolDecoder) literal(n int) int {
	v := 0
	for i := 0; i < n; i++ {
		v <<= 1
		if d.readBool(128) {
			v |= 1
		}
	}
	return v
}

// signed reads an n-bit magnitude and a sign bit.
func (d *boolDecoder) signed(n int) int {
	v := d.literal(n)
	if d.readBool(128) {
		return -v
	}
	return v
}

// optionalSigned reads a flag and, when set, a signed value.
func (d *boolDecoder) optionalSigned(n int) (int, bool) {
	if !d.readBool(128) {
		return 0, false
	}
	return d.signed(n), true
}

// VP8Quantizer returns the mean luma AC quantiser index (0–127) of a VP8
// key frame (the payload of a "VP8 " chunk).
func VP8Quantizer(frame []byte) (float64, error) {
	if len(frame) < 10 {
		return 0, fmt.Errorf("%w: VP8 frame of %d bytes", ErrNoVP8, len(frame))
	}
	if frame[0]&1 != 0 {
		return 0, fmt.Errorf("%w: first frame is not a key frame", ErrNoVP8)
	}
	if frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a {
		return 0, fmt.Errorf("%w: VP8 start code missing", ErrNoVP8)
	}
	part := int(uint32(frame[0])|uint32(frame[1])<<8|uint32(frame[2])<<16) >> 5
	body := frame[10:]
	if part > 0 && part < len(body) {
		body = body[:part]
	}
	d := newBoolDecoder(body)
	d.literal(2) // colour space, clamping
	var segQ [4]int
	segMode, segOn := 0, d.readBool(128)
	haveSegQ := false
	if segOn {
		updateMap := d.readBool(128)
		if d.readBool(128) { // update segment feature data
			segMode = d.literal(1) // 1: absolute values, 0: deltas
			for i := range segQ {
				v, ok := d.optionalSigned(7)
				segQ[i] = v
				haveSegQ = haveSegQ || ok
			}
			for i := 0; i < 4; i++ {
				d.optionalSigned(6) // loop filter level per segment
			}
		}
		if updateMap {
			for i := 0; i < 3; i++ {
				if d.readBool(128) {
					d.literal(8)
				}
			}
		}
	}
	d.literal(1 + 6 + 3) // filter type, level, sharpness
	if d.readBool(128) { // loop filter adjustments
		if d.readBool(128) {
			for i := 0; i < 8; i++ {
				d.optionalSigned(6)
			}
		}
	}
	d.literal(2) // partitions
	base := d.literal(7)
	if d.overrun() {
		return 0, fmt.Errorf("%w: VP8 frame header cut short", ErrNoVP8)
	}
	if !segOn || !haveSegQ {
		return float64(base), nil
	}
	sum := 0.0
	for _, q := range segQ {
		if segMode == 0 {
			q += base
		}
		sum += float64(min(max(q, 0), 127))
	}
	return sum / 4, nil
}

// QualityFromQuantizer inverts libwebp's quality → quantiser mapping
// (src/enc/quant_enc.c: q = 127·(1 − c), c = linear^(1/3), linear =
// ⅔·quality below 0.75, else 2·quality − 1), ignoring the small
// per-segment modulation, and returns a quality setting 0–100.
func QualityFromQuantizer(q float64) int {
	c := 1 - q/127
	lin := c * c * c
	var quality float64
	if lin < 0.5 {
		quality = lin * 1.5
	} else {
		quality = (lin + 1) / 2
	}
	return int(math.Round(min(max(quality*100, 0), 100)))
}

// EstimateQuality returns the libwebp quality a lossy WebP was probably
// written at, from its first VP8 key frame (simple, extended or animated
// files); ErrNoVP8 when it has none (lossless files).
func EstimateQuality(src io.ReaderAt, size int64) (int, error) {
	f, err := riff.Parse(src, size)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrCarry, err)
	}
	for _, c := range f.Chunks {
		switch c.ID.String() {
		case "VP8 ":
			// The frame header is at the start: 64 KiB is more than enough.
			b := make([]byte, min(c.Size, 64<<10))
			if _, err := c.Data().ReadAt(b, 0); err != nil && err != io.EOF {
				return 0, fmt.Errorf("webp: VP8 chunk at offset %d: %w", c.Offset, err)
			}
			q, err := VP8Quantizer(b)
			if err != nil {
				return 0, err
			}
			return QualityFromQuantizer(q), nil
		case "ANMF":
			const hdr = 16
			var h [8]byte
			for off := int64(hdr); off+8 <= c.Size; {
				if _, err := c.Data().ReadAt(h[:], off); err != nil {
					break
				}
				n := int64(uint32(h[4]) | uint32(h[5])<<8 | uint32(h[6])<<16 | uint32(h[7])<<24)
				if string(h[:4]) == "VP8 " {
					b := make([]byte, min(n, 64<<10, c.Size-off-8))
					if _, err := c.Data().ReadAt(b, off+8); err != nil && err != io.EOF {
						break
					}
					q, err := VP8Quantizer(b)
					if err != nil {
						return 0, err
					}
					return QualityFromQuantizer(q), nil
				}
				off += 8 + n + n&1
			}
			return 0, ErrNoVP8
		case "VP8L":
			return 0, ErrNoVP8
		}
	}
	return 0, ErrNoVP8
}
