package tdm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Status is the answer for one signal or for all of them together.
type Status string

const (
	Reserved Status = "reserved" // training prohibited
	Allowed  Status = "allowed"  // training explicitly allowed
	Unknown  Status = "unknown"  // nothing said
)

// restrictiveness orders statuses: the most restrictive wins.
func (s Status) rank() int {
	switch s {
	case Reserved:
		return 2
	case Allowed:
		return 1
	}
	return 0
}

// Signal is one machine-readable statement found in the inputs.
type Signal struct {
	Scheme string `json:"scheme"` // robots.txt, tdmrep, content-usage, content-signal, noai, iptc-plus, cawg
	Where  string `json:"where"`  // where it was found, precise enough to point at
	Value  string `json:"value"`  // the raw value
	Status Status `json:"status"` // what it says on its own
	// Overridden is set for a TDMRep signal that a higher-precedence TDMRep
	// source replaced (well-known < header < HTML < file).
	Overridden bool `json:"overridden,omitempty"`
	// Policy is the tdm-policy URL that came with a TDMRep reservation.
	Policy string `json:"policy,omitempty"`
}

// Inputs are everything a crawler may have fetched for one piece of
// content. Every field is optional.
type Inputs struct {
	Robots    []byte // robots.txt of the site
	UserAgent string // crawler product token to check robots.txt for; empty = every known AI crawler
	Path      string // URL path of the content (robots.txt and tdmrep.json matching)

	Headers http.Header // HTTP response headers of the content
	HTML    []byte      // the HTML document
	TDMRep  []byte      // /.well-known/tdmrep.json

	// Files carries signals read from the content's own metadata (see
	// package label: Report.Metadata.TDM); the CLI fills it.
	Files []Signal
}

// Result is the answer: the overall status and every signal that matched.
type Result struct {
	Status  Status   `json:"status"`
	Signals []Signal `json:"signals"`
	Errors  []string `json:"errors"`
}

// TDMRep precedence, lowest first.
const (
	precWellKnown = iota
	precHeader
	precHTML
	precFile
)

// Check evaluates every input and returns the most restrictive answer.
func Check(in Inputs) Result {
	res := Result{Status: Unknown, Signals: []Signal{}, Errors: []string{}}
	type tdmrepSig struct {
		prec int
		idx  int
	}
	var rep []tdmrepSig
	addRep := func(prec int, s Signal) {
		res.Signals = append(res.Signals, s)
		rep = append(rep, tdmrepSig{prec, len(res.Signals) - 1})
	}

	if in.Robots != nil {
		r := ParseRobots(in.Robots)
		agents := []string{in.UserAgent}
		if in.UserAgent == "" {
			agents = AICrawlers
		}
		for _, ua := range agents {
			ok, rule := r.Allowed(ua, in.Path)
			if rule != nil {
				st := Allowed
				if !ok {
					st = Reserved
				}
				res.Signals = append(res.Signals, Signal{Scheme: "robots.txt",
					Where: fmt.Sprintf("robots.txt line %d, user-agent %s", rule.Line, ua), Value: rule.String(), Status: st})
			}
			for _, p := range r.prefsFor(ua, in.Path) {
				res.Signals = append(res.Signals, prefSignal(p, ua))
			}
		}
	}
	if in.TDMRep != nil {
		s, err := tdmrepSignal(in.TDMRep, in.Path)
		if err != nil {
			res.Errors = append(res.Errors, err.Error())
		} else if s != nil {
			addRep(precWellKnown, *s)
		}
	}
	if in.Headers != nil {
		for _, s := range headerSignals(in.Headers) {
			if s.Scheme == "tdmrep" {
				addRep(precHeader, s)
			} else {
				res.Signals = append(res.Signals, s)
			}
		}
	}
	if in.HTML != nil {
		for _, s := range htmlSignals(in.HTML) {
			if s.Scheme == "tdmrep" {
				addRep(precHTML, s)
			} else {
				res.Signals = append(res.Signals, s)
			}
		}
	}
	for _, s := range in.Files {
		if s.Scheme == "tdmrep" {
			addRep(precFile, s)
		} else {
			res.Signals = append(res.Signals, s)
		}
	}

	// Within TDMRep the highest-precedence source that says 0 or 1 decides;
	// a source that says nothing does not reset a lower one.
	sort.SliceStable(rep, func(i, j int) bool { return rep[i].prec < rep[j].prec })
	top := -1
	for _, r := range rep {
		if res.Signals[r.idx].Status != Unknown {
			top = r.prec
		}
	}
	for _, r := range rep {
		if r.prec < top {
			res.Signals[r.idx].Overridden = true
		}
	}
	for _, s := range res.Signals {
		if !s.Overridden && s.Status.rank() > res.Status.rank() {
			res.Status = s.Status
		}
	}
	return res
}

