package image

import (
	"math"
	"math/rand/v2"
	"testing"
)

// foldTileSlow is the plain form of foldTile: every tile coordinate of the
// image's bounding box, tested one by one.
func foldTileSlow(r *grid, u [2]float64, tileSize int) []float32 {
	m00, m10 := u[0]/float64(tileSize), u[1]/float64(tileSize)
	m01, m11 := -m10, m00
	cx, cy := float64(r.w)/2, float64(r.h)/2
	det := m00*m11 - m01*m10
	qx0, qy0, qx1, qy1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [][2]float64{{0, 0}, {float64(r.w), 0}, {0, float64(r.h)}, {float64(r.w), float64(r.h)}} {
		px, py := c[0]-cx, c[1]-cy
		x, y := (m11*px-m01*py)/det, (-m10*px+m00*py)/det
		qx0, qy0 = math.Min(qx0, x), math.Min(qy0, y)
		qx1, qy1 = math.Max(qx1, x), math.Max(qy1, y)
	}
	sum := make([]float64, tileSize*tileSize)
	cnt := make([]float64, tileSize*tileSize)
	for qy := int(math.Floor(qy0)); qy <= int(math.Ceil(qy1)); qy++ {
		for qx := int(math.Floor(qx0)); qx <= int(math.Ceil(qx1)); qx++ {
			px := cx + m00*float64(qx) + m01*float64(qy)
			py := cy + m10*float64(qx) + m11*float64(qy)
			if px < 0 || py < 0 || px >= float64(r.w-1) || py >= float64(r.h-1) {
				continue
			}
			ix, iy := int(px), int(py)
			fx, fy := px-float64(ix), py-float64(iy)
			at := func(x, y int) float64 { return float64(r.p[y*r.w+x]) }
			v := (1-fy)*((1-fx)*at(ix, iy)+fx*at(ix+1, iy)) + fy*((1-fx)*at(ix, iy+1)+fx*at(ix+1, iy+1))
			k := (((qy%tileSize)+tileSize)%tileSize)*tileSize + ((qx%tileSize)+tileSize)%tileSize
			sum[k] += v
			cnt[k]++
		}
	}
	out := make([]float32, len(sum))
	for k := range sum {
		if cnt[k] > 0 {
			out[k] = float32(sum[k] / cnt[k])
		}
	}
	return out
}

func TestFoldTileMatchesSlow(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	r := newGrid(301, 227)
	for i := range r.p {
		r.p[i] = float32(rng.NormFloat64())
	}
	// Vectors whose samples never land exactly on the image's edge, where
	// the fast kernel's running sums and the direct products may round to
	// different sides of the bounds test.
	for _, u := range [][2]float64{{128, 0}, {64, 0}, {147.31, 0}, {120.013, 9.517}, {131.07, -17.003}, {-128, 0}, {0, 128}, {60.217, 3.0913}} {
		n := tileSize
		if math.Hypot(u[0], u[1]) < 100 {
			n = halfTile
		}
		got, want := foldTile(r, u, n), foldTileSlow(r, u, n)
		for k := range want {
			if d := math.Abs(float64(got[k] - want[k])); d > 1e-4 {
				t.Fatalf("u=%v: cell %d = %v, want %v", u, k, got[k], want[k])
			}
		}
	}
}
