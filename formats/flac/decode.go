package flac

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Decoding FLAC frames to integer samples, for the layers that change
// samples (the audible notice, the watermark). Every frame's CRC-16 is
// checked; the STREAMINFO MD5 is left to the caller.

// ErrUnsupported reports a stream this decoder does not handle.
var ErrUnsupported = errors.New("flac: unsupported")

// DecodeSamples reads every frame from br (positioned after the metadata)
// and returns the interleaved samples as signed integers of
// si.BitsPerSample bits. It refuses streams of more than limit samples.
func DecodeSamples(br *bufio.Reader, si StreamInfo, limit int64) ([]int32, error) {
	if si.Channels < 1 || si.Channels > 8 || si.BitsPerSample < 4 || si.BitsPerSample > 32 {
		return nil, fmt.Errorf("%w: STREAMINFO %d channels, %d bits", ErrUnsupported, si.Channels, si.BitsPerSample)
	}
	var out []int32
	if si.TotalSamples > 0 && int64(si.TotalSamples)*int64(si.Channels) <= limit {
		out = make([]int32, 0, int64(si.TotalSamples)*int64(si.Channels))
	}
	var chans [8][]int64
	for frame := 0; ; frame++ {
		if _, err := br.Peek(1); err == io.EOF {
			return out, nil
		}
		n, err := decodeFrame(br, si, &chans)
		if err != nil {
			return nil, fmt.Errorf("flac: frame %d: %w", frame, err)
		}
		if int64(len(out))+int64(n*si.Channels) > limit {
			return nil, fmt.Errorf("flac: more than %d samples", limit)
		}
		for i := 0; i < n; i++ {
			for c := 0; c < si.Channels; c++ {
				out = append(out, int32(chans[c][i]))
			}
		}
	}
}

var sampleRates = [16]int{0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000}
var sampleSizes = [8]int{0, 8, 12, 0, 16, 20, 24, 32}

// decodeFrame decodes one frame into chans and returns its block size.
func decodeFrame(r *bufio.Reader, si StreamInfo, chans *[8][]int64) (int, error) {
	b := &bitReader{r: r}
	sync, err := b.bits(15)
	if err != nil {
		return 0, err
	}
	if sync != 0x7FFC {
		return 0, fmt.Errorf("%w: no frame sync", ErrCorrupt)
	}
	if _, err := b.bits(1); err != nil { // blocking strategy
		return 0, err
	}
	h, err := b.bits(16)
	if err != nil {
		return 0, err
	}
	bsCode, rateCode, chCode, sizeCode := h>>12, h>>8&15, h>>4&15, h>>1&7
	if h&1 != 0 || sizeCode == 3 || rateCode == 15 || bsCode == 0 || chCode > 10 {
		return 0, fmt.Errorf("%w: reserved frame header value", ErrCorrupt)
	}
	// frame or sample number, UTF-8 coded
	c0, err := b.bits(8)
	if err != nil {
		return 0, err
	}
	extra := 0
	for m := uint64(0x80); c0&m != 0 && m > 1; m >>= 1 {
		extra++
	}
	if extra == 1 || extra > 7 {
		return 0, fmt.Errorf("%w: bad coded frame number", ErrCorrupt)
	}
	for i := 1; i < extra; i++ {
		if _, err := b.bits(8); err != nil {
			return 0, err
		}
	}
	var bs int
	switch {
	case bsCode == 1:
		bs = 192
	case bsCode <= 5:
		bs = 576 << (bsCode - 2)
	case bsCode == 6:
		v, err := b.bits(8)
		if err != nil {
			return 0, err
		}
		bs = int(v) + 1
	case bsCode == 7:
		v, err := b.bits(16)
		if err != nil {
			return 0, err
		}
		bs = int(v) + 1
	default:
		bs = 256 << (bsCode - 8)
	}
	switch rateCode {
	case 12:
		_, err = b.bits(8)
	case 13, 14:
		_, err = b.bits(16)
	}
	if err != nil {
		return 0, err
	}
	want := b.crc8
	got, err := b.bits(8)
	if err != nil {
		return 0, err
	}
	if uint8(got) != want {
		return 0, fmt.Errorf("%w: frame header CRC-8 mismatch", ErrCorrupt)
	}
	bps := si.BitsPerSample
	if sizeCode != 0 {
		bps = sampleSizes[sizeCode]
	}
	nch := int(chCode) + 1
	if chCode >= 8 {
		nch = 2
	}
	if nch != si.Channels {
		return 0, fmt.Errorf("%w: frame has %d channels, STREAMINFO %d", ErrUnsupported, nch, si.Channels)
	}
	for c := 0; c < nch; c++ {
		sb := bps
		if chCode == 8 && c == 1 || chCode == 9 && c == 0 || chCode == 10 && c == 1 {
			sb++ // side channel
		}
		if cap(chans[c]) < bs {
			chans[c] = make([]int64, bs)
		}
		chans[c] = chans[c][:bs]
		if err := decodeSubframe(b, chans[c], uint(sb)); err != nil {
			return 0, fmt.Errorf("channel %d: %w", c, err)
		}
	}
	l, r2 := chans[0], chans[1%nch]
	switch chCode {
	case 8: // left/side
		for i := range l {
			r2[i] = l[i] - r2[i]
		}
	case 9: // side/right
		for i := range l {
			l[i] += r2[i]
		}
	case 10: // mid/side
		for i := range l {
			mid := l[i]<<1 | r2[i]&1
			l[i], r2[i] = (mid+r2[i])>>1, (mid-r2[i])>>1
		}
	}
	b.align()
	want16 := b.crc16
	got16, err := b.bits(16)
	if err != nil {
		return 0, err
	}
	if uint16(got16) != want16 {
		return 0, fmt.Errorf("%w: frame CRC-16 mismatch", ErrCorrupt)
	}
	return bs, nil
}

