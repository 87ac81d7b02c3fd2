package label

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/belgi/belgi/formats"
	"github.com/belgi/belgi/formats/c2pa"
	"github.com/belgi/belgi/label/disclosure"
)

// The C2PA manifest is written last: the handler writes every other layer
// into a temporary file, then formats/c2pa places a store of its final
// size, hashes the output around it, signs, and streams the result. So the
// hard binding covers every byte the other layers wrote.

// c2paContainer maps a belgi format to where its manifest goes.
func c2paContainer(f formats.Format) (c2pa.Container, bool) {
	switch f {
	case formats.JPEG:
		return c2pa.JPEG, true
	case formats.PNG:
		return c2pa.PNG, true
	case formats.WAV, formats.WebP:
		return c2pa.RIFF, true
	case formats.MP4, formats.MOV:
		return c2pa.BMFF, true
	case formats.Text, formats.Markdown:
		// Unstructured text only: the wrapper after a JSON or HTML document
		// would make it invalid.
		return c2pa.Text, true
	}
	return 0, false
}

// c2paSupports reports whether a C2PA manifest can be embedded in f.
func c2paSupports(f formats.Format) bool {
	_, ok := c2paContainer(f)
	return ok
}

// generatorVersion is belgi's module version for claim_generator_info.
func generatorVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// c2paManifest builds what the manifest declares from the Label and what
// the other layers did.
func c2paManifest(j *Job) *c2pa.Manifest {
	l := j.Label
	title := filepath.Base(j.In.Name)
	if j.In.Name == "" || title == "." || title == "-" {
		title = "content"
	}
	m := &c2pa.Manifest{
		Title:          title,
		Format:         j.In.Format.MIMEType(),
		Generator:      c2pa.GeneratorInfo{Name: "belgi", Version: generatorVersion()},
		KeepProvenance: j.Opts.C2PA.KeepProvenance,
	}
	var agent *c2pa.GeneratorInfo
	if l.AISystem != "" {
		agent = &c2pa.GeneratorInfo{Name: l.AISystem, Version: l.AIVersion}
	}
	when := ""
	if !l.Created.IsZero() {
		when = l.Created.UTC().Format(time.RFC3339)
	}
	uri := l.Source.URI()
	if l.Source.Disclosure() == disclosure.Generated {
		m.Actions = []c2pa.Action{{Action: "c2pa.created", DigitalSourceType: uri, SoftwareAgent: agent, When: when}}
	} else {
		// Edited or composite: the asset was opened (c2pa-rs wants a
		// parentOf ingredient behind c2pa.opened; Embed adds it) and then
		// changed with AI.
		m.Actions = []c2pa.Action{
			{Action: "c2pa.opened"},
			{Action: "c2pa.edited", DigitalSourceType: uri, SoftwareAgent: agent, When: when},
		}
	}
	if j.Result.WatermarkID != "" {
		alg := j.Result.WatermarkAlgorithm
		if alg == "" {
			alg = "belgi.watermark"
		}
		m.SoftBinding = &c2pa.SoftBinding{
			Alg:    alg,
			Blocks: []c2pa.SoftBindingBlock{{Scope: map[string]any{}, Value: j.Result.WatermarkID}},
			Pad:    []byte{},
		}
	}
	if l.TDM == TDMReserve {
		t := c2pa.ReservedTraining()
		m.Training = &t
	}
	return m
}

// applyWithC2PA runs the handler into a temporary file, then embeds and
// signs a manifest whose hard binding covers the handler's output.
func applyWithC2PA(ctx context.Context, h handler, j *Job, out io.Writer) error {
	container, _ := c2paContainer(j.In.Format)
	signer, err := j.Opts.C2PA.signer()
	if err != nil {
		return fmt.Errorf("%w: c2pa: %v", ErrInvalidOptions, err)
	}
	var src io.ReaderAt
	var size int64
	if len(j.Layers) > 0 {
		tmp, err := os.CreateTemp("", ".belgi-c2pa-*")
		if err != nil {
			return err
		}
		// Unlinked at once: the bytes vanish with the descriptor, even
		// when the process is killed.
		os.Remove(tmp.Name())
		defer tmp.Close()
		j.Out = tmp
		if err := h.apply(ctx, j); err != nil {
			return err
		}
		st, err := tmp.Stat()
		if err != nil {
			return err
		}
		src, size = tmp, st.Size()
	} else {
		if src, size, err = j.In.ReaderAt(); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	info, err := c2pa.Embed(ctx, out, src, size, container, c2paManifest(j), signer)
	if err != nil {
		if errors.Is(err, c2pa.ErrCorrupt) {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return err
	}
	if info.Replaced != "" && info.Replaced != "belgi" {
		j.Result.Warnings = append(j.Result.Warnings, fmt.Sprintf("replaced a C2PA manifest by %q (use --keep-provenance to keep it as an ingredient)", info.Replaced))
	}
	if info.Kept != "" {
		j.Result.Warnings = append(j.Result.Warnings, fmt.Sprintf("kept the C2PA manifest by %q as the parent ingredient", info.Kept))
	}
	j.Result.addLayer(LayerC2PA)
	return nil
}

// verifyC2PA validates an embedded manifest, if any.
func verifyC2PA(ctx context.Context, in *Input, o *VerifyOptions, rep *Report) error {
	container, ok := c2paContainer(in.Format)
	if !ok {
		return nil
	}
	ra, size, err := in.ReaderAt()
	if err != nil {
		return err
	}
	var vo c2pa.ValidateOptions
	if len(o.TrustAnchors) > 0 {
		certs, err := c2pa.ParseCertificatesPEM(o.TrustAnchors)
		if err != nil {
			return fmt.Errorf("%w: trust anchors: %v", ErrInvalidOptions, err)
		}
		vo.TrustAnchors = certs
	}
	for _, s := range o.AllowedEKUs {
		oid, err := c2pa.ParseOID(s)
		if err != nil {
			return fmt.Errorf("%w: allowed EKUs: %v", ErrInvalidOptions, err)
		}
		vo.ExtraEKUs = append(vo.ExtraEKUs, oid)
	}
	v, err := c2pa.Validate(ra, size, container, vo)
	switch {
	case errors.Is(err, c2pa.ErrNoManifest):
		return nil
	case err != nil:
		// The container itself is damaged: other layers already said so
		// or will; note it here without failing the whole report.
		rep.Warnings = append(rep.Warnings, "c2pa: "+err.Error())
		return nil
	}
	rep.C2PA.Present = true
	state := map[string]string{c2pa.StateTrusted: "trusted", c2pa.StateValid: "valid", c2pa.StateInvalid: "invalid"}[v.State]
	rep.C2PA.State = strp(state)
	rep.C2PA.Codes = v.FailureCodes()
	if v.Signer != "" {
		rep.C2PA.Signer = strp(v.Signer)
	}
	if len(v.DigitalSourceTypes) > 0 {
		// What the manifest declares, even when it no longer validates:
		// State says how far to trust it.
		rep.C2PA.DigitalSourceType = strp(NormalizeSourceType(v.DigitalSourceTypes[len(v.DigitalSourceTypes)-1]))
	}
	return nil
}
