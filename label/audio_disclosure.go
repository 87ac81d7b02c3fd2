package label

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/belgi/belgi/label/disclosure"
)

// The audible disclosure: a spoken notice (or the Morse "AI" tone) added
// to the samples before the watermark is embedded (order 10 < 20), so the
// watermark covers it too.

func init() {
	registerAudioStage(audioStage{layer: LayerDisclosure, order: 10, apply: addAudioNotice})
}

// AudioNotice returns the notice Apply adds for l with o, at its own rate
// (16 kHz for belgi's clips), and warnings about what it could not say.
func AudioNotice(l *Label, o *AudioNoticeOptions) (disclosure.Clip, []string, error) {
	var warn []string
	switch {
	case o.Clip != nil:
		c := *o.Clip
		if c.Rate <= 0 || c.Channels <= 0 || len(c.Samples) < c.Channels {
			return c, nil, fmt.Errorf("%w: audio notice clip is empty or has no rate", ErrInvalidOptions)
		}
		return c, nil, nil
	case o.Tone:
		return disclosure.Tone(16000), nil, nil
	}
	pause := o.Pause
	if pause == 0 {
		pause = 300 * time.Millisecond
	}
	kind := l.Source.Disclosure()
	clip, used := disclosure.Spoken(kind, l.Languages, pause)
	if len(used) < len(l.Languages) {
		var missing []string
		for _, lang := range l.Languages {
			if !slices.Contains(used, lang) {
				missing = append(missing, lang)
			}
		}
		warn = append(warn, fmt.Sprintf("audio notice: no spoken clip for %s; pass AudioNotice.Clip to say it", strings.Join(missing, ", ")))
	}
	for _, lang := range used {
		if t, ok := l.Wording[lang]; ok && t != disclosure.Default.Long[kind][lang] {
			warn = append(warn, fmt.Sprintf("audio notice: the %s clip speaks belgi's default wording, not the custom one; pass AudioNotice.Clip for it", lang))
		}
	}
	if len(used) == 0 {
		warn = append(warn, "audio notice: using the Morse AI tone instead of speech")
		return disclosure.Tone(16000), warn, nil
	}
	return clip, warn, nil
}

func addAudioNotice(ctx context.Context, p *PCM, j *Job) error {
	o := &j.Opts.AudioNotice
	pos, err := disclosure.ParsePosition(o.Position)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidOptions, err)
	}
	clip, warn, err := AudioNotice(j.Label, o)
	if err != nil {
		return err
	}
	j.Result.Warnings = append(j.Result.Warnings, warn...)
	gap := o.Gap
	if gap == 0 {
		gap = 500 * time.Millisecond
	}
	out, res := disclosure.Insert(p.Samples, p.Channels, p.Rate, clip, pos, gap)
	p.Samples = out
	p.Lead += res.Lead
	return nil
}

// findAudioNotice reports belgi's spoken notice (or the tone) when it is
// found at the start or end of the audio.
func findAudioNotice(p *PCM, rep *Report) {
	matches := disclosure.FindNotice(p.Samples, p.Channels, p.Rate, 0)
	if len(matches) == 0 {
		return
	}
	d := &rep.Disclosure
	d.Present = true
	for _, m := range matches {
		if m.IsTone {
			if d.Kind == nil {
				d.Kind = strp("audio-tone")
			}
			continue
		}
		d.Kind = strp("audio-notice")
		if d.Text == nil {
			d.Text = map[string]string{}
		}
		if _, dup := d.Text[m.Lang]; !dup {
			d.Text[m.Lang] = disclosure.Default.Long[m.Kind][m.Lang]
		}
	}
}
