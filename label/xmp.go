package label

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/belgi/belgi/formats/xmp"
)

// Values of plus:DataMining (PLUS License Data Format vocabulary).
const (
	plusVocab          = "http://ns.useplus.org/ldf/vocab/"
	dataMiningReserved = plusVocab + "DMI-PROHIBITED-AIMLTRAINING"
	dataMiningAllowed  = plusVocab + "DMI-ALLOWED"
)

// toolName is what belgi writes as xmp:CreatorTool when the label names no
// AI system, and as the XMP toolkit.
const toolName = "belgi"

// xmpPadding leaves room for in-place edits by other tools.
const xmpPadding = 2048

// xmpForLabel builds belgi's XMP packet for l, merged into the existing
// packet (nil or empty for none): every foreign property is kept, belgi's
// properties are replaced, so labelling twice leaves one set. res supplies
// what earlier stages produced (the watermark ID); a warning is added to it
// when an existing packet is unreadable and has to be replaced.
func xmpForLabel(l *Label, res *Result, existing []byte) ([]byte, error) {
	p := xmp.New()
	if len(existing) > 0 {
		old, err := xmp.Parse(existing)
		if err != nil {
			if res != nil {
				res.Warnings = append(res.Warnings, fmt.Sprintf("existing XMP unreadable (%v); written anew", err))
			}
		} else {
			p = old
		}
	}
	// The container writes a new HasExtendedXMP when it splits the packet.
	p.Remove(xmp.NSXMPNote, "HasExtendedXMP")

	p.SetText(xmp.NSIptc4xmpExt, "DigitalSourceType", l.Source.URI())
	if l.AISystem != "" {
		p.SetText(xmp.NSIptc4xmpExt, "AISystemUsed", l.AISystem)
	}
	if l.AIVersion != "" {
		p.SetText(xmp.NSIptc4xmpExt, "AISystemVersionUsed", l.AIVersion)
	}
	if l.WritePrompt && l.Prompt != "" {
		p.SetText(xmp.NSIptc4xmpExt, "AIPromptInformation", l.Prompt)
	}

	// dc:description: x-default carries every language (readers that show
	// only x-default still show Kazakh and Russian), then one item per
	// language. Foreign items in other languages are kept.
	lines := l.Disclosure()
	if len(lines) > 0 {
		texts := make([]string, len(lines))
		items := []xmp.LangText{{Lang: "x-default"}}
		ours := map[string]bool{"x-default": true}
		for i, ln := range lines {
			texts[i] = ln.Text
			items = append(items, xmp.LangText{Lang: ln.Lang, Text: ln.Text})
			ours[strings.ToLower(ln.Lang)] = true
		}
		items[0].Text = strings.Join(texts, " / ")
		for _, it := range p.Items(xmp.NSDC, "description") {
			if it.Lang != "" && !ours[strings.ToLower(it.Lang)] {
				items = append(items, it)
			}
		}
		p.SetLangAlt(xmp.NSDC, "description", items)
	}

	tool := toolName
	if l.AISystem != "" {
		tool = strings.TrimSpace(l.AISystem + " " + l.AIVersion)
	}
	p.SetText(xmp.NSXMP, "CreatorTool", tool)
	if p.Property(xmp.NSXMP, "CreateDate") == nil && !l.Created.IsZero() {
		p.SetText(xmp.NSXMP, "CreateDate", l.Created.UTC().Format("2006-01-02T15:04:05Z"))
	}
	p.SetText(xmp.NSXMPMM, "DocumentID", "belgi:"+l.ContentID)

	switch l.TDM {
	case TDMReserve:
		p.SetText(xmp.NSPlus, "DataMining", dataMiningReserved)
		p.SetText(xmp.NSTDM, "reservation", "1")
	case TDMAllow:
		p.SetText(xmp.NSPlus, "DataMining", dataMiningAllowed)
		p.SetText(xmp.NSTDM, "reservation", "0")
	}
	if l.TDMPolicy != "" {
		p.SetText(xmp.NSTDM, "policy", l.TDMPolicy)
	}

	if l.Profile == ProfileCN {
		aigc, err := tc260JSON(l)
		if err != nil {
			return nil, err
		}
		p.SetText(xmp.NSTC260, "AIGC", aigc)
	}

	p.SetText(xmp.NSBelgi, "ContentID", l.ContentID)
	if res != nil && res.WatermarkID != "" {
		p.SetText(xmp.NSBelgi, "WatermarkID", res.WatermarkID)
		if res.WatermarkAlgorithm != "" {
			p.SetText(xmp.NSBelgi, "WatermarkAlgorithm", res.WatermarkAlgorithm)
		}
	}
	return p.Marshal(xmp.MarshalOptions{Padding: xmpPadding, Toolkit: toolName}), nil
}

