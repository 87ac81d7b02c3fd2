package image

// layout.go derives, from the key, where the template and the payload bits
// sit among the tile's chips, and renders tiles from chip values.

import (
	"crypto/sha256"
	"math/rand/v2"
	"sync"

	"github.com/belgi/belgi/watermark/payload"
)

const (
	tileSize      = 128 // working-grid pixels per tile side
	chipSize      = 2   // working-grid pixels per chip side
	chipsPerSide  = tileSize / chipSize
	nChips        = chipsPerSide * chipsPerSide // 4096
	chipsPerBit   = 11
	templateChips = nChips - chipsPerBit*318 // 598
)

type layout struct {
	code       *payload.Code
	tmplChip   []int32   // chip indices of the template
	tmplSign   []float32 // their ±1 values
	bitChip    [][chipsPerBit]int32
	bitSign    [][chipsPerBit]float32
	tmplTile   []float32 // the rendered template (payload chips 0)
	tmplEnergy float64
	tmplFFT    [8][]complex128 // conj(FFT(template under each D4 element))
	halfFFT    [8][]complex128 // the same at half resolution (64×64)
}

var layouts sync.Map // string(key) → *layout

func layoutFor(key []byte) *layout {
	if len(key) == 0 {
		key = payload.DefaultKey
	}
	if l, ok := layouts.Load(string(key)); ok {
		return l.(*layout)
	}
	l := newLayout(key)
	layouts.Store(string(key), l)
	return l
}

func newLayout(key []byte) *layout {
	code := payload.New(key)
	if code.Len()*chipsPerBit+templateChips != nChips {
		panic("image: payload length does not fit the tile")
	}
	h := sha256.New()
	h.Write([]byte("belgi/image/layout\x00"))
	h.Write(key)
	var seed [32]byte
	h.Sum(seed[:0])
	rng := rand.NewChaCha8(seed)
	// Fisher-Yates with our own index draw, so that the layout does not depend
	// on math/rand's shuffle algorithm staying the same.
	perm := make([]int32, nChips)
	for i := range perm {
		perm[i] = int32(i)
	}
	for i := nChips - 1; i > 0; i-- {
		j := int(rng.Uint64() % uint64(i+1))
		perm[i], perm[j] = perm[j], perm[i]
	}
	sign := func() float32 {
		if rng.Uint64()&1 == 1 {
			return -1
		}
		return 1
	}
	l := &layout{code: code}
	l.tmplChip = perm[:templateChips]
	for range l.tmplChip {
		l.tmplSign = append(l.tmplSign, sign())
	}
	n := code.Len()
	l.bitChip = make([][chipsPerBit]int32, n)
	l.bitSign = make([][chipsPerBit]float32, n)
	for k, c := range perm[templateChips:] {
		b, j := k%n, k/n
		l.bitChip[b][j] = c
		l.bitSign[b][j] = sign()
	}
	chips := make([]float32, nChips)
	for i, c := range l.tmplChip {
		chips[c] = l.tmplSign[i]
	}
	l.tmplTile = renderTile(chips)
	for _, v := range l.tmplTile {
		l.tmplEnergy += float64(v) * float64(v)
	}
	half := make([]float32, halfTile*halfTile)
	for y := 0; y < tileSize; y++ {
		for x := 0; x < tileSize; x++ {
			half[(y/2)*halfTile+x/2] += 0.25 * l.tmplTile[y*tileSize+x]
		}
	}
	for g := 0; g < 8; g++ {
		l.tmplFFT[g] = templateFFT(l.tmplTile, tileSize, g)
		l.halfFFT[g] = templateFFT(half, halfTile, g)
	}
	return l
}

// templateFFT returns conj(FFT(t turned by g)) for an n×n tile t.
func templateFFT(t []float32, n, g int) []complex128 {
	out := make([]complex128, n*n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			gx, gy := d4Point(g, float64(x), float64(y))
			ix, iy := ((int(gx)%n)+n)%n, ((int(gy)%n)+n)%n
			out[iy*n+ix] = complex(float64(t[y*n+x]), 0)
		}
	}
	fft2(out, n, n, false)
	for i, v := range out {
		out[i] = complex(real(v), -imag(v))
	}
	return out
}

// chips returns the chip values (±1) of the tile that carries id.
func (l *layout) chips(id uint64) []float32 {
	chips := make([]float32, nChips)
	for i, c := range l.tmplChip {
		chips[c] = l.tmplSign[i]
	}
	x := l.code.Encode(id)
	for b, v := range x {
		for j := 0; j < chipsPerBit; j++ {
			chips[l.bitChip[b][j]] = l.bitSign[b][j] * float32(v)
		}
	}
	return chips
}

// renderTile interpolates chip values (chip centres at 2c+0.5) bilinearly
// and cyclically onto the tile's pixels.
func renderTile(chips []float32) []float32 {
	// Along one axis pixel 2k takes 0.25·c[k-1] + 0.75·c[k] and pixel 2k+1
	// takes 0.75·c[k] + 0.25·c[k+1].
	tmp := make([]float32, chipsPerSide*tileSize) // chip rows × pixel columns
	for cy := 0; cy < chipsPerSide; cy++ {
		row := chips[cy*chipsPerSide : (cy+1)*chipsPerSide]
		for k := 0; k < chipsPerSide; k++ {
			prev, next := row[(k+chipsPerSide-1)%chipsPerSide], row[(k+1)%chipsPerSide]
			tmp[cy*tileSize+2*k] = 0.25*prev + 0.75*row[k]
			tmp[cy*tileSize+2*k+1] = 0.75*row[k] + 0.25*next
		}
	}
	out := make([]float32, tileSize*tileSize)
	for k := 0; k < chipsPerSide; k++ {
		prev, next := (k+chipsPerSide-1)%chipsPerSide, (k+1)%chipsPerSide
		for x := 0; x < tileSize; x++ {
			c, p, n := tmp[k*tileSize+x], tmp[prev*tileSize+x], tmp[next*tileSize+x]
			out[2*k*tileSize+x] = 0.25*p + 0.75*c
			out[(2*k+1)*tileSize+x] = 0.75*c + 0.25*n
		}
	}
	return out
}

// d4Point maps a tile point by element g of the dihedral group of the
// square: g&3 quarter turns, then a mirror in x when g&4.
func d4Point(g int, x, y float64) (float64, float64) {
	for i := 0; i < g&3; i++ {
		x, y = -y, x
	}
	if g&4 != 0 {
		x = -x
	}
	return x, y
}
