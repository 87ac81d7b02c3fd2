package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// A mark made with a secret key is found with that key and not without it.
func TestWatermarkKey(t *testing.T) {
	out := t.TempDir()
	if code, _, stderr := runCLI("label", "-q", "--layers", "watermark", "--watermark-key", "s3cret", "--id", "00000000cafef00d", "-o", out, extool.Testdata(t, "sample.jpg")); code != exitOK {
		t.Fatalf("label: %d %s", code, stderr)
	}
	file := filepath.Join(out, "sample.jpg")
	for _, tc := range []struct {
		key     string
		present bool
	}{{"", false}, {"wrong", false}, {"s3cret", true}} {
		args := []string{"verify", "--json", file}
		if tc.key != "" {
			args = []string{"verify", "--json", "--watermark-key", tc.key, file}
		}
		_, stdout, _ := runCLI(args...)
		var rep struct {
			Watermark struct {
				Present bool
				ID      *string
			}
		}
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("%q: %v", stdout, err)
		}
		if rep.Watermark.Present != tc.present || (tc.present && (rep.Watermark.ID == nil || *rep.Watermark.ID != "00000000cafef00d")) {
			t.Errorf("key %q: %+v", tc.key, rep.Watermark)
		}
	}
}
