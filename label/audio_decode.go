package label

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"

	"github.com/belgi/belgi/formats/wav"
)

// belgi decodes WAV itself; MP3 and FLAC are decoded with ffmpeg when it
// is installed, only to run the sample verifiers (the watermark detector)
// on them. Labelling never needs it.

// decodeWithFFmpeg decodes in to 32-bit float PCM at its own rate and
// channel count. ok is false when ffmpeg is not on PATH.
func decodeWithFFmpeg(ctx context.Context, in *Input) (p *PCM, ok bool, err error) {
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		return nil, false, nil
	}
	cmd := exec.CommandContext(ctx, bin, "-nostdin", "-v", "error", "-i", "pipe:0", "-map", "0:a:0", "-f", "wav", "-c:a", "pcm_f32le", "pipe:1")
	cmd.Stdin = in.Reader()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, true, err
	}
	if err := cmd.Start(); err != nil {
		return nil, true, err
	}
	limit := int64(maxAudioSamples)*4 + 1<<20
	b, rerr := io.ReadAll(io.LimitReader(stdout, limit+1))
	if int64(len(b)) > limit {
		cmd.Process.Kill()
	}
	werr := cmd.Wait()
	switch {
	case rerr != nil:
		return nil, true, rerr
	case int64(len(b)) > limit:
		return nil, true, fmt.Errorf("ffmpeg: audio longer than %d samples", maxAudioSamples)
	case werr != nil:
		return nil, true, fmt.Errorf("ffmpeg: %v: %s", werr, bytes.TrimSpace(stderr.Bytes()))
	}
	f, err := wav.Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, true, err
	}
	s, err := f.ReadSamples(maxAudioSamples)
	if err != nil {
		return nil, true, err
	}
	return &PCM{Rate: f.Format.SampleRate, Channels: f.Format.Channels, Samples: s}, true, nil
}

// verifyDecoded looks for the notice and runs the sample verifiers on an
// MP3 input.
func verifyDecoded(ctx context.Context, in *Input, rep *Report) error {
	p, ok, err := decodeWithFFmpeg(ctx, in)
	switch {
	case !ok:
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: notice and watermark not checked: decoding needs ffmpeg", in.Format))
		return nil
	case err != nil:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: notice and watermark not checked: %v", in.Format, err))
		return nil
	}
	return runAudioVerifiers(ctx, p, in, rep)
}
