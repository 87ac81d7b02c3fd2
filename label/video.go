package label

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"

	"github.com/belgi/belgi/formats"
	"github.com/belgi/belgi/formats/mp4"
	"github.com/belgi/belgi/label/disclosure"
)

// MP4 and MOV: metadata (XMP, QuickTime keys, iTunes items) and a visible
// disclosure as a default timed-text track, both without touching the
// media; with Options.BurnIn the frames are re-encoded through ffmpeg to
// carry the badge and the watermark (video_burnin.go).

func init() {
	h := handler{
		layers: []Layer{LayerDisclosure, LayerWatermark, LayerMetadata},
		apply:  applyVideo,
		verify: verifyVideo,
	}
	register(formats.MP4, h)
	register(formats.MOV, h)
}

// videoTrackOwner starts the handler name of every text track belgi writes,
// so relabelling finds and replaces them.
const videoTrackOwner = "belgi disclosure"

// QuickTime metadata keys and iTunes items belgi writes.
const (
	qtDescription = "com.apple.quicktime.description"
	qtSoftware    = "com.apple.quicktime.software"
	qtComment     = "com.apple.quicktime.comment"
	// qtTDM is the training reservation as an mdta key: "1" reserved,
	// "0" allowed (the values of TDMRep's tdm-reservation).
	qtTDM = "com.belgi.tdm-reservation"
)

// tdmReservedSentence joins the comments of files whose rightsholder
// reserved training, for people reading them in a player or file browser.
const tdmReservedSentence = "AI training prohibited (TDM reservation)"

func applyVideo(ctx context.Context, j *Job) error {
	if j.Layers[LayerWatermark] && !j.Opts.BurnIn {
		if j.Opts.explicit(LayerWatermark) {
			return fmt.Errorf("%w: a watermark in %s needs re-encoding: use --burn-in (Options.BurnIn)", ErrLayerUnavailable, j.In.Format)
		}
		delete(j.Layers, LayerWatermark) // not possible without re-encoding; the other layers go on
	}
	ra, size, err := j.In.ReaderAt()
	if err != nil {
		return err
	}
	orig, err := mp4.Read(ra, size)
	if err != nil {
		return videoErr(err)
	}
	if j.Opts.BurnIn {
		f, err := burnIn(ctx, j, ra, size)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		ra, size = f, st.Size()
	}
	info, err := mp4.Read(ra, size)
	if err != nil {
		return videoErr(err)
	}
	if info.XMP == nil {
		info.XMP = orig.XMP // re-encoding drops it; keep foreign properties
	}
	e, err := videoEdit(j, info)
	if err != nil {
		return err
	}
	mres, err := mp4.Apply(ctx, ra, size, j.Out, e)
	if err != nil {
		return videoErr(err)
	}
	j.Result.Warnings = append(j.Result.Warnings, mres.Warnings...)
	if j.Layers[LayerDisclosure] {
		j.Result.addLayer(LayerDisclosure)
	}
	if j.Layers[LayerMetadata] {
		j.Result.addLayer(LayerMetadata)
	}
	return nil
}

