package label

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/draw"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats/jpeg"
	"github.com/belgi/belgi/formats/png"
	"github.com/belgi/belgi/formats/xmp"
)

// imageFixtures are one file per image format, with where they come from.
func imageFixtures(t *testing.T) map[string]string {
	t.Helper()
	root := extool.RepoRoot(t)
	return map[string]string{
		"jpeg": filepath.Join(root, "testdata/sample.jpg"),
		"png":  filepath.Join(extool.Shared(t, "testdata/images"), "tux.png"),
		"webp": filepath.Join(root, "formats/webp/testdata/lossy.webp"),
		"gif":  filepath.Join(root, "formats/gif/testdata/anim.gif"),
	}
}

var metadataOnly = Options{Layers: []Layer{LayerMetadata}}

func labelFile(t *testing.T, src, dst string, l Label) Result {
	t.Helper()
	res, err := ApplyFile(context.Background(), src, dst, l, metadataOnly)
	if err != nil {
		t.Fatalf("label %s: %v", src, err)
	}
	return res
}

func exiftoolJSON(t *testing.T, et string, args ...string) map[string]any {
	t.Helper()
	out, err := exec.Command(et, append([]string{"-j", "-G1"}, args...)...).Output()
	if err != nil {
		t.Fatalf("exiftool %v: %v", args, err)
	}
	var v []map[string]any
	if err := json.Unmarshal(out, &v); err != nil || len(v) != 1 {
		t.Fatalf("exiftool json: %v\n%s", err, out)
	}
	return v[0]
}

// warnings returns exiftool's validation warnings, without the counts line.
func warnings(t *testing.T, et, file string) []string {
	t.Helper()
	out, _ := exec.Command(et, "-validate", "-warning", "-a", "-s3", file).Output()
	var w []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line != "" && line != "OK" && !strings.HasSuffix(line, "Warnings") && !strings.HasSuffix(line, "Warning") {
			w = append(w, line)
		}
	}
	sort.Strings(w)
	return w
}

