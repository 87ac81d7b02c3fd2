package mp4_test

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/belgi/belgi/formats/mp4"
)

// Insert a box (for example a C2PA manifest uuid box) right after ftyp;
// every chunk offset that moves is patched.
func ExampleInsertAfterFtyp() {
	in, err := os.ReadFile("../../../shared/testdata/video/gomp4_sample.mp4")
	if err != nil {
		fmt.Println("fixture missing")
		return
	}
	box := mp4.NewLeaf("free", make([]byte, 100)).Bytes()
	var out bytes.Buffer
	if err := mp4.InsertAfterFtyp(context.Background(), bytes.NewReader(in), int64(len(in)), &out, box); err != nil {
		fmt.Println(err)
		return
	}
	boxes, _ := mp4.ScanTop(bytes.NewReader(out.Bytes()), int64(out.Len()))
	for _, b := range boxes {
		fmt.Print(b.Type, " ")
	}
	fmt.Println(out.Len() - len(in))
	// Output: ftyp free free mdat moov 108
}

// Add XMP and a default subtitle track to a file, streaming the media.
func ExampleApply() {
	in, err := os.ReadFile("../../../shared/testdata/video/mp4ff_prog_8s.mp4")
	if err != nil {
		fmt.Println("fixture missing")
		return
	}
	e := mp4.Edit{
		XMP:        []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`),
		TextTracks: []mp4.TextTrack{{Text: "AI-generated", Language: "eng", Name: "example", Default: true}},
		Owner:      "example",
	}
	var out bytes.Buffer
	if _, err := mp4.Apply(context.Background(), bytes.NewReader(in), int64(len(in)), &out, e); err != nil {
		fmt.Println(err)
		return
	}
	info, _ := mp4.Read(bytes.NewReader(out.Bytes()), int64(out.Len()))
	for _, t := range info.TextTracks {
		fmt.Println(t.Codec, t.Language, t.Enabled, t.Text)
	}
	fmt.Println(info.XMPIn)
	// Output:
	// tx3g eng true AI-generated
	// uuid
}
