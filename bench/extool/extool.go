// Package extool finds the outside tools and shared data that belgi's tests
// and evaluations check against (exiftool, ffmpeg, ffprobe, sox, lame,
// tesseract, espeak-ng, chromium, node and ../shared/tools/c2pa-verify).
//
// Outside CI a missing tool skips the test, so `go test ./...` works on a
// fresh machine; in CI (CI=true) a missing tool fails it, because .ci/run
// installs every tool and a skipped interop test there would hide a gap.
// It is for tests only: nothing in label, formats or watermark imports it.
package extool

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// InCI reports whether the tests run under CI, where every tool must exist.
func InCI() bool { return os.Getenv("CI") != "" }

// Need returns the path of the named command, or skips (outside CI) or
// fails (in CI) the test when it is missing.
func Need(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name+" not on PATH (apt-get install it; .ci/run does)")
	}
	return p
}

func missing(t testing.TB, why string) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI: %s", why)
	}
	t.Skip(why)
}

// RepoRoot returns the directory holding belgi's go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && len(b) > 0 {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// Shared returns the path of rel inside ../shared (beside the repository),
// skipping or failing like Need when it is missing. BELGI_SHARED overrides
// the location.
func Shared(t testing.TB, rel string) string {
	t.Helper()
	base := os.Getenv("BELGI_SHARED")
	if base == "" {
		base = filepath.Join(RepoRoot(t), "..", "shared")
	}
	p := filepath.Join(base, rel)
	if _, err := os.Stat(p); err != nil {
		missing(t, "shared data missing: "+p)
	}
	return p
}

// Testdata returns the path of rel inside the repository's testdata/.
func Testdata(t testing.TB, rel string) string {
	t.Helper()
	return filepath.Join(RepoRoot(t), "testdata", rel)
}
