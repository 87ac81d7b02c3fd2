package label

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/belgi/belgi/bench/extool"
	"github.com/belgi/belgi/formats"
	"github.com/belgi/belgi/formats/c2pa"
	"github.com/belgi/belgi/formats/c2pa/c2patest"
)

func c2paTestOptions(t testing.TB) (Options, []byte) {
	t.Helper()
	dc, err := c2pa.NewDevCredentials("belgi label test", time.Now(), 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var o Options
	if err := o.C2PA.LoadPEM(dc.LeafChain, dc.LeafKey); err != nil {
		t.Fatal(err)
	}
	return o, dc.CACert
}

type c2paCase struct {
	name   string
	format formats.Format
	data   []byte
}

// c2paCases are the shared sources whose format has a handler in this
// build (WAV and text join as their handlers land).
func c2paCases(t *testing.T) []c2paCase {
	dir := extool.Shared(t, "testdata/c2pa/sources")
	var out []c2paCase
	for _, f := range []struct {
		name string
		fm   formats.Format
	}{{"still.jpg", formats.JPEG}, {"still.png", formats.PNG}, {"tone.wav", formats.WAV}, {"clip.mp4", formats.MP4}} {
		if _, ok := handlers[f.fm]; !ok {
			t.Logf("%s: no %s handler in this build; skipped", f.name, f.fm)
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c2paCase{f.name, f.fm, b})
	}
	if _, ok := handlers[formats.Text]; ok {
		out = append(out, c2paCase{"note.txt", formats.Text, []byte("Бұл мәтінді жасанды интеллект жасады.\n")})
	}
	return out
}

func c2paApplyBytes(t *testing.T, in []byte, name string, l Label, o Options) ([]byte, Result) {
	t.Helper()
	o.Name = name
	var out bytes.Buffer
	// A plain reader (not a file): exercises the spooled input path.
	res, err := Apply(context.Background(), io.MultiReader(bytes.NewReader(in)), &out, l, o)
	if err != nil {
		t.Fatalf("Apply %s: %v", name, err)
	}
	return out.Bytes(), res
}

func verifyBytesWithAnchors(t *testing.T, b []byte, name string, anchors []byte) Report {
	t.Helper()
	rep, err := Verify(context.Background(), bytes.NewReader(b), VerifyOptions{Name: name, TrustAnchors: anchors})
	if err != nil {
		t.Fatalf("Verify %s: %v", name, err)
	}
	return rep
}

// TestApplyC2PA labels every supported source with metadata and a signed
// manifest, then checks Verify's c2pa report: trusted with the dev CA,
// valid (untrusted) without, the Label's source type and the signer; a
// second run replaces the manifest instead of stacking one.
func TestApplyC2PA(t *testing.T) {
	o, ca := c2paTestOptions(t)
	o.Layers = []Layer{LayerMetadata, LayerC2PA}
	l := Label{AISystem: "Test Diffusion", AIVersion: "2", TDM: TDMReserve}
	for _, tc := range c2paCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			out, res := c2paApplyBytes(t, tc.data, tc.name, l, o)
			if !slices.Contains(res.Layers, LayerC2PA) || res.Layers[len(res.Layers)-1] != LayerC2PA {
				t.Fatalf("layers %v: c2pa must be last", res.Layers)
			}
			rep := verifyBytesWithAnchors(t, out, tc.name, ca)
			c := rep.C2PA
			if !c.Present || c.State == nil || *c.State != "trusted" || len(c.Codes) != 0 {
				t.Fatalf("with anchors: %+v %v", c, c.Codes)
			}
			if c.DigitalSourceType == nil || *c.DigitalSourceType != Generated.URI() {
				t.Errorf("digital source type %v", c.DigitalSourceType)
			}
			if c.Signer == nil || *c.Signer != "belgi label test" {
				t.Errorf("signer %v", c.Signer)
			}
			rep = verifyBytesWithAnchors(t, out, tc.name, nil)
			if *rep.C2PA.State != "valid" || !slices.Equal(rep.C2PA.Codes, []string{c2pa.CodeCredentialUntrusted}) {
				t.Errorf("without anchors: %s %v", *rep.C2PA.State, rep.C2PA.Codes)
			}
			if !rep.Labelled {
				t.Error("not reported as labelled")
			}
			again, _ := c2paApplyBytes(t, out, tc.name, l, o)
			ct, _ := c2paContainer(tc.format)
			v, err := c2pa.Validate(bytes.NewReader(again), int64(len(again)), ct, c2pa.ValidateOptions{})
			if err != nil || v.Manifests != 1 || v.State != c2pa.StateValid {
				t.Fatalf("relabelled: %v %+v", err, v)
			}
			if !slices.Contains(v.Assertions, c2pa.LabelTrainingMining) {
				t.Errorf("TDM reserve but assertions %v", v.Assertions)
			}
		})
	}
}

