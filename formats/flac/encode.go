package flac

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Encoding integer samples to FLAC frames: fixed blocks of BlockSize
// frames; per channel the best of constant, verbatim and the fixed
// polynomial predictors of order 0–4 (by coded size); Rice-coded residual
// with the partition order and parameters that give the fewest bits;
// stereo also tries left/side, side/right and mid/side. No LPC, so files
// come out somewhat larger than `flac -5` but decode everywhere.

// BlockSize is the number of frames per FLAC block the encoder writes.
const BlockSize = 4096

// EncodeFrames encodes interleaved samples (si.BitsPerSample bits,
// si.Channels channels) and returns the frames and the updated
// STREAMINFO payload (34 bytes: block and frame sizes, total samples,
// MD5 of the samples). oldInfo is the input's STREAMINFO payload, whose
// sample rate, channels and bit depth are kept.
func EncodeFrames(samples []int32, si StreamInfo, oldInfo []byte) ([]byte, []byte, error) {
	ch, bps := si.Channels, si.BitsPerSample
	if ch < 1 || ch > 8 || bps < 4 || bps > 32 || len(oldInfo) < 34 || len(samples)%ch != 0 {
		return nil, nil, fmt.Errorf("%w: encode %d channels, %d bits", ErrUnsupported, ch, bps)
	}
	frames := len(samples) / ch
	var out []byte
	minFrame, maxFrame := 1<<24-1, 0
	chans := make([][]int64, ch)
	for c := range chans {
		chans[c] = make([]int64, BlockSize)
	}
	for num, start := 0, 0; start < frames; num, start = num+1, start+BlockSize {
		n := min(BlockSize, frames-start)
		for c := 0; c < ch; c++ {
			chans[c] = chans[c][:n]
			for i := 0; i < n; i++ {
				chans[c][i] = int64(samples[(start+i)*ch+c])
			}
		}
		f := encodeFrame(chans, num, bps)
		out = append(out, f...)
		minFrame, maxFrame = min(minFrame, len(f)), max(maxFrame, len(f))
	}
	if frames == 0 {
		minFrame = 0
	}
	info := append([]byte(nil), oldInfo[:34]...)
	bs := min(BlockSize, max(frames, 16))
	binary.BigEndian.PutUint16(info[0:], uint16(bs))
	binary.BigEndian.PutUint16(info[2:], uint16(bs))
	put24(info[4:], minFrame)
	put24(info[7:], maxFrame)
	x := binary.BigEndian.Uint64(info[10:18])
	x = x&^(1<<36-1) | uint64(frames)&(1<<36-1)
	binary.BigEndian.PutUint64(info[10:18], x)
	sum := md5Samples(samples, bps)
	copy(info[18:34], sum[:])
	return out, info, nil
}

func put24(b []byte, v int) { b[0], b[1], b[2] = byte(v>>16), byte(v>>8), byte(v) }

// SamplesMD5 is the STREAMINFO signature of samples (bps bits each).
func SamplesMD5(samples []int32, bps int) [16]byte { return md5Samples(samples, bps) }

