package tdm

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
)

// AICrawlers are the user-agent product tokens of the AI crawlers and
// AI-training policy tokens that the large labs honour in robots.txt.
// Google-Extended and Applebot-Extended are policy tokens, not crawlers: a
// Disallow for them withholds content from training, not from search.
var AICrawlers = []string{
	"GPTBot", "ClaudeBot", "CCBot", "Google-Extended", "Applebot-Extended",
	"meta-externalagent", "Bytespider", "PerplexityBot", "Amazonbot",
}

// SiteOptions describe a site-wide reservation.
type SiteOptions struct {
	Reserve bool   // true: training prohibited; false: allowed
	Policy  string // optional URL of a licensing policy (tdm-policy)
}

// Site holds every site-level signal, ready to publish.
type Site struct {
	TDMRepJSON string   // /.well-known/tdmrep.json
	Headers    []string // HTTP response headers, "Name: value"
	HTMLMeta   []string // <meta> tags for every page's <head>
	Robots     string   // a robots.txt block
}

// SiteSignals builds the site-level signals for o.
func SiteSignals(o SiteOptions) Site {
	v := 0
	if o.Reserve {
		v = 1
	}
	entry := map[string]any{"location": "/", "tdm-reservation": v}
	if o.Policy != "" && o.Reserve {
		entry["tdm-policy"] = o.Policy
	}
	j, _ := json.MarshalIndent([]any{entry}, "", "  ")
	s := Site{TDMRepJSON: string(j) + "\n"}
	s.Headers = append(s.Headers, fmt.Sprintf("tdm-reservation: %d", v))
	if o.Policy != "" && o.Reserve {
		s.Headers = append(s.Headers, "tdm-policy: "+o.Policy)
	}
	usage := "train-ai=y"
	signal := "search=yes, ai-train=yes"
	if o.Reserve {
		usage = "train-ai=n"
		signal = "search=yes, ai-train=no"
	}
	s.Headers = append(s.Headers, "Content-Usage: "+usage)
	s.HTMLMeta = append(s.HTMLMeta, fmt.Sprintf(`<meta name="tdm-reservation" content="%d">`, v))
	if o.Policy != "" && o.Reserve {
		s.HTMLMeta = append(s.HTMLMeta, fmt.Sprintf(`<meta name="tdm-policy" content="%s">`, html.EscapeString(o.Policy)))
	}
	var b strings.Builder
	b.WriteString("# AI training preferences (written by belgi; Kazakhstan AI Law Art. 23, EU DSM Art. 4(3))\n")
	if o.Reserve {
		for _, c := range AICrawlers {
			fmt.Fprintf(&b, "User-agent: %s\n", c)
		}
		b.WriteString("Disallow: /\n\n")
	}
	b.WriteString("User-agent: *\n")
	fmt.Fprintf(&b, "Content-Signal: %s\n", signal)
	fmt.Fprintf(&b, "Content-Usage: %s\n", usage)
	b.WriteString("Allow: /\n")
	s.Robots = b.String()
	return s
}
