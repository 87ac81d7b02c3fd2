package wav

import (
	"math"
	"testing"
)

// Every code decodes to a value that encodes back to the same code (for
// µ-law the two zeros 0x7F/0xFF both decode to 0 and encode to 0xFF).
func TestG711RoundTrip(t *testing.T) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if got := muLawEncode(muLawDecode(b)); got != b && !(b == 0x7F && got == 0xFF) {
			t.Errorf("µ-law %#02x → %v → %#02x", b, muLawDecode(b), got)
		}
		if got := aLawEncode(aLawDecode(b)); got != b {
			t.Errorf("A-law %#02x → %v → %#02x", b, aLawDecode(b), got)
		}
	}
	// Known points: µ-law 0xFF is 0, 0x80 is +32124; A-law 0xD5 is +8.
	if muLawDecode(0xFF) != 0 || muLawDecode(0x80) != 32124.0/32768 || aLawDecode(0xD5) != 8.0/32768 {
		t.Errorf("%v %v %v", muLawDecode(0xFF), muLawDecode(0x80)*32768, aLawDecode(0xD5)*32768)
	}
	// Companding error stays within the segment step (≈ 3 % of the value).
	for _, x := range []float32{0.001, 0.01, 0.1, 0.5, -0.7} {
		for _, d := range []float32{muLawDecode(muLawEncode(x)), aLawDecode(aLawEncode(x))} {
			if math.Abs(float64(d-x)) > 0.035*math.Abs(float64(x))+0.0005 {
				t.Errorf("%v → %v", x, d)
			}
		}
	}
}