// md5Samples is the STREAMINFO signature: MD5 of the samples as
// little-endian signed integers of ceil(bps/8) bytes, interleaved.
func md5Samples(s []int32, bps int) [16]byte {
	n := (bps + 7) / 8
	h := md5.New()
	buf := make([]byte, 0, 4096*n)
	for i, v := range s {
		for k := 0; k < n; k++ {
			buf = append(buf, byte(v>>(8*k)))
		}
		if len(buf) >= 4096*n-n || i == len(s)-1 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	var out [16]byte
	copy(out[:], h.Sum(nil))
	return out
}

func encodeFrame(chans [][]int64, num int, bps int) []byte {
	w := &bitWriter{}
	n := len(chans[0])
	w.bits(0x7FFC, 15)
	w.bits(0, 1) // fixed block size
	bsCode := uint64(7)
	if n == BlockSize {
		bsCode = 12 // 256·2^4
	}
	w.bits(bsCode, 4)
	w.bits(0, 4) // sample rate from STREAMINFO
	// Channel assignment: independent, or the best stereo decorrelation.
	assign := uint64(len(chans) - 1)
	subs := chans
	var plans []subframePlan
	if len(chans) == 2 {
		assign, subs, plans = bestStereo(chans, bps)
	}
	w.bits(assign, 4)
	w.bits(sizeCode(bps), 3)
	w.bits(0, 1)
	writeUTF8(w, uint64(num))
	if bsCode == 7 {
		w.bits(uint64(n-1), 16)
	}
	w.bits(uint64(crc8(w.buf)), 8)
	for c, s := range subs {
		sb := bps
		if assign == 8 && c == 1 || assign == 9 && c == 0 || assign == 10 && c == 1 {
			sb++
		}
		var p subframePlan
		if plans != nil {
			p = plans[c]
		} else {
			p = planSubframe(s, sb)
		}
		encodeSubframe(w, s, sb, p)
	}
	w.align()
	w.bits(uint64(crc16(w.buf)), 16)
	return w.buf
}

func sizeCode(bps int) uint64 {
	for i, v := range sampleSizes {
		if v == bps && i != 0 {
			return uint64(i)
		}
	}
	return 0 // from STREAMINFO
}

func writeUTF8(w *bitWriter, v uint64) {
	if v < 0x80 {
		w.bits(v, 8)
		return
	}
	n := (bits.Len64(v) + 3) / 5 // continuation bytes (6 bits each) plus lead
	if n < 2 {
		n = 2
	}
	for (7-n)+6*(n-1) < bits.Len64(v) {
		n++
	}
	lead := uint64(0xFF<<(8-n)) & 0xFF
	w.bits(lead|v>>(6*(n-1)), 8)
	for i := n - 2; i >= 0; i-- {
		w.bits(0x80|(v>>(6*i))&0x3F, 8)
	}
}

// bestStereo picks the channel assignment whose subframes code smallest.
func bestStereo(chans [][]int64, bps int) (uint64, [][]int64, []subframePlan) {
	l, r := chans[0], chans[1]
	n := len(l)
	side := make([]int64, n)
	mid := make([]int64, n)
	for i := range l {
		side[i] = l[i] - r[i]
		mid[i] = (l[i] + r[i]) >> 1
	}
	lp, rp := planSubframe(l, bps), planSubframe(r, bps)
	sp, mp := planSubframe(side, bps+1), planSubframe(mid, bps)
	best, assign, out, plans := lp.costs+rp.costs, uint64(1), [][]int64{l, r}, []subframePlan{lp, rp}
	if c := lp.costs + sp.costs; c < best {
		best, assign, out, plans = c, 8, [][]int64{l, side}, []subframePlan{lp, sp}
	}
	if c := sp.costs + rp.costs; c < best {
		best, assign, out, plans = c, 9, [][]int64{side, r}, []subframePlan{sp, rp}
	}
	if c := mp.costs + sp.costs; c < best {
		assign, out, plans = 10, [][]int64{mid, side}, []subframePlan{mp, sp}
	}
	return assign, out, plans
}

// fixedResidual computes the residual of the fixed predictor of order k.
func fixedResidual(s []int64, k int, res []int64) []int64 {
	res = res[:0]
	for i := k; i < len(s); i++ {
		var p int64
		switch k {
		case 1:
			p = s[i-1]
		case 2:
			p = 2*s[i-1] - s[i-2]
		case 3:
			p = 3*s[i-1] - 3*s[i-2] + s[i-3]
		case 4:
			p = 4*s[i-1] - 6*s[i-2] + 4*s[i-3] - s[i-4]
		}
		res = append(res, s[i]-p)
	}
	return res
}

type subframePlan struct {
	kind  int // 0 constant, 1 verbatim, 8+k fixed order k
	res   []int64
	po    int
	ks    []int
	wide  bool // 5-bit Rice parameters
	costs int  // bits
}

func planSubframe(s []int64, bps int) subframePlan {
	n := len(s)
	constant := true
	for _, v := range s[1:] {
		if v != s[0] {
			constant = false
			break
		}
	}
	if constant {
		return subframePlan{kind: 0, costs: 8 + bps}
	}
	best := subframePlan{kind: 1, costs: 8 + n*bps}
	for k := 0; k <= 4 && k < n; k++ {
		res := fixedResidual(s, k, nil)
		po, ks, wide, bitsRes, ok := planRice(res, n, k)
		if !ok {
			continue
		}
		c := 8 + k*bps + bitsRes
		if c < best.costs {
			best = subframePlan{kind: 8 + k, res: res, po: po, ks: ks, wide: wide, costs: c}
		}
	}
	return best
}

// planRice chooses the partition order and per-partition Rice parameters
// with the fewest bits, estimating a partition's size from the sum of its
// zig-zag residuals (m·(k+1) + sum>>k). ok is false when a residual does
// not fit 32 bits.
func planRice(res []int64, n, order int) (po int, ks []int, wide bool, cost int, ok bool) {
	// Finest usable partition order, then sums per partition at that order.
	maxP := 0
	for p := 1; p <= 8; p++ {
		if n%(1<<p) != 0 || n>>p < 16 || n>>p < order {
			break
		}
		maxP = p
	}
	sums := make([]uint64, 1<<maxP)
	size := n >> maxP
	for i, v := range res {
		if v > 1<<31-1 || v < -(1<<31) {
			return 0, nil, false, 0, false
		}
		sums[(i+order)/size] += uint64(v<<1 ^ v>>63)
	}
	cost = -1
	for p := maxP; p >= 0; p-- {
		parts := 1 << p
		if p < maxP {
			for j := 0; j < parts; j++ {
				sums[j] = sums[2*j] + sums[2*j+1]
			}
		}
		c := 2 + 4
		pk := make([]int, parts)
		w := false
		for j := 0; j < parts; j++ {
			m := n >> p
			if j == 0 {
				m -= order
			}
			k, bc := riceParam(sums[j], m)
			pk[j] = k
			w = w || k >= 15
			c += bc
		}
		if w {
			c += 5 * parts
		} else {
			c += 4 * parts
		}
		if cost < 0 || c < cost {
			cost, po, ks, wide = c, p, pk, w
		}
	}
	return po, ks, wide, cost, true
}

// riceParam returns the parameter with the smallest estimated size for m
// values whose zig-zag sum is sum, and that size in bits.
func riceParam(sum uint64, m int) (int, int) {
	if m <= 0 {
		return 0, 0
	}
	k0 := 0
	if sum > uint64(m) {
		k0 = bits.Len64(sum/uint64(m)) - 1
	}
	best, bestCost := 0, -1
	for k := max(k0-1, 0); k <= min(k0+1, 30); k++ {
		c := m*(k+1) + int(sum>>uint(k))
		if bestCost < 0 || c < bestCost {
			best, bestCost = k, c
		}
	}
	return best, bestCost
}

func encodeSubframe(w *bitWriter, s []int64, bps int, p subframePlan) {
	w.bits(uint64(p.kind)<<1, 8) // zero pad, type, no wasted bits
	switch {
	case p.kind == 0:
		w.signed(s[0], uint(bps))
	case p.kind == 1:
		for _, v := range s {
			w.signed(v, uint(bps))
		}
	default:
		k := p.kind - 8
		for _, v := range s[:k] {
			w.signed(v, uint(bps))
		}
		if p.wide {
			w.bits(1, 2)
		} else {
			w.bits(0, 2)
		}
		w.bits(uint64(p.po), 4)
		pb := uint(4)
		if p.wide {
			pb = 5
		}
		idx := 0
		for part, rk := range p.ks {
			m := len(s) >> p.po
			if part == 0 {
				m -= k
			}
			w.bits(uint64(rk), pb)
			for _, v := range p.res[idx : idx+m] {
				u := uint64(v<<1 ^ v>>63)
				w.unary(u >> uint(rk))
				if rk > 0 {
					w.bits(u&(1<<uint(rk)-1), uint(rk))
				}
			}
			idx += m
		}
	}
}
