package label

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/belgi/belgi/formats"
	ftext "github.com/belgi/belgi/formats/text"
	"github.com/belgi/belgi/label/disclosure"
	wmtext "github.com/belgi/belgi/watermark/text"
)

// Text documents are edited in memory; this bounds that memory.
const maxTextSize = 256 << 20

// TextWatermarkAlgorithm names the text carrier in reports.
const TextWatermarkAlgorithm = "belgi-text-vs/1"

// The JSON member, Markdown front matter keys and HTML meta names belgi
// writes for text.
const (
	jsonDisclosureKey = "_disclosure"
	htmlMetaBlock     = "metadata"
	htmlNoticeBlock   = "disclosure"
)

var frontMatterKeys = []string{"ai_generated", "digital_source_type", "ai_system", "ai_version", "content_id", "tdm_reservation", "tdm_policy"}

// textSanitizerWarning is reported with every text carrier found.
const textSanitizerWarning = "text watermark: NFKC_Casefold (identifier/IDNA normalisation) and invisible-character stripping delete the variation selectors that carry the ID; the notice and metadata stay"

func init() {
	all := []Layer{LayerDisclosure, LayerWatermark, LayerMetadata}
	register(formats.Text, handler{layers: []Layer{LayerDisclosure, LayerWatermark}, apply: applyText, verify: verifyText})
	register(formats.Markdown, handler{layers: all, apply: applyText, verify: verifyText})
	register(formats.HTML, handler{layers: all, apply: applyText, verify: verifyText})
	register(formats.JSON, handler{layers: all, apply: applyText, verify: verifyText})
}

func readText(in *Input) ([]byte, error) {
	doc, err := textBytes(in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Format, err)
	}
	if !utf8.Valid(doc) {
		off := 0
		for off < len(doc) {
			r, n := utf8.DecodeRune(doc[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return nil, fmt.Errorf("%w: %s: not valid UTF-8 at offset %d", ErrCorrupt, in.Format, off)
	}
	return doc, nil
}

// textBytes reads the whole input, in one exact-size read when the input
// already has random access (files, byte slices, a verify spool), else
// through Input.Bytes. Streams are not spooled just to learn their size.
func textBytes(in *Input) ([]byte, error) {
	var ra io.ReaderAt
	var size int64 = -1
	switch {
	case in.spool != nil:
		ra = in.spool
		if st, err := in.spool.Stat(); err == nil {
			size = st.Size()
		}
	case in.br == nil:
		if s, ok := in.r.(interface {
			io.ReaderAt
			Size() int64
		}); ok {
			ra, size = s, s.Size()
		} else if f, ok := in.r.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
				ra, size = f, st.Size()
			}
		}
	}
	if ra == nil || size < 0 {
		return in.Bytes(maxTextSize)
	}
	if size > maxTextSize {
		return nil, fmt.Errorf("%w: input larger than %d bytes", ErrInvalidOptions, maxTextSize)
	}
	doc := make([]byte, size)
	n, err := ra.ReadAt(doc, 0)
	if err != nil && !(err == io.EOF && int64(n) == size) {
		return nil, err
	}
	return doc[:n], nil
}

// resniff corrects formats.Detect, which sees only the first 4 KiB: a
// longer JSON document sent without a file name looks like plain text,
// and a plain notice would break it.
func resniff(f formats.Format, doc []byte) formats.Format {
	if f == formats.Text {
		t := bytes.TrimLeft(bytes.TrimPrefix(doc, []byte("\xEF\xBB\xBF")), " \t\r\n")
		if len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(doc) {
			return formats.JSON
		}
	}
	return f
}

