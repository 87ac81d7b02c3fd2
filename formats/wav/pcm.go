package wav

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// DecodeSamples converts sample bytes in format f (whole frames) to
// interleaved float32 in [-1, 1]. 16- and 24-bit PCM round-trip exactly
// through EncodeSamples; 32-bit PCM and 64-bit float keep float32
// precision (24 bits).
func DecodeSamples(b []byte, f Format, dst []float32) ([]float32, error) {
	if !f.Decodable() {
		return dst, fmt.Errorf("%w: %s", ErrUnsupported, f)
	}
	bps := f.BytesPerSample()
	n := len(b) / bps
	le := binary.LittleEndian
	for i := 0; i < n; i++ {
		s := b[i*bps:]
		var v float32
		switch {
		case f.Encoding == TagFloat && bps == 4:
			v = math.Float32frombits(le.Uint32(s))
		case f.Encoding == TagFloat:
			v = float32(math.Float64frombits(le.Uint64(s)))
		case f.Encoding == TagMuLaw:
			v = muLawDecode(s[0])
		case f.Encoding == TagALaw:
			v = aLawDecode(s[0])
		case bps == 1:
			v = float32(int(s[0])-128) / 128
		case bps == 2:
			v = float32(int16(le.Uint16(s))) / 32768
		case bps == 3:
			v = float32(int32(uint32(s[0])<<8|uint32(s[1])<<16|uint32(s[2])<<24)>>8) / (1 << 23)
		default:
			v = float32(float64(int32(le.Uint32(s))) / (1 << 31))
		}
		dst = append(dst, v)
	}
	return dst, nil
}

// EncodeSamples appends samples (interleaved, nominally [-1, 1]) in format
// f to dst. Integer formats round to nearest and clip; float formats are
// written as they are.
func EncodeSamples(dst []byte, f Format, samples []float32) ([]byte, error) {
	if !f.Decodable() {
		return dst, fmt.Errorf("%w: %s", ErrUnsupported, f)
	}
	bps := f.BytesPerSample()
	le := binary.LittleEndian
	for _, v := range samples {
		switch {
		case f.Encoding == TagFloat && bps == 4:
			dst = le.AppendUint32(dst, math.Float32bits(v))
		case f.Encoding == TagFloat:
			dst = le.AppendUint64(dst, math.Float64bits(float64(v)))
		case f.Encoding == TagMuLaw:
			dst = append(dst, muLawEncode(v))
		case f.Encoding == TagALaw:
			dst = append(dst, aLawEncode(v))
		case bps == 1:
			dst = append(dst, byte(quantize(v, 128)+128))
		case bps == 2:
			dst = le.AppendUint16(dst, uint16(int16(quantize(v, 32768))))
		case bps == 3:
			q := uint32(quantize(v, 1<<23))
			dst = append(dst, byte(q), byte(q>>8), byte(q>>16))
		default:
			dst = le.AppendUint32(dst, uint32(quantize(v, 1<<31)))
		}
	}
	return dst, nil
}

// quantize maps v in [-1, 1] to an integer in [-scale, scale-1].
func quantize(v float32, scale float64) int64 {
	x := math.Round(float64(v) * scale)
	if x >= scale {
		x = scale - 1
	}
	if x < -scale || math.IsNaN(x) {
		if math.IsNaN(x) {
			return 0
		}
		x = -scale
	}
	return int64(x)
}

// ReadSamples decodes the whole data chunk of f. Memory is proportional to
// the audio length: it is for the layers that change samples.
func (f *File) ReadSamples(limit int64) ([]float32, error) {
	if !f.Format.Decodable() {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, f.Format)
	}
	n := f.Frames() * int64(f.Format.BlockAlign)
	if n/int64(f.Format.BytesPerSample()) > limit {
		return nil, fmt.Errorf("%w: %d samples, more than the limit of %d", ErrTooLong, n/int64(f.Format.BytesPerSample()), limit)
	}
	out := make([]float32, 0, n/int64(f.Format.BytesPerSample()))
	buf := make([]byte, 1<<16-(1<<16)%f.Format.BlockAlign)
	r := io.LimitReader(f.Data.Data(), n)
	for {
		k, err := io.ReadFull(r, buf)
		if k > 0 {
			out, _ = DecodeSamples(buf[:k], f.Format, out)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("wav: data chunk at offset %d: %w", f.Data.Offset, err)
		}
	}
}
