package label

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/belgi/belgi/formats"
	"github.com/belgi/belgi/formats/flac"
	"github.com/belgi/belgi/formats/mp3"
	"github.com/belgi/belgi/formats/riff"
	"github.com/belgi/belgi/formats/wav"
	"github.com/belgi/belgi/label/disclosure"
)

// Audio: WAV and FLAC get every layer (samples are decoded only when a
// sample layer is asked for; the metadata layer alone is a streamed copy,
// and FLAC is re-encoded by formats/flac's own encoder only then). MP3
// gets the metadata layer: belgi does not re-encode lossy audio.

func init() {
	register(formats.WAV, handler{
		layers: []Layer{LayerDisclosure, LayerWatermark, LayerMetadata},
		apply:  applyWAV,
		verify: verifyWAV,
	})
	register(formats.MP3, handler{layers: []Layer{LayerMetadata}, apply: applyMP3, verify: verifyMP3})
	register(formats.FLAC, handler{
		layers: []Layer{LayerDisclosure, LayerWatermark, LayerMetadata},
		apply:  applyFLAC,
		verify: verifyFLAC,
	})
}

// maxAudioSamples bounds the samples decoded for sample layers (about
// 45 minutes of 48 kHz stereo in 2 GiB of float32).
const maxAudioSamples = 1 << 28

// Names of the fields belgi writes in ID3 TXXX frames and Vorbis comments.
const (
	tagAIGenerated       = "AI_GENERATED"
	tagDigitalSourceType = "DIGITAL_SOURCE_TYPE"
	tagAISystem          = "AI_SYSTEM"
	tagContentID         = "AI_CONTENT_ID"
	commDesc             = "AI disclosure" // ID3 COMM description of our notice
	xmpPrivOwner         = "XMP"           // ID3 PRIV owner of an XMP packet (XMP spec part 3)
)

// iso639_2 maps the disclosure languages to the codes ID3 COMM wants.
var iso639_2 = map[string]string{"kk": "kaz", "ru": "rus", "en": "eng", "zh": "zho", "uz": "uzb", "ky": "kir", "de": "deu", "fr": "fra"}

func iso639_1(code string) string {
	for k, v := range iso639_2 {
		if v == code {
			return k
		}
	}
	return code
}

// sampleStagesFor lists the requested sample stages, warning about
// requested layers no stage implements in this build.
func sampleStagesFor(j *Job) []audioStage {
	var out []audioStage
	have := map[Layer]bool{}
	for _, s := range audioStages {
		have[s.layer] = true
		if j.Layers[s.layer] {
			out = append(out, s)
		}
	}
	for _, l := range []Layer{LayerDisclosure, LayerWatermark} {
		if j.Layers[l] && !have[l] {
			delete(j.Layers, l)
			if j.Opts.explicit(l) {
				j.Result.Warnings = append(j.Result.Warnings, fmt.Sprintf("layer %s for audio is not in this build; skipped", l))
			}
		}
	}
	return out
}

// runAudioStages applies every requested sample stage, in order.
func runAudioStages(ctx context.Context, p *PCM, j *Job) error {
	for _, s := range audioStages {
		if !j.Layers[s.layer] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.apply(ctx, p, j); err != nil {
			return err
		}
		j.Result.addLayer(s.layer)
	}
	return nil
}

// disclosureText is the one-line notice for text fields: every language,
// Kazakh first, separated by " / ".
func disclosureText(l *Label) string {
	var parts []string
	for _, ln := range l.Disclosure() {
		parts = append(parts, ln.Text)
	}
	return strings.Join(parts, " / ")
}

// isOurDisclosure reports whether s consists only of disclosure wording
// (belgi's defaults in any language, or the Label's overrides), so that a
// relabel replaces it while a user's own comment is kept.
func isOurDisclosure(l *Label, s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	texts := map[string]bool{}
	for _, form := range []map[disclosure.Kind]disclosure.Wording{disclosure.Default.Long, disclosure.Default.Short} {
		for _, w := range form {
			for _, t := range w {
				texts[t] = true
			}
		}
	}
	for _, t := range l.Wording {
		texts[t] = true
	}
	for _, part := range strings.Split(s, " / ") {
		if !texts[strings.TrimSpace(part)] {
			return false
		}
	}
	return true
}

