package label

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats/mp4"
)

// TestVideoTDM: --tdm writes the com.belgi.tdm-reservation key (and, for
// reserve, a sentence in the QuickTime and iTunes comments); Verify reads
// the reservation back from the XMP or the key alone, the most restrictive
// winning.
func TestVideoTDM(t *testing.T) {
	src := filepath.Join(extool.Shared(t, "testdata/video"), "mp4ff_prog_8s.mp4")
	dir := t.TempDir()
	readInfo := func(file string) *mp4.Info {
		t.Helper()
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, _ := f.Stat()
		info, err := mp4.Read(f, st.Size())
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	// setKey writes only the mdta key (no XMP change) into a copy of in.
	setKey := func(in, out, v string) {
		t.Helper()
		f, err := os.Open(in)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, _ := f.Stat()
		w, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if _, err := mp4.Apply(context.Background(), f, st.Size(), w, mp4.Edit{QuickTimeKeys: map[string]string{qtTDM: v}, QuickTimeOrder: []string{qtTDM}}); err != nil {
			t.Fatal(err)
		}
	}
	verifyTDM := func(file string) string {
		t.Helper()
		rep, err := VerifyFile(context.Background(), file, VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Metadata.TDM == nil {
			return ""
		}
		return *rep.Metadata.TDM
	}
	for _, tc := range []struct {
		tdm       TDM
		key, want string
	}{{TDMReserve, "1", "reserve"}, {TDMAllow, "0", "allow"}} {
		t.Run(tc.want, func(t *testing.T) {
			l := videoLabel()
			l.TDM = tc.tdm
			out := filepath.Join(dir, tc.want+".mp4")
			if _, err := ApplyFile(context.Background(), src, out, l, Options{}); err != nil {
				t.Fatal(err)
			}
			if got := verifyTDM(out); got != tc.want {
				t.Errorf("verify tdm %q, want %q", got, tc.want)
			}
			info := readInfo(out)
			if got := info.QuickTimeKeys[qtTDM]; got != tc.key {
				t.Errorf("key %s = %q, want %q", qtTDM, got, tc.key)
			}
			for where, c := range map[string]string{"quicktime": info.QuickTimeKeys[qtComment], "itunes": info.ITunes[mp4.ItemComment]} {
				if has := strings.Contains(c, tdmReservedSentence); has != (tc.tdm == TDMReserve) || !strings.Contains(c, "Жасанды интеллект") {
					t.Errorf("%s comment %q", where, c)
				}
			}
		})
	}
	// The key alone is read, and a reserving key beats an allowing XMP.
	keyOnly := filepath.Join(dir, "key-only.mp4")
	setKey(src, keyOnly, "1")
	if got := verifyTDM(keyOnly); got != "reserve" {
		t.Errorf("key only: tdm %q, want reserve", got)
	}
	mixed := filepath.Join(dir, "mixed.mp4")
	setKey(filepath.Join(dir, "allow.mp4"), mixed, "1")
	if got := verifyTDM(mixed); got != "reserve" {
		t.Errorf("XMP allow + key 1: tdm %q, want reserve", got)
	}
	if got := verifyTDM(src); got != "" {
		t.Errorf("unlabelled: tdm %q", got)
	}
}
