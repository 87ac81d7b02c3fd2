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
// Both passes keep running sums; the vertical one works a row at a time so
// that it streams through memory.
func boxBlur(g *grid, r int) *grid {
	w, h := g.w, g.h
	tmp := newGrid(w, h)
	for y := 0; y < h; y++ {
		boxLine(g.p[y*w:(y+1)*w], tmp.p[y*w:(y+1)*w], r)
	}
	out := newGrid(w, h)
	sum := make([]float32, w)
	cnt := 0
	for i := 0; i <= r && i < h; i++ {
		addRowTo(sum, tmp.p[i*w:(i+1)*w], 1)
		cnt++
	}
	for y := 0; y < h; y++ {
		inv := 1 / float32(cnt)
		o := out.p[y*w : (y+1)*w]
		for x, v := range sum {
			o[x] = v * inv
		}
		if j := y + r + 1; j < h {
			addRowTo(sum, tmp.p[j*w:(j+1)*w], 1)
			cnt++
		}
		if j := y - r; j >= 0 {
			addRowTo(sum, tmp.p[j*w:(j+1)*w], -1)
			cnt--
		}
	}
	return out
}

func addRowTo(sum, row []float32, sign float32) {
	row = row[:len(sum)]
	for x, v := range row {
		sum[x] += sign * v
	}
}

// boxLine is the running-sum mean of src over windows of 2r+1, cut at the
// ends.
func boxLine(src, dst []float32, r int) {
	n := len(src)
	var s float32
	cnt := 0
	for i := 0; i <= r && i < n; i++ {
		s += src[i]
		cnt++
	}
	for i := 0; i < n; i++ {
		dst[i] = s / float32(cnt)
		if j := i + r + 1; j < n {
			s += src[j]
			cnt++
		}
		if j := i - r; j >= 0 {
			s -= src[j]
			cnt--
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
