package jpeg

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
)

// Quality estimation: which IJG quality setting (1–100) produced a file's
// quantisation tables, so that a re-encode after drawing on the pixels
// comes out at about the same size and fidelity as the source.
//
// libjpeg, ImageMagick, Pillow and Go's image/jpeg all scale the two
// tables of ITU-T T.81 Annex K by the same IJG rule, so for their files the
// estimate is exact. Cameras and Photoshop use their own tables; for them
// the estimate is the IJG quality whose tables are nearest in log ratio.

// ErrNoQuantTables reports a JPEG stream without a DQT segment before its
// first scan.
var ErrNoQuantTables = errors.New("jpeg: no quantisation table before the first scan")

// Annex K tables in natural (row-major) order: luminance, chrominance.
var annexK = [2][64]uint16{
	{
		16, 11, 10, 16, 24, 40, 51, 61,
		12, 12, 14, 19, 26, 58, 60, 55,
		14, 13, 16, 24, 40, 57, 69, 56,
		14, 17, 22, 29, 51, 87, 80, 62,
		18, 22, 37, 56, 68, 109, 103, 77,
		24, 35, 55, 64, 81, 104, 113, 92,
		49, 64, 78, 87, 103, 121, 120, 101,
		72, 92, 95, 98, 112, 100, 103, 99,
	},
	{
		17, 18, 24, 47, 99, 99, 99, 99,
		18, 21, 26, 66, 99, 99, 99, 99,
		24, 26, 56, 99, 99, 99, 99, 99,
		47, 66, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99,
	},
}

// zigzag[i] is the natural-order index of the i-th coefficient in a DQT.
var zigzag = [64]int{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
}

// IJGTable returns Annex K table t (0 luminance, 1 chrominance) scaled to
// quality q the way libjpeg and Go's image/jpeg do, in natural order,
// clamped to the baseline range 1–255.
func IJGTable(t, q int) [64]uint16 {
	q = min(max(q, 1), 100)
	scale := 200 - 2*q
	if q < 50 {
		scale = 5000 / q
	}
	var out [64]uint16
	for i, v := range annexK[t] {
		x := (int(v)*scale + 50) / 100
		out[i] = uint16(min(max(x, 1), 255))
	}
	return out
}

// QuantTables holds the tables of a JPEG by destination slot (0–3), in
// natural order; Present says which slots were defined.
type QuantTables struct {
	Table   [4][64]uint16
	Present [4]bool
}

// ReadQuantTables reads the DQT segments of a JPEG stream up to its first
// scan. It reads only the header segments, never the entropy-coded data.
func ReadQuantTables(r io.Reader) (QuantTables, error) {
	var qt QuantTables
	br := bufio.NewReader(r)
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi != [2]byte{0xFF, 0xD8} {
		return qt, fmt.Errorf("jpeg: no SOI marker at offset 0")
	}
	off := int64(2)
	for {
		b, err := br.ReadByte()
		if err != nil {
			return qt, fmt.Errorf("jpeg: header ends at offset %d before the first scan: %w", off, io.ErrUnexpectedEOF)
		}
		off++
		if b != 0xFF {
			return qt, fmt.Errorf("jpeg: byte 0x%02X at offset %d where a marker was expected", b, off-1)
		}
		m, err := br.ReadByte()
		for err == nil && m == 0xFF { // fill bytes
			off++
			m, err = br.ReadByte()
		}
		if err != nil {
			return qt, fmt.Errorf("jpeg: header ends at offset %d: %w", off, io.ErrUnexpectedEOF)
		}
		off++
		if m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7) {
			continue // markers without a length
		}
		if m == 0xD9 || m == 0xDA {
			break // EOI or first scan: every table that matters is known
		}
		var lb [2]byte
		if _, err := io.ReadFull(br, lb[:]); err != nil {
			return qt, fmt.Errorf("jpeg: marker 0x%02X at offset %d: length cut off: %w", m, off-2, io.ErrUnexpectedEOF)
		}
		n := int(lb[0])<<8 | int(lb[1])
		if n < 2 {
			return qt, fmt.Errorf("jpeg: marker 0x%02X at offset %d: length %d below 2", m, off-2, n)
		}
		start := off - 2
		off += 2
		if m != 0xDB {
			if _, err := br.Discard(n - 2); err != nil {
				return qt, fmt.Errorf("jpeg: marker 0x%02X at offset %d: length %d beyond the end: %w", m, start, n, io.ErrUnexpectedEOF)
			}
			off += int64(n - 2)
			continue
		}
		seg := make([]byte, n-2)
		if _, err := io.ReadFull(br, seg); err != nil {
			return qt, fmt.Errorf("jpeg: DQT at offset %d: length %d beyond the end: %w", start, n, io.ErrUnexpectedEOF)
		}
		off += int64(n - 2)
		for len(seg) > 0 {
			pq, tq := seg[0]>>4, seg[0]&15
			size := 64
			if pq == 1 {
				size = 128
			}
			if pq > 1 || tq > 3 || len(seg) < 1+size {
				return qt, fmt.Errorf("jpeg: DQT at offset %d: bad table header 0x%02X or short table", start, seg[0])
			}
			for i := 0; i < 64; i++ {
				v := uint16(seg[1+i])
				if pq == 1 {
					v = uint16(seg[1+2*i])<<8 | uint16(seg[2+2*i])
				}
				qt.Table[tq][zigzag[i]] = v
			}
			qt.Present[tq] = true
			seg = seg[1+size:]
		}
	}
	if !qt.Present[0] && !qt.Present[1] {
		return qt, ErrNoQuantTables
	}
	return qt, nil
}

// EstimateQuality returns the IJG quality (1–100) nearest to the tables
// of the JPEG stream r, and whether the tables are exactly IJG-scaled
// Annex K tables (true for libjpeg, ImageMagick, Pillow and Go output).
func EstimateQuality(r io.Reader) (quality int, exact bool, err error) {
	qt, err := ReadQuantTables(r)
	if err != nil {
		return 0, false, err
	}
	q, exact := qt.Quality()
	return q, exact, nil
}

// Quality is the IJG quality nearest to the tables in slots 0 (luminance)
// and 1 (chrominance), by the sum of absolute log ratios; exact reports a
// perfect match.
func (qt *QuantTables) Quality() (quality int, exact bool) {
	best, bestErr := 75, math.Inf(1)
	for q := 1; q <= 100; q++ {
		e := 0.0
		for t := 0; t < 2; t++ {
			if !qt.Present[t] {
				continue
			}
			ref := IJGTable(t, q)
			for i, v := range qt.Table[t] {
				e += math.Abs(math.Log(float64(max(v, 1))) - math.Log(float64(ref[i])))
			}
		}
		if e < bestErr {
			best, bestErr = q, e
		}
	}
	return best, bestErr == 0
}
