package label

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/belgi/belgi/formats"
)

// The burn-in path: for platforms that show no text track (Chromium-based
// browsers, most social networks), the disclosure must be in the pixels.
// ffmpeg decodes the first video stream to raw RGBA frames over a pipe, the
// image pixel stages (badge, then watermark when registered) run on each
// frame, and a second ffmpeg encodes H.264 with the audio copied. The
// metadata layer is then written on the result as on any MP4.

// FrameLabeler applies the pixel layers Apply would put on an image (the
// disclosure badge, then the watermark where this build has one) to
// frames that the caller's own pipeline renders or decodes, before its own
// encoder. It is what --burn-in uses per frame.
type FrameLabeler struct {
	job *Job
	n   int
}

// NewFrameLabeler prepares the pixel layers for l and o. o.Layers selects
// them as in Apply (nil: all pixel layers available).
func NewFrameLabeler(l Label, o Options) (*FrameLabeler, error) {
	if err := l.Normalize(); err != nil {
		return nil, err
	}
	res := &Result{Format: formats.MP4, ContentID: l.ContentID}
	j := &Job{In: &Input{Format: formats.MP4}, Label: &l, Opts: &o, Result: res, Layers: map[Layer]bool{}}
	for _, layer := range []Layer{LayerDisclosure, LayerWatermark} {
		if !o.wants(layer) {
			continue
		}
		if !hasImageStage(layer) {
			if o.explicit(layer) {
				return nil, fmt.Errorf("%w: %s on video frames is not in this build", ErrLayerUnavailable, layer)
			}
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s on video frames is not in this build; skipped", layer))
			continue
		}
		j.Layers[layer] = true
	}
	if len(j.Layers) == 0 {
		return nil, fmt.Errorf("%w: no pixel layer requested", ErrLayerUnavailable)
	}
	return &FrameLabeler{job: j}, nil
}

func hasImageStage(l Layer) bool {
	for _, s := range imageStages {
		if s.layer == l {
			return true
		}
	}
	return false
}

// Frame draws the pixel layers into one frame, in place. index counts
// frames from 0; count is the number of frames when known, else 0.
func (f *FrameLabeler) Frame(ctx context.Context, img draw.Image, index, count int) error {
	f.n++
	return runImageStages(ctx, &ImageFrame{Img: img, Index: index, Count: count}, f.job)
}

// Result reports the layers drawn so far, the watermark ID and warnings.
func (f *FrameLabeler) Result() Result { return *f.job.Result }

// ErrNoFFmpeg reports that the burn-in path cannot find ffmpeg/ffprobe.
var ErrNoFFmpeg = fmt.Errorf("%w: --burn-in needs ffmpeg and ffprobe on PATH (Debian: apt-get install ffmpeg)", ErrLayerUnavailable)

type videoStream struct {
	Width, Height int
	Rate          string // r_frame_rate, e.g. "30000/1001"
	Frames        int
}