// TestApplyC2PAReference: c2pa-rs agrees on what label writes, for
// generated and edited content.
func TestApplyC2PAReference(t *testing.T) {
	tool := c2patest.Tool(t, "label")
	o, ca := c2paTestOptions(t)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca, 0o644); err != nil {
		t.Fatal(err)
	}
	o.Layers = []Layer{LayerMetadata, LayerC2PA}
	for _, tc := range c2paCases(t) {
		if tc.format == formats.Text {
			continue // c2pa-rs 0.91 has no text reader
		}
		for _, kind := range []Kind{Generated, Edited} {
			if kind == Edited && tc.format != formats.PNG {
				continue // the opened/edited structure does not depend on the container
			}
			t.Run(tc.name+"/"+string(kind), func(t *testing.T) {
				t.Parallel() // each check is one node process
				l := Label{Source: kind, AISystem: "Test Diffusion"}
				out, _ := c2paApplyBytes(t, tc.data, tc.name, l, o)
				f := filepath.Join(dir, string(kind)+"-"+tc.name)
				if err := os.WriteFile(f, out, 0o644); err != nil {
					t.Fatal(err)
				}
				args := []string{}
				want := "valid-untrusted"
				if kind == Generated {
					args, want = []string{"--anchors", caFile}, "trusted"
				}
				r := c2patest.Verify(t, tool, f, args...)
				if r.Verdict != want || r.Active == nil || !slices.Contains(r.Active.DigitalSourceTypes, kind.URI()) {
					t.Fatalf("reference validator: %s %v\n%s", r.Verdict, r.FailureCodes, r.Raw)
				}
			})
		}
	}
}

// TestC2PAOnlyLayer: --layers c2pa signs the input as it is.
func TestC2PAOnlyLayer(t *testing.T) {
	o, ca := c2paTestOptions(t)
	o.Layers = []Layer{LayerC2PA}
	for _, tc := range c2paCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			out, res := c2paApplyBytes(t, tc.data, tc.name, Label{}, o)
			if !slices.Equal(res.Layers, []Layer{LayerC2PA}) {
				t.Fatalf("layers %v", res.Layers)
			}
			rep := verifyBytesWithAnchors(t, out, tc.name, ca)
			if *rep.C2PA.State != "trusted" {
				t.Fatalf("%+v", rep.C2PA)
			}
		})
	}
}

// TestC2PAOptionsErrors: bad PEM is an options error; no signer leaves the
// layer off by default and refuses it when asked for.
func TestC2PAOptionsErrors(t *testing.T) {
	var o Options
	if err := o.C2PA.LoadPEM([]byte("junk"), []byte("junk")); err == nil {
		t.Fatal("junk PEM accepted")
	}
	if o.wants(LayerC2PA) {
		t.Fatal("c2pa wanted without a signer")
	}
	dc, _ := c2pa.NewDevCredentials("", time.Now(), time.Hour)
	other, _ := c2pa.NewDevCredentials("", time.Now(), time.Hour)
	if err := o.C2PA.LoadPEM(dc.LeafChain, other.LeafKey); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("mismatched key: %v", err)
	}
}

