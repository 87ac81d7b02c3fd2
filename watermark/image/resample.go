package image

// resample.go moves luma between the image and the working grid: an
// area-average downscale (each source pixel overlaps at most two working
// pixels per axis) and a bilinear upsample that adds a working-grid residual
// back into the pixels.

import (
	goimage "image"
	"image/color"
	"image/draw"
	"math"
)

// workingBase is the shorter side of the working grid.
const workingBase = 512

// grid is a float32 plane.
type grid struct {
	w, h int
	p    []float32
}

func newGrid(w, h int) *grid { return &grid{w: w, h: h, p: make([]float32, w*h)} }

// workingSize returns the working grid size for a w×h image.
func workingSize(w, h int) (int, int) {
	short := min(w, h)
	if short <= workingBase {
		return w, h
	}
	f := float64(short) / workingBase
	return max(1, int(math.Round(float64(w)/f))), max(1, int(math.Round(float64(h)/f)))
}

// axisMap says, for each source index, which two destination cells it
// overlaps and with what weights (area fractions in destination units).
type axisMap struct {
	i0 []int32
	w0 []float32
	w1 []float32
}

func downAxis(n, m int) axisMap {
	a := axisMap{make([]int32, n), make([]float32, n), make([]float32, n)}
	scale := float64(m) / float64(n) // destination cells per source pixel (≤ 1)
	for i := 0; i < n; i++ {
		lo, hi := float64(i)*scale, float64(i+1)*scale
		k := int(lo)
		if k >= m {
			k = m - 1
		}
		edge := float64(k + 1)
		if hi <= edge || k+1 >= m {
			a.i0[i], a.w0[i] = int32(k), float32(hi-lo)
		} else {
			a.i0[i], a.w0[i], a.w1[i] = int32(k), float32(edge-lo), float32(hi-edge)
		}
	}
	return a
}

// lumaRower returns a function that writes row y's luma (0–255) into dst.
func lumaRower(img goimage.Image) func(y int, dst []float32) {
	b := img.Bounds()
	switch m := img.(type) {
	case *goimage.YCbCr:
		return func(y int, dst []float32) {
			row := m.Y[m.YOffset(b.Min.X, b.Min.Y+y):]
			for x := range dst {
				dst[x] = float32(row[x])
			}
		}
	case *goimage.Gray:
		return func(y int, dst []float32) {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range dst {
				dst[x] = float32(row[x])
			}
		}
	case *goimage.RGBA:
		return func(y int, dst []float32) {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range dst {
				p := row[4*x : 4*x+3 : 4*x+3]
				dst[x] = 0.299*float32(p[0]) + 0.587*float32(p[1]) + 0.114*float32(p[2])
			}
		}
	case *goimage.NRGBA:
		return func(y int, dst []float32) {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range dst {
				p := row[4*x : 4*x+3 : 4*x+3]
				dst[x] = 0.299*float32(p[0]) + 0.587*float32(p[1]) + 0.114*float32(p[2])
			}
		}
	}
	return func(y int, dst []float32) {
		for x := range dst {
			r, g, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			dst[x] = (0.299*float32(r) + 0.587*float32(g) + 0.114*float32(bb)) / 257
		}
	}
}

// workingLuma returns the luma of img averaged onto its working grid.
func workingLuma(img goimage.Image) *grid {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	ww, wh := workingSize(w, h)
	out := newGrid(ww, wh)
	row := make([]float32, w)
	rower := lumaRower(img)
	if ww == w && wh == h {
		for y := 0; y < h; y++ {
			rower(y, out.p[y*w:(y+1)*w])
		}
		return out
	}
	ax, ay := downAxis(w, ww), downAxis(h, wh)
	hrow := make([]float32, ww)
	for y := 0; y < h; y++ {
		rower(y, row)
		clear(hrow)
		for x, v := range row {
			i := ax.i0[x]
			hrow[i] += v * ax.w0[x]
			if w1 := ax.w1[x]; w1 != 0 {
				hrow[i+1] += v * w1
			}
		}
		k := int(ay.i0[y])
		o := out.p[k*ww : (k+1)*ww]
		for x, v := range hrow {
			o[x] += v * ay.w0[y]
		}
		if w1 := ay.w1[y]; w1 != 0 {
			o = out.p[(k+1)*ww : (k+2)*ww]
			for x, v := range hrow {
				o[x] += v * w1
			}
		}
	}
	// The weights are fractions of a working cell, so each cell's weights
	// sum to one and out is already the area average.
	return out
}