// combineComment puts our notice first and keeps a user's comment after it.
func combineComment(l *Label, existing string) string {
	ours := disclosureText(l)
	existing = strings.TrimSpace(existing)
	if existing == "" || isOurDisclosure(l, existing) {
		return ours
	}
	if rest, ok := strings.CutPrefix(existing, ours+"\n"); ok {
		existing = rest // ours from an earlier run, user's text after it
	} else if i := strings.Index(existing, "\n"); i > 0 && isOurDisclosure(l, existing[:i]) {
		existing = existing[i+1:]
	}
	return ours + "\n" + existing
}

func aiSystem(l *Label) string { return strings.TrimSpace(l.AISystem + " " + l.AIVersion) }

// ---- WAV ----

func applyWAV(ctx context.Context, j *Job) error {
	ra, size, err := j.In.ReaderAt()
	if err != nil {
		return err
	}
	f, err := wav.Parse(ra, size)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	var edit wav.Edit
	if stages := sampleStagesFor(j); len(stages) > 0 {
		if !f.Format.Decodable() {
			return fmt.Errorf("%w: %s samples cannot be decoded for the %s layer (metadata works)", ErrLayerUnavailable, f.Format, stages[0].layer)
		}
		samples, err := f.ReadSamples(maxAudioSamples)
		if errors.Is(err, wav.ErrTooLong) {
			return fmt.Errorf("%w: %v; the metadata layer alone has no length limit", ErrLayerUnavailable, err)
		} else if err != nil {
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		p := &PCM{Rate: f.Format.SampleRate, Channels: f.Format.Channels, Samples: samples}
		if err := runAudioStages(ctx, p, j); err != nil {
			return err
		}
		if len(p.Samples)%p.Channels != 0 {
			return fmt.Errorf("label: audio stage left %d samples for %d channels", len(p.Samples), p.Channels)
		}
		data, err := wav.EncodeSamples(make([]byte, 0, len(p.Samples)*f.Format.BytesPerSample()), f.Format, p.Samples)
		if err != nil {
			return err
		}
		edit.Data, edit.DataSize = bytes.NewReader(data), int64(len(data))
		if p.Lead > 0 {
			edit.Transform = shiftMarkers(p.Lead)
		}
	}
	if j.Layers[LayerMetadata] {
		if err := wavMetadata(f, &edit, j); err != nil {
			return err
		}
	}
	if _, _, err := f.Write(j.Out, edit); err != nil {
		return err
	}
	if j.Layers[LayerMetadata] {
		j.Result.addLayer(LayerMetadata)
	}
	return nil
}

// wavMetadata fills the metadata part of a WAV edit: LIST/INFO ICMT (our
// notice, a user's comment kept after it) and ISFT, and the XMP packet.
func wavMetadata(f *wav.File, edit *wav.Edit, j *Job) error {
	l := j.Label
	old, _ := f.InfoText(riff.ID("ICMT"))
	sw := aiSystem(l)
	if sw == "" {
		sw = toolName
	}
	edit.Info = []wav.InfoField{
		{ID: riff.ID("ICMT"), Text: combineComment(l, old)},
		{ID: riff.ID("ISFT"), Text: sw},
	}
	packet, err := xmpForLabel(l, j.Result, f.XMP)
	if err != nil {
		return err
	}
	edit.XMP = packet
	return nil
}

// shiftMarkers moves `cue ` points and `smpl` loops by the frames a
// disclosure notice put before the original start, so they still point at
// the same sound.
func shiftMarkers(lead int) func(riff.FourCC, []byte) []byte {
	le := binary.LittleEndian
	add := func(b []byte) {
		v := uint64(le.Uint32(b)) + uint64(lead)
		le.PutUint32(b, uint32(min(v, 0xFFFFFFFF)))
	}
	return func(id riff.FourCC, b []byte) []byte {
		b = append([]byte(nil), b...)
		switch id {
		case riff.ID("cue "):
			if len(b) < 4 {
				return b
			}
			n := int(le.Uint32(b))
			for i := 0; i < n && 4+24*(i+1) <= len(b); i++ {
				p := b[4+24*i:]
				add(p[4:])  // dwPosition
				add(p[20:]) // dwSampleOffset
			}
		case riff.ID("smpl"):
			if len(b) < 36 {
				return b
			}
			n := int(le.Uint32(b[28:]))
			for i := 0; i < n && 36+24*(i+1) <= len(b); i++ {
				p := b[36+24*i:]
				add(p[8:])  // start
				add(p[12:]) // end
			}
		}
		return b
	}
}

func verifyWAV(ctx context.Context, in *Input, rep *Report) error {
	ra, size, err := in.ReaderAt()
	if err != nil {
		return err
	}
	f, err := wav.Parse(ra, size)
	if err != nil {
		rep.Errors = append(rep.Errors, err.Error())
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if f.XMP != nil {
		readXMPInto(f.XMP, rep)
	}
	var info []string
	for _, s := range f.Info {
		info = append(info, strings.TrimRight(string(s.Data), "\x00"))
	}
	if cmt, ok := f.InfoText(riff.ID("ICMT")); ok {
		readNoticeText(cmt, rep, "wav:INFO")
	}
	for _, s := range info {
		if aiWording(s) {
			rep.Metadata.Present = true
			rep.addSource("wav:INFO")
		}
	}
	if f.ID3 != nil {
		if t, err := mp3.ReadTag(bufio.NewReader(bytes.NewReader(f.ID3))); err == nil {
			readID3Into(t, rep)
		}
	}
	if f.C2PA {
		rep.C2PA.Present = true
	}
	if !f.Format.Decodable() {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("wav: %s samples not decoded; notice and watermark not checked", f.Format))
		return nil
	}
	samples, err := f.ReadSamples(maxAudioSamples)
	if err != nil {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("wav: samples not read: %v", err))
		return nil
	}
	return runAudioVerifiers(ctx, &PCM{Rate: f.Format.SampleRate, Channels: f.Format.Channels, Samples: samples}, in, rep)
}

