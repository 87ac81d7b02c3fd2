package tdm

import "testing"

func TestRobotsAllowed(t *testing.T) {
	const robots = `# comment
User-agent: GPTBot
User-agent: ClaudeBot
Disallow: /

User-agent: CCBot
Disallow: /private
Allow: /private/public
Disallow: /*.jpg$
Allow: /p

User-agent: *
Disallow: /tmp/
Allow: /tmp/ok$

User-agent: Googlebot/2.1
Disallow: /nogoogle

User-agent: ccbot
Disallow: /combined
Disallow:
`
	r := ParseRobots([]byte(robots))
	tests := []struct {
		ua, path string
		want     bool
	}{
		{"GPTBot", "/", false},
		{"gptbot", "/anything", false},       // case-insensitive product token
		{"ClaudeBot/1.0", "/x", false},       // version suffix ignored
		{"GPTBot", "/robots.txt", true},      // always allowed
		{"CCBot", "/private/x", false},       // disallow matched
		{"CCBot", "/private/public/x", true}, // longer allow wins
		{"CCBot", "/img/a.jpg", false},       // wildcard + end anchor
		{"CCBot", "/img/a.jpg?x=1", true},    // anchor not matched
		{"CCBot", "/p", true},                // allow "/p" vs no disallow
		{"CCBot", "/private", false},         // "/private" (8) beats "/p" (2)
		{"CCBot", "/combined/x", false},      // groups for the same agent combine
		{"CCBot", "/tmp/x", true},            // named group replaces the * group
		{"SomeBot", "/tmp/x", false},         // falls back to *
		{"SomeBot", "/tmp/ok", true},         // anchored allow, longer
		{"SomeBot", "/tmp/ok2", false},       // anchored allow does not match
		{"Googlebot", "/nogoogle/a", false},  // token from "Googlebot/2.1"
		{"SomeBot", "/", true},               // no rule
		{"CCBot", "/%7efoo", true},           // no rule
		{"GPTBot", "", false},                // empty path means /
	}
	for _, tt := range tests {
		got, _ := r.Allowed(tt.ua, tt.path)
		if got != tt.want {
			t.Errorf("Allowed(%q, %q) = %v, want %v", tt.ua, tt.path, got, tt.want)
		}
	}
}

func TestRobotsTieAllowWins(t *testing.T) {
	r := ParseRobots([]byte("User-agent: *\nDisallow: /page\nAllow: /page\n"))
	if ok, _ := r.Allowed("x", "/page"); !ok {
		t.Fatal("equal-length allow and disallow: allow must win (RFC 9309 §2.2.2)")
	}
}

func TestMatchPattern(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/", "/a", true},
		{"/a", "/", false},
		{"/a*c", "/abc", true},
		{"/a*c", "/ab", false},
		{"/a*c$", "/abcd", false},
		{"/a*c$", "/abcc", true},
		{"*.gif$", "/x/y.gif", true},
		{"/x$", "/x", true},
		{"/x$", "/xy", false},
		{"/%7Efoo", "/%7efoo", true},
		{"/**", "/any", true},
	}
	for _, tt := range tests {
		if got := matchPattern(tt.pattern, tt.path); got != tt.want {
			t.Errorf("matchPattern(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

func FuzzParseRobots(f *testing.F) {
	f.Add([]byte("User-agent: *\nDisallow: /\n"), "GPTBot", "/x")
	f.Add([]byte("User-agent: a\nUser-agent: b\nAllow: /*$\nContent-Signal: ai-train=no\nContent-Usage: /img train-ai=n\n"), "b", "/img/1")
	f.Add([]byte("\xEF\xBB\xBFuser-agent:*\r\ndisallow:/a*b*$ # c\r\n"), "", "/ab")
	f.Add(SiteSignalsSeed(), "ClaudeBot", "/")
	f.Fuzz(func(t *testing.T, b []byte, ua, path string) {
		r := ParseRobots(b)
		r.Allowed(ua, path)
		r.prefsFor(ua, path)
		Check(Inputs{Robots: b, UserAgent: ua, Path: path})
	})
}

// SiteSignalsSeed is the robots.txt block belgi writes, as a fuzz seed.
func SiteSignalsSeed() []byte {
	return []byte(SiteSignals(SiteOptions{Reserve: true, Policy: "https://example.kz/policy"}).Robots)
}