// upAxis maps each destination index to the working-grid sample left of it
// and the weight of the right neighbour (bilinear, pixel centres aligned).
func upAxis(n, m int) ([]int32, []float32) {
	idx, wt := make([]int32, n), make([]float32, n)
	f := float64(m) / float64(n)
	for i := 0; i < n; i++ {
		u := (float64(i)+0.5)*f - 0.5
		k := int(math.Floor(u))
		t := u - float64(k)
		if k < 0 {
			k, t = 0, 0
		}
		if k >= m-1 {
			k, t = max(m-2, 0), 1
			if m == 1 {
				t = 0
			}
		}
		idx[i], wt[i] = int32(k), float32(t)
	}
	return idx, wt
}

// addResidual upsamples the working-grid residual d to img's size and adds
// it to the luma of img in place (to R, G and B equally, or to Y).
func addResidual(img goimage.Image, d *grid) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	xi, xw := upAxis(w, d.w)
	yi, yw := upAxis(h, d.h)
	row := make([]float32, d.w)
	delta := make([]float32, w)
	for y := 0; y < h; y++ {
		k, t := int(yi[y]), yw[y]
		r0 := d.p[k*d.w : (k+1)*d.w]
		if t == 0 || d.h == 1 {
			copy(row, r0)
		} else {
			r1 := d.p[(k+1)*d.w : (k+2)*d.w]
			for x := range row {
				row[x] = r0[x] + t*(r1[x]-r0[x])
			}
		}
		if d.w == w {
			copy(delta, row)
		} else {
			for x := range delta {
				i := xi[x]
				a := row[i]
				if d.w > 1 {
					a += xw[x] * (row[i+1] - a)
				}
				delta[x] = a
			}
		}
		addRow(img, b, y, delta)
	}
}

func clamp8(v float32) uint8 {
	v += 0.5
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v)
}

func addRow(img goimage.Image, b goimage.Rectangle, y int, delta []float32) {
	switch m := img.(type) {
	case *goimage.YCbCr:
		row := m.Y[m.YOffset(b.Min.X, b.Min.Y+y):]
		for x, d := range delta {
			row[x] = clamp8(float32(row[x]) + d)
		}
	case *goimage.Gray:
		row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
		for x, d := range delta {
			row[x] = clamp8(float32(row[x]) + d)
		}
	case *goimage.NRGBA:
		row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
		for x, d := range delta {
			p := row[4*x : 4*x+3 : 4*x+3]
			p[0] = clamp8(float32(p[0]) + d)
			p[1] = clamp8(float32(p[1]) + d)
			p[2] = clamp8(float32(p[2]) + d)
		}
	case *goimage.RGBA:
		row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
		for x, d := range delta {
			p := row[4*x : 4*x+4 : 4*x+4]
			a := float32(p[3])
			if a == 0 {
				continue
			}
			d *= a / 255 // premultiplied
			p[0] = min(clamp8(float32(p[0])+d), p[3])
			p[1] = min(clamp8(float32(p[1])+d), p[3])
			p[2] = min(clamp8(float32(p[2])+d), p[3])
		}
	case draw.Image:
		for x, d := range delta {
			c := color.NRGBA64Model.Convert(m.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA64)
			add := func(v uint16) uint16 {
				f := float32(v) + d*257
				if f <= 0 {
					return 0
				}
				if f >= 65535 {
					return 65535
				}
				return uint16(f + 0.5)
			}
			c.R, c.G, c.B = add(c.R), add(c.G), add(c.B)
			m.Set(b.Min.X+x, b.Min.Y+y, c)
		}
	}
}