// runAudioVerifiers looks for belgi's audible notice, then runs the
// registered sample verifiers (the watermark detector).
func runAudioVerifiers(ctx context.Context, p *PCM, in *Input, rep *Report) error {
	findAudioNotice(p, rep)
	for _, v := range audioVerifiers {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := v.verify(ctx, p, in, rep); err != nil {
			return err
		}
	}
	return nil
}

// readNoticeText records a disclosure found in a free-text field: each
// " / "-separated part in a script we recognise is filed under its language.
func readNoticeText(s string, rep *Report, source string) {
	first, _, _ := strings.Cut(s, "\n")
	if !aiWording(first) {
		return
	}
	rep.Metadata.Present = true
	rep.addSource(source)
	for _, part := range strings.Split(first, " / ") {
		part = strings.TrimSpace(part)
		lang := guessLang(part)
		if lang == "" {
			continue
		}
		if rep.Metadata.Disclosure == nil {
			rep.Metadata.Disclosure = map[string]string{}
		}
		if _, dup := rep.Metadata.Disclosure[lang]; !dup {
			rep.Metadata.Disclosure[lang] = part
		}
	}
}

// aiWording reports whether a free-text tag says the content is made or
// changed by AI, in the wording of belgi or of other tools.
func aiWording(s string) bool {
	l := strings.ToLower(s)
	for _, w := range []string{
		"artificial intelligence", "ai-generated", "ai generated", "generated by ai", "generated with ai",
		"made with ai", "created with ai", "ai-modified", "synthetic voice", "ai voice", "voice clone",
		"trainedalgorithmicmedia", "compositewithtrainedalgorithmicmedia",
		"искусственн", "создано ии", "изменено ии", "сгенерирован", "нейросет",
		"жасанды интеллект", "жи жасаған", "жи өзгерткен",
		"人工智能", "ai生成",
	} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// ---- MP3 ----

func applyMP3(ctx context.Context, j *Job) error {
	if j.Opts.wants(LayerDisclosure) || j.Opts.wants(LayerWatermark) {
		j.Result.Warnings = append(j.Result.Warnings, "mp3: metadata only (belgi does not re-encode MP3); convert to WAV first for an audible notice or a watermark")
	}
	_, err := mp3.Rewrite(j.Out, j.In.Reader(), func(t *mp3.Tag) error {
		packet, err := xmpForLabel(j.Label, j.Result, existingID3XMP(t))
		if err != nil {
			return err
		}
		id3Label(t, j.Label, packet)
		return nil
	})
	if err != nil {
		return wrapFormatErr(err)
	}
	j.Result.addLayer(LayerMetadata)
	return nil
}

func wrapFormatErr(err error) error {
	for _, c := range []error{mp3.ErrCorrupt, mp3.ErrUnsupported, flac.ErrCorrupt, wav.ErrCorrupt} {
		if errors.Is(err, c) {
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
	}
	return err
}

func existingID3XMP(t *mp3.Tag) []byte {
	for _, f := range t.Frames {
		if o, d, ok := t.PRIV(f); ok && o == xmpPrivOwner {
			return d
		}
	}
	return nil
}

// id3Label replaces belgi's frames in t: TXXX AI_GENERATED,
// DIGITAL_SOURCE_TYPE, AI_SYSTEM, AI_CONTENT_ID, one COMM per language
// (description "AI disclosure") and PRIV "XMP". Other frames stay.
func id3Label(t *mp3.Tag, l *Label, packet []byte) {
	t.Remove(func(t *mp3.Tag, f mp3.Frame) bool {
		if d, _, ok := t.TXXX(f); ok {
			switch d {
			case tagAIGenerated, tagDigitalSourceType, tagAISystem, tagContentID:
				return true
			}
		}
		if _, d, _, ok := t.COMM(f); ok && d == commDesc {
			return true
		}
		o, _, ok := t.PRIV(f)
		return ok && o == xmpPrivOwner
	})
	t.Frames = append(t.Frames,
		t.NewTXXX(tagAIGenerated, "true"),
		t.NewTXXX(tagDigitalSourceType, l.Source.URI()))
	if s := aiSystem(l); s != "" {
		t.Frames = append(t.Frames, t.NewTXXX(tagAISystem, s))
	}
	t.Frames = append(t.Frames, t.NewTXXX(tagContentID, l.ContentID))
	for _, ln := range l.Disclosure() {
		code := iso639_2[ln.Lang]
		if code == "" {
			code = "XXX"
		}
		t.Frames = append(t.Frames, t.NewCOMM(code, commDesc, ln.Text))
	}
	if packet != nil {
		t.Frames = append(t.Frames, t.NewPRIV(xmpPrivOwner, packet))
	}
}

func verifyMP3(ctx context.Context, in *Input, rep *Report) error {
	t, err := mp3.ReadTag(bufio.NewReader(in.Reader()))
	if err != nil {
		rep.Errors = append(rep.Errors, err.Error())
		return wrapFormatErr(err)
	}
	readID3Into(t, rep)
	return verifyDecoded(ctx, in, rep)
}

// readID3Into reads belgi's and other tools' markers from an ID3 tag.
func readID3Into(t *mp3.Tag, rep *Report) {
	m := &rep.Metadata
	for _, f := range t.Frames {
		if d, v, ok := t.TXXX(f); ok {
			switch strings.ToUpper(d) {
			case tagAIGenerated:
				if isTrue(v) {
					m.Present = true
					rep.addSource("id3:TXXX")
				}
			case tagDigitalSourceType, "DIGITALSOURCETYPE":
				if m.DigitalSourceType == nil && strings.TrimSpace(v) != "" {
					m.DigitalSourceType = strp(NormalizeSourceType(v))
				}
				m.Present = true
				rep.addSource("id3:TXXX")
			case tagAISystem:
				if m.AISystem == nil && v != "" {
					m.AISystem = strp(v)
				}
			case tagContentID:
				if m.ContentID == nil && isContentID(v) {
					m.ContentID = strp(strings.ToLower(v))
				}
			default:
				if aiWording(d) || aiWording(v) {
					m.Present = true
					rep.addSource("id3:TXXX")
				}
			}
			continue
		}
		if lang, d, text, ok := t.COMM(f); ok {
			if d == commDesc || aiWording(text) {
				m.Present = true
				rep.addSource("id3:COMM")
				l := iso639_1(strings.ToLower(lang))
				if l == "xxx" || l == "" {
					l = guessLang(text)
				}
				if l != "" {
					if m.Disclosure == nil {
						m.Disclosure = map[string]string{}
					}
					if _, dup := m.Disclosure[l]; !dup {
						m.Disclosure[l] = text
					}
				}
			}
			continue
		}
		if o, d, ok := t.PRIV(f); ok && o == xmpPrivOwner {
			readXMPInto(d, rep)
			continue
		}
		if mime, _, _, _, ok := t.GEOB(f); ok {
			if strings.Contains(strings.ToLower(mime), "c2pa") {
				rep.C2PA.Present = true
			}
			continue
		}
		if s, ok := t.Text(f); ok && aiWording(s) {
			m.Present = true
			rep.addSource("id3:" + f.ID)
		}
	}
}

func isTrue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "y":
		return true
	}
	return false
}

