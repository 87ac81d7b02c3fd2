// Package payload frames the 64-bit content ID that belgi's invisible
// watermarks carry, and decides whether a received frame is present.
//
// A frame is: a 4-bit version field, the 64-bit ID and a CRC-32C over both
// (100 bits), encoded with a rate-1/3 constraint-length-7 convolutional code
// (318 channel bits), permuted by a fixed interleaver so that a damaged
// region of the carrier does not become a burst for the decoder, and
// XOR-whitened with a sequence derived from a key. The key is public by
// default (DefaultKey), so anyone can detect belgi's marks; a secret key makes
// marks that only its holder can find.
//
// Decoding is soft: each channel value's sign is the bit and its magnitude
// the confidence. A frame is declared present only when the CRC passes AND
// the detection score reaches Threshold for the wanted false-positive rate
// and the number of synchronisation hypotheses the detector searched (see
// Decoded.Score for the statistic and its null distribution).
//
// The package knows nothing of images or audio: carriers (watermark/image,
// watermark/audio) map channel bits onto signals and hand soft values back.
package payload

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
)

// Version is the frame version this package writes.
const Version = 1

// DefaultKey is belgi's documented public whitening key, used when New gets
// a nil or empty key.
var DefaultKey = []byte("belgi public watermark key v1")

// DefaultPFA is the false-positive probability per detection call that
// belgi's detectors use: P(declared present | unmarked) ≤ 1e-6.
const DefaultPFA = 1e-6

const (
	versionBits = 4
	idBits      = 64
	crcBits     = 32
	infoBits    = versionBits + idBits + crcBits    // 100
	channelBits = convRate * (infoBits + convK - 1) // 318
)

// Code encodes and decodes frames for one key. It is safe for concurrent use.
type Code struct {
	whiten []int8 // ±1 per channel bit
	perm   []int  // channel position i carries code bit perm[i]
}

// New returns the Code for key; nil or empty means DefaultKey.
func New(key []byte) *Code {
	if len(key) == 0 {
		key = DefaultKey
	}
	c := &Code{whiten: make([]int8, channelBits), perm: interleaver(channelBits)}
	var ctr [8]byte
	var block [sha256.Size]byte
	for i := 0; i < channelBits; i++ {
		if i%(8*sha256.Size) == 0 {
			binary.BigEndian.PutUint64(ctr[:], uint64(i/(8*sha256.Size)))
			h := sha256.New()
			h.Write([]byte("belgi/payload/whiten\x00"))
			h.Write(key)
			h.Write(ctr[:])
			h.Sum(block[:0])
		}
		j := i % (8 * sha256.Size)
		if block[j/8]>>(j%8)&1 == 1 {
			c.whiten[i] = -1
		} else {
			c.whiten[i] = 1
		}
	}
	return c
}

