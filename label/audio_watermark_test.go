package label

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

func TestAudioWatermarkStageAndVerifier(t *testing.T) {
	rate := 44100
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, 2*6*rate)
	for i := 0; i < len(x)/2; i++ {
		v := 0.2*math.Sin(2*math.Pi*330*float64(i)/float64(rate)) + 0.05*r.NormFloat64()
		x[2*i], x[2*i+1] = float32(v), float32(v)
	}
	p := &PCM{Rate: rate, Channels: 2, Samples: x}
	j := &Job{Label: &Label{ContentID: "00c0ffee00c0ffee"}, Opts: &Options{}, Result: &Result{}}
	if err := embedAudioWatermark(context.Background(), p, j); err != nil {
		t.Fatal(err)
	}
	if j.Result.WatermarkID != "00c0ffee00c0ffee" || len(j.Result.Layers) != 1 {
		t.Fatalf("result %+v", j.Result)
	}
	var rep Report
	if err := verifyAudioWatermark(context.Background(), p, nil, &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Watermark.Present || rep.Watermark.ID == nil || *rep.Watermark.ID != "00c0ffee00c0ffee" {
		t.Fatalf("watermark report %+v", rep.Watermark)
	}

	// Silence: no mark, a warning, no layer.
	s := &PCM{Rate: rate, Channels: 1, Samples: make([]float32, 5*rate)}
	j2 := &Job{Label: j.Label, Opts: &Options{}, Result: &Result{}}
	if err := embedAudioWatermark(context.Background(), s, j2); err != nil {
		t.Fatal(err)
	}
	if len(j2.Result.Layers) != 0 || len(j2.Result.Warnings) != 1 {
		t.Fatalf("silence result %+v", j2.Result)
	}
}