// TestExiftoolReadsImageLabels: exiftool reads the IPTC digital source
// type, the kk and ru descriptions and CreatorTool back from every image
// format, and the raw XMP carries the IPTC 2025.1 and TDM properties
// exiftool 12.57 does not know. (TestValidateAllImages checks warnings.)
func TestExiftoolReadsImageLabels(t *testing.T) {
	et := extool.Need(t, "exiftool")
	dir := t.TempDir()
	for format, src := range imageFixtures(t) {
		t.Run(format, func(t *testing.T) {
			t.Parallel() // exiftool start-up dominates
			dst := filepath.Join(dir, filepath.Base(src))
			l := Label{AISystem: "Example Diffusion", AIVersion: "3.0", TDM: TDMReserve, Profile: ProfileEU, ContentID: "00112233445566ff"}
			labelFile(t, src, dst, l)
			v := exiftoolJSON(t, et, "-XMP-iptcExt:DigitalSourceType", "-XMP-dc:Description-kk", "-XMP-dc:Description-ru",
				"-XMP-dc:Description-en", "-XMP-xmp:CreatorTool", dst)
			want := map[string]string{
				"XMP-iptcExt:DigitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
				"XMP-dc:Description-kk":         "Жасанды интеллект көмегімен жасалған",
				"XMP-dc:Description-ru":         "Создано с использованием искусственного интеллекта",
				"XMP-dc:Description-en":         "Created with artificial intelligence",
				"XMP-xmp:CreatorTool":           "Example Diffusion 3.0",
			}
			for k, w := range want {
				if v[k] != w {
					t.Errorf("exiftool %s = %v; want %q", k, v[k], w)
				}
			}
			raw, err := exec.Command(et, "-xmp", "-b", dst).Output()
			if err != nil || len(raw) == 0 {
				t.Fatalf("exiftool -xmp -b: %v", err)
			}
			p, err := xmp.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct{ ns, local, want string }{
				{xmp.NSIptc4xmpExt, "AISystemUsed", "Example Diffusion"},
				{xmp.NSIptc4xmpExt, "AISystemVersionUsed", "3.0"},
				{xmp.NSPlus, "DataMining", "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING"},
				{xmp.NSTDM, "reservation", "1"},
				{xmp.NSBelgi, "ContentID", "00112233445566ff"},
			} {
				if got, _ := p.Text(c.ns, c.local); got != c.want {
					t.Errorf("raw XMP %s = %q; want %q", c.local, got, c.want)
				}
			}
			rep, err := VerifyFile(context.Background(), dst, VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Labelled || rep.Metadata.TDM == nil || *rep.Metadata.TDM != "reserve" || *rep.Metadata.ContentID != "00112233445566ff" {
				t.Errorf("verify: %+v", rep.Metadata)
			}
		})
	}
}

// decodePixels decodes an image (every frame of a GIF) into RGBA bytes.
func decodePixels(t *testing.T, b []byte) []byte {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	return rgba.Pix
}

// TestPixelsIdentical: labelling every shared test image, NDM_8901.jpg and
// the WebP/GIF fixtures leaves the decoded pixels as they were; the Canon
// EXIF segment of NDM_8901.jpg stays byte for byte.
func TestPixelsIdentical(t *testing.T) {
	dir := extool.Shared(t, "testdata/images")
	root := extool.RepoRoot(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	files = append(files, filepath.Join(root, "testdata/images/NDM_8901.jpg"))
	more, _ := filepath.Glob(filepath.Join(root, "formats/webp/testdata/*.webp"))
	files = append(files, more...)
	more, _ = filepath.Glob(filepath.Join(root, "formats/gif/testdata/*.gif"))
	files = append(files, more...)
	n := 0
	for _, src := range files {
		if !strings.Contains(".jpg.png.webp.gif", filepath.Ext(src)) || filepath.Ext(src) == "" {
			continue
		}
		n++
		t.Run(filepath.Base(src), func(t *testing.T) {
			in, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if _, err := Apply(context.Background(), bytes.NewReader(in), &out, Label{}, metadataOnly); err != nil {
				t.Fatal(err)
			}
			if filepath.Base(src) == "anim.webp" {
				return // no animated WebP decoder in Go; the chunk test covers it
			}
			if !bytes.Equal(decodePixels(t, in), decodePixels(t, out.Bytes())) {
				t.Fatal("decoded pixels differ")
			}
			if filepath.Ext(src) == ".jpg" {
				a, _ := jpeg.ReadMetadata(bytes.NewReader(in))
				b, _ := jpeg.ReadMetadata(bytes.NewReader(out.Bytes()))
				if a.EXIF != nil && !bytes.Equal(a.EXIF, b.EXIF) {
					t.Fatal("EXIF segment changed")
				}
			}
		})
	}
	if n < 16 {
		t.Fatalf("only %d images found", n)
	}
}

// foreignFixtures returns files whose XMP exiftool wrote with properties
// of its own (dc:creator, dc:subject, photoshop:Credit).
func foreignFixtures(t *testing.T, et, dir string) []string {
	root := extool.RepoRoot(t)
	var files []string
	for _, src := range []string{filepath.Join(root, "testdata/sample.jpg"), filepath.Join(extool.Shared(t, "testdata/images"), "tux.png")} {
		dst := filepath.Join(dir, "foreign-"+filepath.Base(src))
		out, err := exec.Command(et, "-q", "-o", dst, "-XMP-dc:Creator=Jane Roe", "-XMP-dc:Subject=alpha",
			"-XMP-photoshop:Credit=Desk", "-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture", src).CombinedOutput()
		if err != nil {
			t.Fatalf("exiftool: %v %s", err, out)
		}
		files = append(files, dst)
	}
	return append(files, filepath.Join(root, "formats/webp/testdata/foreign-xmp.webp"), filepath.Join(root, "formats/gif/testdata/foreign-xmp.gif"))
}

// TestForeignXMPSurvivesAndIdempotent: foreign XMP properties survive, and
// labelling twice leaves one packet with one DigitalSourceType.
func TestForeignXMPSurvivesAndIdempotent(t *testing.T) {
	et := extool.Need(t, "exiftool")
	dir := t.TempDir()
	for _, src := range foreignFixtures(t, et, dir) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			t.Parallel()
			once := filepath.Join(dir, "once-"+filepath.Base(src))
			twice := filepath.Join(dir, "twice-"+filepath.Base(src))
			labelFile(t, src, once, Label{AISystem: "A"})
			labelFile(t, once, twice, Label{AISystem: "B"})
			v := exiftoolJSON(t, et, "-XMP:all", twice)
			if v["XMP-dc:Creator"] != "Jane Roe" || v["XMP-photoshop:Credit"] != "Desk" || v["XMP-dc:Subject"] != "alpha" {
				t.Errorf("foreign XMP lost: %v", v)
			}
			if v["XMP-iptcExt:DigitalSourceType"] != IPTCBase+"trainedAlgorithmicMedia" {
				t.Errorf("DST = %v", v["XMP-iptcExt:DigitalSourceType"])
			}
			b, _ := os.ReadFile(twice)
			if n := bytes.Count(b, []byte("<?xpacket begin")); n != 1 {
				t.Errorf("%d XMP packets", n)
			}
			if n := bytes.Count(b, []byte("<Iptc4xmpExt:DigitalSourceType")); n != 1 {
				t.Errorf("%d DigitalSourceType properties", n)
			}
			raw, _ := exec.Command(et, "-xmp", "-b", twice).Output()
			p, err := xmp.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := p.Text(xmp.NSIptc4xmpExt, "AISystemUsed"); got != "B" {
				t.Errorf("AISystemUsed = %q", got)
			}
		})
	}
}