// interleaver is a fixed pseudo-random permutation (key-independent, so that
// it is the same for every key): Fisher-Yates driven by splitmix64.
func interleaver(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	x := uint64(0x62656c6769) // "belgi"
	for i := n - 1; i > 0; i-- {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		z ^= z >> 31
		j := int(z % uint64(i+1))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// Len returns the number of channel bits N a frame occupies.
func (c *Code) Len() int { return channelBits }

// Encode returns the N channel values (+1 or -1) that carry id.
func (c *Code) Encode(id uint64) []int8 {
	cw := c.codeword(Version, id)
	out := make([]int8, channelBits)
	for i, b := range cw {
		out[i] = (1 - 2*int8(b)) * c.whiten[i]
	}
	return out
}

// codeword returns the interleaved code bits (0/1), before whitening.
func (c *Code) codeword(version int, id uint64) []uint8 {
	info := make([]uint8, 0, infoBits)
	for i := versionBits - 1; i >= 0; i-- {
		info = append(info, uint8(version>>i&1))
	}
	for i := idBits - 1; i >= 0; i-- {
		info = append(info, uint8(id>>i&1))
	}
	crc := frameCRC(version, id)
	for i := crcBits - 1; i >= 0; i-- {
		info = append(info, uint8(crc>>i&1))
	}
	code := convEncode(info)
	out := make([]uint8, channelBits)
	for i, src := range c.perm {
		out[i] = code[src]
	}
	return out
}

// Decoded is the result of Decode.
type Decoded struct {
	ID      uint64
	Version int
	// CRCOK reports whether the decoded frame's CRC-32C matches.
	CRCOK bool
	// Score is the detection statistic: the normalised correlation
	// z = Σ soft[i]·c[i] / sqrt(Σ soft[i]²) between the (clipped) soft
	// values and the re-encoded channel values c of the decoded frame,
	// standardised with the null mean and deviation of that maximum over
	// all codewords (nullMean, nullSD):
	//
	//	Score = (z - nullMean) / nullSD.
	//
	// Under H0 (soft values independent of the key, symmetric, i.i.d.),
	// Score is close to a standard normal; Threshold uses its Gaussian tail.
	// TestNullDistribution checks the tail on random vectors.
	Score float64
	// Z is the raw normalised correlation before standardisation.
	Z float64
	// BitErrors counts channel values whose sign disagrees with the
	// re-encoded frame (erased values are not counted).
	BitErrors int
	// Erased counts channel values that were 0.
	Erased int
}

// Detected reports whether d is a present frame at the threshold t
// (CRC OK and Score ≥ t).
func (d Decoded) Detected(t float64) bool { return d.CRCOK && d.Score >= t }

// Decode decodes N soft values (sign = bit, magnitude = confidence, 0 =
// erased). Fewer than N values are treated as erased at the end; extra
// values are ignored.
func (c *Code) Decode(soft []float64) Decoded {
	s, code, erased, ok := c.prepare(soft)
	if !ok {
		return Decoded{Erased: erased}
	}
	return c.finish(s, convDecode(code, infoBits), erased)
}

// prepare clips the soft values (s, in channel order) and de-whitens and
// de-interleaves them into code order; ok is false when nothing is left.
func (c *Code) prepare(soft []float64) (s, code []float64, erased int, ok bool) {
	s = make([]float64, channelBits)
	copy(s, soft)
	// Clip outliers at clipRMS·rms so that a few huge values (a clipped
	// highlight, a JPEG block edge) cannot dominate either the decoder or the
	// statistic; it also makes the null distribution nearly shape-free.
	var ss float64
	n := 0
	for _, v := range s {
		if v != 0 && !math.IsNaN(v) && !math.IsInf(v, 0) {
			ss += v * v
			n++
		}
	}
	erased = channelBits - n
	if n == 0 || ss == 0 {
		return nil, nil, erased, false
	}
	lim := clipRMS * math.Sqrt(ss/float64(n))
	code = make([]float64, channelBits)
	for i, v := range s {
		switch {
		case math.IsNaN(v):
			v = 0
		case v > lim:
			v = lim
		case v < -lim:
			v = -lim
		}
		s[i] = v
		code[c.perm[i]] = v * float64(c.whiten[i])
	}
	return s, code, erased, true
}

// infoFields splits decoded information bits into the frame's fields.
func infoFields(info []uint8) (version int, id uint64, crc uint32) {
	for i := 0; i < versionBits; i++ {
		version = version<<1 | int(info[i])
	}
	for i := versionBits; i < versionBits+idBits; i++ {
		id = id<<1 | uint64(info[i])
	}
	for i := versionBits + idBits; i < infoBits; i++ {
		crc = crc<<1 | uint32(info[i])
	}
	return version, id, crc
}

// finish reads the frame out of the decoded information bits and scores
// its re-encoding against the clipped soft values s.
func (c *Code) finish(s []float64, info []uint8, erased int) Decoded {
	d := Decoded{Erased: erased}
	version, id, crc := infoFields(info)
	d.ID, d.Version = id, version
	d.CRCOK = crc == frameCRC(version, id)
	cw := c.codeword(version, id)
	var dot, norm float64
	for i, b := range cw {
		ci := float64((1 - 2*int(b)) * int(c.whiten[i]))
		dot += s[i] * ci
		norm += s[i] * s[i]
		if s[i] != 0 && s[i]*ci < 0 {
			d.BitErrors++
		}
	}
	d.Z = dot / math.Sqrt(norm)
	d.Score = (d.Z - nullMean) / nullSD
	return d
}

const clipRMS = 2.5

// nullMean and nullSD describe the null distribution of Z, the ML
// codeword's normalised correlation with soft values that carry no frame.
// Measured on 2·10^4 vectors each (N = 318): Gaussian mean 6.52 sd 0.67,
// ±1 mean 6.89 sd 0.64, uniform 6.71/0.66, Laplace 6.31/0.67 (Cauchy,
// clipped, 3.75/1.29). The constants take the largest mean and deviation, so
// the model errs towards fewer detections; the upper tail of the max is
// lighter than the Gaussian one (at 5e-5 the ±1 case reaches 3.4 sd, the
// Gaussian 3.9), so the Gaussian tail is conservative.
const (
	nullMean = 6.9
	nullSD   = 0.67
)

// crcPass is the probability that a random frame passes the CRC.
const crcPass = 1.0 / (1 << crcBits)

// Threshold returns the Score threshold that keeps the probability of
// declaring a frame present in unmarked input at or below pfa, when the
// detector decodes `hypotheses` candidate alignments and keeps the best.
//
// A false positive needs some hypothesis to pass both the CRC (probability
// 2^-32 for a random frame, independent of the score) and the score test, so
// by the union bound it suffices that hypotheses · 2^-32 · Q(t) ≤ pfa, with Q
// the standard normal upper tail. The threshold is never below minScore, so
// that a frame is only reported when its correlation also clearly stands out
// from chance.
func Threshold(pfa float64, hypotheses int) float64 {
	if hypotheses < 1 {
		hypotheses = 1
	}
	if !(pfa > 0) {
		return math.Inf(1)
	}
	q := pfa / (float64(hypotheses) * crcPass)
	t := minScore
	if q < 0.5 {
		t = math.Max(t, math.Sqrt2*math.Erfcinv(2*q)) // Q^-1(q)
	}
	return t
}

// minScore is the smallest threshold Threshold returns.
const minScore = 3.0