func applyText(ctx context.Context, j *Job) error {
	doc, err := readText(j.In)
	if err != nil {
		return err
	}
	if n := ftext.C2PATail(doc); n > 0 {
		// Any edit breaks its hard binding; the C2PA stage writes a new one.
		doc = doc[:len(doc)-n]
		j.Result.Warnings = append(j.Result.Warnings, "text: an existing C2PA text manifest was removed (its hard binding cannot match the edited text)")
	}
	f := resniff(j.In.Format, doc)
	if f != j.In.Format {
		j.Result.Format = f
		if !j.Opts.wants(LayerMetadata) {
			delete(j.Layers, LayerMetadata)
		} else {
			j.Layers[LayerMetadata] = true
		}
	}
	topts := j.Opts.Text
	at := ftext.Start
	switch topts.Placement {
	case "", TextStart:
	case TextEnd:
		at = ftext.End
	default:
		return fmt.Errorf("%w: text placement %q (want start or end)", ErrInvalidOptions, topts.Placement)
	}
	if f == formats.JSON && !json.Valid(doc) {
		return fmt.Errorf("%w: json: not a valid JSON document", ErrCorrupt)
	}
	// Relabelling replaces belgi's own markers of the layers being written.
	doc, err = removeTextLayers(f, doc, j.Layers)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if j.Layers[LayerWatermark] {
		id, err := ParseContentID(j.Label.ContentID)
		if err != nil {
			return err
		}
		spans := textProse(f, doc, topts)
		marked := wmtext.Embed(doc, id, spans, wmtext.Params{MinGap: topts.CarrierMinGap, MaxGap: topts.CarrierMaxGap})
		if len(marked) == len(doc) {
			j.Result.Warnings = append(j.Result.Warnings, "text watermark: no word gap in prose to carry the ID; skipped")
		} else {
			doc = marked
			j.Result.WatermarkID = j.Label.ContentID
			j.Result.addLayer(LayerWatermark)
		}
	}
	lines := noticeLines(j.Label)
	if j.Layers[LayerDisclosure] && len(lines) > 0 {
		switch f {
		case formats.Text:
			doc = ftext.InsertPlainNotice(doc, lines, at)
		case formats.Markdown:
			doc = ftext.InsertMarkdownNotice(doc, lines, at)
		case formats.HTML:
			doc = ftext.InsertHTMLBody(doc, htmlNoticeBlock, ftext.HTMLNotice(lines), at)
		}
		if f != formats.JSON {
			j.Result.addLayer(LayerDisclosure)
		}
	}
	switch f {
	case formats.Markdown:
		if j.Layers[LayerMetadata] {
			if _, has := ftext.FindFrontMatter(doc); !has && topts.KeepMarkdownBare {
				j.Result.Warnings = append(j.Result.Warnings, "markdown: no front matter and KeepMarkdownBare set; metadata layer skipped")
				break
			}
			if doc, err = ftext.MergeFrontMatter(doc, frontMatterFields(j.Label)); err != nil {
				return fmt.Errorf("markdown: %w", err)
			}
			j.Result.addLayer(LayerMetadata)
		}
	case formats.HTML:
		if j.Layers[LayerMetadata] {
			doc = ftext.InsertHTMLHead(doc, htmlMetaBlock, htmlMetadata(j.Label, newlineOf(doc)))
			j.Result.addLayer(LayerMetadata)
		}
	case formats.JSON:
		withText := j.Layers[LayerDisclosure] && len(lines) > 0
		if j.Layers[LayerMetadata] || withText {
			member := jsonDisclosure(j.Label, j.Layers[LayerMetadata], withText, lines)
			if doc, err = ftext.InsertJSONMember(doc, jsonDisclosureKey, member, at); err != nil {
				return err
			}
			if withText {
				j.Result.addLayer(LayerDisclosure)
			}
			if j.Layers[LayerMetadata] {
				j.Result.addLayer(LayerMetadata)
			}
		}
	}
	_, err = j.Out.Write(doc)
	return err
}

