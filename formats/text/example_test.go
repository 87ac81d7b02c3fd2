package text_test

import (
	"fmt"

	ftext "github.com/belgi/belgi/formats/text"
)

func ExampleMergeFrontMatter() {
	doc := []byte("---\ntitle: Notes # my comment\n---\nBody\n")
	out, err := ftext.MergeFrontMatter(doc, []ftext.Field{{Key: "ai_generated", Value: true}, {Key: "content_id", Value: "0123456789abcdef"}})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(out))
	// Output:
	// ---
	// title: Notes # my comment
	// ai_generated: true
	// content_id: "0123456789abcdef"
	// ---
	// Body
}

func ExampleInsertJSONMember() {
	out, err := ftext.InsertJSONMember([]byte(`{"answer": "42"}`), "_disclosure", []byte(`{"ai_generated": true}`), ftext.Start)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output:
	// {"_disclosure": {"ai_generated":true},"answer": "42"}
}

func ExampleInsertPlainNotice() {
	out := ftext.InsertPlainNotice([]byte("Body text.\n"), []ftext.Line{{Lang: "kk", Text: "Жасанды интеллект көмегімен жасалған"}, {Lang: "ru", Text: "Создано с использованием искусственного интеллекта"}}, ftext.End)
	n, _ := ftext.FindPlainNotice(out, nil)
	fmt.Println(len(n.Lines), n.Lines[0].Text)
	fmt.Println(string(ftext.RemovePlainNotice(out, nil)) == "Body text.\n")
	// Output:
	// 2 Жасанды интеллект көмегімен жасалған
	// true
}
