package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/belgi/belgi/formats/wav"
	"github.com/belgi/belgi/label"
	"github.com/belgi/belgi/label/disclosure"
)

// disclosureFlags are the visible/audible disclosure flags of `belgi label`.
type disclosureFlags struct {
	corner      string
	aiMark      bool
	maxCoverage float64
	audioPos    string
	audioTone   bool
	audioClip   string
}

func (f *disclosureFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.corner, "badge-corner", "", "image badge corner: bottom-right, bottom-left, top-right, top-left (default per profile)")
	fs.BoolVar(&f.aiMark, "ai-mark", false, "add a bold \"AI\" mark to the image badge")
	fs.Float64Var(&f.maxCoverage, "badge-max-coverage", 0, "largest share of the image the badge may cover, e.g. 0.15 (default 0.10)")
	fs.StringVar(&f.audioPos, "audio-notice", "start", "audio: where the spoken notice goes: start, end or both")
	fs.BoolVar(&f.audioTone, "audio-tone", false, "audio: a Morse \"AI\" tone instead of speech")
	fs.StringVar(&f.audioClip, "audio-notice-clip", "", "audio: speak this `WAV` file instead of belgi's notice")
}

func (f *disclosureFlags) apply(o *label.Options) error {
	if f.corner != "" {
		if _, err := disclosure.ParseCorner(f.corner); err != nil {
			return fmt.Errorf("--badge-corner: %w", err)
		}
	}
	if f.maxCoverage < 0 || f.maxCoverage > 1 {
		return errors.New("--badge-max-coverage: want a fraction between 0 and 1")
	}
	if _, err := disclosure.ParsePosition(f.audioPos); err != nil {
		return fmt.Errorf("--audio-notice: %w", err)
	}
	o.Disclosure.Corner = f.corner
	o.Disclosure.AIMark = f.aiMark
	o.Disclosure.MaxCoverage = f.maxCoverage
	o.AudioNotice.Position = f.audioPos
	o.AudioNotice.Tone = f.audioTone
	if f.audioClip != "" {
		clip, err := readClip(f.audioClip)
		if err != nil {
			return fmt.Errorf("--audio-notice-clip: %w", err)
		}
		o.AudioNotice.Clip = clip
	}
	return nil
}

// readClip decodes a WAV file into a notice clip.
func readClip(path string) (*disclosure.Clip, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	w, err := wav.Parse(fh, st.Size())
	if err != nil {
		return nil, err
	}
	samples, err := w.ReadSamples(10 * 60 * 48000 * 2) // ten minutes of stereo is plenty for a notice
	if err != nil {
		return nil, err
	}
	return &disclosure.Clip{Rate: w.Format.SampleRate, Channels: w.Format.Channels, Samples: samples}, nil
}
