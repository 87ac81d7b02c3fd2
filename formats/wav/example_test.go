package wav_test

import (
	"bytes"
	"fmt"
	"log"
	"os"

	"github.com/belgi/belgi/formats/riff"
	"github.com/belgi/belgi/formats/wav"
)

// Set the INFO comment and an XMP packet; every other chunk is copied.
func ExampleFile_Write() {
	b, err := os.ReadFile("../../testdata/audio/goaudio-listinfo.wav")
	if err != nil {
		log.Fatal(err)
	}
	f, err := wav.Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		log.Fatal(err)
	}
	var out bytes.Buffer
	_, _, err = f.Write(&out, wav.Edit{
		Info: []wav.InfoField{{ID: riff.ID("ICMT"), Text: "Жасанды интеллект көмегімен жасалған"}},
		XMP:  []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`),
	})
	if err != nil {
		log.Fatal(err)
	}
	g, _ := wav.Parse(bytes.NewReader(out.Bytes()), int64(out.Len()))
	title, _ := g.InfoText(riff.ID("INAM"))
	comment, _ := g.InfoText(riff.ID("ICMT"))
	fmt.Println(g.Format)
	fmt.Println(title)
	fmt.Println(comment)
	fmt.Println(g.Data.Size == f.Data.Size, len(g.XMP))
	// Output:
	// PCM 16-bit, 44100 Hz, 1 ch
	// track title
	// Жасанды интеллект көмегімен жасалған
	// true 37
}