func decodeSubframe(b *bitReader, s []int64, bps uint) error {
	h, err := b.bits(8)
	if err != nil {
		return err
	}
	if h&0x80 != 0 {
		return fmt.Errorf("%w: subframe padding bit set", ErrCorrupt)
	}
	typ := h >> 1 & 0x3F
	wasted := uint(0)
	if h&1 != 0 {
		k, err := b.unary()
		if err != nil {
			return err
		}
		wasted = uint(k) + 1
		if wasted >= bps {
			return fmt.Errorf("%w: %d wasted bits of %d", ErrCorrupt, wasted, bps)
		}
		bps -= wasted
	}
	switch {
	case typ == 0:
		v, err := b.signed(bps)
		if err != nil {
			return err
		}
		for i := range s {
			s[i] = v
		}
	case typ == 1:
		for i := range s {
			if s[i], err = b.signed(bps); err != nil {
				return err
			}
		}
	case typ >= 8 && typ <= 12:
		order := int(typ - 8)
		if order > len(s) {
			return fmt.Errorf("%w: predictor order %d over block size %d", ErrCorrupt, order, len(s))
		}
		for i := 0; i < order; i++ {
			if s[i], err = b.signed(bps); err != nil {
				return err
			}
		}
		if err := decodeResidual(b, s, order); err != nil {
			return err
		}
		restoreFixed(s, order)
	case typ >= 32:
		order := int(typ-32) + 1
		if order > len(s) {
			return fmt.Errorf("%w: LPC order %d over block size %d", ErrCorrupt, order, len(s))
		}
		for i := 0; i < order; i++ {
			if s[i], err = b.signed(bps); err != nil {
				return err
			}
		}
		p, err := b.bits(4)
		if err != nil {
			return err
		}
		if p == 15 {
			return fmt.Errorf("%w: LPC precision 15", ErrCorrupt)
		}
		shift, err := b.signed(5)
		if err != nil {
			return err
		}
		if shift < 0 {
			return fmt.Errorf("%w: negative LPC shift", ErrCorrupt)
		}
		coef := make([]int64, order)
		for i := range coef {
			if coef[i], err = b.signed(uint(p) + 1); err != nil {
				return err
			}
		}
		if err := decodeResidual(b, s, order); err != nil {
			return err
		}
		for i := order; i < len(s); i++ {
			var sum int64
			for j, c := range coef {
				sum += c * s[i-1-j]
			}
			s[i] += sum >> uint(shift)
		}
	default:
		return fmt.Errorf("%w: reserved subframe type %d", ErrCorrupt, typ)
	}
	if wasted > 0 {
		for i := range s {
			s[i] <<= wasted
		}
	}
	return nil
}

// decodeResidual fills s[order:] with the Rice-coded residual.
func decodeResidual(b *bitReader, s []int64, order int) error {
	method, err := b.bits(2)
	if err != nil {
		return err
	}
	if method > 1 {
		return fmt.Errorf("%w: residual coding method %d", ErrCorrupt, method)
	}
	pbits, escape := uint(4), uint64(15)
	if method == 1 {
		pbits, escape = 5, 31
	}
	po, err := b.bits(4)
	if err != nil {
		return err
	}
	parts := 1 << po
	if len(s)%parts != 0 || len(s)>>po < order {
		return fmt.Errorf("%w: partition order %d for block size %d", ErrCorrupt, po, len(s))
	}
	i := order
	for p := 0; p < parts; p++ {
		n := len(s) >> po
		if p == 0 {
			n -= order
		}
		k, err := b.bits(pbits)
		if err != nil {
			return err
		}
		if k == escape {
			raw, err := b.bits(5)
			if err != nil {
				return err
			}
			for j := 0; j < n; j++ {
				if s[i], err = b.signed(uint(raw)); err != nil {
					return err
				}
				i++
			}
			continue
		}
		for j := 0; j < n; j++ {
			q, err := b.unary()
			if err != nil {
				return err
			}
			lo, err := b.bits(uint(k))
			if err != nil {
				return err
			}
			u := q<<k | lo
			s[i] = int64(u>>1) ^ -int64(u&1)
			i++
		}
	}
	return nil
}

// restoreFixed adds the fixed polynomial prediction of the given order to
// the residual in s[order:].
func restoreFixed(s []int64, order int) {
	for i := order; i < len(s); i++ {
		switch order {
		case 1:
			s[i] += s[i-1]
		case 2:
			s[i] += 2*s[i-1] - s[i-2]
		case 3:
			s[i] += 3*s[i-1] - 3*s[i-2] + s[i-3]
		case 4:
			s[i] += 4*s[i-1] - 6*s[i-2] + 4*s[i-3] - s[i-4]
		}
	}
}
