package label

import (
	"time"

	"github.com/belgi/belgi/label/disclosure"
)

// AudioNoticeOptions configure the audible disclosure on audio (Options.
// AudioNotice). The zero value speaks belgi's notice in the Label's
// languages before the content, 500 ms before it starts, as loud as the
// content.
type AudioNoticeOptions struct {
	// Position is "start" (default), "end" or "both".
	Position string
	// Tone replaces speech by the Morse "AI" tone (short-long-short-short,
	// GB 45438), for contexts where speech is unsuitable.
	Tone bool
	// Clip, when set, is spoken instead of belgi's clips (any rate and
	// channel count; it is resampled and level-matched like them). Use it
	// for wording of your own or languages belgi has no clip for.
	Clip *disclosure.Clip
	// Gap is the silence between notice and content; 0 means 500 ms.
	Gap time.Duration
	// Pause is the silence between languages; 0 means 300 ms.
	Pause time.Duration
}
