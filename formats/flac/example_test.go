package flac_test

import (
	"bufio"
	"bytes"
	"fmt"
	"log"
	"math"

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

// Encode one second of a 16-bit mono tone and decode it back.
func ExampleEncodeFrames() {
	si := flac.StreamInfo{SampleRate: 8000, Channels: 1, BitsPerSample: 16}
	info := make([]byte, 34)
	// sample rate, channels-1 and bits-1 as STREAMINFO packs them
	x := uint64(8000)<<44 | uint64(0)<<41 | uint64(15)<<36
	for i := 0; i < 8; i++ {
		info[10+i] = byte(x >> (56 - 8*i))
	}
	samples := make([]int32, 8000)
	for i := range samples {
		samples[i] = int32(10000 * math.Sin(2*math.Pi*440*float64(i)/8000))
	}
	frames, info, err := flac.EncodeFrames(samples, si, info)
	if err != nil {
		log.Fatal(err)
	}
	st := &flac.Stream{Blocks: []flac.Block{{Type: flac.TypeStreamInfo, Data: info}}}
	head, _ := st.Bytes()
	br := bufio.NewReader(bytes.NewReader(append(head, frames...)))
	s, _ := flac.Read(br)
	got, err := flac.DecodeSamples(br, s.Info, 1<<20)
	fmt.Println(len(got), s.Info.TotalSamples, err, len(frames) < 2*len(samples))
	// Output: 8000 8000 <nil> true
}
