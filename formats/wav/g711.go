package wav

// G.711 µ-law and A-law (ITU-T G.711), 8 bits per sample. Decoding follows
// the standard's segment tables; encoding rounds to the nearest segment
// step of a 14-bit (µ-law) or 13-bit (A-law) linear value.

const (
	TagALaw  = 6
	TagMuLaw = 7
)

func muLawDecode(b byte) float32 {
	b = ^b
	sign := b & 0x80
	exp := (b >> 4) & 7
	mant := int(b & 0x0F)
	v := ((mant<<3)+0x84)<<exp - 0x84
	if sign != 0 {
		v = -v
	}
	return float32(v) / 32768
}

func muLawEncode(x float32) byte {
	v := int(quantize(x, 32768))
	sign := byte(0)
	if v < 0 {
		v, sign = -v, 0x80
	}
	v = min(v, 32635) + 0x84
	exp := 7
	for mask := 0x4000; v&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (v >> (exp + 3)) & 0x0F
	return ^(sign | byte(exp<<4) | byte(mant))
}

func aLawDecode(b byte) float32 {
	b ^= 0x55
	sign := b & 0x80
	exp := int(b>>4) & 7
	mant := int(b & 0x0F)
	var v int
	if exp == 0 {
		v = mant<<4 + 8
	} else {
		v = (mant<<4 + 0x108) << (exp - 1)
	}
	if sign == 0 {
		v = -v
	}
	return float32(v) / 32768
}

func aLawEncode(x float32) byte {
	v := int(quantize(x, 32768))
	sign := byte(0x80)
	if v < 0 {
		v, sign = -v-1, 0
	}
	v = min(v, 32767)
	var out byte
	if v < 256 {
		out = byte(v >> 4)
	} else {
		exp := 1
		for t := v >> 8; t > 1; t >>= 1 {
			exp++
		}
		out = byte(exp<<4) | byte((v>>(exp+3))&0x0F)
	}
	return (sign | out) ^ 0x55
}
