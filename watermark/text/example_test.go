package text_test

import (
	"fmt"

	wmtext "github.com/belgi/belgi/watermark/text"
)

func Example() {
	doc := []byte("The harvest was early this year. Farmers brought the grain in before the rains, and the mills worked through the night to keep up with it.")
	marked := wmtext.Embed(doc, 0x0123456789abcdef, nil, wmtext.Params{})
	d := wmtext.Detect(marked)
	fmt.Printf("found %v id %016x copies %d\n", d.Found, d.ID, d.Copies)
	fmt.Println(string(wmtext.Remove(marked)) == string(doc))
	// Output:
	// found true id 0123456789abcdef copies 2
	// true
}
