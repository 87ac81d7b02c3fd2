package disclosure

import (
	"math"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
)

func TestFindNotice(t *testing.T) {
	rate, ch := 44100, 2
	content := noise(rate*4, ch, 0.1)
	notice, _ := Spoken(Edited, []string{"kk", "ru"}, 300*time.Millisecond)
	out, res := Insert(content, ch, rate, notice, AtBoth, 500*time.Millisecond)
	got := FindNotice(out, ch, rate, 0)
	found := map[string]NoticeMatch{}
	for _, m := range got {
		key := m.Lang
		if m.AtEnd {
			key += "@end"
		}
		if m.Kind != Edited {
			t.Errorf("wrong kind: %+v", m)
		}
		found[key] = m
	}
	kk, ru := found["kk"], found["ru"]
	t.Logf("scores: kk %.3f, ru %.3f, kk@end %.3f, ru@end %.3f", kk.Score, ru.Score, found["kk@end"].Score, found["ru@end"].Score)
	if kk.Score < 0.9 || ru.Score < 0.9 || found["kk@end"].Score < 0.9 || found["ru@end"].Score < 0.9 {
		t.Fatalf("matches %+v", got)
	}
	if kk.Offset > 0.01 {
		t.Errorf("kk at %.3f s, want 0", kk.Offset)
	}
	kkLen := float64(len(Must(Voice(Edited, "kk")).Samples)) / 16000
	if math.Abs(ru.Offset-(kkLen+0.3)) > 0.01 {
		t.Errorf("ru at %.3f s, want %.3f", ru.Offset, kkLen+0.3)
	}
	if end := found["ru@end"]; math.Abs(end.Offset-(float64(len(out)/ch-res.NoticeFrames)/float64(rate)-float64(len(out)/ch-(len(out)/ch+1)/2)/float64(rate)+ru.Offset)) > 0.02 {
		t.Logf("ru at end: %.3f s into the end window", end.Offset)
	}
	// The tone.
	out, _ = Insert(content, ch, rate, Tone(16000), AtStart, 500*time.Millisecond)
	if m := FindNotice(out, ch, rate, 0); len(m) == 0 || !m[0].IsTone || m[0].Score < 0.95 {
		t.Errorf("tone: %+v", m)
	}
}

// Must returns c, failing loudly when ok is false (tests only).
func Must(c Clip, ok bool) Clip {
	if !ok {
		panic("no clip")
	}
	return c
}

// No false matches in real speech and music without a notice.
func TestFindNoticeNoFalseMatch(t *testing.T) {
	sox := extool.Need(t, "sox")
	for _, name := range []string{"librispeech-8297-275156-0011.flac", "freesound-257344.flac", "freesound-220014.flac"} {
		src := extool.Shared(t, "testdata/audio/"+name)
		tmp := filepath.Join(t.TempDir(), "x.wav")
		if out, err := exec.Command(sox, src, "-e", "floating-point", "-b", "32", tmp).CombinedOutput(); err != nil {
			t.Fatalf("%v %s", err, out)
		}
		f, s := readWAV(t, tmp)
		if m := FindNotice(s, f.Channels, f.SampleRate, 0); len(m) > 0 {
			t.Errorf("%s: false match %+v", name, m[0])
		}
		// and the best score stays well below the threshold
		findClipsOnce.Do(loadFindClips)
		mono := make([]float32, len(s)/f.Channels)
		for i := range mono {
			mono[i] = s[i*f.Channels]
		}
		x := Resample(mono, f.SampleRate, findRate)
		worst := 0.0
		for _, c := range findClips {
			sc, _ := bestCorrelation(x, c)
			worst = max(worst, sc)
		}
		t.Logf("%s: best unrelated score %.3f", name, worst)
		if worst > 0.4 {
			t.Errorf("%s: unrelated score %.3f", name, worst)
		}
	}
}
