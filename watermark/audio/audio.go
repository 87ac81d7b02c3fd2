// Package audio embeds and detects belgi's invisible watermark in PCM
// samples: a key-dependent pattern of small band-energy changes in 37 bands
// between 400 Hz and 5.1 kHz (±20 % in amplitude nominally, up to ±50 % in
// bands far below the frame's mean, the whole mark at least 24 dB below the
// signal in every block of about 6 ms and the running segmental SNR held at
// 28.8 dB by switching the measure's frames between that and 35 dB), one
// pattern cell per 14.5 ms frame and band, repeated in 1.86-second blocks
// that carry synchronisation cells beside the payload chips. Detection searches frame offsets and a
// grid of time and frequency scale factors (±2 %) so that excerpts, cuts,
// resampling, speed and tempo changes still decode, and averages the soft
// chips of every block it finds.
//
// It works on interleaved float32 samples in [-1, 1] at any rate ≥ 11 kHz
// (detection also at 8 kHz), streaming with memory that does not grow with
// duration. It knows signals, not files: decoding WAV/FLAC and the payload
// framing (version, CRC, error correction, whitening: watermark/payload) are
// elsewhere. It is not a fingerprint and not tamper evidence: it carries a
// 64-bit ID.
package audio

import (
	"crypto/sha256"
	"errors"
)

var (
	// ErrNotEmbeddable: the signal is too short, silent or empty in the
	// marked bands to carry the payload; nothing guessable is written.
	ErrNotEmbeddable = errors.New("audio watermark: signal cannot carry a watermark")
	// ErrFormat: a sample rate or channel count the watermark cannot use.
	ErrFormat = errors.New("audio watermark: unsupported sample format")
)

// Options tune embedding and detection. The zero value is the default.
type Options struct {
	// Key selects the pattern; nil means belgi's public key.
	Key []byte
	// Strength scales the band-energy change; 0 means 1 (the default).
	Strength float64
}

// publicKey is the documented key used when Options.Key is nil.
var publicKey = []byte("belgi public audio watermark key v1")

func keySeed(key []byte) [32]byte {
	if key == nil {
		key = publicKey
	}
	h := sha256.New()
	h.Write([]byte("belgi/watermark/audio/layout/v1\x00"))
	h.Write(key)
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}