func newlineOf(doc []byte) string {
	if i := bytes.IndexByte(doc, '\n'); i > 0 && doc[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

func noticeLines(l *Label) []ftext.Line {
	var out []ftext.Line
	for _, d := range l.Disclosure() {
		out = append(out, ftext.Line{Lang: d.Lang, Text: d.Text})
	}
	return out
}

// textProse returns where the carrier may go in a document of format f.
func textProse(f formats.Format, doc []byte, o TextOptions) []wmtext.Span {
	var spans []ftext.Span
	switch f {
	case formats.Text:
		return nil // the whole text
	case formats.Markdown:
		spans = ftext.MarkdownProse(doc)
	case formats.HTML:
		spans = ftext.HTMLProse(doc)
	case formats.JSON:
		min := o.JSONMinString
		if min <= 0 {
			min = 64
		}
		spans = ftext.JSONProse(doc, min, jsonDisclosureKey)
	}
	out := make([]wmtext.Span, len(spans))
	for i, s := range spans {
		out[i] = wmtext.Span{Start: s.Start, End: s.End}
	}
	if len(out) == 0 {
		out = []wmtext.Span{} // nil would mean the whole document
	}
	return out
}

// removeTextLayers removes belgi's earlier markers of the given layers.
func removeTextLayers(f formats.Format, doc []byte, layers map[Layer]bool) ([]byte, error) {
	var err error
	if layers[LayerDisclosure] {
		switch f {
		case formats.Text:
			doc = ftext.RemovePlainNotice(doc, nil) // only belgi-marked notices
		case formats.Markdown:
			doc = ftext.RemoveMarkdownNotice(doc)
		case formats.HTML:
			doc = ftext.RemoveHTMLBlock(doc, htmlNoticeBlock)
		}
	}
	if layers[LayerMetadata] {
		switch f {
		case formats.Markdown:
			doc = ftext.RemoveFrontMatterKeys(doc, frontMatterKeys)
		case formats.HTML:
			doc = ftext.RemoveHTMLBlock(doc, htmlMetaBlock)
		}
	}
	if f == formats.JSON && (layers[LayerMetadata] || layers[LayerDisclosure]) {
		if doc, err = ftext.RemoveJSONMember(doc, jsonDisclosureKey); err != nil {
			return nil, err
		}
	}
	if layers[LayerWatermark] {
		doc = wmtext.Remove(doc)
	}
	return doc, nil
}

// stripText removes every belgi layer from a text document: what the
// document was before Apply. Tests use it to show nothing else changed.
func stripText(f formats.Format, doc []byte) ([]byte, error) {
	return removeTextLayers(f, doc, map[Layer]bool{LayerDisclosure: true, LayerMetadata: true, LayerWatermark: true})
}

func frontMatterFields(l *Label) []ftext.Field {
	uri := l.Source.URI()
	fields := []ftext.Field{{Key: "ai_generated", Value: IsAISourceType(uri)}, {Key: "digital_source_type", Value: uri}}
	if l.AISystem != "" {
		fields = append(fields, ftext.Field{Key: "ai_system", Value: l.AISystem})
	}
	if l.AIVersion != "" {
		fields = append(fields, ftext.Field{Key: "ai_version", Value: l.AIVersion})
	}
	fields = append(fields, ftext.Field{Key: "content_id", Value: l.ContentID})
	switch l.TDM {
	case TDMReserve:
		fields = append(fields, ftext.Field{Key: "tdm_reservation", Value: 1})
	case TDMAllow:
		fields = append(fields, ftext.Field{Key: "tdm_reservation", Value: 0})
	}
	if l.TDMPolicy != "" {
		fields = append(fields, ftext.Field{Key: "tdm_policy", Value: l.TDMPolicy})
	}
	return fields
}

// schemaOrgSourceType maps an IPTC digital source type to schema.org's
// IPTCDigitalSourceEnumeration member (same terms, capitalised, with
// "DigitalSource" appended).
func schemaOrgSourceType(uri string) string {
	term, ok := strings.CutPrefix(uri, IPTCBase)
	if !ok || term == "" {
		return uri
	}
	return "https://schema.org/" + strings.ToUpper(term[:1]) + term[1:] + "DigitalSource"
}

func htmlMetadata(l *Label, nl string) []byte {
	var b strings.Builder
	meta := func(name, content string) {
		b.WriteString(nl + `<meta name="` + name + `" content="` + html.EscapeString(content) + `">`)
	}
	uri := l.Source.URI()
	meta("ai-generated", fmt.Sprint(IsAISourceType(uri)))
	meta("digital-source-type", uri)
	if l.AISystem != "" {
		meta("ai-system", l.AISystem)
	}
	if l.AIVersion != "" {
		meta("ai-version", l.AIVersion)
	}
	meta("content-id", l.ContentID)
	switch l.TDM {
	case TDMReserve:
		meta("tdm-reservation", "1")
	case TDMAllow:
		meta("tdm-reservation", "0")
	}
	if l.TDMPolicy != "" {
		meta("tdm-policy", l.TDMPolicy)
	}
	ld := map[string]any{
		"@context":          "https://schema.org",
		"@type":             "CreativeWork",
		"digitalSourceType": schemaOrgSourceType(uri),
		"identifier":        l.ContentID,
	}
	if l.AISystem != "" {
		ld["creator"] = map[string]any{"@type": "SoftwareApplication", "name": l.AISystem}
	}
	if d := l.Disclosure(); len(d) > 0 {
		ld["description"] = d[0].Text
		ld["inLanguage"] = d[0].Lang
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true) // keeps "</script>" out of the script element
	_ = enc.Encode(ld)
	b.WriteString(nl + `<script type="application/ld+json">` + strings.TrimSpace(buf.String()) + `</script>` + nl)
	return []byte(b.String())
}

// jsonDisclosure builds the "_disclosure" member: metadata fields and/or
// the notice text in display order.
func jsonDisclosure(l *Label, withMeta, withText bool, lines []ftext.Line) []byte {
	var b bytes.Buffer
	b.WriteString("{")
	first := true
	put := func(k string, v any) {
		if !first {
			b.WriteString(",")
		}
		first = false
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(v)
		b.Write(kb)
		b.WriteString(":")
		b.Write(vb)
	}
	if withMeta {
		uri := l.Source.URI()
		put("ai_generated", IsAISourceType(uri))
		put("digital_source_type", uri)
		if l.AISystem != "" {
			put("ai_system", l.AISystem)
		}
		if l.AIVersion != "" {
			put("ai_version", l.AIVersion)
		}
		put("content_id", l.ContentID)
		switch l.TDM {
		case TDMReserve:
			put("tdm_reservation", 1)
		case TDMAllow:
			put("tdm_reservation", 0)
		}
		if l.TDMPolicy != "" {
			put("tdm_policy", l.TDMPolicy)
		}
	}
	if withText {
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString(`"text":{`)
		for i, line := range lines {
			if i > 0 {
				b.WriteString(",")
			}
			kb, _ := json.Marshal(line.Lang)
			vb, _ := json.Marshal(line.Text)
			b.Write(kb)
			b.WriteString(":")
			b.Write(vb)
		}
		b.WriteString("}")
	}
	b.WriteString("}")
	return b.Bytes()
}

// knownWording reports whether s is one of the default disclosure texts.
func knownWording(s string) bool {
	for _, t := range []map[disclosure.Kind]disclosure.Wording{disclosure.Default.Long, disclosure.Default.Short} {
		for _, w := range t {
			for _, x := range w {
				if x == s {
					return true
				}
			}
		}
	}
	return false
}

func verifyText(ctx context.Context, in *Input, rep *Report) error {
	doc, err := readText(in)
	if err != nil {
		return err
	}
	// A C2PA text manifest wrapper at the end is formats/c2pa's; the
	// layers here are read from the text before it.
	doc = doc[:len(doc)-ftext.C2PATail(doc)]
	f := resniff(in.Format, doc)
	rep.Format = string(f)
	if d := wmtext.Detect(doc); d.Found {
		rep.Watermark.Present = true
		rep.Watermark.ID = strp(FormatContentID(d.ID))
		score := float64(d.Copies)
		rep.Watermark.Score = &score
		rep.Watermark.Algorithm = strp(TextWatermarkAlgorithm)
		rep.Warnings = append(rep.Warnings, textSanitizerWarning)
		for id, n := range d.Others {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("text watermark: %d copies of another ID %s (text pasted from several labelled sources)", n, FormatContentID(id)))
		}
	}
	setNotice := func(lines []ftext.Line) {
		rep.Disclosure.Present = true
		rep.Disclosure.Kind = strp("text-notice")
		rep.Disclosure.Text = map[string]string{}
		for _, l := range lines {
			lang := l.Lang
			if lang == "" {
				lang = guessLang(l.Text)
			}
			rep.Disclosure.Text[lang] = l.Text
		}
	}
	switch f {
	case formats.Text:
		if n, ok := ftext.FindPlainNotice(doc, knownWording); ok {
			setNotice(n.Lines)
			if !n.Marked && !rep.Watermark.Present {
				rep.Warnings = append(rep.Warnings, "text: the notice's invisible marker and the watermark are both missing; an invisible-character sanitizer (NFKC_Casefold, zero-width stripping) probably ran")
			}
		}
	case formats.Markdown:
		if n, ok := ftext.FindMarkdownNotice(doc); ok {
			setNotice(n.Lines)
		}
		m, ok, err := ftext.ReadFrontMatter(doc)
		if err != nil {
			rep.Warnings = append(rep.Warnings, err.Error())
		} else if ok {
			readMetaMap(rep, "markdown:front-matter", m, "_")
		}
	case formats.HTML:
		if lines, _, ok := ftext.FindHTMLNotice(doc); ok {
			setNotice(lines)
		}
		meta := ftext.HTMLMeta(doc)
		m := map[string]any{}
		for k, v := range meta {
			m[k] = v
		}
		readMetaMap(rep, "html:meta", m, "-")
		for _, ld := range ftext.HTMLJSONLD(doc) {
			if t := findJSONLDSourceType(ld); t != "" {
				rep.addSource("html:json-ld")
				rep.Metadata.Present = true
				if rep.Metadata.DigitalSourceType == nil {
					rep.Metadata.DigitalSourceType = strp(iptcFromSchemaOrg(t))
				}
			}
		}
	case formats.JSON:
		raw, ok, err := ftext.JSONMember(doc, jsonDisclosureKey)
		if err != nil {
			return err
		}
		if ok {
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("json: %s is not an object", jsonDisclosureKey))
				break
			}
			readMetaMap(rep, "json:"+jsonDisclosureKey, m, "_")
			if t, ok := m["text"].(map[string]any); ok && len(t) > 0 {
				var lines []ftext.Line
				for lang, v := range t {
					if s, ok := v.(string); ok {
						lines = append(lines, ftext.Line{Lang: lang, Text: s})
					}
				}
				setNotice(lines)
			}
		}
	}
	return nil
}

