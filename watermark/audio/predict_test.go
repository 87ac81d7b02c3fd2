package audio

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFitPredictor fills a detector's log-energy rows with a host whose
// energy moves diagonally across bands (like speech harmonics gliding) plus
// independent cell noise, and checks that the fitted predictor leaves less
// residual than the fixed one it replaced — on the objective it minimises,
// so an index or sign slip between the fit and the feature shows up — and
// that it is the least-squares optimum and stays the fixed one on silence.
func TestFitPredictor(t *testing.T) {
	d, err := newDetector(44100, 1, 318, Options{})
	if err != nil {
		t.Fatal(err)
	}
	one := len(d.scales) / 2
	r := rand.New(rand.NewPCG(3, 4))
	const frames = 200
	d.L = nil
	d.lBase = 0
	for j := 0; j < frames*fineSteps; j++ {
		row := make([]float32, len(d.scales)*numBands)
		fr := float64(j) / fineSteps
		for b := 0; b < numBands; b++ {
			row[one*numBands+b] = float32(3*math.Sin(0.4*fr+0.9*float64(b)) + 0.3*r.NormFloat64())
		}
		d.L = append(d.L, row)
	}
	d.winAt = 0
	end := int64(frames * fineSteps)
	d.fitPredictor(end)
	resid := func(w [nPred]float64) float64 {
		var s float64
		n := 0
		valid := d.valid[one]
		var xv [nPred]float64
		for j := int64(fineSteps); j+fineSteps < end; j += fineSteps {
			rm := d.lrow(j - fineSteps)[one*numBands : (one+1)*numBands]
			r0 := d.lrow(j)[one*numBands : (one+1)*numBands]
			rp := d.lrow(j + fineSteps)[one*numBands : (one+1)*numBands]
			f := make([]float64, 0, numBands)
			var m float64
			for b := 0; b < numBands; b++ {
				if !valid[b] {
					continue
				}
				predictors(&xv, rm, r0, rp, valid, b)
				v := float64(r0[b])
				for i, x := range xv {
					v -= w[i] * x
				}
				f = append(f, v)
				m += v
			}
			m /= float64(len(f))
			for _, v := range f {
				s += (v - m) * (v - m)
				n++
			}
		}
		return s / float64(n)
	}
	fit, fixed := resid(d.predW), resid(predDefault)
	t.Logf("weights %.3f: residual variance %.4f (fixed predictor %.4f)", d.predW, fit, fixed)
	if !(fit < 0.9*fixed) {
		t.Errorf("fitted predictor leaves %.4f, fixed %.4f: want at least 10 %% less", fit, fixed)
	}
	// and it is the least-squares optimum: any nudge of a weight leaves more
	for i := range nPred {
		for _, dw := range []float64{-0.05, 0.05} {
			w := d.predW
			w[i] += dw
			if v := resid(w); v < fit {
				t.Errorf("weight %d %+.2f: residual %.5f < fitted %.5f", i, dw, v, fit)
			}
		}
	}

	for _, row := range d.L {
		clear(row)
	}
	d.fitPredictor(end)
	if d.predW != predDefault {
		t.Errorf("silence: weights %v, want the fixed %v", d.predW, predDefault)
	}
}

func TestSolveSym(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for k := 0; k < 100; k++ {
		var M, A [nPred][nPred]float64
		for i := range M {
			for j := range M[i] {
				M[i][j] = r.NormFloat64()
			}
		}
		for i := range A {
			for j := range A[i] {
				for l := range M {
					A[i][j] += M[l][i] * M[l][j]
				}
			}
			A[i][i] += 0.1
		}
		var want, b [nPred]float64
		for i := range want {
			want[i] = r.NormFloat64()
		}
		for i := range b {
			for j := range want {
				b[i] += A[i][j] * want[j]
			}
		}
		got, ok := solveSym(A, b)
		for i := range got {
			if !ok || math.Abs(got[i]-want[i]) > 1e-6*(1+math.Abs(want[i])) {
				t.Fatalf("solve %d: got %v ok=%v, want %v", k, got, ok, want)
			}
		}
	}
	if _, ok := solveSym([nPred][nPred]float64{}, [nPred]float64{1, 2, 3}); ok {
		t.Error("singular system solved")
	}
}
