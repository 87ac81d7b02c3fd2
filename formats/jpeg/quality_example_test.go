package jpeg_test

import (
	"bytes"
	"fmt"
	"image"
	stdjpeg "image/jpeg"

	"github.com/belgi/belgi/formats/jpeg"
)

// Find the quality a JPEG was saved at, to re-encode it at the same one.
func ExampleEstimateQuality() {
	var buf bytes.Buffer
	stdjpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), &stdjpeg.Options{Quality: 83})
	q, exact, err := jpeg.EstimateQuality(&buf)
	fmt.Println(q, exact, err)
	// Output: 83 true <nil>
}