// prefSignal interprets a Content-Signal or Content-Usage robots.txt line.
func prefSignal(p PrefLine, ua string) Signal {
	s := Signal{Scheme: p.Key, Value: p.Value, Status: Unknown,
		Where: fmt.Sprintf("robots.txt line %d, user-agent %s", p.Line, ua)}
	if p.Key == "content-signal" {
		s.Status = contentSignalStatus(p.Value)
	} else {
		s.Status = contentUsageStatus(p.Value)
	}
	return s
}

// contentSignalStatus reads Cloudflare's "search=yes, ai-train=no, ai-input=yes".
func contentSignalStatus(v string) Status {
	for k, val := range dictItems(v) {
		if k == "ai-train" {
			switch val {
			case "no", "n":
				return Reserved
			case "yes", "y":
				return Allowed
			}
		}
	}
	return Unknown
}

// contentUsageStatus reads the IETF AI-preferences vocabulary
// ("train-ai=n", "train-genai=n"); train-genai=y does not allow all AI
// training, so only train-ai=y counts as allowed.
func contentUsageStatus(v string) Status {
	st := Unknown
	for k, val := range dictItems(v) {
		switch k {
		case "train-ai", "train-genai":
			switch val {
			case "n", "no", "?0":
				return Reserved
			case "y", "yes", "?1":
				if k == "train-ai" {
					st = Allowed
				}
			}
		}
	}
	return st
}

// dictItems splits "a=b, c=d;param" into lower-case key/value pairs.
func dictItems(v string) map[string]string {
	out := map[string]string{}
	for _, item := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		item, _, _ = strings.Cut(item, ";")
		k, val, ok := strings.Cut(item, "=")
		if !ok {
			val = "?1"
		}
		out[strings.ToLower(strings.TrimSpace(k))] = strings.ToLower(strings.Trim(strings.TrimSpace(val), `"`))
	}
	return out
}

// tdmValue maps a TDMRep value to a status: only 0 and 1 mean anything.
func tdmValue(v string) Status {
	switch strings.TrimSpace(v) {
	case "1":
		return Reserved
	case "0":
		return Allowed
	}
	return Unknown
}

func headerSignals(h http.Header) []Signal {
	var out []Signal
	if vs := h.Values("Tdm-Reservation"); len(vs) > 0 {
		s := Signal{Scheme: "tdmrep", Where: "HTTP header tdm-reservation", Value: vs[0], Status: tdmValue(vs[0])}
		s.Policy = h.Get("Tdm-Policy")
		out = append(out, s)
	}
	for _, v := range h.Values("Content-Usage") {
		out = append(out, Signal{Scheme: "content-usage", Where: "HTTP header Content-Usage", Value: v, Status: contentUsageStatus(v)})
	}
	for _, v := range h.Values("X-Robots-Tag") {
		if st := noaiStatus(v); st != Unknown {
			out = append(out, Signal{Scheme: "noai", Where: "HTTP header X-Robots-Tag", Value: v, Status: st})
		}
	}
	return out
}

// noaiStatus reads robots directives ("noai", "noimageai", possibly after
// "botname:").
func noaiStatus(v string) Status {
	for _, d := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == ',' || r == ' ' }) {
		if i := strings.LastIndexByte(d, ':'); i >= 0 {
			d = d[i+1:]
		}
		if d == "noai" || d == "noimageai" {
			return Reserved
		}
	}
	return Unknown
}

// tdmrepEntry is one rule of /.well-known/tdmrep.json.
type tdmrepEntry struct {
	Location    string          `json:"location"`
	Reservation json.RawMessage `json:"tdm-reservation"`
	Policy      string          `json:"tdm-policy"`
}

// ParseTDMRep parses /.well-known/tdmrep.json.
func ParseTDMRep(b []byte) ([]tdmrepEntry, error) {
	var entries []tdmrepEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, fmt.Errorf("tdmrep.json: %w", err)
	}
	return entries, nil
}

// tdmrepSignal finds the entry of tdmrep.json that applies to path: the
// most specific (longest) matching location.
func tdmrepSignal(b []byte, path string) (*Signal, error) {
	entries, err := ParseTDMRep(b)
	if err != nil {
		return nil, err
	}
	if path == "" {
		path = "/"
	}
	best, bestLen := -1, -1
	for i, e := range entries {
		loc := e.Location
		if loc == "" {
			continue
		}
		if !strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "*") {
			loc = "/" + loc
		}
		if matchPattern(loc, path) && len(loc) > bestLen {
			best, bestLen = i, len(loc)
		}
	}
	if best < 0 {
		return nil, nil
	}
	e := entries[best]
	raw := strings.Trim(string(e.Reservation), `"`)
	if _, err := strconv.Atoi(raw); err != nil {
		raw = strings.TrimSpace(raw)
	}
	return &Signal{Scheme: "tdmrep", Where: fmt.Sprintf("tdmrep.json entry %d (location %s)", best, e.Location),
		Value: raw, Status: tdmValue(raw), Policy: e.Policy}, nil
}
