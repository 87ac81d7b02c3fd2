package main

import (
	"bytes"
	"context"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/label"
)

// buildBelgi compiles the CLI once per test binary run.
func buildBelgi(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "belgi")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// archive writes n copies of the sample JPEG into nested folders.
func archive(t *testing.T, n int) string {
	t.Helper()
	jpg, err := os.ReadFile(extool.Testdata(t, "sample.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "archive")
	for i := range n {
		p := filepath.Join(dir, string(rune('a'+i%7)), filepath.Base(t.Name())+"-"+itoa(i)+".jpg")
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, jpg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func itoa(i int) string {
	return string([]byte{byte('0' + i/1000%10), byte('0' + i/100%10), byte('0' + i/10%10), byte('0' + i%10)})
}

func countFiles(dir string) (outputs, temps int) {
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			if label.IsTemp(p) {
				temps++
			} else {
				outputs++
			}
		}
		return nil
	})
	return
}

// checkOutputs asserts every output is complete: it decodes and verifies as labelled.
func checkOutputs(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || label.IsTemp(p) {
			return nil
		}
		n++
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: incomplete output: %v", p, err)
		}
		if n%10 != 1 { // a sample is enough for the label itself; every file is decoded
			return nil
		}
		rep, err := label.Verify(context.Background(), bytes.NewReader(b), label.VerifyOptions{Name: p})
		if err != nil || !rep.Labelled {
			t.Errorf("%s: not labelled (%v)", p, err)
		}
		return nil
	})
	return n
}

// waitOutputs polls until at least n outputs exist or the process ends.
func waitOutputs(t *testing.T, dir string, n int, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if o, _ := countFiles(dir); o >= n {
			return
		}
		select {
		case <-done:
			t.Fatal("the batch finished before it could be interrupted; make it bigger")
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatal("no outputs appeared")
}

func TestBatchSIGTERMLeavesOnlyCompleteOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	bin := buildBelgi(t)
	in := archive(t, 800)
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(bin, "label", "--layers", "metadata", "--jobs", "2", "-q", "-o", out, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	waitOutputs(t, out, 40, done)
	cmd.Process.Signal(syscall.SIGTERM)
	err := <-done
	if err == nil || cmd.ProcessState.ExitCode() != exitFatal {
		t.Fatalf("want exit %d after SIGTERM, got %v\n%s", exitFatal, err, stderr.String())
	}
	if !bytes.Contains(stderr.Bytes(), []byte("interrupted:")) {
		t.Errorf("no summary of what was done: %s", stderr.String())
	}
	outputs, temps := countFiles(out)
	if temps != 0 {
		t.Errorf("%d temp files left after SIGTERM", temps)
	}
	if outputs >= 800 {
		t.Errorf("SIGTERM did not stop the run (%d outputs)", outputs)
	}
	if n := checkOutputs(t, out); n != outputs {
		t.Errorf("checked %d of %d", n, outputs)
	}
	t.Logf("SIGTERM after %d of 800 files; no temp files; all outputs complete", outputs)
}

func TestBatchSIGKILLThenResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	bin := buildBelgi(t)
	in := archive(t, 800)
	out := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(bin, "label", "--layers", "metadata", "--jobs", "2", "-q", "-o", out, in)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	waitOutputs(t, out, 40, done)
	cmd.Process.Kill()
	<-done
	before, temps := countFiles(out)
	// Whatever kill -9 left: complete outputs, and at most temp files named
	// so the rerun recognises them.
	checkOutputs(t, out)

	report := filepath.Join(t.TempDir(), "report.jsonl")
	rerun := exec.Command(bin, "label", "--layers", "metadata", "-q", "--skip-labelled", "--report", report, "-o", out, in)
	if b, err := rerun.CombinedOutput(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, b)
	}
	after, tempsAfter := countFiles(out)
	if tempsAfter != 0 {
		t.Errorf("%d temp files survive the rerun", tempsAfter)
	}
	if after != 800 {
		t.Errorf("after the rerun %d of 800 outputs", after)
	}
	checkOutputs(t, out)
	rep, _ := os.ReadFile(report)
	skipped := bytes.Count(rep, []byte(`"status":"skipped"`))
	if skipped != before {
		t.Errorf("rerun skipped %d files, want the %d done before the kill", skipped, before)
	}
	t.Logf("SIGKILL after %d files (%d temp files left); rerun skipped %d, finished the rest, removed the temps", before, temps, skipped)
}
