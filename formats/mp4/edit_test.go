package mp4

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
)

const testXMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`

func testEdit(qt bool) Edit {
	text := "Жасанды интеллект көмегімен жасалған\nСоздано с использованием искусственного интеллекта"
	return Edit{
		XMP: []byte(testXMP), XMPInUdta: qt,
		QuickTimeKeys:  map[string]string{"com.apple.quicktime.description": text},
		QuickTimeOrder: []string{"com.apple.quicktime.description"},
		ITunes:         map[string]string{ItemComment: text},
		ITunesOrder:    []string{ItemComment},
		TextTracks: []TextTrack{
			{Text: text, Language: "kaz", Name: "belgi disclosure", Default: true, Forced: true},
			{Text: text, Language: "rus", Name: "belgi disclosure"},
		},
		Owner: "belgi",
	}
}

func fixtures(t *testing.T) []string {
	dir := extool.Shared(t, "testdata/video")
	files, _ := filepath.Glob(filepath.Join(dir, "*.mp4"))
	mov, _ := filepath.Glob(filepath.Join(dir, "*.mov"))
	return append(files, mov...)
}

func applyFile(t *testing.T, src, dst string, e Edit) {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := Apply(context.Background(), f, st.Size(), out, e); err != nil {
		t.Fatalf("Apply %s: %v", filepath.Base(src), err)
	}
}

func framemd5(t *testing.T, file string, streams int) string {
	t.Helper()
	// -copyts: ffmpeg otherwise shifts timestamps by the file's start time,
	// which the text track (starting at 0) can change.
	args := []string{"-v", "error", "-copyts", "-i", file}
	for i := 0; i < streams; i++ {
		args = append(args, "-map", "0:"+string(rune('0'+i)))
	}
	args = append(args, "-c", "copy", "-f", "framemd5", "-")
	out, err := exec.Command("ffmpeg", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg framemd5 %s: %v\n%s", file, err, out)
	}
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(l, "#") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func streamCount(t *testing.T, file string) int {
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=index", "-of", "csv=p=0", file).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", file, err, out)
	}
	return len(strings.Fields(string(out)))
}

func decodes(file string) bool {
	return exec.Command("ffmpeg", "-v", "error", "-i", file, "-map", "0", "-f", "null", "-").Run() == nil
}

// TestApplyFixtures labels every shared fixture twice and checks with
// ffprobe/ffmpeg that the media is untouched and the text track is there.
func TestApplyFixtures(t *testing.T) {
	extool.Need(t, "ffmpeg")
	for _, src := range fixtures(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			t.Parallel()
			f, _ := os.Open(src)
			st, _ := f.Stat()
			boxes, _ := ScanTop(f, st.Size())
			qt := IsQuickTime(f, boxes)
			f.Close()
			dir := t.TempDir()
			once := filepath.Join(dir, "once"+filepath.Ext(src))
			twice := filepath.Join(dir, "twice"+filepath.Ext(src))
			applyFile(t, src, once, testEdit(qt))
			applyFile(t, once, twice, testEdit(qt))
			if decodes(src) { // sample_qt.mov has no sample data to point at
				checkOffsets(t, once)
				checkOffsets(t, twice)
			}
			a, _ := os.ReadFile(once)
			b, _ := os.ReadFile(twice)
			if len(a) != len(b) {
				t.Errorf("relabelling changed the size: %d → %d", len(a), len(b))
			}
			for _, out := range []string{once, twice} {
				g, _ := os.Open(out)
				st, _ := g.Stat()
				info, err := Read(g, st.Size())
				g.Close()
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
				if !bytes.Equal(info.XMP, []byte(testXMP)) {
					t.Errorf("XMP not read back (in %q)", info.XMPIn)
				}
				n := 0
				for _, tt := range info.TextTracks {
					if strings.HasPrefix(tt.Name, "belgi") {
						n++
						if !strings.Contains(tt.Text, "Жасанды") {
							t.Errorf("text track %d text %q", tt.ID, tt.Text)
						}
					}
				}
				if n != 2 {
					t.Errorf("%d belgi text tracks, want 2", n)
				}
			}
			if !decodes(src) {
				return
			}
			ns := streamCount(t, src)
			if got, want := framemd5(t, twice, ns), framemd5(t, src, ns); got != want {
				t.Errorf("framemd5 differs after labelling")
			}
		})
	}
}

// checkOffsets checks that every absolute offset in a file lands where it
// should: tfra entries on a moof box, tfhd base offsets and chunk offsets
// inside an mdat payload.
func checkOffsets(t *testing.T, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	boxes, err := ScanTop(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	inMdat := func(off int64) bool {
		for _, x := range boxes {
			if x.Type == "mdat" && off >= x.PayloadOffset() && off < x.End() {
				return true
			}
		}
		return false
	}
	isMoof := func(off int64) bool {
		for _, x := range boxes {
			if x.Type == "moof" && x.Offset == off {
				return true
			}
		}
		return false
	}
	checked := 0
	for _, x := range boxes {
		if x.Type != "moov" && x.Type != "moof" && x.Type != "mfra" {
			continue
		}
		n, err := ParseNode(b[x.Offset:x.End()])
		if err != nil {
			t.Fatal(err)
		}
		n.Walk(func(c *Node) {
			d := c.Data
			switch c.Type {
			case "stco", "co64":
				w := 4
				if c.Type == "co64" {
					w = 8
				}
				for i := 0; i < int(beU32(d[4:8])); i++ {
					var off int64
					if w == 4 {
						off = int64(beU32(d[8+4*i:]))
					} else {
						off = int64(binary.BigEndian.Uint64(d[8+8*i:]))
					}
					if !inMdat(off) {
						t.Errorf("%s entry %d: offset %d is not in an mdat", c.Type, i, off)
						return
					}
					checked++
				}
			case "tfhd":
				if d[3]&1 != 0 {
					if off := int64(binary.BigEndian.Uint64(d[8:16])); !isMoof(off) && !inMdat(off) {
						t.Errorf("tfhd base offset %d points nowhere", off)
					}
					checked++
				}
			case "tfra":
				if d[0] != 1 {
					t.Skip("tfra v0 not checked")
				}
				sizes := beU32(d[8:12])
				entry := 16 + int((sizes>>4)&3+1+(sizes>>2)&3+1+sizes&3+1)
				for i := 0; i < int(beU32(d[12:16])); i++ {
					if off := int64(binary.BigEndian.Uint64(d[16+i*entry+8:])); !isMoof(off) {
						t.Errorf("tfra entry %d: offset %d is not a moof", i, off)
					}
					checked++
				}
			}
		})
	}
	if checked == 0 {
		t.Errorf("no offsets checked")
	}
}