func videoErr(err error) error {
	if errors.Is(err, mp4.ErrCorrupt) {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if errors.Is(err, mp4.ErrUnsupported) {
		return fmt.Errorf("%w: %w", ErrUnsupportedFormat, err)
	}
	return err
}

// videoEdit decides what goes into the file for the requested layers.
func videoEdit(j *Job, info *mp4.Info) (mp4.Edit, error) {
	l := j.Label
	e := mp4.Edit{Owner: videoTrackOwner}
	lines := l.Disclosure()
	texts := make([]string, len(lines))
	for i, ln := range lines {
		texts[i] = ln.Text
	}
	if j.Layers[LayerMetadata] {
		packet, err := xmpForLabel(l, j.Result, info.XMP)
		if err != nil {
			return e, err
		}
		e.XMP, e.XMPInUdta = packet, info.QuickTime
		joined := strings.Join(texts, " / ")
		software := toolName
		if l.AISystem != "" {
			software = strings.TrimSpace(l.AISystem + " " + l.AIVersion)
		}
		var short []string
		for _, ln := range l.ShortDisclosure() {
			short = append(short, ln.Text)
		}
		if len(short) > 0 {
			software += " · " + strings.Join(short, " / ")
		}
		comment := joined
		if l.TDM == TDMReserve {
			comment = strings.TrimPrefix(comment+". "+tdmReservedSentence, ". ")
		}
		e.QuickTimeKeys = map[string]string{}
		e.ITunes = map[string]string{}
		if joined != "" {
			e.QuickTimeKeys = map[string]string{qtDescription: joined, qtSoftware: software, qtComment: comment}
			e.ITunes = map[string]string{mp4.ItemComment: comment, mp4.ItemTool: software}
		} else if comment != "" {
			e.QuickTimeKeys[qtComment], e.ITunes[mp4.ItemComment] = comment, comment
		}
		switch l.TDM {
		case TDMReserve:
			e.QuickTimeKeys[qtTDM] = "1"
		case TDMAllow:
			e.QuickTimeKeys[qtTDM] = "0"
		}
		e.QuickTimeOrder = []string{qtDescription, qtSoftware, qtComment, qtTDM}
		e.ITunesOrder = []string{mp4.ItemComment, mp4.ItemTool}
	}
	if j.Layers[LayerDisclosure] {
		if len(lines) == 0 {
			return e, fmt.Errorf("%w: no disclosure wording for languages %v", ErrInvalidLabel, l.Languages)
		}
		langs := make([]string, len(lines))
		for i, ln := range lines {
			langs[i] = ln.Lang
		}
		// One track per language, each showing every line (Kazakh first):
		// players that pick subtitles by language find one, and the first
		// is enabled, default and forced for players that show defaults.
		name := videoTrackOwner + " " + strings.Join(langs, ",")
		for i, lang := range langs {
			e.TextTracks = append(e.TextTracks, mp4.TextTrack{
				Text: strings.Join(texts, "\n"), Language: iso3(lang), Name: name,
				Default: i == 0, Forced: i == 0,
			})
		}
	}
	return e, nil
}

// iso3 returns the ISO 639-2/T code of a BCP 47 language ("kk" → "kaz").
func iso3(lang string) string {
	if b, err := language.ParseBase(lang); err == nil {
		if s := b.ISO3(); len(s) == 3 {
			return s
		}
	}
	return "und"
}

// iso1 returns the short BCP 47 code of an ISO 639-2 code ("kaz" → "kk").
func iso1(code string) string {
	if b, err := language.ParseBase(code); err == nil {
		return b.String()
	}
	return code
}

func verifyVideo(ctx context.Context, in *Input, rep *Report) error {
	ra, size, err := in.ReaderAt()
	if err != nil {
		return err
	}
	info, err := mp4.Read(ra, size)
	if err != nil {
		return videoErr(err)
	}
	if info.XMP != nil {
		readXMPInto(info.XMP, rep)
	}
	for _, kv := range []struct {
		src  string
		vals map[string]string
		keys []string
	}{
		{"quicktime:keys", info.QuickTimeKeys, []string{qtDescription, qtComment}},
		{"itunes:©cmt", info.ITunes, []string{mp4.ItemComment}},
	} {
		for _, k := range kv.keys {
			if v := kv.vals[k]; v != "" && len(knownDisclosure(v)) > 0 {
				rep.Metadata.Present = true
				rep.addSource(kv.src)
				if rep.Metadata.Disclosure == nil {
					rep.Metadata.Disclosure = knownDisclosure(v)
				}
			}
		}
	}
	// The mdta key stands in for the XMP's reservation; as everywhere,
	// the most restrictive signal wins.
	switch strings.TrimSpace(info.QuickTimeKeys[qtTDM]) {
	case "1":
		rep.Metadata.TDM = strp("reserve")
	case "0":
		if rep.Metadata.TDM == nil {
			rep.Metadata.TDM = strp("allow")
		}
	}
	for _, t := range info.TextTracks {
		ours := strings.HasPrefix(t.Name, videoTrackOwner)
		found := knownDisclosure(t.Text)
		if !ours && len(found) == 0 {
			continue
		}
		text := map[string]string{}
		lines := strings.Split(t.Text, "\n")
		if ours {
			langs := strings.Split(strings.TrimSpace(strings.TrimPrefix(t.Name, videoTrackOwner)), ",")
			if len(langs) == len(lines) {
				for i, lang := range langs {
					text[lang] = lines[i]
				}
			}
		}
		if len(text) == 0 {
			text = found
		}
		if len(text) == 0 {
			text[iso1(t.Language)] = t.Text
		}
		if !rep.Disclosure.Present || t.Enabled {
			rep.Disclosure.Present = true
			rep.Disclosure.Kind = strp("subtitle-track")
			rep.Disclosure.Text = text
		}
		if t.Enabled {
			break
		}
	}
	return nil
}

// knownDisclosure finds belgi's default wording (any kind, form and
// language) in s and returns it by language.
func knownDisclosure(s string) map[string]string {
	out := map[string]string{}
	for _, tab := range []map[disclosure.Kind]disclosure.Wording{disclosure.Default.Long, disclosure.Default.Short} {
		for _, w := range tab {
			for lang, text := range w {
				if _, ok := out[lang]; !ok && strings.Contains(s, text) {
					out[lang] = text
				}
			}
		}
	}
	return out
}
