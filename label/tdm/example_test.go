package tdm_test

import (
	"fmt"
	"net/http"

	"github.com/belgi/belgi/label/tdm"
)

// A crawler checks, before training on a page, everything it fetched.
func ExampleCheck() {
	h := http.Header{}
	h.Set("tdm-reservation", "0") // the page says training is fine…
	res := tdm.Check(tdm.Inputs{
		Robots:    []byte("User-agent: GPTBot\nDisallow: /articles/\n"), // …but robots.txt says no
		UserAgent: "GPTBot",
		Path:      "/articles/1.html",
		Headers:   h,
	})
	fmt.Println(res.Status)
	for _, s := range res.Signals {
		fmt.Printf("%s: %s (%s)\n", s.Scheme, s.Status, s.Where)
	}
	// Output:
	// reserved
	// robots.txt: reserved (robots.txt line 2, user-agent GPTBot)
	// tdmrep: allowed (HTTP header tdm-reservation)
}

func ExampleSiteSignals() {
	s := tdm.SiteSignals(tdm.SiteOptions{Reserve: true, Policy: "https://example.kz/ai-policy"})
	fmt.Print(s.TDMRepJSON)
	for _, h := range s.Headers {
		fmt.Println(h)
	}
	// Output:
	// [
	//   {
	//     "location": "/",
	//     "tdm-policy": "https://example.kz/ai-policy",
	//     "tdm-reservation": 1
	//   }
	// ]
	// tdm-reservation: 1
	// tdm-policy: https://example.kz/ai-policy
	// Content-Usage: train-ai=n
}
