package riff_test

import (
	"bytes"
	"fmt"
	"log"
	"os"

	"github.com/belgi/belgi/formats/riff"
)

// Copy a WAV file, replacing its LIST/INFO chunk: every other chunk (the
// big data chunk too) is streamed from the input.
func ExampleWrite() {
	in, err := os.Open("../../testdata/audio/goaudio-listinfo.wav")
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close()
	st, _ := in.Stat()
	f, err := riff.Parse(in, st.Size())
	if err != nil {
		log.Fatal(err)
	}
	info := riff.BuildList(riff.ID("INFO"), []riff.SubChunk{{ID: riff.ID("ICMT"), Data: []byte("made by AI\x00")}})
	var pieces []riff.Piece
	for _, c := range f.Chunks {
		if c.ID == riff.LIST && c.ListType == riff.ID("INFO") {
			pieces = append(pieces, riff.FromBytes(riff.LIST, info))
			continue
		}
		pieces = append(pieces, riff.FromChunk(c))
	}
	var out bytes.Buffer
	placed, n, err := riff.Write(&out, f.Form, pieces, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range placed {
		fmt.Println(c.ID, c.Offset, c.Size)
	}
	fmt.Println(n)
	// Output:
	// fmt  12 16
	// data 36 176400
	// LIST 176444 24
	// id3  176476 140
	// 176624
}
