package tdm

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// Robots is a parsed robots.txt (RFC 9309), with the AI-preference lines
// (Content-Signal, Content-Usage) kept per group.
type Robots struct {
	Groups []RobotsGroup
	// Global holds preference lines that appear before any group.
	Global []PrefLine
}

// RobotsGroup is one group: its user agents and rules.
type RobotsGroup struct {
	Agents []string // lower-cased product tokens, "*" for any
	Rules  []Rule
	Prefs  []PrefLine
	Line   int // line of the first User-agent
}

// Rule is an allow or disallow line.
type Rule struct {
	Allow   bool
	Pattern string
	Line    int
}

// PrefLine is a Content-Signal or Content-Usage line.
type PrefLine struct {
	Key   string // "content-signal" or "content-usage"
	Path  string // optional path pattern the line is limited to ("" = all)
	Value string
	Line  int
}

// maxRobotsSize is the parsing limit RFC 9309 §2.5 asks crawlers to honour.
const maxRobotsSize = 500 << 10

// ParseRobots parses robots.txt. Lines it does not understand are skipped,
// as RFC 9309 requires; only content past 500 KiB is ignored.
func ParseRobots(b []byte) *Robots {
	if len(b) > maxRobotsSize {
		b = b[:maxRobotsSize]
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	r := &Robots{}
	var cur *RobotsGroup
	inAgents := false // the previous significant line was a User-agent
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxRobotsSize+1)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		switch key {
		case "user-agent", "useragent", "user agent":
			if !inAgents {
				r.Groups = append(r.Groups, RobotsGroup{Line: n})
				cur = &r.Groups[len(r.Groups)-1]
			}
			cur.Agents = append(cur.Agents, strings.ToLower(productToken(val)))
			inAgents = true
		case "allow", "disallow":
			inAgents = false
			if cur == nil || val == "" { // an empty Disallow allows everything
				continue
			}
			cur.Rules = append(cur.Rules, Rule{Allow: key == "allow", Pattern: val, Line: n})
		case "content-signal", "content-usage":
			inAgents = false
			p := PrefLine{Key: key, Value: val, Line: n}
			if strings.HasPrefix(val, "/") || strings.HasPrefix(val, "*") {
				p.Path, p.Value, _ = strings.Cut(val, " ")
				p.Value = strings.TrimSpace(p.Value)
			}
			if cur == nil {
				r.Global = append(r.Global, p)
			} else {
				cur.Prefs = append(cur.Prefs, p)
			}
		default:
			// Sitemap, Crawl-delay and others end a run of User-agent lines
			// only if they are group members; RFC 9309 ignores them.
		}
	}
	return r
}

// productToken keeps the part of a user-agent line that RFC 9309 matches:
// letters, '_' and '-' (so "Googlebot/2.1" → "Googlebot").
func productToken(s string) string {
	if s == "*" {
		return s
	}
	for i, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return s[:i]
		}
	}
	return s
}

// groupsFor returns the groups that apply to userAgent: every group naming
// its product token (combined, per RFC 9309 §2.2.1), else every "*" group.
func (r *Robots) groupsFor(userAgent string) []*RobotsGroup {
	tok := strings.ToLower(productToken(strings.TrimSpace(userAgent)))
	var named, star []*RobotsGroup
	for i := range r.Groups {
		g := &r.Groups[i]
		for _, a := range g.Agents {
			if tok != "" && a == tok {
				named = append(named, g)
				break
			}
			if a == "*" {
				star = append(star, g)
				break
			}
		}
	}
	if len(named) > 0 {
		return named
	}
	return star
}

// Allowed reports whether userAgent may fetch path, with the rule that
// decided (nil when no rule matched, which allows). The longest matching
// pattern wins; on a tie, allow wins (RFC 9309 §2.2.2).
func (r *Robots) Allowed(userAgent, path string) (bool, *Rule) {
	if path == "" {
		path = "/"
	}
	if path == "/robots.txt" {
		return true, nil
	}
	var best *Rule
	bestLen := -1
	for _, g := range r.groupsFor(userAgent) {
		for i := range g.Rules {
			rule := &g.Rules[i]
			if !matchPattern(rule.Pattern, path) {
				continue
			}
			l := len(rule.Pattern)
			if l > bestLen || (l == bestLen && rule.Allow && !best.Allow) {
				best, bestLen = rule, l
			}
		}
	}
	if best == nil {
		return true, nil
	}
	return best.Allow, best
}

// prefsFor returns the preference lines that apply to userAgent and path.
func (r *Robots) prefsFor(userAgent, path string) []PrefLine {
	var out []PrefLine
	add := func(ps []PrefLine) {
		for _, p := range ps {
			if p.Path == "" || matchPattern(p.Path, path) {
				out = append(out, p)
			}
		}
	}
	add(r.Global)
	for _, g := range r.groupsFor(userAgent) {
		add(g.Prefs)
	}
	return out
}

// matchPattern matches a robots.txt path pattern ('*' any run, '$' end)
// against path. Matching is a prefix match unless the pattern ends in '$'.
// Percent-encodings are compared case-insensitively by normalising both.
func matchPattern(pattern, path string) bool {
	pattern, path = normPct(pattern), normPct(path)
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	pos := len(parts[0])
	if len(parts) == 1 {
		return !anchored || pos == len(path)
	}
	for i := 1; i < len(parts); i++ {
		p := parts[i]
		if i == len(parts)-1 && anchored {
			return len(path)-pos >= len(p) && strings.HasSuffix(path, p)
		}
		j := strings.Index(path[pos:], p)
		if j < 0 {
			return false
		}
		pos += j + len(p)
	}
	return true
}

// normPct upper-cases the hex digits of percent-encodings so that %2f and
// %2F compare equal.
func normPct(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1] = upperHex(b[i+1])
			b[i+2] = upperHex(b[i+2])
		}
	}
	return string(b)
}

func upperHex(c byte) byte {
	if c >= 'a' && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

func (r Rule) String() string {
	verb := "Disallow"
	if r.Allow {
		verb = "Allow"
	}
	return fmt.Sprintf("%s: %s", verb, r.Pattern)
}
