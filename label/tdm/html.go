package tdm

import (
	"bytes"
	"fmt"
	"strings"
)

// htmlSignals finds <meta name="tdm-reservation">, <meta name="tdm-policy">
// and robots meta tags with noai/noimageai. It scans tags rather than
// building a DOM: the signals live in <meta> elements, whose attributes
// are all it needs.
func htmlSignals(b []byte) []Signal {
	var out []Signal
	var tdm *Signal
	policy := ""
	for _, m := range metaTags(b) {
		name := strings.ToLower(m.attrs["name"])
		content := m.attrs["content"]
		switch name {
		case "tdm-reservation":
			if tdm == nil {
				tdm = &Signal{Scheme: "tdmrep", Where: fmt.Sprintf("HTML <meta name=\"tdm-reservation\"> at byte %d", m.offset),
					Value: content, Status: tdmValue(content)}
			}
		case "tdm-policy":
			policy = content
		case "robots", "googlebot", "bingbot", "ccbot", "gptbot":
			if st := noaiStatus(content); st != Unknown {
				out = append(out, Signal{Scheme: "noai", Where: fmt.Sprintf("HTML <meta name=%q> at byte %d", name, m.offset),
					Value: content, Status: st})
			}
		}
	}
	if tdm != nil {
		tdm.Policy = policy
		out = append([]Signal{*tdm}, out...)
	}
	return out
}

type metaTag struct {
	offset int
	attrs  map[string]string
}

// metaTags returns every <meta …> tag's attributes (names lower-cased,
// entities &amp; &quot; &#39; decoded). Comments are skipped.
func metaTags(b []byte) []metaTag {
	var out []metaTag
	lower := bytes.ToLower(b)
	for i := 0; i < len(b); {
		j := bytes.IndexByte(lower[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if bytes.HasPrefix(lower[i:], []byte("<!--")) {
			end := bytes.Index(lower[i+4:], []byte("-->"))
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		if !bytes.HasPrefix(lower[i:], []byte("<meta")) || i+5 >= len(b) || !isSpace(b[i+5]) && b[i+5] != '/' && b[i+5] != '>' {
			i++
			continue
		}
		attrs, end := parseAttrs(b, i+5)
		out = append(out, metaTag{offset: i, attrs: attrs})
		i = end
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// parseAttrs reads attributes from b[i:] up to the closing '>' and returns
// them with the index after the tag.
func parseAttrs(b []byte, i int) (map[string]string, int) {
	attrs := map[string]string{}
	for i < len(b) {
		for i < len(b) && (isSpace(b[i]) || b[i] == '/') {
			i++
		}
		if i >= len(b) || b[i] == '>' {
			return attrs, i + 1
		}
		start := i
		for i < len(b) && !isSpace(b[i]) && b[i] != '=' && b[i] != '>' && b[i] != '/' {
			i++
		}
		name := strings.ToLower(string(b[start:i]))
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		val := ""
		if i < len(b) && b[i] == '=' {
			i++
			for i < len(b) && isSpace(b[i]) {
				i++
			}
			if i < len(b) && (b[i] == '"' || b[i] == '\'') {
				q := b[i]
				i++
				s := i
				for i < len(b) && b[i] != q {
					i++
				}
				val = string(b[s:i])
				if i < len(b) {
					i++
				}
			} else {
				s := i
				for i < len(b) && !isSpace(b[i]) && b[i] != '>' {
					i++
				}
				val = string(b[s:i])
			}
		}
		if name != "" {
			if _, dup := attrs[name]; !dup {
				attrs[name] = htmlUnescape(val)
			}
		}
	}
	return attrs, i
}

var htmlEntities = strings.NewReplacer("&amp;", "&", "&quot;", `"`, "&#39;", "'", "&#34;", `"`, "&lt;", "<", "&gt;", ">")

func htmlUnescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return htmlEntities.Replace(s)
}
