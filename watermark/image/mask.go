package image

// mask.go is the perceptual model: how strongly each working-grid pixel may
// be changed. Texture hides a change; flat areas and edges of flat areas show
// it, so the amplitude follows the local activity with a small floor.

import "math"

const (
	maskFloor = 1.0 // grey levels in flat areas
	maskGain  = 0.6 // per grey level of local mean absolute deviation
	maskMax   = 7.0 // cap, well below the 24/255 maximum error
	// rmsCap bounds the root-mean-square change of the whole image (≈ 42 dB).
	rmsCap = 2.0
)

// boxBlur returns the mean of g over (2r+1)² windows, clamped at the edges.
func boxBlur(g *grid, r int) *grid {
	tmp := newGrid(g.w, g.h)
	out := newGrid(g.w, g.h)
	boxPass(g.p, tmp.p, g.w, g.h, 1, g.w, r)
	boxPass(tmp.p, out.p, g.h, g.w, g.w, 1, r)
	return out
}

// boxPass filters lines of length n (stride step), nLines of them (line
// stride lstep), with a running sum; windows are cut at the ends.
func boxPass(src, dst []float32, n, nLines, step, lstep, r int) {
	for l := 0; l < nLines; l++ {
		base := l * lstep
		var s float32
		cnt := 0
		for i := 0; i <= r && i < n; i++ {
			s += src[base+i*step]
			cnt++
		}
		for i := 0; i < n; i++ {
			dst[base+i*step] = s / float32(cnt)
			if j := i + r + 1; j < n {
				s += src[base+j*step]
				cnt++
			}
			if j := i - r; j >= 0 {
				s -= src[base+j*step]
				cnt--
			}
		}
	}
}

// amplitude returns the per-pixel amplitude for luma y (working grid) at
// strength 1.
func amplitude(y *grid) *grid {
	m := boxBlur(y, 1)
	for i, v := range y.p {
		m.p[i] = float32(math.Abs(float64(v - m.p[i])))
	}
	act := boxBlur(m, 3)
	for i, v := range act.p {
		a := maskFloor + maskGain*v
		if a > maskMax {
			a = maskMax
		}
		// Near black and white the change would clip; fade it out there.
		if l := y.p[i]; l < 8 || l > 247 {
			a *= 0.5
		}
		act.p[i] = a
	}
	return act
}
