package flac_test

import (
	"bufio"
	"bytes"
	"fmt"
	"log"

	"github.com/belgi/belgi/formats/flac"
)

// Add Vorbis comments; STREAMINFO and the frames are copied unchanged.
func ExampleRewrite() {
	in := append([]byte("fLaC\x80\x00\x00\x22"), make([]byte, 34)...)
	in = append(in, 0xFF, 0xF8, 0x69, 0x08) // start of a frame
	var out bytes.Buffer
	_, err := flac.Rewrite(&out, bytes.NewReader(in), func(s *flac.Stream) error {
		c, err := s.Comments()
		if err != nil {
			return err
		}
		c.Add("AI_GENERATED", "true")
		s.SetComments(c)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	s, _ := flac.Read(bufio.NewReader(bytes.NewReader(out.Bytes())))
	c, _ := s.Comments()
	fmt.Println(len(s.Blocks), c.Get("ai_generated"))
	// Output: 2 [true]
}
