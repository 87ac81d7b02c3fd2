package text

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestSelectorMap(t *testing.T) {
	// The C2PA text byte map (writerslogic vs.rs vectors).
	for _, tc := range []struct {
		b byte
		r rune
	}{{0x00, 0xFE00}, {0x0F, 0xFE0F}, {0x10, 0xE0100}, {0x62, 0xE0152}, {0xFF, 0xE01EF}} {
		if got := Selector(tc.b); got != tc.r {
			t.Errorf("Selector(%#x) = %U, want %U", tc.b, got, tc.r)
		}
		if b, ok := SelectorByte(tc.r); !ok || b != tc.b {
			t.Errorf("SelectorByte(%U) = %#x %v", tc.r, b, ok)
		}
	}
	for _, r := range []rune{0xFDFF, 0xFE10, 0xE00FF, 0xE01F0, 'a', '\uFEFF'} {
		if _, ok := SelectorByte(r); ok {
			t.Errorf("SelectorByte(%U) accepted", r)
		}
	}
	for b := 0; b < 256; b++ {
		got, ok := SelectorByte(Selector(byte(b)))
		if !ok || got != byte(b) {
			t.Fatalf("byte %#x does not round-trip", b)
		}
	}
}

func TestFrameGolden(t *testing.T) {
	f := Frame(0x0123456789abcdef)
	want := []byte{0x62, 0x01, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}
	if !bytes.Equal(f[:10], want) {
		t.Fatalf("frame head % x, want % x", f[:10], want)
	}
	id, ok := Unframe(f[:])
	if !ok || id != 0x0123456789abcdef {
		t.Fatalf("Unframe = %x %v", id, ok)
	}
	// Every single-bit error is caught.
	for i := 0; i < RunLen*8; i++ {
		g := f
		g[i/8] ^= 1 << (i % 8)
		if _, ok := Unframe(g[:]); ok {
			t.Fatalf("bit %d flipped but frame accepted", i)
		}
	}
	run := Encode(0x0123456789abcdef)
	if n := utf8.RuneCount(run); n != RunLen {
		t.Fatalf("run has %d runes", n)
	}
	if !strings.HasPrefix(string(run), "\U000E0152\uFE01") {
		t.Fatalf("run starts %q", run[:8])
	}
}

const sample = "The river rises in the mountains. It flows west for three hundred kilometres, " +
	"past towns and fields, before it reaches the lake. Fishermen have worked its banks for centuries! " +
	"Is it still clean? Mostly, say the engineers who measure it every spring. See https://example.org/river for data, " +
	"or write to river@example.org. A family emoji 👨‍👩‍👧 and a heart ❤️ stay intact; so does Persian می‌خواهم with its ZWNJ."

func TestEmbedRemoveIdentity(t *testing.T) {
	doc := []byte(strings.Repeat(sample+"\n", 5))
	out := Embed(doc, 42, nil, Params{})
	if bytes.Equal(out, doc) {
		t.Fatal("nothing embedded")
	}
	if got := Remove(out); !bytes.Equal(got, doc) {
		t.Fatal("Remove(Embed(doc)) != doc")
	}
	d := Detect(out)
	if !d.Found || d.ID != 42 || d.Copies < 5 {
		t.Fatalf("Detect = %+v", d)
	}
	// Emoji ZWJ sequences and ZWNJ words survive byte for byte.
	for _, keep := range []string{"👨‍👩‍👧", "❤️", "می‌خواهم", "https://example.org/river", "river@example.org"} {
		if c := strings.Count(string(out), keep); c != 5 {
			t.Errorf("%q appears %d times after embedding, want 5", keep, c)
		}
	}
	// No copy right next to a ZWJ/ZWNJ or inside a word.
	for _, c := range Find(out) {
		if out[c.Start-1] != ' ' {
			t.Errorf("copy at %d not after a space", c.Start)
		}
		r, _ := utf8.DecodeRune(out[c.End:])
		if r == zwj || r == zwnj {
			t.Errorf("copy at %d before %U", c.Start, r)
		}
	}
}

func TestEmbedTwiceDoesNotStack(t *testing.T) {
	doc := []byte(strings.Repeat(sample+" ", 3))
	once := Embed(doc, 7, nil, Params{})
	twice := Embed(once, 7, nil, Params{})
	if len(Find(twice)) != len(Find(once)) {
		t.Fatalf("second embed added copies: %d → %d", len(Find(once)), len(Find(twice)))
	}
}

