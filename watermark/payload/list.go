package payload

import (
	"math"
	"sync"
)

// list.go is a list Viterbi decoder (the "parallel" list Viterbi algorithm
// of Seshadri and Sundberg, 1994): every trellis state keeps its l best
// paths instead of one, so the decoder returns the l codewords with the
// largest correlation, best first. With the CRC as the outer check a
// near miss of the plain Viterbi decoder (the true frame second or tenth
// best) is still found; every path tested counts as a hypothesis for
// Threshold.

// backPool recycles the traceback table (steps × states × l entries: 14 MB
// for a list of 1024).
var backPool sync.Pool

// convDecodeList returns up to l information-bit sequences (n bits each)
// of the zero-terminated codewords with the largest correlation with soft,
// in decreasing order of correlation. l = 1 gives convDecode's answer.
func convDecodeList(soft []float64, n, l int) [][]uint8 {
	steps := n + convK - 1
	if len(soft) < convRate*steps {
		s := make([]float64, convRate*steps)
		copy(s, soft)
		soft = s
	}
	l = min(max(l, 1), 1<<15)
	// metric[s*l+k] is the k-th best path metric into state s (cnt[s] valid)
	metric := make([]float64, convStates*l)
	next := make([]float64, convStates*l)
	var cnt, ncnt [convStates]int
	metric[0], cnt[0] = 0, 1
	// back[t][s*l+k] = rank<<1 | low bit of the predecessor state
	need := steps * convStates * l
	bp, _ := backPool.Get().(*[]uint16)
	if bp == nil || cap(*bp) < need {
		b := make([]uint16, need)
		bp = &b
	}
	defer backPool.Put(bp)
	back := (*bp)[:need]
	for t := 0; t < steps; t++ {
		r := soft[convRate*t : convRate*t+convRate]
		bm := branchMetrics(r)
		bt := back[t*convStates*l : (t+1)*convStates*l]
		tail := t >= n
		for ns := 0; ns < convStates; ns++ {
			b := ns >> (convK - 2)
			ncnt[ns] = 0
			if tail && b == 1 {
				continue
			}
			s0 := (ns << 1) & (convStates - 1)
			s1 := s0 | 1
			m0 := metric[s0*l : s0*l+cnt[s0]]
			m1 := metric[s1*l : s1*l+cnt[s1]]
			b0 := bm[convOut[s0][b]]
			b1 := bm[convOut[s1][b]]
			out := next[ns*l : ns*l+l]
			ob := bt[ns*l : ns*l+l]
			i, j, k := 0, 0, 0
			for k < l && i < len(m0) && j < len(m1) {
				if v0, v1 := m0[i]+b0, m1[j]+b1; v0 >= v1 {
					out[k], ob[k] = v0, uint16(i)<<1
					i++
				} else {
					out[k], ob[k] = v1, uint16(j)<<1|1
					j++
				}
				k++
			}
			for ; k < l && i < len(m0); k, i = k+1, i+1 {
				out[k], ob[k] = m0[i]+b0, uint16(i)<<1
			}
			for ; k < l && j < len(m1); k, j = k+1, j+1 {
				out[k], ob[k] = m1[j]+b1, uint16(j)<<1|1
			}
			ncnt[ns] = k
		}
		metric, next = next, metric
		cnt = ncnt
	}
	paths := make([][]uint8, cnt[0])
	for k := range paths {
		bits := make([]uint8, steps)
		s, rank := 0, k
		for t := steps - 1; t >= 0; t-- {
			bits[t] = uint8(s >> (convK - 2))
			e := back[(t*convStates+s)*l+rank]
			s = (s<<1)&(convStates-1) | int(e&1)
			rank = int(e >> 1)
		}
		paths[k] = bits[:n]
	}
	return paths
}

// DecodeList decodes soft values like Decode with a list of the l most
// likely frames. It returns Decode's answer (the best frame) first, followed
// by the other frames of the list whose CRC checks, in order of likelihood.
// A caller that accepts an entry with CRCOK and Score ≥ t must count l
// hypotheses per call in Threshold.
func (c *Code) DecodeList(soft []float64, l int) []Decoded {
	s, code, erased, ok := c.prepare(soft)
	if !ok {
		return []Decoded{{Erased: erased}}
	}
	paths := convDecodeList(code, infoBits, l)
	out := []Decoded{c.finish(s, paths[0], erased)}
	for _, info := range paths[1:] {
		if infoCRCOK(info) {
			out = append(out, c.finish(s, info, erased))
		}
	}
	return out
}

// infoCRCOK reports whether decoded information bits carry a valid CRC.
func infoCRCOK(info []uint8) bool {
	version, id, crc := infoFields(info)
	return crc == frameCRC(version, id)
}

// ScoreBound returns the Score of the codeword with the largest
// correlation with soft, whether or not its frame's CRC checks (-Inf when
// nothing is left after erasures). No frame returned by Decode or
// DecodeList with CRCOK scores above it: every such frame's codeword is a
// path of the same trellis, and Score grows with the path's correlation.
// So when ScoreBound(soft) < t, no list of any size can hold a frame that
// is Detected(t), and a caller may skip building it: the detection outcome,
// and so the false-positive rate accounted for with l hypotheses per list,
// is the same as with the list built.
func (c *Code) ScoreBound(soft []float64) float64 {
	s, code, _, ok := c.prepare(soft)
	if !ok {
		return math.Inf(-1)
	}
	bits := convEncode(convDecode(code, infoBits))
	var dot, norm float64
	for i, b := range bits {
		dot += code[i] * float64(1-2*int(b))
	}
	for _, v := range s {
		norm += v * v
	}
	return (dot/math.Sqrt(norm) - nullMean) / nullSD
}
