package audio

import (
	"math/rand/v2"
	"testing"
)

// TestStreamMemoryFlat streams three minutes through the embedder and the
// detector in one-second chunks and checks that their buffers stay bounded
// (a 3-hour podcast must not need more memory than a 3-minute song).
func TestStreamMemoryFlat(t *testing.T) {
	const rate, ch, sec = 16000, 2, 180
	e, err := NewEmbedder(rate, ch, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDetector(rate, ch, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	chunk := make([]float32, rate*ch)
	var out []float32
	maxIn, maxMono, maxL := 0, 0, 0
	for s := 0; s < sec; s++ {
		for i := range chunk {
			chunk[i] = float32(0.1 * r.NormFloat64())
		}
		out = e.Write(out[:0], chunk)
		d.Write(out)
		maxIn = max(maxIn, len(e.in))
		maxMono = max(maxMono, len(d.mono))
		maxL = max(maxL, len(d.L))
	}
	out, err = e.Close(out[:0])
	if err != nil {
		t.Fatal(err)
	}
	d.Write(out)
	det := d.Close()
	if !det.Present || det.ID != 1 {
		t.Errorf("3 min stream: present=%v id=%d score %.1f", det.Present, det.ID, det.Score)
	}
	// bounds: one input chunk plus a frame, and one search window
	if maxIn > 2*rate*ch || maxMono > 2*rate || maxL > windowBlocks*blockFrames*fineSteps+2*marginFine+8 {
		t.Errorf("buffers grew: embedder input %d, detector mono %d, detector rows %d", maxIn, maxMono, maxL)
	}
}
