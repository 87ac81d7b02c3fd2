package mp3_test

import (
	"bufio"
	"bytes"
	"fmt"
	"log"

	"github.com/belgi/belgi/formats/mp3"
)

// Add a TXXX frame to a stream that has no tag yet; the MPEG frame after it
// is copied unchanged.
func ExampleRewrite() {
	in := []byte{0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0}
	var out bytes.Buffer
	_, err := mp3.Rewrite(&out, bytes.NewReader(in), func(t *mp3.Tag) error {
		t.Frames = append(t.Frames, t.NewTXXX("AI_GENERATED", "true"), t.NewCOMM("kaz", "AI disclosure", "ЖИ жасаған"))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	t, _ := mp3.ReadTag(bufio.NewReader(bytes.NewReader(out.Bytes())))
	d, v, _ := t.TXXX(t.Frames[0])
	lang, _, text, _ := t.COMM(t.Frames[1])
	fmt.Println(t.Version, d, v, lang, text)
	fmt.Println(bytes.HasSuffix(out.Bytes(), in))
	// Output:
	// 4 AI_GENERATED true kaz ЖИ жасаған
	// true
}