// tc260AIGC is the implicit label of GB 45438 / TC260-PG-20258A; the field
// order is the one the practice guide prints.
type tc260AIGC struct {
	Label             string `json:"Label"`
	ContentProducer   string `json:"ContentProducer"`
	ProduceID         string `json:"ProduceID"`
	ReservedCode1     string `json:"ReservedCode1"`
	ContentPropagator string `json:"ContentPropagator"`
	PropagateID       string `json:"PropagateID"`
	ReservedCode2     string `json:"ReservedCode2"`
}

func tc260JSON(l *Label) (string, error) {
	b, err := json.Marshal(tc260AIGC{
		Label:             "1",
		ContentProducer:   l.Producer,
		ProduceID:         l.ContentID,
		ContentPropagator: l.ContentPropagator,
		PropagateID:       l.PropagateID,
	})
	return string(b), err
}

// readXMPInto reads an XMP packet found in a file and fills the metadata
// report: IPTC digital source type from any writer (https and bare terms
// normalised, retired terms accepted), IPTC 2025.1 AI system fields, the
// dc:description disclosure, the content ID, the training reservation and
// the TC260 AIGC label. Markers found are listed in rep.Metadata.Sources.
// An unreadable packet is reported as a warning.
func readXMPInto(packet []byte, rep *Report) {
	p, err := xmp.Parse(packet)
	if err != nil {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("xmp: %v", err))
		return
	}
	m := &rep.Metadata
	if v, ok := p.Text(xmp.NSIptc4xmpExt, "DigitalSourceType"); ok && strings.TrimSpace(v) != "" {
		if m.DigitalSourceType == nil {
			m.DigitalSourceType = strp(NormalizeSourceType(v))
		}
		m.Present = true
		rep.addSource("xmp:DigitalSourceType")
	}
	if v, ok := p.Text(xmp.NSIptc4xmpExt, "AISystemUsed"); ok && v != "" {
		if m.AISystem == nil {
			m.AISystem = strp(v)
		}
		m.Present = true
		rep.addSource("xmp:AISystemUsed")
	}
	if v, ok := p.Text(xmp.NSIptc4xmpExt, "AISystemVersionUsed"); ok && v != "" && m.AIVersion == nil {
		m.AIVersion = strp(v)
	}
	ours := p.Property(xmp.NSBelgi, "ContentID") != nil
	if ours || m.Present {
		for _, it := range p.Items(xmp.NSDC, "description") {
			lang := strings.ToLower(it.Lang)
			if lang == "" || lang == "x-default" || it.Text == "" {
				continue
			}
			if m.Disclosure == nil {
				m.Disclosure = map[string]string{}
			}
			if _, dup := m.Disclosure[lang]; !dup {
				m.Disclosure[lang] = it.Text
			}
		}
	}
	if v, ok := p.Text(xmp.NSBelgi, "ContentID"); ok && isContentID(v) {
		m.ContentID = strp(strings.ToLower(v))
		m.Present = true
		rep.addSource("xmp:belgi")
	} else if v, ok := p.Text(xmp.NSXMPMM, "DocumentID"); ok && m.ContentID == nil {
		if id, ok := strings.CutPrefix(v, "belgi:"); ok && isContentID(id) {
			m.ContentID = strp(strings.ToLower(id))
		}
	}

	tdm := ""
	if v, ok := p.Text(xmp.NSPlus, "DataMining"); ok {
		switch {
		case strings.Contains(v, "DMI-PROHIBITED"):
			tdm = "reserve"
		case strings.HasSuffix(v, "DMI-ALLOWED"):
			tdm = "allow"
		}
	}
	if v, ok := p.Text(xmp.NSTDM, "reservation"); ok {
		switch strings.TrimSpace(v) {
		case "1":
			tdm = "reserve" // the most restrictive signal wins
		case "0":
			if tdm == "" {
				tdm = "allow"
			}
		}
	}
	if tdm != "" && (m.TDM == nil || tdm == "reserve") {
		m.TDM = strp(tdm)
	}

	if v, ok := p.Text(xmp.NSTC260, "AIGC"); ok && strings.TrimSpace(v) != "" {
		var a map[string]any
		if err := json.Unmarshal([]byte(v), &a); err != nil {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("xmp: TC260:AIGC is not JSON: %v", err))
		} else {
			m.Present = true
			rep.addSource("tc260:AIGC")
			if id, ok := a["ProduceID"].(string); ok && isContentID(id) && m.ContentID == nil {
				m.ContentID = strp(strings.ToLower(id))
			}
		}
	}
}

func isContentID(s string) bool {
	_, err := ParseContentID(s)
	return err == nil
}
