package label

import (
	"image"
	"image/draw"
)

// EXIF orientation: JPEG pixels are stored one way and shown another. A
// badge must be drawn upright in the shown picture, so the stages see the
// image as shown and the result is turned back to the stored orientation
// (the EXIF tag is carried over unchanged).

// orientMap maps stored pixel (x, y) of a w×h image to its shown position
// for EXIF orientation o, and gives the shown size.
func orientMap(o, w, h int) (sw, sh int, f func(x, y int) (int, int)) {
	switch o {
	case 2:
		return w, h, func(x, y int) (int, int) { return w - 1 - x, y }
	case 3:
		return w, h, func(x, y int) (int, int) { return w - 1 - x, h - 1 - y }
	case 4:
		return w, h, func(x, y int) (int, int) { return x, h - 1 - y }
	case 5:
		return h, w, func(x, y int) (int, int) { return y, x }
	case 6:
		return h, w, func(x, y int) (int, int) { return h - 1 - y, x }
	case 7:
		return h, w, func(x, y int) (int, int) { return h - 1 - y, w - 1 - x }
	case 8:
		return h, w, func(x, y int) (int, int) { return y, w - 1 - x }
	}
	return w, h, func(x, y int) (int, int) { return x, y }
}

// pixels exposes the Pix layout of the two types reencodeJPEG draws on.
func pixels(img draw.Image) (pix []byte, stride, bpp int, ok bool) {
	switch m := img.(type) {
	case *image.RGBA:
		return m.Pix, m.Stride, 4, m.Rect.Min == image.Point{}
	case *image.Gray:
		return m.Pix, m.Stride, 1, m.Rect.Min == image.Point{}
	}
	return nil, 0, 0, false
}

func newLike(img draw.Image, w, h int) draw.Image {
	if _, ok := img.(*image.Gray); ok {
		return image.NewGray(image.Rect(0, 0, w, h))
	}
	return image.NewRGBA(image.Rect(0, 0, w, h))
}

// orientForDisplay returns img as a viewer shows it under orientation o
// (img itself for 1 or unknown values).
func orientForDisplay(img draw.Image, o int) draw.Image {
	src, ss, bpp, ok := pixels(img)
	if o <= 1 || o > 8 || !ok {
		return img
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	sw, sh, f := orientMap(o, w, h)
	dst := newLike(img, sw, sh)
	dp, ds, _, _ := pixels(dst)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := f(x, y)
			copy(dp[dy*ds+dx*bpp:dy*ds+dx*bpp+bpp], src[y*ss+x*bpp:y*ss+x*bpp+bpp])
		}
	}
	return dst
}

// orientForStorage undoes orientForDisplay.
func orientForStorage(shown draw.Image, o int) draw.Image {
	src, ss, bpp, ok := pixels(shown)
	if o <= 1 || o > 8 || !ok {
		return shown
	}
	w, h := shown.Bounds().Dx(), shown.Bounds().Dy()
	if o >= 5 {
		w, h = h, w // stored size
	}
	_, _, f := orientMap(o, w, h)
	dst := newLike(shown, w, h)
	dp, ds, _, _ := pixels(dst)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sx, sy := f(x, y)
			copy(dp[y*ds+x*bpp:y*ds+x*bpp+bpp], src[sy*ss+sx*bpp:sy*ss+sx*bpp+bpp])
		}
	}
	return dst
}
