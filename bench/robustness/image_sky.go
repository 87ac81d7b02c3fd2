package main

import (
	"flag"
	"fmt"
	goimage "image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"
	"path/filepath"

	"github.com/disintegration/imaging"

	wimage "github.com/belgi/belgi/watermark/image"
)

var skyPanel = flag.String("sky-panel", "", "write the flat-sky before/after panel to `PNG` (from rocket.jpg in -corpus DIR) and stop")

// writeSkyPanel marks rocket.jpg (SpaceX, public domain) and writes a 5×
// zoom of a 90×90 patch of its dusk sky: original, marked, and the
// difference amplified 16× around grey.
func writeSkyPanel(dir, out string, w io.Writer) error {
	src, err := imaging.Open(filepath.Join(dir, "rocket.jpg"))
	if err != nil {
		return err
	}
	m, err := wimage.Embed(src, 0x0123456789abcdef, nil)
	if err != nil {
		return err
	}
	const s, z, gap = 90, 5, 8
	r := goimage.Rect(96, 30, 96+s, 30+s)
	a := imaging.Resize(imaging.Crop(src, r), s*z, s*z, imaging.NearestNeighbor)
	b := imaging.Resize(imaging.Crop(m, r), s*z, s*z, imaging.NearestNeighbor)
	d := goimage.NewNRGBA(a.Bounds())
	maxd := 0
	for i := 0; i < len(a.Pix); i += 4 {
		for c := 0; c < 3; c++ {
			v := int(b.Pix[i+c]) - int(a.Pix[i+c])
			maxd = max(maxd, v, -v)
			d.Pix[i+c] = uint8(max(0, min(255, 128+16*v)))
		}
		d.Pix[i+3] = 255
	}
	panel := goimage.NewNRGBA(goimage.Rect(0, 0, 3*s*z+2*gap, s*z))
	draw.Draw(panel, panel.Bounds(), goimage.NewUniform(color.White), goimage.Point{}, draw.Src)
	for k, p := range []goimage.Image{a, b, d} {
		draw.Draw(panel, a.Bounds().Add(goimage.Pt(k*(s*z+gap), 0)), p, goimage.Point{}, draw.Src)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := png.Encode(f, panel); err != nil {
		f.Close()
		return err
	}
	fmt.Fprintf(w, "wrote %s: largest change in the patch %d/255\n", out, maxd)
	return f.Close()
}
