package audio

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// pcm.go holds the whole-buffer and io.Reader conveniences over the
// streaming Embedder and Detector.

// chunkFrames is how many frames the stream functions read at a time.
const chunkFrames = 16384

// Embed marks interleaved samples in place. On ErrNotEmbeddable the samples
// are left unchanged.
func Embed(samples []float32, rate, ch int, id uint64, opt Options) error {
	e, err := NewEmbedder(rate, ch, id, opt)
	if err != nil {
		return err
	}
	out := make([]float32, 0, len(samples))
	out = e.Write(out, samples)
	out, err = e.Close(out)
	if err != nil {
		return err
	}
	copy(samples, out)
	return nil
}

// Detect searches interleaved samples for the mark.
func Detect(ctx context.Context, samples []float32, rate, ch int, opt Options) (Detection, error) {
	d, err := NewDetector(rate, ch, opt)
	if err != nil {
		return Detection{}, err
	}
	step := chunkFrames * ch
	for i := 0; i < len(samples); i += step {
		if err := ctx.Err(); err != nil {
			return Detection{}, err
		}
		d.Write(samples[i:min(i+step, len(samples))])
	}
	return d.Close(), nil
}

// EmbedPCM16 reads interleaved little-endian 16-bit PCM from r, marks it and
// writes it to w, with memory that does not depend on the length. When the
// audio turns out not to be markable it returns ErrNotEmbeddable after
// writing it (with at most a trace of the mark), so callers that must not
// change such audio should keep their input.
func EmbedPCM16(ctx context.Context, w io.Writer, r io.Reader, rate, ch int, id uint64, opt Options) error {
	e, err := NewEmbedder(rate, ch, id, opt)
	if err != nil {
		return err
	}
	var out []float32
	buf := make([]byte, chunkFrames*ch*2)
	obuf := make([]byte, 0, len(buf)+4096)
	write := func(final bool) error {
		obuf = obuf[:0]
		for _, v := range out {
			obuf = binary.LittleEndian.AppendUint16(obuf, uint16(toPCM16(v)))
		}
		out = out[:0]
		_, err := w.Write(obuf)
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := io.ReadFull(r, buf)
		n -= n % (2 * ch)
		in := pcm16ToFloat(buf[:n])
		out = e.Write(out, in)
		if err := write(false); err != nil {
			return fmt.Errorf("audio watermark: write: %w", err)
		}
		if rerr == io.EOF || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return fmt.Errorf("audio watermark: read: %w", rerr)
		}
	}
	out, cerr := e.Close(out)
	if err := write(true); err != nil {
		return fmt.Errorf("audio watermark: write: %w", err)
	}
	return cerr
}

// DetectPCM16 searches interleaved little-endian 16-bit PCM read from r.
func DetectPCM16(ctx context.Context, r io.Reader, rate, ch int, opt Options) (Detection, error) {
	d, err := NewDetector(rate, ch, opt)
	if err != nil {
		return Detection{}, err
	}
	buf := make([]byte, chunkFrames*ch*2)
	for {
		if err := ctx.Err(); err != nil {
			return Detection{}, err
		}
		n, rerr := io.ReadFull(r, buf)
		n -= n % (2 * ch)
		d.Write(pcm16ToFloat(buf[:n]))
		if rerr == io.EOF || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return Detection{}, fmt.Errorf("audio watermark: read: %w", rerr)
		}
	}
	return d.Close(), nil
}

func pcm16ToFloat(b []byte) []float32 {
	x := make([]float32, len(b)/2)
	for i := range x {
		x[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
	}
	return x
}

func toPCM16(v float32) int16 {
	s := math.Round(float64(v) * 32768)
	if s > 32767 {
		s = 32767
	} else if s < -32768 {
		s = -32768
	}
	return int16(s)
}
