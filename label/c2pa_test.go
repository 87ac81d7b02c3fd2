package label

import (
	"bytes"
	"context"
	"io"
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

func applyBytes(t *testing.T, in []byte, name string, l Label, o Options) ([]byte, Result) {
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
			out, res := applyBytes(t, tc.data, tc.name, l, o)
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
			again, _ := applyBytes(t, out, tc.name, l, o)
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
				l := Label{Source: kind, AISystem: "Test Diffusion"}
				out, _ := applyBytes(t, tc.data, tc.name, l, o)
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
			out, res := applyBytes(t, tc.data, tc.name, Label{}, o)
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
