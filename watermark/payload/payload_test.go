package payload

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for _, key := range [][]byte{nil, []byte("secret")} {
		c := New(key)
		for i := 0; i < 100; i++ {
			id := r.Uint64()
			x := c.Encode(id)
			if len(x) != c.Len() {
				t.Fatalf("Encode gave %d values, Len %d", len(x), c.Len())
			}
			soft := make([]float64, len(x))
			for j, v := range x {
				if v != 1 && v != -1 {
					t.Fatalf("channel value %d", v)
				}
				soft[j] = float64(v)
			}
			d := c.Decode(soft)
			if !d.CRCOK || d.ID != id || d.Version != Version || d.BitErrors != 0 {
				t.Fatalf("key %q id %016x: got %+v", key, id, d)
			}
			if !d.Detected(Threshold(DefaultPFA, 1)) {
				t.Fatalf("clean frame not detected: score %.2f", d.Score)
			}
		}
	}
}

func TestPublicKeyIsDefault(t *testing.T) {
	a, b := New(nil).Encode(42), New(DefaultKey).Encode(42)
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("nil key differs from DefaultKey")
		}
	}
}

// TestNoisyChannel: the frame must survive heavy Gaussian noise and erasures
// — amplitude 1.2 against noise σ 1 (raw bit error rate 12 %), 20 % erased.
func TestNoisyChannel(t *testing.T) {
	c := New(nil)
	r := rand.New(rand.NewSource(5))
	ok, wrong := 0, 0
	const trials = 300
	thr := Threshold(DefaultPFA, 1000)
	for i := 0; i < trials; i++ {
		id := r.Uint64()
		x := c.Encode(id)
		soft := make([]float64, len(x))
		for j, v := range x {
			if r.Float64() < 0.2 {
				continue
			}
			soft[j] = 1.2*float64(v) + r.NormFloat64()
		}
		d := c.Decode(soft)
		if d.Detected(thr) {
			if d.ID == id {
				ok++
			} else {
				wrong++
			}
		}
	}
	t.Logf("detected %d/%d, wrong %d", ok, trials, wrong)
	if wrong > 0 || ok < trials*95/100 {
		t.Fatalf("detected %d/%d, wrong IDs %d", ok, trials, wrong)
	}
}

func TestWrongKeyNotDetected(t *testing.T) {
	a, b := New([]byte("key A")), New([]byte("key B"))
	r := rand.New(rand.NewSource(6))
	for i := 0; i < 200; i++ {
		x := a.Encode(r.Uint64())
		soft := make([]float64, len(x))
		for j, v := range x {
			soft[j] = float64(v)
		}
		if d := b.Decode(soft); d.Detected(Threshold(DefaultPFA, 1)) {
			t.Fatalf("frame of key A detected with key B: %+v", d)
		}
	}
}

func qtail(t float64) float64 { return 0.5 * math.Erfc(t/math.Sqrt2) }

// TestNullDistribution checks the documented model of Score on vectors that
// carry no frame: the empirical upper tail must not exceed the standard
// normal tail (plus sampling slack), and the CRC must pass about never.
func TestNullDistribution(t *testing.T) {
	c := New(nil)
	r := rand.New(rand.NewSource(7))
	const n = 4000
	for _, dist := range []string{"gauss", "sign", "uniform", "laplace"} {
		var exceed [4]int // Score ≥ 0, 1, 2, 3
		crc := 0
		for k := 0; k < n; k++ {
			s := make([]float64, c.Len())
			for i := range s {
				switch dist {
				case "gauss":
					s[i] = r.NormFloat64()
				case "sign":
					s[i] = float64(2*r.Intn(2) - 1)
				case "uniform":
					s[i] = 2*r.Float64() - 1
				case "laplace":
					s[i] = r.ExpFloat64() * float64(2*r.Intn(2)-1)
				}
				if r.Float64() < 0.1 {
					s[i] = 0
				}
			}
			d := c.Decode(s)
			for j := range exceed {
				if d.Score >= float64(j) {
					exceed[j]++
				}
			}
			if d.CRCOK {
				crc++
			}
		}
		for j, e := range exceed {
			p := float64(e) / n
			model := qtail(float64(j))
			slack := 4 * math.Sqrt(model*(1-model)/n)
			t.Logf("%s: P(Score ≥ %d) = %.4f, model %.4f", dist, j, p, model)
			if p > model+slack+1.0/n {
				t.Errorf("%s: P(Score ≥ %d) = %.4f exceeds the model %.4f", dist, j, p, model)
			}
		}
		if crc > 0 {
			t.Errorf("%s: %d random vectors passed the CRC", dist, crc)
		}
	}
}

func TestThreshold(t *testing.T) {
	if got := Threshold(DefaultPFA, 1); got != minScore {
		t.Errorf("Threshold(1e-6, 1) = %v, want the floor %v", got, minScore)
	}
	prev := 0.0
	for _, h := range []int{1, 1e3, 1e6, 1e7, 1e8, 1e10} {
		th := Threshold(DefaultPFA, h)
		if th < prev {
			t.Errorf("threshold falls with more hypotheses: %v then %v at %d", prev, th, h)
		}
		// union bound holds
		if p := float64(h) * crcPass * qtail(th); p > DefaultPFA*1.0001 {
			t.Errorf("h=%d: bound %.3g > pfa", h, p)
		}
		prev = th
	}
	if !math.IsInf(Threshold(0, 1), 1) {
		t.Error("pfa 0 must give an infinite threshold")
	}
}

func Example() {
	c := New(nil) // the public key
	x := c.Encode(0x0123456789abcdef)
	soft := make([]float64, len(x))
	for i, v := range x {
		soft[i] = float64(v)
	}
	for i := 0; i < 60; i++ { // a fifth of the carrier lost
		soft[i*5] = 0
	}
	d := c.Decode(soft)
	fmt.Printf("%016x %v %v\n", d.ID, d.CRCOK, d.Detected(Threshold(DefaultPFA, 1)))
	// Output: 0123456789abcdef true true
}
