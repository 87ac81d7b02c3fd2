package main

import (
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

// TestImageFloorsShared is the CI-sized subset of the image evaluation: the
// shared photos with a shorter side ≥ 512 px, every attack with a floor,
// and the floor as the assertion. With 7 photos a 90 %, 95 % or 99 % floor
// means no miss at all. (Each photo's ID follows from its name, so the
// outcome is the same on every run.)
func TestImageFloorsShared(t *testing.T) {
	dir := extool.Shared(t, "testdata/images")
	names, imgs, err := loadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	var attacks []attack
	for _, a := range imageAttacks {
		if a.floor > 0 {
			attacks = append(attacks, a)
		}
	}
	var big []int
	for i, img := range imgs {
		if b := img.Bounds(); min(b.Dx(), b.Dy()) >= minEvalSide {
			big = append(big, i)
		}
	}
	if len(big) < 7 {
		t.Fatalf("only %d shared photos ≥ %d px", len(big), minEvalSide)
	}
	evals := make([]imageEval, len(big))
	parallel(len(big), func(k int) {
		i := big[k]
		evals[k] = evalOne(i, names[i], imgs[i], attacks)
	})
	for k, a := range attacks {
		hit := 0
		var missed []string
		for _, e := range evals {
			if e.embedErr != nil {
				t.Fatalf("%s: %v", e.name, e.embedErr)
			}
			if e.wrong[k] {
				t.Errorf("%s, %s: a wrong ID was reported present", a.name, e.name)
			}
			if e.ok[k] {
				hit++
			} else {
				missed = append(missed, e.name)
			}
		}
		if float64(hit) < a.floor*float64(len(evals))-1e-9 {
			t.Errorf("%s: %d/%d, floor %.0f %%; missed %v", a.name, hit, len(evals), 100*a.floor, missed)
		}
	}
	for _, e := range evals {
		if e.q.psnr < 40 || e.q.ssim < 0.98 || e.q.maxErr > 24 {
			t.Errorf("%s: PSNR %.2f dB, SSIM %.4f, max error %d", e.name, e.q.psnr, e.q.ssim, e.q.maxErr)
		}
	}
}
