package image_test

import (
	"fmt"
	goimage "image"
	"math/rand/v2"

	wimage "github.com/belgi/belgi/watermark/image"
)

func Example() {
	// A textured 640×480 grey image stands in for a photo.
	img := goimage.NewGray(goimage.Rect(0, 0, 640, 480))
	r := rand.New(rand.NewPCG(1, 1))
	for i := range img.Pix {
		img.Pix[i] = uint8(64 + r.IntN(128))
	}
	marked, err := wimage.Embed(img, 0x0123456789abcdef, nil) // public key, default strength
	if err != nil {
		panic(err)
	}
	res, err := wimage.Detect(marked, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("present %v, id %016x\n", res.Present, res.ID)
	res, _ = wimage.Detect(img, nil)
	fmt.Println("unmarked present:", res.Present)
	// Output:
	// present true, id 0123456789abcdef
	// unmarked present: false
}
