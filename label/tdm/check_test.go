package tdm

import (
	"net/http"
	"testing"
)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func TestCheck(t *testing.T) {
	reservedRepJSON := []byte(`[{"location":"/","tdm-reservation":1,"tdm-policy":"https://ex.kz/p"}]`)
	allowedRepJSON := []byte(`[{"location":"/","tdm-reservation":0}]`)
	fileReserved := Signal{Scheme: "tdmrep", Where: "file a.jpg xmp tdm:reservation", Value: "1", Status: Reserved}
	fileAllowed := Signal{Scheme: "tdmrep", Where: "file a.jpg xmp tdm:reservation", Value: "0", Status: Allowed}
	plusProhibited := Signal{Scheme: "iptc-plus", Where: "file a.jpg xmp plus:DataMining", Value: "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING", Status: Reserved}
	tests := []struct {
		name string
		in   Inputs
		want Status
	}{
		{"nothing", Inputs{}, Unknown},
		{"robots disallows GPTBot", Inputs{Robots: []byte("User-agent: GPTBot\nDisallow: /\n"), UserAgent: "GPTBot", Path: "/a"}, Reserved},
		{"robots allows other bot", Inputs{Robots: []byte("User-agent: GPTBot\nDisallow: /\n"), UserAgent: "MyBot", Path: "/a"}, Unknown},
		{"robots any known AI crawler", Inputs{Robots: []byte("User-agent: CCBot\nDisallow: /\n"), Path: "/a"}, Reserved},
		{"robots explicit allow", Inputs{Robots: []byte("User-agent: GPTBot\nAllow: /\n"), UserAgent: "GPTBot", Path: "/a"}, Allowed},
		{"content-signal ai-train=no", Inputs{Robots: []byte("User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n"), UserAgent: "GPTBot"}, Reserved},
		{"content-signal ai-train=yes", Inputs{Robots: []byte("User-agent: *\nContent-Signal: ai-train=yes\n"), UserAgent: "GPTBot"}, Allowed},
		{"content-usage in robots", Inputs{Robots: []byte("User-agent: *\nContent-Usage: train-ai=n\n"), UserAgent: "X"}, Reserved},
		{"content-usage path-limited, other path", Inputs{Robots: []byte("User-agent: *\nContent-Usage: /img train-ai=n\n"), UserAgent: "X", Path: "/txt"}, Unknown},
		{"content-usage path-limited, same path", Inputs{Robots: []byte("User-agent: *\nContent-Usage: /img train-ai=n\n"), UserAgent: "X", Path: "/img/1.jpg"}, Reserved},
		{"header tdm-reservation 1", Inputs{Headers: hdr("tdm-reservation", "1")}, Reserved},
		{"header tdm-reservation 0", Inputs{Headers: hdr("tdm-reservation", "0")}, Allowed},
		{"header tdm-reservation junk is unset", Inputs{Headers: hdr("tdm-reservation", "yes")}, Unknown},
		{"header Content-Usage", Inputs{Headers: hdr("Content-Usage", "train-ai=n")}, Reserved},
		{"header Content-Usage genai y is not a general allow", Inputs{Headers: hdr("Content-Usage", "train-genai=y")}, Unknown},
		{"header X-Robots-Tag noai", Inputs{Headers: hdr("X-Robots-Tag", "noindex, noai")}, Reserved},
		{"header X-Robots-Tag bot-scoped noimageai", Inputs{Headers: hdr("X-Robots-Tag", "otherbot: noimageai")}, Reserved},
		{"html meta tdm 1", Inputs{HTML: []byte(`<html><head><META NAME="tdm-reservation" CONTENT="1"></head></html>`)}, Reserved},
		{"html meta in comment ignored", Inputs{HTML: []byte(`<!-- <meta name="tdm-reservation" content="1"> -->`)}, Unknown},
		{"html robots noai", Inputs{HTML: []byte(`<meta name=robots content='noai, noimageai'>`)}, Reserved},
		{"tdmrep.json reserved", Inputs{TDMRep: reservedRepJSON, Path: "/x"}, Reserved},
		{"tdmrep.json most specific location", Inputs{TDMRep: []byte(`[{"location":"/","tdm-reservation":1},{"location":"/free/*","tdm-reservation":0}]`), Path: "/free/a"}, Allowed},
		// TDMRep precedence: well-known < header < HTML < file.
		{"header overrides well-known", Inputs{TDMRep: reservedRepJSON, Headers: hdr("tdm-reservation", "0")}, Allowed},
		{"html overrides header", Inputs{Headers: hdr("tdm-reservation", "1"), HTML: []byte(`<meta name="tdm-reservation" content="0">`)}, Allowed},
		{"file overrides html", Inputs{HTML: []byte(`<meta name="tdm-reservation" content="0">`), Files: []Signal{fileReserved}}, Reserved},
		{"file allow overrides well-known reserve", Inputs{TDMRep: reservedRepJSON, Files: []Signal{fileAllowed}}, Allowed},
		{"unset header does not reset well-known", Inputs{TDMRep: reservedRepJSON, Headers: hdr("tdm-reservation", "maybe")}, Reserved},
		// Across schemes the most restrictive wins.
		{"tdmrep allow but robots disallow", Inputs{TDMRep: allowedRepJSON, Robots: []byte("User-agent: GPTBot\nDisallow: /\n"), UserAgent: "GPTBot"}, Reserved},
		{"file allow but plus prohibited", Inputs{Files: []Signal{fileAllowed, plusProhibited}}, Reserved},
		{"header allow but content-usage n", Inputs{Headers: hdr("tdm-reservation", "0", "Content-Usage", "train-ai=n")}, Reserved},
		{"robots allow and tdm allow", Inputs{Robots: []byte("User-agent: GPTBot\nAllow: /\n"), UserAgent: "GPTBot", Headers: hdr("tdm-reservation", "0")}, Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.in)
			if got.Status != tt.want {
				t.Errorf("status %s, want %s; signals %+v", got.Status, tt.want, got.Signals)
			}
			if tt.want != Unknown && len(got.Signals) == 0 {
				t.Error("a decision without a signal to show for it")
			}
		})
	}
}

