package exif_test

import (
	"fmt"

	"github.com/belgi/belgi/formats/exif"
)

func ExampleBuild() {
	tiff := exif.Build(exif.Fields{Software: "belgi", ImageDescription: "Created with artificial intelligence"})
	f, err := exif.Read(tiff)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %s\n", f.Software, f.ImageDescription)
	// Output: belgi: Created with artificial intelligence
}
