package flac

import (
	"errors"
	"io"
)

// bitReader reads MSB-first bits from a byte stream and keeps the CRCs a
// frame needs (CRC-8 of the header, CRC-16 of the whole frame).
type bitReader struct {
	r     io.ByteReader
	cur   uint64
	n     uint // bits held in cur
	crc8  uint8
	crc16 uint16
}

var errShort = errors.New("flac: frame truncated")

func (b *bitReader) byte() (byte, error) {
	c, err := b.r.ReadByte()
	if err != nil {
		if err == io.EOF {
			return 0, errShort
		}
		return 0, err
	}
	b.crc8 = crc8Table[b.crc8^c]
	b.crc16 = b.crc16<<8 ^ crc16Table[byte(b.crc16>>8)^c]
	return c, nil
}

// bits reads n ≤ 56 bits as an unsigned value.
func (b *bitReader) bits(n uint) (uint64, error) {
	for b.n < n {
		c, err := b.byte()
		if err != nil {
			return 0, err
		}
		b.cur = b.cur<<8 | uint64(c)
		b.n += 8
	}
	b.n -= n
	v := b.cur >> b.n & (1<<n - 1)
	return v, nil
}

// signed reads n bits as a two's complement value.
func (b *bitReader) signed(n uint) (int64, error) {
	if n == 0 {
		return 0, nil
	}
	v, err := b.bits(n)
	if err != nil {
		return 0, err
	}
	return int64(v<<(64-n)) >> (64 - n), nil
}

// unary counts zero bits before the next one bit.
func (b *bitReader) unary() (uint64, error) {
	var q uint64
	for {
		if b.n == 0 {
			c, err := b.byte()
			if err != nil {
				return 0, err
			}
			b.cur, b.n = uint64(c), 8
		}
		if b.cur>>(b.n-1)&1 == 1 {
			b.n--
			return q, nil
		}
		b.n--
		q++
		if q > 1<<32 {
			return 0, errors.New("flac: unary code too long")
		}
	}
}

// align drops the bits up to the next byte boundary.
func (b *bitReader) align() { b.n -= b.n % 8 }

// bitWriter writes MSB-first bits to a byte slice.
type bitWriter struct {
	buf []byte
	cur uint64
	n   uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	for n > 0 {
		k := min(n, 32)
		n -= k
		w.cur = w.cur<<k | (v>>n)&(1<<k-1)
		w.n += k
		for w.n >= 8 {
			w.n -= 8
			w.buf = append(w.buf, byte(w.cur>>w.n))
		}
	}
}

func (w *bitWriter) signed(v int64, n uint) { w.bits(uint64(v)&(1<<n-1), n) }

func (w *bitWriter) unary(q uint64) {
	for q >= 32 {
		w.bits(0, 32)
		q -= 32
	}
	w.bits(1, uint(q)+1)
}

func (w *bitWriter) align() {
	if w.n%8 != 0 {
		w.bits(0, 8-w.n%8)
	}
}

var (
	crc8Table  [256]uint8
	crc16Table [256]uint16
)

func init() {
	for i := range 256 {
		c8 := uint8(i)
		c16 := uint16(i) << 8
		for range 8 {
			if c8&0x80 != 0 {
				c8 = c8<<1 ^ 0x07
			} else {
				c8 <<= 1
			}
			if c16&0x8000 != 0 {
				c16 = c16<<1 ^ 0x8005
			} else {
				c16 <<= 1
			}
		}
		crc8Table[i], crc16Table[i] = c8, c16
	}
}

func crc8(b []byte) uint8 {
	var c uint8
	for _, x := range b {
		c = crc8Table[c^x]
	}
	return c
}

func crc16(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c = c<<8 ^ crc16Table[byte(c>>8)^x]
	}
	return c
}
