// Package c2patest runs the reference C2PA validator (c2pa-rs compiled to
// WebAssembly, ../shared/tools/c2pa-verify) from tests. It is for tests
// only: nothing outside _test.go files imports it.
//
// /work/shared may be read-only (it is in CI), so the tool is copied to a
// writable directory under os.TempDir and its npm packages are installed
// there once (setup.sh, npm registry only).
package c2patest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// Result is the part of c2pa-verify's JSON the tests look at.
type Result struct {
	Verdict         string   `json:"verdict"`
	ValidationState string   `json:"validation_state"`
	FailureCodes    []string `json:"failure_codes"`
	Error           string   `json:"error"`
	Active          *struct {
		DigitalSourceTypes []string `json:"digital_source_types"`
		AssertionLabels    []string `json:"assertion_labels"`
		Actions            []struct {
			Action            string `json:"action"`
			DigitalSourceType string `json:"digitalSourceType"`
		} `json:"actions"`
		Ingredients int `json:"ingredients"`
	} `json:"active_manifest"`
	Raw string `json:"-"`
}

// Tool returns the path of a runnable `verify` script, skipping (outside
// CI) or failing (in CI) when node, npm or the shared tool is missing.
// name keeps parallel test binaries in separate copies.
func Tool(t testing.TB, name string) string {
	t.Helper()
	extool.Need(t, "node")
	extool.Need(t, "npm")
	src := extool.Shared(t, "tools/c2pa-verify")
	dst := filepath.Join(os.TempDir(), "belgi-c2pa-verify-"+name)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"package.json", "package-lock.json", "setup.sh", "verify", "verify.mjs", "sign", "sign.mjs"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if !strings.Contains(f, ".") {
			mode = 0o755
		}
		if f == "setup.sh" {
			mode = 0o755
		}
		if old, err := os.ReadFile(filepath.Join(dst, f)); err == nil && string(old) == string(b) {
			continue
		}
		if err := os.WriteFile(filepath.Join(dst, f), b, mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(dst, f), mode)
	}
	if _, err := os.Stat(filepath.Join(dst, "node_modules", "@contentauth", "c2pa-wasm")); err != nil {
		cmd := exec.Command(filepath.Join(dst, "setup.sh"))
		if out, err := cmd.CombinedOutput(); err != nil {
			msg := "c2pa-verify setup.sh failed: " + err.Error() + "\n" + string(out)
			if extool.InCI() {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	return filepath.Join(dst, "verify")
}

// Verify runs the tool on file with extra arguments (e.g. --anchors CA.pem).
func Verify(t testing.TB, tool, file string, args ...string) Result {
	t.Helper()
	cmd := exec.Command(tool, append(append([]string{"--compact"}, args...), file)...)
	out, err := cmd.Output()
	var r Result
	if jerr := json.Unmarshal(out, &r); jerr != nil {
		t.Fatalf("c2pa-verify %s: %v (%v)\n%s", file, jerr, err, out)
	}
	r.Raw = string(out)
	return r
}
