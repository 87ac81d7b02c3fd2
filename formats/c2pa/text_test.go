package c2pa

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The byte → variation selector vectors of C2PA A.7 (and of the
// writerslogic/c2pa-unstructured-text tests).
func TestSelectorVectors(t *testing.T) {
	for _, tc := range []struct {
		b byte
		r rune
	}{{0x00, 0xFE00}, {0x0F, 0xFE0F}, {0x10, 0xE0100}, {0xFF, 0xE01EF}, {0x80, 0xE0170}} {
		got, _ := utf8.DecodeRune(appendSelector(nil, tc.b))
		if got != tc.r {
			t.Errorf("byte %#02x: U+%04X, want U+%04X", tc.b, got, tc.r)
		}
		if b, ok := selectorByte(tc.r); !ok || b != tc.b {
			t.Errorf("U+%04X decodes to %#02x %v", tc.r, b, ok)
		}
	}
	if _, ok := selectorByte('a'); ok {
		t.Error("'a' decoded as a selector")
	}
	// 16 payload bytes ≥ 0x10: 114 UTF-8 bytes unpadded, 125 padded.
	payload := []byte("0123456789ABCDEF")
	if n := len(EncodeTextWrapper(payload, false)); n != 114 {
		t.Errorf("unpadded wrapper %d bytes, want 114", n)
	}
	if n := len(EncodeTextWrapper(payload, true)); n != 125 {
		t.Errorf("padded wrapper %d bytes, want 125", n)
	}
	// Padding always lands on the reserved length, whatever the bytes.
	for n := 0; n < 40; n++ {
		for _, fill := range []byte{0x00, 0x0F, 0x10, 0xFF} {
			p := bytes.Repeat([]byte{fill}, n)
			if got, want := int64(len(EncodeTextWrapper(p, true))), textWrapperLen(n); got != want {
				t.Fatalf("n=%d fill=%#x: %d bytes, want %d", n, fill, got, want)
			}
		}
	}
}

func TestTextWrapperRoundTrip(t *testing.T) {
	for _, store := range [][]byte{{}, {0}, []byte("jumbf bytes \x00\x01\xff"), bytes.Repeat([]byte{0xAB}, 5000)} {
		text := append([]byte("Қазақша мәтін.\n"), EncodeTextWrapper(store, true)...)
		got, s, e, err := FindTextWrapper(text)
		if err != nil || !bytes.Equal(got, store) || s != len("Қазақша мәтін.\n") || e != len(text) {
			t.Fatalf("store %d bytes: got %d bytes [%d,%d) %v", len(store), len(got), s, e, err)
		}
	}
	if _, _, _, err := FindTextWrapper([]byte("plain \ufeff text")); !errors.Is(err, ErrNoManifest) {
		t.Errorf("plain text: %v", err)
	}
	w := EncodeTextWrapper([]byte("abc"), false)
	if _, _, _, err := FindTextWrapper(append(append([]byte("x"), w...), w...)); !errors.Is(err, ErrTextWrapper) {
		t.Errorf("two wrappers: %v", err)
	}
	if _, _, _, err := FindTextWrapper(w[:len(w)-4]); !errors.Is(err, ErrTextWrapper) {
		t.Errorf("truncated wrapper: %v", err)
	}
}

// TestTextManifest signs NFD text: the output is NFC, validates, still
// validates after NFC normalisation, and a changed word breaks the binding.
func TestTextManifest(t *testing.T) {
	s, dc := testSigner(t)
	nfd := norm.NFD.String("Бұл мәтінді жасанды интеллект жасады. Café.\n")
	out := embedBytes(t, []byte(nfd), Text, generatedManifest("note.txt", "text/plain"), s)
	if !norm.NFC.IsNormal(out) {
		t.Fatal("output is not NFC")
	}
	for name, b := range map[string][]byte{"as written": out, "after NFC": norm.NFC.Bytes(out)} {
		v := validateBytes(t, b, Text, dc.CACert)
		if v.State != StateTrusted || !slices.Contains(v.DigitalSourceTypes, genURI) {
			t.Fatalf("%s: state %s failures %v", name, v.State, v.Failures)
		}
	}
	again := embedBytes(t, out, Text, generatedManifest("note.txt", "text/plain"), s)
	if v := validateBytes(t, again, Text, dc.CACert); v.State != StateTrusted || v.Manifests != 1 {
		t.Fatalf("relabelled: %s %d", v.State, v.Manifests)
	}
	bad := bytes.Replace(out, []byte("мәтінді"), []byte("мәтінде"), 1)
	if v := validateBytes(t, bad, Text, dc.CACert); v.State != StateInvalid || !slices.Contains(v.FailureCodes(), CodeDataHashMismatch) {
		t.Fatalf("tampered: %s %v", v.State, v.FailureCodes())
	}
	// Two wrappers: the multipleWrappers code.
	_, st, _, _ := FindTextWrapper(out)
	dup := append(append([]byte(nil), out...), out[st:]...)
	v, err := Validate(bytes.NewReader(dup), int64(len(dup)), Text, ValidateOptions{})
	if err != nil || !slices.Contains(v.FailureCodes(), CodeTextMultipleWrappers) {
		t.Fatalf("two wrappers: %v %v", err, v)
	}
	var buf bytes.Buffer
	if _, err := Embed(context.Background(), &buf, bytes.NewReader([]byte{0xff, 0xfe}), 2, Text, generatedManifest("x", "text/plain"), s); !errors.Is(err, ErrCorrupt) {
		t.Errorf("non-UTF-8 text: %v", err)
	}
}
