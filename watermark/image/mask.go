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
	// rmsCapTexture is the bound for images that are texture throughout
	// (≈ 40.7 dB before rounding to 8 bits, inside the 40 dB floor): there the host hides more and
	// also drowns more of the mark, so the cap rises with how far the
	// masked pattern's RMS (before capping) exceeds rmsCap.
	rmsCapTexture = 2.35
)

// textureCap returns the RMS cap for a masked pattern whose RMS before
// capping is rms: rmsCap up to 2.5, rising linearly to rmsCapTexture at 3.5
// (photos mostly sit at 1–3; pure textures, foliage and fur at 3.3–4.2).
func textureCap(rms float64) float64 {
	t := math.Min(math.Max((rms-2.5)/1.0, 0), 1)
	return rmsCap + t*(rmsCapTexture-rmsCap)
}

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

// ssimTarget is the mean SSIM (of luma, Wang et al.'s 8×8-window form) the
// mark may bring an image down to. Texture masking, which sets the
// amplitude, does not protect smooth but grainy areas, where SSIM counts a
// change against a small local variance; there the whole mark is scaled
// down until the estimate meets this target.
const ssimTarget = 0.986

// ssimWindow is the side, in working pixels, of the working-grid window
// that covers about the 8×8 image pixels SSIM is measured over.
func ssimWindow(y *grid, imgShort int) int {
	f := float64(imgShort) / float64(min(y.w, y.h)) // image pixels per working pixel
	return max(2, int(math.Round(8/f)))
}

// ssimScale returns the factor s ≤ 1 by which the residual d·k (k the scale
// already decided) must be multiplied so that the estimated mean SSIM
// between y and y + s·k·d stays at or above ssimTarget. For an additive
// change of local variance σd² uncorrelated with the image, a window's SSIM
// is about (2σx² + C2)/(2σx² + σd² + C2) (the means barely move).
func ssimScale(y, d *grid, k float64, win int) float64 {
	const c2 = (0.03 * 255) * (0.03 * 255)
	var vx, vd []float64
	for y0 := 0; y0+win <= y.h; y0 += win {
		for x0 := 0; x0+win <= y.w; x0 += win {
			var sx, sxx, sd, sdd float64
			for j := y0; j < y0+win; j++ {
				row := y.p[j*y.w+x0 : j*y.w+x0+win]
				drow := d.p[j*d.w+x0 : j*d.w+x0+win]
				for i, v := range row {
					u := float64(v)
					sx += u
					sxx += u * u
					e := float64(drow[i]) * k
					sd += e
					sdd += e * e
				}
			}
			n := float64(win * win)
			vx = append(vx, max(sxx/n-(sx/n)*(sx/n), 0))
			vd = append(vd, max(sdd/n-(sd/n)*(sd/n), 0))
		}
	}
	if len(vx) == 0 {
		return 1
	}
	est := func(s float64) float64 {
		var sum float64
		for i := range vx {
			sum += (2*vx[i] + c2) / (2*vx[i] + s*s*vd[i] + c2)
		}
		return sum / float64(len(vx))
	}
	if est(1) >= ssimTarget {
		return 1
	}
	lo, hi := 0.0, 1.0
	for it := 0; it < 20; it++ {
		mid := (lo + hi) / 2
		if est(mid) >= ssimTarget {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