func TestNormalisationKeepsCarrier(t *testing.T) {
	doc := Embed([]byte(strings.Repeat("Café ﬁne ① naïve résumé. Ｆｕｌｌｗｉｄｔｈ text here, and more of it. ", 10)), 0xfeedface, nil, Params{})
	for name, f := range map[string]norm.Form{"NFC": norm.NFC, "NFD": norm.NFD, "NFKC": norm.NFKC, "NFKD": norm.NFKD} {
		d := Detect(f.Bytes(doc))
		if !d.Found || d.ID != 0xfeedface {
			t.Errorf("%s lost the carrier: %+v", name, d)
		}
	}
}

func TestStrippedSelectorsLoseCarrier(t *testing.T) {
	// What an invisible-character sanitizer does; Detect must not invent an ID.
	doc := Embed([]byte(strings.Repeat(sample, 3)), 9, nil, Params{})
	stripped := bytes.Map(func(r rune) rune {
		if _, ok := SelectorByte(r); ok {
			return -1
		}
		return r
	}, doc)
	if d := Detect(stripped); d.Found {
		t.Fatalf("found %+v after stripping", d)
	}
}

// c2paWrapper builds a C2PA unstructured-text wrapper (U+FEFF, then one
// selector per byte of "C2PATXT\0", version, length, payload).
func c2paWrapper(payload []byte) []byte {
	b := append([]byte("C2PATXT\x00\x01"), byte(len(payload)>>24), byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload)))
	b = append(b, payload...)
	out := []byte("\uFEFF")
	for _, x := range b {
		out = utf8.AppendRune(out, Selector(x))
	}
	return out
}

func TestIgnoresC2PAWrapper(t *testing.T) {
	// A wrapper whose payload happens to contain our exact frame, and one
	// that is only our frame after U+FEFF.
	f := Frame(0x1122334455667788)
	doc := append([]byte("Some text. "), c2paWrapper(append(append([]byte{1, 2, 3}, f[:]...), 4))...)
	if d := Detect(doc); d.Found {
		t.Fatalf("C2PA wrapper taken for a carrier: %+v", d)
	}
	bare := append([]byte("Text \uFEFF"), Encode(0x1122334455667788)...)
	if d := Detect(bare); d.Found {
		t.Fatalf("run after U+FEFF taken for a carrier: %+v", d)
	}
	// Our own copies never start with U+FEFF.
	if bytes.Contains(Embed([]byte(sample), 1, nil, Params{}), []byte("\uFEFF")) {
		t.Fatal("Embed wrote U+FEFF")
	}
}

func TestRunBoundaries(t *testing.T) {
	run := Encode(5)
	for name, doc := range map[string][]byte{
		"longer before": append([]byte("a \uFE00"), run...),
		"longer after":  append(append([]byte("a "), run...), "\uFE00b"...),
		"cut":           append([]byte("a "), run[:len(run)-4]...),
	} {
		if d := Detect(doc); d.Found {
			t.Errorf("%s: detected %+v", name, d)
		}
	}
	if d := Detect(append([]byte("a "), run...)); !d.Found || d.ID != 5 {
		t.Errorf("exact run at end not detected: %+v", d)
	}
}

func TestRandomRunsNeverDecode(t *testing.T) {
	// 1e6 random 14-selector runs, half of them with our magic and version
	// (so only the CRC protects): no false copy. The analytic rate is 2^-32
	// per run with the magic and 2^-48 without.
	rng := rand.New(rand.NewPCG(1, 2))
	var f [RunLen]byte
	for i := 0; i < 1_000_000; i++ {
		for j := range f {
			f[j] = byte(rng.Uint32())
		}
		if i%2 == 0 {
			f[0], f[1] = magicByte, version
		}
		if _, ok := Unframe(f[:]); ok {
			t.Fatalf("random run %x decoded", f)
		}
	}
}

func TestMultipleIDs(t *testing.T) {
	a := Embed([]byte(strings.Repeat(sample, 2)), 1, nil, Params{})
	b := Embed([]byte(sample), 2, nil, Params{})
	d := Detect(append(append(a, ' '), b...))
	if d.ID != 1 || d.Others[2] == 0 {
		t.Fatalf("Detect = %+v", d)
	}
}

func TestSpansRestrictPlacement(t *testing.T) {
	doc := []byte(strings.Repeat(sample, 4))
	mid := len(doc) / 2
	out := Embed(doc, 3, []Span{{mid, len(doc)}}, Params{})
	for _, c := range Find(out) {
		if c.Start < mid {
			t.Fatalf("copy at %d outside span [%d,%d)", c.Start, mid, len(doc))
		}
	}
	if len(Find(out)) == 0 {
		t.Fatal("no copy in span")
	}
}