// TestExtendedXMP: a JPEG whose merged packet outgrows one segment is
// split into Extended XMP that exiftool reassembles (it checks the GUID).
func TestExtendedXMP(t *testing.T) {
	et := extool.Need(t, "exiftool")
	p := xmp.New()
	// exiftool reads at most 1000 list items without -m: 900 long ones.
	items := make([]string, 900)
	for i := range items {
		items[i] = "keyword number " + strings.Repeat("x", 100+i%20)
	}
	p.SetBag(xmp.NSDC, "subject", items)
	p.SetText(xmp.NSPhotoshop, "Credit", "Desk")
	src, err := os.ReadFile(filepath.Join(extool.RepoRoot(t), "testdata/sample.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	var in bytes.Buffer
	main, ext, err := p.SplitExtended(jpeg.MaxXMP, xmp.MarshalOptions{}, nil)
	if err != nil || ext == nil {
		t.Fatalf("split: %v (ext %d bytes)", err, len(ext))
	}
	if err := jpeg.Rewrite(bytes.NewReader(src), &in, func(*jpeg.Metadata) (jpeg.Edit, error) {
		return jpeg.Edit{XMP: main, ExtendedXMP: ext}, nil
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dst := filepath.Join(dir, "ext.jpg")
	if err := os.WriteFile(filepath.Join(dir, "in.jpg"), in.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	labelFile(t, filepath.Join(dir, "in.jpg"), dst, Label{AISystem: "Big"})
	v := exiftoolJSON(t, et, "-XMP:all", dst)
	subj, _ := v["XMP-dc:Subject"].([]any)
	if len(subj) != 900 || v["XMP-photoshop:Credit"] != "Desk" || v["XMP-iptcExt:DigitalSourceType"] == nil {
		t.Fatalf("exiftool: %d subjects, credit %v, DST %v", len(subj), v["XMP-photoshop:Credit"], v["XMP-iptcExt:DigitalSourceType"])
	}
	if w := warnings(t, et, dst); len(w) > 0 {
		t.Errorf("exiftool warns: %v", w)
	}
	rep, err := VerifyFile(context.Background(), dst, VerifyOptions{})
	if err != nil || !rep.Labelled || *rep.Metadata.AISystem != "Big" {
		t.Fatalf("verify: %v %+v", err, rep.Metadata)
	}
}

// TestVerifyOtherGenerators: markers written by other tools are found.
func TestVerifyOtherGenerators(t *testing.T) {
	base, err := os.ReadFile(filepath.Join(extool.Shared(t, "testdata/images"), "tux.png"))
	if err != nil {
		t.Fatal(err)
	}
	withText := func(key, text string) []byte {
		var out bytes.Buffer
		err := png.Rewrite(bytes.NewReader(base), &out, png.Edit{Insert: []png.RawChunk{{Type: "tEXt", Data: []byte(key + "\x00" + text)}}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	withXMP := func(file string) []byte {
		b, err := os.ReadFile(filepath.Join(extool.RepoRoot(t), "formats/xmp/testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := png.InsertXMP(bytes.NewReader(base), &out, b); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	tests := []struct {
		name     string
		file     []byte
		source   string
		labelled bool
	}{
		{"a1111", withText("parameters", "a cat\nSteps: 20, Sampler: Euler"), "png:parameters", true},
		{"comfyui", withText("prompt", `{"3":{"class_type":"KSampler"}}`), "png:prompt", true},
		{"invokeai", withText("invokeai_metadata", "{}"), "png:invokeai_metadata", true},
		{"novelai", withText("Software", "NovelAI"), "png:Software", true},
		{"midjourney", withText("Description", "a cat --ar 2:3 Job ID: 0f1e2d3c"), "png:Description", true},
		{"google https", withXMP("google.xmp"), "xmp:DigitalSourceType", true},
		{"tc260", withXMP("tc260.xmp"), "tc260:AIGC", true},
		{"camera", withXMP("exiftool.xmp"), "xmp:DigitalSourceType", false},
		{"plain", base, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Verify(context.Background(), bytes.NewReader(tc.file), VerifyOptions{Name: "x.png"})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Labelled != tc.labelled {
				t.Errorf("labelled = %v; report %+v", rep.Labelled, rep.Metadata)
			}
			if tc.source != "" && !contains(rep.Metadata.Sources, tc.source) {
				t.Errorf("sources %v lack %s", rep.Metadata.Sources, tc.source)
			}
		})
	}
}

// TestStreamsAndCorrupt: a plain stream (no random access) is labelled
// like a file; corrupt inputs fail with ErrCorrupt and a message naming
// the format.
func TestStreamsAndCorrupt(t *testing.T) {
	for format, src := range imageFixtures(t) {
		t.Run(format, func(t *testing.T) {
			in, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if _, err := Apply(context.Background(), onlyReader{bytes.NewReader(in)}, &out, Label{}, metadataOnly); err != nil {
				t.Fatal(err)
			}
			rep, err := Verify(context.Background(), onlyReader{bytes.NewReader(out.Bytes())}, VerifyOptions{})
			if err != nil || !rep.Labelled {
				t.Fatalf("verify stream: %v %+v", err, rep)
			}
			cut := in[:len(in)*2/3]
			if format == "jpeg" {
				cut = in[:200] // inside the header segments: JPEG scan data is not parsed
			}
			_, err = Apply(context.Background(), bytes.NewReader(cut), &bytes.Buffer{}, Label{}, metadataOnly)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), format) {
				t.Fatalf("truncated: err = %v", err)
			}
			_, err = Verify(context.Background(), bytes.NewReader(cut), VerifyOptions{})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("verify truncated: err = %v", err)
			}
		})
	}
}

type onlyReader struct{ r *bytes.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestLayersForImages(t *testing.T) {
	for _, f := range imageFormats {
		layers := LayersFor(f)
		if len(layers) == 0 || !containsLayer(layers, LayerMetadata) {
			t.Errorf("%s: layers %v", f, layers)
		}
	}
}

func containsLayer(ls []Layer, l Layer) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

// TestPipeInput: stdin is an *os.File whose ReadAt fails; it must be read
// as a stream (regression: "read /dev/stdin: illegal seek").
func TestPipeInput(t *testing.T) {
	in, err := os.ReadFile(imageFixtures(t)["png"])
	if err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { pw.Write(in); pw.Close() }()
	defer pr.Close()
	var out bytes.Buffer
	if _, err := Apply(context.Background(), pr, &out, Label{}, metadataOnly); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(context.Background(), bytes.NewReader(out.Bytes()), VerifyOptions{})
	if err != nil || !rep.Labelled {
		t.Fatalf("%v %+v", err, rep)
	}
}

// validateAll runs one exiftool -validate over files and returns each
// file's warnings (sorted), by base name.
func validateAll(t *testing.T, et string, files []string) map[string]string {
	t.Helper()
	out, _ := exec.Command(et, append([]string{"-validate", "-warning", "-a", "-s3"}, files...)...).Output()
	res := map[string]string{}
	cur := ""
	var lines []string
	flush := func() {
		if cur != "" {
			sort.Strings(lines)
			res[cur] = strings.Join(lines, "|")
		}
		lines = nil
	}
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "======== "):
			flush()
			cur = filepath.Base(strings.TrimPrefix(line, "======== "))
		case line == "", line == "OK", strings.HasSuffix(line, "image files read"),
			strings.Contains(line, "Warnings"), strings.HasSuffix(line, " Warning"):
		default:
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	flush()
	return res
}

// TestValidateAllImages: for every shared test image, NDM_8901.jpg and the
// WebP and GIF fixtures, exiftool -validate finds no warning in the
// labelled file that the input did not have (two exiftool runs in all).
func TestValidateAllImages(t *testing.T) {
	et := extool.Need(t, "exiftool")
	root := extool.RepoRoot(t)
	files, _ := filepath.Glob(filepath.Join(extool.Shared(t, "testdata/images"), "*.*"))
	webps, _ := filepath.Glob(filepath.Join(root, "formats/webp/testdata/*.webp"))
	gifs, _ := filepath.Glob(filepath.Join(root, "formats/gif/testdata/*.gif"))
	files = append(append(append(files, webps...), gifs...), filepath.Join(root, "testdata/images/NDM_8901.jpg"))
	var inputs, outputs []string
	dir := t.TempDir()
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".jpg" && ext != ".png" && ext != ".webp" && ext != ".gif" {
			continue
		}
		dst := filepath.Join(dir, filepath.Base(f))
		labelFile(t, f, dst, Label{AISystem: "X"})
		inputs, outputs = append(inputs, f), append(outputs, dst)
	}
	before, after := validateAll(t, et, inputs), validateAll(t, et, outputs)
	if len(after) != len(outputs) {
		t.Fatalf("exiftool reported %d of %d files", len(after), len(outputs))
	}
	for name, w := range after {
		if w != before[name] {
			t.Errorf("%s: warnings %q → %q", name, before[name], w)
		}
	}
}