// burnIn re-encodes the input with the pixel layers drawn into every
// frame and returns the result as an unlinked temporary file.
func burnIn(ctx context.Context, j *Job, ra io.ReaderAt, size int64) (*os.File, error) {
	ffmpeg, err1 := exec.LookPath("ffmpeg")
	ffprobe, err2 := exec.LookPath("ffprobe")
	if err1 != nil || err2 != nil {
		return nil, ErrNoFFmpeg
	}
	// Explicit layers stay explicit (a badge that cannot fit is an error);
	// by default NewFrameLabeler takes every pixel layer this build has and
	// the badge stage skips frames too small for a legible badge, with a
	// warning.
	opts := *j.Opts
	if j.Opts.Layers != nil {
		opts.Layers = nil
		for _, layer := range []Layer{LayerDisclosure, LayerWatermark} {
			if j.Layers[layer] {
				opts.Layers = append(opts.Layers, layer)
			}
		}
		if len(opts.Layers) == 0 {
			return nil, fmt.Errorf("%w: --burn-in has no pixel layer to draw (ask for disclosure or watermark)", ErrLayerUnavailable)
		}
	}
	fl, err := NewFrameLabeler(*j.Label, opts)
	if err != nil {
		return nil, err
	}

	// ffmpeg reads the input through an inherited descriptor: files as they
	// are, anything else after spooling to a temporary file.
	src, ok := ra.(*os.File)
	if !ok {
		tmp, err := os.CreateTemp("", ".belgi-burnin-in-*")
		if err != nil {
			return nil, err
		}
		os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(tmp, io.NewSectionReader(ra, 0, size)); err != nil {
			return nil, err
		}
		src = tmp
	}
	const inPath = "/dev/fd/3"
	vs, err := probeVideo(ctx, ffprobe, src, inPath)
	if err != nil {
		return nil, err
	}

	out, err := os.CreateTemp("", ".belgi-burnin-*")
	if err != nil {
		return nil, err
	}
	outPath := out.Name()
	defer os.Remove(outPath) // the open descriptor keeps the data
	muxer := "mp4"
	if j.In.Format == formats.MOV {
		muxer = "mov"
	}

	dec := exec.CommandContext(ctx, ffmpeg, "-v", "error", "-nostdin", "-i", inPath,
		"-map", "0:v:0", "-r", vs.Rate, "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1")
	dec.ExtraFiles = []*os.File{src}
	var decErr, encErr tailBuffer
	dec.Stderr = &decErr
	frames, err := dec.StdoutPipe()
	if err != nil {
		return nil, err
	}
	enc := exec.CommandContext(ctx, ffmpeg, "-v", "error", "-y",
		"-f", "rawvideo", "-pix_fmt", "rgba", "-s", fmt.Sprintf("%dx%d", vs.Width, vs.Height), "-framerate", vs.Rate, "-i", "pipe:0",
		"-i", inPath, "-map", "0:v:0", "-map", "1:a?", "-map_metadata", "1",
		"-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-preset", "medium", "-crf", "18", "-pix_fmt", "yuv420p",
		"-c:a", "copy", "-movflags", "+faststart", "-f", muxer, outPath)
	enc.ExtraFiles = []*os.File{src}
	enc.Stderr = &encErr
	sink, err := enc.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := dec.Start(); err != nil {
		return nil, fmt.Errorf("burn-in: start ffmpeg decoder: %w", err)
	}
	if err := enc.Start(); err != nil {
		dec.Process.Kill()
		dec.Wait()
		return nil, fmt.Errorf("burn-in: start ffmpeg encoder: %w", err)
	}
	loopErr := func() error {
		img := image.NewRGBA(image.Rect(0, 0, vs.Width, vs.Height))
		for i := 0; ; i++ {
			if _, err := io.ReadFull(frames, img.Pix); err != nil {
				if err == io.EOF {
					return nil
				}
				if errors.Is(err, io.ErrUnexpectedEOF) {
					return fmt.Errorf("burn-in: frame %d cut short", i)
				}
				return err
			}
			if err := fl.Frame(ctx, img, i, vs.Frames); err != nil {
				return err
			}
			if _, err := sink.Write(img.Pix); err != nil {
				return fmt.Errorf("burn-in: encoder stopped at frame %d: %w", i, err)
			}
		}
	}()
	sink.Close()
	if loopErr != nil {
		dec.Process.Kill()
	}
	decWait := dec.Wait()
	encWait := enc.Wait()
	switch {
	case ctx.Err() != nil:
		out.Close()
		return nil, ctx.Err()
	case loopErr != nil:
		out.Close()
		return nil, fmt.Errorf("%w%s", loopErr, ffmpegNotes(&decErr, &encErr))
	case decWait != nil:
		out.Close()
		return nil, fmt.Errorf("%w: burn-in: ffmpeg could not decode the video: %v: %s", ErrCorrupt, decWait, decErr.String())
	case encWait != nil:
		out.Close()
		return nil, fmt.Errorf("burn-in: ffmpeg encoder failed: %v: %s", encWait, encErr.String())
	}
	r := fl.Result()
	for _, l := range r.Layers {
		j.Result.addLayer(l)
	}
	if r.WatermarkID != "" {
		j.Result.WatermarkID, j.Result.WatermarkAlgorithm = r.WatermarkID, r.WatermarkAlgorithm
	}
	j.Result.Warnings = append(j.Result.Warnings, r.Warnings...)
	delete(j.Layers, LayerWatermark) // done in the pixels; the container step has no watermark to write
	return out, nil
}

func probeVideo(ctx context.Context, ffprobe string, src *os.File, path string) (videoStream, error) {
	var vs videoStream
	cmd := exec.CommandContext(ctx, ffprobe, "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=width,height,r_frame_rate,nb_frames:stream_side_data=rotation", "-of", "json", path)
	cmd.ExtraFiles = []*os.File{src}
	var stderr tailBuffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return vs, fmt.Errorf("%w: burn-in: ffprobe: %v: %s", ErrCorrupt, err, stderr.String())
	}
	var p struct {
		Streams []struct {
			Width, Height int
			RFrameRate    string `json:"r_frame_rate"`
			NbFrames      string `json:"nb_frames"`
			SideDataList  []struct {
				Rotation int `json:"rotation"`
			} `json:"side_data_list"`
		}
	}
	if err := json.Unmarshal(b, &p); err != nil || len(p.Streams) == 0 {
		return vs, fmt.Errorf("%w: burn-in: no video stream to draw on", ErrLayerUnavailable)
	}
	s := p.Streams[0]
	vs.Width, vs.Height, vs.Rate = s.Width, s.Height, s.RFrameRate
	vs.Frames, _ = strconv.Atoi(s.NbFrames)
	for _, sd := range s.SideDataList {
		if sd.Rotation == 90 || sd.Rotation == -90 || sd.Rotation == 270 || sd.Rotation == -270 {
			vs.Width, vs.Height = vs.Height, vs.Width // ffmpeg rotates while decoding
		}
	}
	if vs.Width <= 0 || vs.Height <= 0 || vs.Width*vs.Height > 8192*8192 {
		return vs, fmt.Errorf("%w: burn-in: video size %dx%d", ErrCorrupt, vs.Width, vs.Height)
	}
	if vs.Rate == "" || vs.Rate == "0/0" || strings.HasPrefix(vs.Rate, "0/") {
		vs.Rate = "25"
	}
	return vs, nil
}

// tailBuffer keeps the last 2 KiB written to it (an ffmpeg stderr).
type tailBuffer struct{ b bytes.Buffer }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b.Write(p)
	if t.b.Len() > 4096 {
		tail := bytes.Clone(t.b.Bytes()[t.b.Len()-2048:])
		t.b.Reset()
		t.b.Write(tail)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return strings.TrimSpace(t.b.String()) }

func ffmpegNotes(dec, enc *tailBuffer) string {
	var parts []string
	if s := dec.String(); s != "" {
		parts = append(parts, "decoder: "+s)
	}
	if s := enc.String(); s != "" {
		parts = append(parts, "encoder: "+s)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}