// ---- FLAC ----

func applyFLAC(ctx context.Context, j *Job) error {
	if stages := sampleStagesFor(j); len(stages) > 0 {
		return applyFLACSamples(ctx, j)
	}
	_, err := flac.Rewrite(j.Out, j.In.Reader(), func(s *flac.Stream) error {
		if !j.Layers[LayerMetadata] {
			return nil
		}
		c, err := s.Comments()
		if err != nil {
			return err
		}
		vorbisLabel(c, j.Label)
		s.SetComments(c)
		return nil
	})
	if err != nil {
		return wrapFormatErr(err)
	}
	if j.Layers[LayerMetadata] {
		j.Result.addLayer(LayerMetadata)
	}
	return nil
}

// applyFLACSamples decodes the frames, runs the sample stages and encodes
// new frames at the same rate, channels and bit depth. STREAMINFO gets the
// new length and MD5; a SEEKTABLE (now wrong) is dropped, and a CUESHEET
// too when a notice moved the content.
func applyFLACSamples(ctx context.Context, j *Job) error {
	br := bufio.NewReaderSize(j.In.Reader(), 1<<16)
	s, err := flac.Read(br)
	if err != nil {
		return wrapFormatErr(err)
	}
	ints, err := flac.DecodeSamples(br, s.Info, maxAudioSamples)
	if err != nil {
		return wrapFormatErr(err)
	}
	bps := s.Info.BitsPerSample
	if s.Info.MD5 != ([16]byte{}) && flac.SamplesMD5(ints, bps) != s.Info.MD5 {
		j.Result.Warnings = append(j.Result.Warnings, "flac: decoded audio does not match the input's STREAMINFO MD5")
	}
	scale := float32(math.Ldexp(1, bps-1))
	p := &PCM{Rate: s.Info.SampleRate, Channels: s.Info.Channels, Samples: make([]float32, len(ints))}
	for i, v := range ints {
		p.Samples[i] = float32(v) / scale
	}
	ints = nil
	if err := runAudioStages(ctx, p, j); err != nil {
		return err
	}
	if len(p.Samples)%p.Channels != 0 {
		return fmt.Errorf("label: audio stage left %d samples for %d channels", len(p.Samples), p.Channels)
	}
	hi, lo := float64(scale)-1, -float64(scale)
	ints = make([]int32, len(p.Samples))
	for i, v := range p.Samples {
		x := math.Round(float64(v) * float64(scale))
		ints[i] = int32(max(lo, min(hi, x)))
	}
	frames, info, err := flac.EncodeFrames(ints, s.Info, s.Blocks[0].Data)
	if err != nil {
		return err
	}
	kept := s.Blocks[:0]
	for _, b := range s.Blocks {
		switch {
		case b.Type == flac.TypeSeekTable:
			continue
		case b.Type == flac.TypeCueSheet && p.Lead > 0:
			j.Result.Warnings = append(j.Result.Warnings, "flac: CUESHEET dropped (the notice moved the content)")
			continue
		}
		kept = append(kept, b)
	}
	s.Blocks = kept
	s.Blocks[0].Data = info
	if j.Layers[LayerMetadata] {
		c, err := s.Comments()
		if err != nil {
			return wrapFormatErr(err)
		}
		vorbisLabel(c, j.Label)
		s.SetComments(c)
	}
	head, err := s.Bytes()
	if err != nil {
		return err
	}
	if _, err := j.Out.Write(head); err != nil {
		return err
	}
	if _, err := j.Out.Write(frames); err != nil {
		return err
	}
	if j.Layers[LayerMetadata] {
		j.Result.addLayer(LayerMetadata)
	}
	return nil
}

