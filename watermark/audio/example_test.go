package audio_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/belgi/belgi/watermark/audio"
)

func Example() {
	// Five seconds of a chord over a noise bed at 44.1 kHz, mono.
	x := make([]float32, 5*44100)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		t := float64(i) / 44100
		x[i] = float32(0.2*math.Sin(2*math.Pi*440*t) + 0.1*math.Sin(2*math.Pi*1320*t) +
			0.05*r.NormFloat64())
	}
	if err := audio.Embed(x, 44100, 1, 0xfeedface, audio.Options{}); err != nil {
		fmt.Println(err)
		return
	}
	d, _ := audio.Detect(context.Background(), x, 44100, 1, audio.Options{})
	fmt.Printf("present=%v id=%x\n", d.Present, d.ID)
	// Output: present=true id=feedface
}
