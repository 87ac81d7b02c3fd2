package bench

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/label"
	wmtext "github.com/belgi/belgi/watermark/text"
)

// TestTextExcerptTable is the text carrier's robustness evaluation: the
// share of random excerpts (by length in characters, invisible ones
// included) of labelled 5,000-character articles that still yield the
// content ID, raw and after NFKC, and the size the carrier adds. Run with
// -v to print the table for bench/README.md; it fails if an excerpt of
// 200 characters or more ever loses the ID.
func TestTextExcerptTable(t *testing.T) {
	const trials = 1000
	lengths := []int{50, 100, 150, 200, 300, 500}
	var tab strings.Builder
	fmt.Fprintf(&tab, "\n| article | bytes added | copies |")
	for _, n := range lengths {
		fmt.Fprintf(&tab, " %d ch |", n)
	}
	fmt.Fprintf(&tab, " %d ch NFKC |\n|---|---|---|", 200)
	for range lengths {
		tab.WriteString("---|")
	}
	tab.WriteString("---|\n")
	for _, lang := range []string{"kk", "ru", "en"} {
		src, err := os.ReadFile(extool.Testdata(t, "text/"+lang+"-article.txt"))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := label.Apply(context.Background(), bytes.NewReader(src), &out, label.Label{ContentID: "0123456789abcdef"},
			label.Options{Name: lang + ".txt", Layers: []label.Layer{label.LayerWatermark}}); err != nil {
			t.Fatal(err)
		}
		marked := out.Bytes()
		runes := []rune(string(marked))
		copies := wmtext.Detect(marked).Copies
		fmt.Fprintf(&tab, "| %s (%d ch) | %+.0f%% | %d |", lang, utf8.RuneCount(src), 100*float64(len(marked)-len(src))/float64(len(src)), copies)
		rng := rand.New(rand.NewPCG(3, uint64(len(lang))))
		rate := func(n int, f func([]byte) []byte) float64 {
			ok := 0
			for i := 0; i < trials; i++ {
				s := rng.IntN(len(runes) - n + 1)
				if d := wmtext.Detect(f([]byte(string(runes[s : s+n])))); d.Found && d.ID == 0x0123456789abcdef {
					ok++
				}
			}
			return float64(ok) / trials
		}
		id := func(b []byte) []byte { return b }
		for _, n := range lengths {
			r := rate(n, id)
			fmt.Fprintf(&tab, " %.1f%% |", 100*r)
			if n >= 200 && r < 1 {
				t.Errorf("%s: %d-character excerpts: %.1f%% carry the ID", lang, n, 100*r)
			}
		}
		r := rate(200, norm.NFKC.Bytes)
		fmt.Fprintf(&tab, " %.1f%% |\n", 100*r)
		if r < 1 {
			t.Errorf("%s: NFKC 200-character excerpts: %.1f%%", lang, 100*r)
		}
	}
	t.Log(tab.String())
}