// vorbisLabel replaces belgi's Vorbis comments: DESCRIPTION and COMMENT
// (our notice; a user's own DESCRIPTION/COMMENT stays beside it),
// AI_GENERATED, DIGITAL_SOURCE_TYPE, AI_SYSTEM, AI_CONTENT_ID.
func vorbisLabel(c *flac.Comments, l *Label) {
	if c.Vendor == "" {
		c.Vendor = toolName
	}
	c.Remove(func(k, v string) bool {
		switch k {
		case tagAIGenerated, tagDigitalSourceType, tagAISystem, tagContentID:
			return true
		case "DESCRIPTION", "COMMENT":
			return isOurDisclosure(l, v)
		}
		return false
	})
	text := disclosureText(l)
	c.Add("DESCRIPTION", text)
	c.Add("COMMENT", text)
	c.Add(tagAIGenerated, "true")
	c.Add(tagDigitalSourceType, l.Source.URI())
	if s := aiSystem(l); s != "" {
		c.Add(tagAISystem, s)
	}
	c.Add(tagContentID, l.ContentID)
}

func verifyFLAC(ctx context.Context, in *Input, rep *Report) error {
	s, err := flac.Read(bufio.NewReader(in.Reader()))
	if err != nil {
		rep.Errors = append(rep.Errors, err.Error())
		return wrapFormatErr(err)
	}
	if s.Prefix != nil {
		if t, err := mp3.ReadTag(bufio.NewReader(bytes.NewReader(s.Prefix))); err == nil {
			readID3Into(t, rep)
		}
	}
	c, err := s.Comments()
	if err != nil {
		rep.Warnings = append(rep.Warnings, err.Error())
		return verifyFLACSamples(ctx, in, rep)
	}
	m := &rep.Metadata
	for _, v := range c.Get(tagAIGenerated) {
		if isTrue(v) {
			m.Present = true
			rep.addSource("vorbis:AI_GENERATED")
		}
	}
	for _, v := range c.Get(tagDigitalSourceType) {
		if m.DigitalSourceType == nil && strings.TrimSpace(v) != "" {
			m.DigitalSourceType = strp(NormalizeSourceType(v))
		}
		m.Present = true
		rep.addSource("vorbis:DIGITAL_SOURCE_TYPE")
	}
	for _, v := range c.Get(tagAISystem) {
		if m.AISystem == nil && v != "" {
			m.AISystem = strp(v)
		}
	}
	for _, v := range c.Get(tagContentID) {
		if m.ContentID == nil && isContentID(v) {
			m.ContentID = strp(strings.ToLower(v))
		}
	}
	for _, key := range []string{"DESCRIPTION", "COMMENT"} {
		for _, v := range c.Get(key) {
			readNoticeText(v, rep, "vorbis:"+key)
		}
	}
	return verifyFLACSamples(ctx, in, rep)
}

// verifyFLACSamples decodes the frames with formats/flac and runs the
// sample verifiers.
func verifyFLACSamples(ctx context.Context, in *Input, rep *Report) error {
	br := bufio.NewReaderSize(in.Reader(), 1<<16)
	s, err := flac.Read(br)
	if err == nil {
		var ints []int32
		ints, err = flac.DecodeSamples(br, s.Info, maxAudioSamples)
		if err == nil {
			scale := float32(math.Ldexp(1, s.Info.BitsPerSample-1))
			p := &PCM{Rate: s.Info.SampleRate, Channels: s.Info.Channels, Samples: make([]float32, len(ints))}
			for i, v := range ints {
				p.Samples[i] = float32(v) / scale
			}
			return runAudioVerifiers(ctx, p, in, rep)
		}
	}
	rep.Warnings = append(rep.Warnings, fmt.Sprintf("flac: watermark not checked: %v", err))
	return nil
}
