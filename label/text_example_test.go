package label_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/belgi/belgi/label"
)

func ExampleApply_markdown() {
	in := "# Weekly notes\n\nThe team finished the migration. Nobody noticed the switch, which was the point, and the old servers go back next month.\n"
	var out bytes.Buffer
	res, err := label.Apply(context.Background(), strings.NewReader(in), &out,
		label.Label{ContentID: "0123456789abcdef", AISystem: "Example LLM"},
		label.Options{Name: "notes.md", Text: label.TextOptions{Placement: label.TextEnd}})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Format, res.Layers)
	rep, _ := label.Verify(context.Background(), bytes.NewReader(out.Bytes()), label.VerifyOptions{Name: "notes.md"})
	fmt.Println(*rep.Watermark.ID, *rep.Metadata.AISystem, rep.Disclosure.Text["kk"])
	// Output:
	// markdown [watermark disclosure metadata]
	// 0123456789abcdef Example LLM Жасанды интеллект көмегімен жасалған
}
