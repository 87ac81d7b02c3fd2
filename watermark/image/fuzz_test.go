package image

import (
	goimage "image"
	"testing"
)

// FuzzDetect feeds Detect (and EmbedInPlace) grey images of any size from
// 1×1 to 700×700 with arbitrary pixels: no panic, no hang, and an unmarked
// image of random bytes is never reported present.
func FuzzDetect(f *testing.F) {
	f.Add(uint16(1), uint16(1), []byte{0})
	f.Add(uint16(256), uint16(300), []byte{1, 2, 3, 250, 7})
	f.Add(uint16(700), uint16(64), []byte{128})
	f.Add(uint16(513), uint16(257), []byte{0, 255})
	f.Fuzz(func(t *testing.T, w, h uint16, data []byte) {
		w, h = 1+w%700, 1+h%700
		img := goimage.NewGray(goimage.Rect(0, 0, int(w), int(h)))
		if len(data) > 0 {
			for i := range img.Pix {
				img.Pix[i] = data[i%len(data)]
			}
		}
		r, err := Detect(img, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Present {
			t.Fatalf("%dx%d pattern of %d bytes reported present: %+v", w, h, len(data), r)
		}
		_ = EmbedInPlace(img, 1, nil)
	})
}