func TestCheckReportsOverridden(t *testing.T) {
	res := Check(Inputs{TDMRep: []byte(`[{"location":"/","tdm-reservation":1}]`), Headers: hdr("tdm-reservation", "0")})
	var over, live int
	for _, s := range res.Signals {
		if s.Overridden {
			over++
		} else {
			live++
		}
	}
	if over != 1 || live != 1 {
		t.Fatalf("want one overridden (well-known) and one live (header) signal, got %+v", res.Signals)
	}
}

func TestCheckBadTDMRep(t *testing.T) {
	res := Check(Inputs{TDMRep: []byte(`{not json`)})
	if res.Status != Unknown || len(res.Errors) != 1 {
		t.Fatalf("bad tdmrep.json: %+v", res)
	}
}

// The site signals belgi writes are read back as reserved (and allowed).
func TestSiteSignalsRoundTrip(t *testing.T) {
	for _, reserve := range []bool{true, false} {
		s := SiteSignals(SiteOptions{Reserve: reserve, Policy: "https://example.kz/ai-policy"})
		want := Allowed
		if reserve {
			want = Reserved
		}
		h := http.Header{}
		for _, line := range s.Headers {
			k, v, _ := cut(line)
			h.Add(k, v)
		}
		checks := map[string]Inputs{
			"tdmrep.json": {TDMRep: []byte(s.TDMRepJSON), Path: "/a/b.jpg"},
			"headers":     {Headers: h},
			"html":        {HTML: []byte("<head>" + join(s.HTMLMeta) + "</head>")},
		}
		for _, ua := range AICrawlers {
			checks["robots "+ua] = Inputs{Robots: []byte(s.Robots), UserAgent: ua, Path: "/a"}
		}
		for name, in := range checks {
			if got := Check(in).Status; got != want {
				t.Errorf("reserve=%v %s: %s, want %s", reserve, name, got, want)
			}
		}
		if reserve {
			// An ordinary search crawler is still allowed to crawl.
			if ok, _ := ParseRobots([]byte(s.Robots)).Allowed("Googlebot", "/a"); !ok {
				t.Error("the robots block must not shut out search crawlers")
			}
		}
	}
}

func cut(line string) (string, string, bool) {
	for i := 0; i < len(line); i++ {
		if line[i] == ':' {
			return line[:i], line[i+2:], true
		}
	}
	return line, "", false
}

func join(ss []string) string {
	out := ""
	for _, s := range ss {
		out += s
	}
	return out
}

func FuzzParseTDMRep(f *testing.F) {
	f.Add([]byte(`[{"location":"/","tdm-reservation":1,"tdm-policy":"https://x"}]`), "/a")
	f.Add([]byte(`[{"location":"*.jpg$","tdm-reservation":"0"}]`), "/x.jpg")
	f.Add([]byte(`[]`), "")
	f.Fuzz(func(t *testing.T, b []byte, path string) {
		_, _ = ParseTDMRep(b)
		Check(Inputs{TDMRep: b, Path: path})
	})
}

func FuzzHTMLSignals(f *testing.F) {
	f.Add([]byte(`<meta name="tdm-reservation" content="1"><meta name=tdm-policy content=x>`))
	f.Add([]byte(`<meta name='robots' content="noai"/><!-- <meta`))
	f.Add([]byte(`<meta`))
	f.Fuzz(func(t *testing.T, b []byte) {
		htmlSignals(b)
	})
}
