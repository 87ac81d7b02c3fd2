package label_test

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/belgi/belgi/label"
)

// Label a generated JPEG with the metadata layer and read the label back.
func ExampleApply() {
	in, err := os.Open("../testdata/sample.jpg")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer in.Close()
	var out bytes.Buffer
	res, err := label.Apply(context.Background(), in, &out, label.Label{
		AISystem:  "Example Diffusion",
		ContentID: "0123456789abcdef",
	}, label.Options{Layers: []label.Layer{label.LayerMetadata}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Format, res.Layers, res.ContentID)

	rep, err := label.Verify(context.Background(), &out, label.VerifyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Labelled, *rep.Metadata.DigitalSourceType, *rep.Metadata.AISystem)
	fmt.Println(rep.Metadata.Disclosure["kk"])
	// Output:
	// jpeg [metadata] 0123456789abcdef
	// true http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia Example Diffusion
	// Жасанды интеллект көмегімен жасалған
}

// ApplyFile writes through a temporary file and a rename: the output is
// either complete or absent.
func ExampleApplyFile() {
	dir, _ := os.MkdirTemp("", "belgi-example")
	defer os.RemoveAll(dir)
	res, err := label.ApplyFile(context.Background(), "../testdata/sample.jpg", dir+"/out.jpg",
		label.Label{Source: label.Edited}, label.Options{Layers: []label.Layer{label.LayerMetadata}})
	fmt.Println(res.Format, err)
	rep, _ := label.VerifyFile(context.Background(), dir+"/out.jpg", label.VerifyOptions{})
	fmt.Println(*rep.Metadata.DigitalSourceType)
	// Output:
	// jpeg <nil>
	// http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia
}
