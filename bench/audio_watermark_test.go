package bench

// Audio watermark speed (issue 6). Run on one core:
//
//	GOMAXPROCS=1 go test -run '^$' -bench AudioWatermark -count 3 ./bench
//
// b.SetBytes counts the input's 16-bit PCM bytes (44.1 kHz stereo: 176,400
// bytes per second of audio), so realtime factor = (MB/s) / 0.1764.

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	wmaudio "github.com/belgi/belgi/watermark/audio"
)

const benchRate = 44100

// benchMusic is 60 s of a stereo test signal: notes with harmonics changing
// every 250 ms over a noise bed.
func benchMusic(sec float64) []float32 {
	r := rand.New(rand.NewPCG(1, 7))
	n := int(sec * benchRate)
	x := make([]float32, 2*n)
	note := benchRate / 4
	var f0, ph float64
	for i := 0; i < n; i++ {
		if i%note == 0 {
			f0 = 110 * math.Pow(2, float64(r.IntN(36))/12)
		}
		ph += 2 * math.Pi * f0 / benchRate
		env := math.Exp(-3 * float64(i%note) / float64(note))
		var s float64
		for h := 1; h <= 8; h++ {
			s += math.Sin(float64(h)*ph) / float64(h)
		}
		v := 0.2*env*s + 0.01*r.NormFloat64()
		x[2*i], x[2*i+1] = float32(v), float32(0.9*v)
	}
	return x
}

// realtime reports the realtime factor by wall clock and by the process's
// CPU time (user+system since cpu0): on a machine shared with other jobs
// the wall clock counts their time too, the CPU time does not.
func realtime(b *testing.B, sec float64, cpu0 time.Duration) {
	b.ReportMetric(sec*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
	if c := cpuTime() - cpu0; c > 0 {
		b.ReportMetric(sec*float64(b.N)/c.Seconds(), "x-realtime-cpu")
	}
}

func BenchmarkAudioWatermarkEmbed(b *testing.B) {
	x := benchMusic(60)
	out := make([]float32, 0, len(x))
	b.SetBytes(int64(2 * len(x)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		e, err := wmaudio.NewEmbedder(benchRate, 2, 0x0123456789abcdef, wmaudio.Options{})
		if err != nil {
			b.Fatal(err)
		}
		// stream in 4096-frame chunks as a decoder would
		out = out[:0]
		for j := 0; j < len(x); j += 8192 {
			out = e.Write(out, x[j:min(j+8192, len(x))])
		}
		if out, err = e.Close(out); err != nil {
			b.Fatal(err)
		}
	}
	realtime(b, 60, cpu0)
}

// benchAudioDetect times Detect on sec seconds of test music, marked or not,
// and fails if the outcome is not the expected one.
func benchAudioDetect(b *testing.B, sec float64, marked bool) {
	x := benchMusic(sec)
	if marked {
		if err := wmaudio.Embed(x, benchRate, 2, 0x0123456789abcdef, wmaudio.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(2 * len(x)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		d, err := wmaudio.Detect(context.Background(), x, benchRate, 2, wmaudio.Options{})
		if err != nil || d.Present != marked {
			b.Fatalf("present %v, want %v: %+v %v", d.Present, marked, d, err)
		}
	}
	realtime(b, sec, cpu0)
}

func BenchmarkAudioWatermarkDetect(b *testing.B) { benchAudioDetect(b, 60, true) }

// BenchmarkAudioWatermarkDetectUnmarked searches unmarked audio: nothing
// decodes, and the 1024-frame list decoder runs only for a candidate whose
// best path could clear the threshold (payload.ScoreBound), i.e. almost
// never here.
func BenchmarkAudioWatermarkDetectUnmarked(b *testing.B) { benchAudioDetect(b, 60, false) }

// BenchmarkAudioWatermarkDetectUnmarked3s searches 3 s of unmarked audio
// (the shortest embeddable clips): the fixed costs of a detection (set-up,
// decoding) weigh most here.
func BenchmarkAudioWatermarkDetectUnmarked3s(b *testing.B) { benchAudioDetect(b, 3, false) }
