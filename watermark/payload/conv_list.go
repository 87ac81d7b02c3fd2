package payload

// conv_list.go is the list form of the Viterbi decoder (the parallel list
// Viterbi algorithm of Seshadri and Sundberg): each trellis state keeps its
// L best paths instead of one, so the decoder returns the L most likely
// codewords in order. With the CRC as the judge among them, a frame whose
// best path is off by one short error event — the commonest failure just
// above the noise — is still recovered.

type listEntry struct {
	metric float64
	prev   uint8 // predecessor state
	rank   uint8 // rank of the predecessor's path
}

// convDecodeList returns the information bits of up to l codewords with the
// largest correlation with soft, best first (l ≤ 255). The first is the
// one convDecode returns (ties aside).
func convDecodeList(soft []float64, n, l int) [][]uint8 {
	if l < 1 {
		return nil
	}
	if l > 255 {
		l = 255
	}
	steps := n + convK - 1
	if len(soft) < convRate*steps {
		s := make([]float64, convRate*steps)
		copy(s, soft)
		soft = s
	}
	// ent[(t*convStates+s)*l : +cnt[t*convStates+s]] holds state s's paths
	// after step t, best first.
	ent := make([]listEntry, steps*convStates*l)
	cnt := make([]uint8, steps*convStates)
	prevCnt := make([]uint8, convStates)
	prevEnt := make([]listEntry, convStates*l)
	prevCnt[0], prevEnt[0] = 1, listEntry{}
	for t := 0; t < steps; t++ {
		r := soft[convRate*t : convRate*t+convRate]
		var bm [8]float64
		for o := 0; o < 8; o++ {
			v := 0.0
			for j := 0; j < convRate; j++ {
				if o>>j&1 == 0 {
					v += r[j]
				} else {
					v -= r[j]
				}
			}
			bm[o] = v
		}
		tail := t >= n
		for ns := 0; ns < convStates; ns++ {
			b := ns >> (convK - 2) // the input bit that leads into ns
			if tail && b == 1 {
				continue
			}
			// The two predecessors of ns differ in their lowest bit; each
			// list is sorted, and adding a branch metric keeps it sorted,
			// so a merge gives the l best.
			s0, s1 := (ns<<1)&(convStates-1), (ns<<1)&(convStates-1)|1
			a, bb := prevEnt[s0*l:s0*l+int(prevCnt[s0])], prevEnt[s1*l:s1*l+int(prevCnt[s1])]
			ma, mb := bm[convOut[s0][b]], bm[convOut[s1][b]]
			out := ent[(t*convStates+ns)*l:]
			i, j, k := 0, 0, 0
			for k < l && (i < len(a) || j < len(bb)) {
				if j >= len(bb) || (i < len(a) && a[i].metric+ma >= bb[j].metric+mb) {
					out[k] = listEntry{metric: a[i].metric + ma, prev: uint8(s0), rank: uint8(i)}
					i++
				} else {
					out[k] = listEntry{metric: bb[j].metric + mb, prev: uint8(s1), rank: uint8(j)}
					j++
				}
				k++
			}
			cnt[t*convStates+ns] = uint8(k)
		}
		copy(prevCnt, cnt[t*convStates:(t+1)*convStates])
		copy(prevEnt, ent[t*convStates*l:(t+1)*convStates*l])
	}
	cur0 := int(prevCnt[0])
	out := make([][]uint8, 0, cur0)
	for k := 0; k < cur0; k++ {
		bits := make([]uint8, steps)
		s, rank := 0, k
		for t := steps - 1; t >= 0; t-- {
			e := ent[(t*convStates+s)*l+rank]
			bits[t] = uint8(s >> (convK - 2))
			s, rank = int(e.prev), int(e.rank)
		}
		out = append(out, bits[:n])
	}
	return out
}