// readMetaMap fills the metadata report from key/value pairs named with
// sep ("_" for front matter and JSON, "-" for HTML meta names).
func readMetaMap(rep *Report, source string, m map[string]any, sep string) {
	get := func(k string) (string, bool) {
		v, ok := m[strings.ReplaceAll(k, "_", sep)]
		if !ok || v == nil {
			return "", false
		}
		return fmt.Sprint(v), true
	}
	found := false
	if v, ok := get("digital_source_type"); ok {
		rep.Metadata.DigitalSourceType = strp(NormalizeSourceType(v))
		found = true
	}
	if v, ok := get("ai_generated"); ok && (v == "true" || v == "1") {
		if rep.Metadata.DigitalSourceType == nil {
			rep.Metadata.DigitalSourceType = strp(Generated.URI())
		}
		found = true
	}
	if v, ok := get("ai_system"); ok {
		rep.Metadata.AISystem = strp(v)
	}
	if v, ok := get("ai_version"); ok {
		rep.Metadata.AIVersion = strp(v)
	}
	if v, ok := get("content_id"); ok {
		rep.Metadata.ContentID = strp(v)
		found = true
	}
	if v, ok := get("tdm_reservation"); ok {
		found = true
		switch v {
		case "1", "true":
			rep.Metadata.TDM = strp("reserve")
		case "0", "false":
			rep.Metadata.TDM = strp("allow")
		}
	}
	if found {
		rep.Metadata.Present = true
		rep.addSource(source)
	}
}

// findJSONLDSourceType finds a digitalSourceType anywhere in a JSON-LD
// script (top level, arrays, @graph).
func findJSONLDSourceType(ld []byte) string {
	var v any
	if json.Unmarshal(ld, &v) != nil {
		return ""
	}
	var walk func(any) string
	walk = func(v any) string {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["digitalSourceType"].(string); ok {
				return s
			}
			for _, c := range x {
				if s := walk(c); s != "" {
					return s
				}
			}
		case []any:
			for _, c := range x {
				if s := walk(c); s != "" {
					return s
				}
			}
		}
		return ""
	}
	return walk(v)
}

// iptcFromSchemaOrg maps schema.org's enumeration member back to the IPTC URI.
func iptcFromSchemaOrg(s string) string {
	for _, p := range []string{"https://schema.org/", "http://schema.org/"} {
		if term, ok := strings.CutPrefix(s, p); ok {
			term = strings.TrimSuffix(term, "DigitalSource")
			if term != "" {
				return IPTCBase + strings.ToLower(term[:1]) + term[1:]
			}
		}
	}
	return NormalizeSourceType(s)
}