// TestC2PAAfterAllLayers: with every default layer the manifest is written
// last (its hard binding covers the watermark, disclosure and metadata
// bytes) and declares the watermark as a soft binding.
func TestC2PAAfterAllLayers(t *testing.T) {
	o, ca := c2paTestOptions(t)
	cases := c2paCases(t)
	if _, ok := handlers[formats.WAV]; ok {
		cases = append(cases, c2paCase{"synth.wav", formats.WAV, synthWAV(8)})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Formats whose default layers fail without c2pa are not ours to test.
			if _, err := Apply(context.Background(), bytes.NewReader(tc.data), io.Discard, Label{}, Options{Name: tc.name}); err != nil {
				t.Skipf("default layers fail without c2pa: %v", err)
			}
			out, res := c2paApplyBytes(t, tc.data, tc.name, Label{}, o)
			if res.Layers[len(res.Layers)-1] != LayerC2PA {
				t.Fatalf("layers %v: c2pa not last", res.Layers)
			}
			ct, _ := c2paContainer(tc.format)
			anchors, _ := c2pa.ParseCertificatesPEM(ca)
			v, err := c2pa.Validate(bytes.NewReader(out), int64(len(out)), ct, c2pa.ValidateOptions{TrustAnchors: anchors})
			if err != nil || v.State != c2pa.StateTrusted {
				t.Fatalf("%v %+v", err, v)
			}
			if res.WatermarkID != "" {
				if len(v.SoftBindings) != 1 || v.SoftBindings[0].Values[0] != res.WatermarkID {
					t.Errorf("watermark %s, soft bindings %+v", res.WatermarkID, v.SoftBindings)
				}
			}
			// The other layers still read back after the manifest went in.
			rep := verifyBytesWithAnchors(t, out, tc.name, ca)
			if rep.C2PA.State == nil || *rep.C2PA.State != "trusted" {
				t.Errorf("report c2pa %+v", rep.C2PA)
			}
			if slices.Contains(res.Layers, LayerMetadata) && !rep.Metadata.Present {
				t.Error("metadata no longer found")
			}
			if res.WatermarkID != "" && (rep.Watermark.ID == nil || *rep.Watermark.ID != res.WatermarkID) {
				t.Errorf("watermark %s not detected after c2pa: %+v", res.WatermarkID, rep.Watermark)
			}
			// One changed byte in the media invalidates the manifest.
			bad := append([]byte(nil), out...)
			bad[len(bad)/2] ^= 0x20
			if r, err := Verify(context.Background(), bytes.NewReader(bad), VerifyOptions{Name: tc.name, TrustAnchors: ca}); err == nil && r.C2PA.Present {
				if *r.C2PA.State != "invalid" {
					t.Errorf("tampered: %s %v", *r.C2PA.State, r.C2PA.Codes)
				}
			}
			t.Logf("layers %v watermark %q", res.Layers, res.WatermarkID)
		})
	}
}

// synthWAV is seconds of 44.1 kHz 16-bit mono: a few tones and noise,
// enough for the audio watermark to embed.
func synthWAV(seconds int) []byte {
	const rate = 44100
	n := rate * seconds
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(1))
	le(uint32(rate))
	le(uint32(2 * rate))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(uint32(2 * n))
	seed := uint32(1)
	for i := 0; i < n; i++ {
		seed = seed*1664525 + 1013904223
		t := float64(i) / rate
		v := 0.2*math.Sin(2*math.Pi*220*t) + 0.15*math.Sin(2*math.Pi*660*t+1) + 0.1*math.Sin(2*math.Pi*1870*t) + 0.05*(float64(seed>>16)/32768-1)
		le(int16(v * 32767))
	}
	return b.Bytes()
}

// TestKeepProvenance: another issuer's manifest is replaced (with a
// warning) by default and kept as the parent ingredient with
// KeepProvenance.
func TestKeepProvenance(t *testing.T) {
	foreign, err := os.ReadFile(filepath.Join(extool.Shared(t, "testdata/c2pa/reference"), "ai-es256.png"))
	if err != nil {
		t.Fatal(err)
	}
	o, _ := c2paTestOptions(t)
	o.Layers = []Layer{LayerMetadata, LayerC2PA}
	for _, keep := range []bool{false, true} {
		o.C2PA.KeepProvenance = keep
		out, res := c2paApplyBytes(t, foreign, "ai.png", Label{Source: Edited}, o)
		v, err := c2pa.Validate(bytes.NewReader(out), int64(len(out)), c2pa.PNG, c2pa.ValidateOptions{})
		if err != nil || v.State != c2pa.StateValid {
			t.Fatalf("keep=%v: %v %+v", keep, err, v)
		}
		want, manifests := "replaced", 1
		if keep {
			want, manifests = "kept", 2
		}
		if v.Manifests != manifests || len(res.Warnings) == 0 || !strings.Contains(strings.Join(res.Warnings, " "), want) {
			t.Errorf("keep=%v: %d manifests, warnings %q", keep, v.Manifests, res.Warnings)
		}
	}
}
