package disclosure_test

import (
	"fmt"
	"math"
	"time"

	"github.com/belgi/belgi/label/disclosure"
)

// Put the spoken Kazakh and Russian notice before two seconds of a 48 kHz
// stereo tone, as loud as the tone.
func ExampleInsert() {
	content := make([]float32, 2*48000*2)
	for i := range content {
		content[i] = float32(0.1 * math.Sin(2*math.Pi*440*float64(i/2)/48000))
	}
	notice, langs := disclosure.Spoken(disclosure.Generated, []string{"kk", "ru"}, 300*time.Millisecond)
	out, res := disclosure.Insert(content, 2, 48000, notice, disclosure.AtStart, 500*time.Millisecond)
	fmt.Println(langs, len(out) == len(content)+2*res.Lead)
	fmt.Printf("content %.1f LUFS, notice %.1f LUFS\n", res.ContentLoudness, res.NoticeLoudness)
	// Output:
	// [kk ru] true
	// content -20.7 LUFS, notice -20.7 LUFS
}

// The integrated loudness of a full-scale 997 Hz sine in one channel.
func ExampleLoudness() {
	s := make([]float32, 48000*3)
	for i := range s {
		s[i] = float32(math.Sin(2 * math.Pi * 997 * float64(i) / 48000))
	}
	fmt.Printf("%.2f LUFS\n", disclosure.Loudness(s, 1, 48000))
	// Output: -3.01 LUFS
}
