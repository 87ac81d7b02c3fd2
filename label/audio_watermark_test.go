package label

import (
	"bytes"
	"context"
	"encoding/binary"
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

// plainWAV is a minimal 16-bit PCM WAV of interleaved samples.
func plainWAV(x []float32, rate, ch int) []byte {
	var b bytes.Buffer
	data := len(x) * 2
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+data))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(ch), uint32(rate), uint32(rate * ch * 2), uint16(ch * 2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(data))
	for _, v := range x {
		binary.Write(&b, binary.LittleEndian, int16(math.Max(-32768, math.Min(32767, math.Round(float64(v)*32768)))))
	}
	return b.Bytes()
}

// End to end: Apply writes the notice and the watermark into a WAV; Verify
// reports the ID, also from the samples alone once the metadata is gone.
func TestAudioWatermarkApplyVerify(t *testing.T) {
	rate := 44100
	r := rand.New(rand.NewPCG(2, 2))
	x := make([]float32, 2*8*rate)
	for i := 0; i < len(x)/2; i++ {
		v := 0.15*math.Sin(2*math.Pi*220*float64(i)/float64(rate))*math.Sin(2*math.Pi*0.5*float64(i)/float64(rate)) + 0.05*r.NormFloat64()
		x[2*i], x[2*i+1] = float32(v), float32(0.8*v)
	}
	var out bytes.Buffer
	res, err := Apply(context.Background(), bytes.NewReader(plainWAV(x, rate, 2)), &out,
		Label{ContentID: "0123456789abcdef"}, Options{Layers: []Layer{LayerDisclosure, LayerWatermark, LayerMetadata}})
	if err != nil {
		t.Fatal(err)
	}
	if res.WatermarkID != "0123456789abcdef" {
		t.Fatalf("result %+v", res)
	}
	rep, err := Verify(context.Background(), bytes.NewReader(out.Bytes()), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Watermark.Present || *rep.Watermark.ID != "0123456789abcdef" {
		t.Fatalf("verify: %+v", rep.Watermark)
	}
	// samples only: decode and write a plain WAV without any metadata
	f, samples := parseWAV(t, out.Bytes())
	bare := plainWAV(samples, f.Format.SampleRate, f.Format.Channels)
	rep, err = Verify(context.Background(), bytes.NewReader(bare), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Metadata.Present || !rep.Watermark.Present || *rep.Watermark.ID != "0123456789abcdef" {
		t.Fatalf("bare samples: metadata %v watermark %+v", rep.Metadata.Present, rep.Watermark)
	}
}
