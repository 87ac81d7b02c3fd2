package disclosure_test

import (
	"fmt"
	"image"

	"github.com/belgi/belgi/label/disclosure"
)

// Draw the Kazakh and Russian disclosure on a raw 1080p frame in place, as
// a generation or video pipeline would for every frame.
func ExampleDrawBadge() {
	frame := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	langs := []string{"kk", "ru"}
	lines := disclosure.Default.Lines(disclosure.Generated, disclosure.Long, langs, nil)
	opts := disclosure.BadgeOptions{
		Short: disclosure.Default.Lines(disclosure.Generated, disclosure.Short, langs, nil),
	}
	if err := disclosure.DrawBadge(frame, lines, opts); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := disclosure.Plan(frame.Bounds(), lines, opts) // cached: the same plan DrawBadge used
	fmt.Println(b.Form == disclosure.Long, len(b.Lines), b.Lines[0].Lang, b.CapHeight, b.Coverage <= 0.10)
	// Output: true 2 kk 33 true
}

// A small image gets the short form; Stamp returns a copy with the badge.
func ExampleStamp() {
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	langs := []string{"kk", "ru", "en"}
	long := disclosure.Default.Lines(disclosure.Generated, disclosure.Long, langs, nil)
	short := disclosure.Default.Lines(disclosure.Generated, disclosure.Short, langs, nil)
	_, b, err := disclosure.Stamp(img, long, disclosure.BadgeOptions{Short: short, Corner: disclosure.TopRight})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range b.Lines {
		fmt.Println(l.Lang, l.Text)
	}
	fmt.Printf("contrast ≥ %.1f:1\n", b.Contrast)
	// Output:
	// kk ЖИ жасаған
	// ru Создано ИИ
	// en AI-generated
	// contrast ≥ 12.6:1
}
