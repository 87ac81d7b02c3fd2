package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// runPeakRSS runs name with args and returns the child's peak resident
// memory in KiB, measured by GNU time. The child's own rusage cannot be
// trusted here: Go starts children with clone(CLONE_VM|CLONE_VFORK), and
// Linux carries the parent's high-water mark across exec into ru_maxrss,
// so a test process holding 200 MB made every child look 200 MB big.
func runPeakRSS(tb testing.TB, name string, args ...string) (out []byte, kib int64) {
	tb.Helper()
	timeBin := extool.Need(tb, "/usr/bin/time")
	report := filepath.Join(tb.TempDir(), "rss")
	cmd := exec.Command(timeBin, append([]string{"-f", "%M", "-o", report, name}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Fields(string(b))
	if len(lines) == 0 {
		tb.Fatalf("no peak RSS from GNU time")
	}
	kib, err = strconv.ParseInt(lines[len(lines)-1], 10, 64)
	if err != nil {
		tb.Fatalf("peak RSS %q: %v", b, err)
	}
	return out, kib
}
