// Command robustness is belgi's watermark evaluation: it marks a corpus,
// applies the attacks a marked file meets in the wild, detects, and prints
// a Markdown table (rates per attack, quality, false positives) for
// bench/README.md.
//
//	go run ./bench/robustness -corpus DIR   # images
//	go run ./bench/robustness -audio DIR    # audio (needs lame, ffmpeg, sox)
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	corpus := flag.String("corpus", "", "`DIR` of images to evaluate the image watermark on")
	audio := flag.String("audio", "", "`DIR` of audio clips to evaluate the audio watermark on")
	flag.Parse()
	if *corpus == "" && *audio == "" {
		fmt.Fprintln(os.Stderr, "robustness: give -corpus DIR and/or -audio DIR")
		os.Exit(2)
	}
	if *corpus != "" {
		if err := runImage(*corpus, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "robustness:", err)
			os.Exit(1)
		}
	}
	if *audio != "" {
		if err := runAudio(*audio, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "robustness:", err)
			os.Exit(1)
		}
	}
}