func FuzzFind(f *testing.F) {
	f.Add([]byte(sample))
	f.Add(Embed([]byte(sample+sample), 77, nil, Params{}))
	f.Add(c2paWrapper(Encode(1)))
	f.Add([]byte("\uFEFF\U000E0152\uFE01"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		copies := Find(doc)
		prev := 0
		for _, c := range copies {
			if c.Start < prev || c.End <= c.Start || c.End > len(doc) {
				t.Fatalf("bad copy %+v", c)
			}
			prev = c.End
		}
		clean := Remove(doc)
		if len(copies) == 0 && !bytes.Equal(clean, doc) {
			t.Fatal("Remove changed a document without copies")
		}
		if utf8.Valid(doc) {
			out := Embed(doc, 0xabc, nil, Params{MinGap: 3, MaxGap: 5})
			if !bytes.Equal(Remove(out), Remove(doc)) {
				t.Fatal("Remove(Embed(doc)) != Remove(doc)")
			}
		}
	})
}

func TestIsLetterFastPath(t *testing.T) {
	for r := rune(0); r < 0x800; r++ {
		if isLetter(r) != unicode.IsLetter(r) {
			t.Errorf("isLetter(%U) = %v", r, isLetter(r))
		}
	}
}

func TestRuneStarts(t *testing.T) {
	for _, s := range []string{"", "a", "abcdefgh", "Жасанды интеллект", "👨‍👩‍👧 mixed ascii and Кириллица and 漢字 text!", sample} {
		for i := 0; i <= len(s); i++ {
			if got, want := runeStarts([]byte(s[i:])), utf8.RuneCount([]byte(s[i:])); got != want && utf8.ValidString(s[i:]) {
				t.Fatalf("runeStarts(%q) = %d, want %d", s[i:], got, want)
			}
		}
	}
}

// zh is a short Chinese text written for this test (no spaces).
const zh = "河流从山里流出来，经过许多村庄和田野，最后流进大湖。渔民在河边工作了几百年！今天的河水还干净吗？工程师每年春天都会测量水质，并把结果告诉大家。" +
	"村里的孩子们在学校学习如何保护河流、森林和草原。老人们常说，有水就有生活。夏天的时候，很多游客来这里划船、钓鱼、看风景。" +
	"当地政府修了新的道路和小桥，方便人们来往。农民用更节水的方法浇地，河水因此比以前多了一些。"

func TestEmbedWithoutSpaces(t *testing.T) {
	doc := []byte(strings.Repeat(zh, 6))
	out := Embed(doc, 0xc0ffee, nil, Params{})
	if !bytes.Equal(Remove(out), doc) {
		t.Fatal("Remove(Embed) != doc")
	}
	copies := Find(out)
	if len(copies) < 6 {
		t.Fatalf("%d copies in %d runes of Chinese", len(copies), utf8.RuneCount(doc))
	}
	for _, c := range copies {
		prev, _ := utf8.DecodeLastRune(out[:c.Start])
		if !strings.ContainsRune("。！？，、", prev) {
			t.Errorf("copy after %q", prev)
		}
	}
	// Every 200-character excerpt carries the ID.
	runes := []rune(string(out))
	for s := 0; s+200 <= len(runes); s += 7 {
		if d := Detect([]byte(string(runes[s : s+200]))); !d.Found || d.ID != 0xc0ffee {
			t.Fatalf("excerpt at %d: %+v", s, d)
		}
	}
}

// TestSelectorRichTextNoDetection: 2 MB of text dense with variation
// selectors that are not ours — emoji presentation selectors,
// ideographic variation sequences, random selector runs of 1–30 (many of
// exactly 14, some starting with our magic) — yields no copy.
func TestSelectorRichTextNoDetection(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var b bytes.Buffer
	for b.Len() < 2<<20 {
		switch rng.IntN(4) {
		case 0:
			b.WriteString("❤\uFE0F ☺\uFE0E 1\uFE0F\u20E3 ")
		case 1:
			b.WriteString("葛")
			b.WriteRune(0xE0100 + rune(rng.IntN(16)))
			b.WriteString("辻\U000E0100 ")
		case 2:
			n := 1 + rng.IntN(30)
			if rng.IntN(3) == 0 {
				n = RunLen
			}
			b.WriteString("word ")
			for i := 0; i < n; i++ {
				x := byte(rng.Uint32())
				if i == 0 && rng.IntN(2) == 0 {
					x = magicByte
				}
				if i == 1 && rng.IntN(2) == 0 {
					x = version
				}
				b.WriteRune(Selector(x))
			}
		default:
			b.WriteString("plain words between the marks. ")
		}
	}
	if c := Find(b.Bytes()); len(c) != 0 {
		t.Fatalf("%d false copies, first %+v", len(c), c[0])
	}
}
