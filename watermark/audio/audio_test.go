package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// synthMusic is a test signal: notes of a few harmonics changing every
// 250 ms over a quiet noise bed, stereo.
func synthMusic(seed uint64, rate int, sec float64) []float32 {
	r := rand.New(rand.NewPCG(seed, 7))
	n := int(sec * float64(rate))
	x := make([]float32, 2*n)
	note := int(0.25 * float64(rate))
	var f0, ph float64
	for i := 0; i < n; i++ {
		if i%note == 0 {
			f0 = 110 * math.Pow(2, float64(r.IntN(36))/12)
		}
		ph += 2 * math.Pi * f0 / float64(rate)
		env := math.Exp(-3 * float64(i%note) / float64(note))
		var s float64
		for h := 1; h <= 12; h++ {
			s += math.Sin(float64(h)*ph) / float64(h)
		}
		v := 0.2*env*s + 0.01*r.NormFloat64()
		x[2*i] = float32(v)
		x[2*i+1] = float32(0.9 * v)
	}
	return x
}

func TestRoundTrip(t *testing.T) {
	const id = 0x0123456789abcdef
	for _, rate := range []int{44100, 48000, 16000} {
		x := synthMusic(1, rate, 8)
		orig := append([]float32(nil), x...)
		if err := Embed(x, rate, 2, id, Options{}); err != nil {
			t.Fatalf("%d Hz: %v", rate, err)
		}
		if snr := SegmentalSNR(orig, x, 2); snr < 28 {
			t.Errorf("%d Hz: segmental SNR %.1f dB < 28", rate, snr)
		}
		d, err := Detect(context.Background(), x, rate, 2, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !d.Present || d.ID != id {
			t.Errorf("%d Hz: detected %v id %x score %.1f sync %.1f, want %x", rate, d.Present, d.ID, d.Score, d.Sync, uint64(id))
		}
		for _, key := range [][]byte{nil, []byte("another key")} {
			if key == nil {
				d, _ = Detect(context.Background(), orig, rate, 2, Options{})
			} else {
				d, _ = Detect(context.Background(), x, rate, 2, Options{Key: key})
			}
			if d.Present {
				t.Errorf("%d Hz key %q: false detection %x score %.1f", rate, key, d.ID, d.Score)
			}
		}
	}
}

func TestNotEmbeddable(t *testing.T) {
	silence := make([]float32, 2*44100*5)
	short := synthMusic(2, 44100, 1.5)
	for name, x := range map[string][]float32{"silence": silence, "1.5 s": short} {
		before := append([]float32(nil), x...)
		err := Embed(x, 44100, 2, 42, Options{})
		if !errors.Is(err, ErrNotEmbeddable) {
			t.Errorf("%s: err = %v, want ErrNotEmbeddable", name, err)
		}
		for i := range x {
			if x[i] != before[i] {
				t.Fatalf("%s: samples changed although not embeddable", name)
			}
		}
	}
}

func TestBadFormat(t *testing.T) {
	if _, err := NewEmbedder(4000, 1, 1, Options{}); !errors.Is(err, ErrFormat) {
		t.Errorf("4 kHz embed: %v", err)
	}
	if _, err := NewDetector(44100, 0, Options{}); !errors.Is(err, ErrFormat) {
		t.Errorf("0 channels: %v", err)
	}
}

// Streaming in odd chunk sizes must give the same samples as one call.
func TestStreamingMatchesWhole(t *testing.T) {
	x := synthMusic(3, 44100, 4)
	whole := append([]float32(nil), x...)
	if err := Embed(whole, 44100, 2, 7, Options{}); err != nil {
		t.Fatal(err)
	}
	e, _ := NewEmbedder(44100, 2, 7, Options{})
	var out []float32
	r := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < len(x); {
		n := 2 * (1 + r.IntN(3000))
		j := min(i+n, len(x))
		out = e.Write(out, x[i:j])
		i = j
	}
	out, err := e.Close(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(whole) {
		t.Fatalf("streamed %d samples, want %d", len(out), len(whole))
	}
	for i := range out {
		if out[i] != whole[i] {
			t.Fatalf("sample %d: streamed %v, whole %v", i, out[i], whole[i])
		}
	}
}

func TestPCM16Stream(t *testing.T) {
	x := synthMusic(4, 44100, 6)
	var in bytes.Buffer
	for _, v := range x {
		binary.Write(&in, binary.LittleEndian, toPCM16(v))
	}
	var marked bytes.Buffer
	if err := EmbedPCM16(context.Background(), &marked, &in, 44100, 2, 99, Options{}); err != nil {
		t.Fatal(err)
	}
	if marked.Len() != len(x)*2 {
		t.Fatalf("wrote %d bytes, want %d", marked.Len(), len(x)*2)
	}
	d, err := DetectPCM16(context.Background(), &marked, 44100, 2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Present || d.ID != 99 {
		t.Errorf("got present=%v id=%d score %.1f", d.Present, d.ID, d.Score)
	}
}
