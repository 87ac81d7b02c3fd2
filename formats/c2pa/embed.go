package c2pa

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
)

// Manifest describes the manifest Embed signs.
type Manifest struct {
	Title  string // dc:title, e.g. the file name
	Format string // MIME type of the asset
	// Generator is the claim generator (belgi and its version).
	Generator GeneratorInfo
	// Actions go into c2pa.actions.v2. The first must be c2pa.created or
	// c2pa.opened; for c2pa.opened Embed adds the parent ingredient and
	// points the action's parameters.ingredients at it.
	Actions []Action
	// Parent describes the asset that was opened (c2pa.opened); Embed
	// fills relationship and, with KeepProvenance, the earlier manifest.
	Parent *Ingredient
	// SoftBinding declares a watermark carried by the content.
	SoftBinding *SoftBinding
	// Training, when set, is written as cawg.training-mining.
	Training *TrainingMining
	// KeepProvenance keeps a manifest store that another generator signed:
	// its manifests stay in the store and its active manifest becomes the
	// parent ingredient. Without it (or when the earlier manifest is
	// belgi's own) the earlier store is replaced.
	KeepProvenance bool
}

// EmbedInfo says what Embed did.
type EmbedInfo struct {
	Label     string // our manifest's label (urn:c2pa:…)
	Replaced  string // claim generator of a store that was replaced, if any
	Kept      string // claim generator of a store kept as ingredient, if any
	StoreSize int    // bytes of the JUMBF manifest store
	Size      int64  // bytes written
}

// assertion is one assertion ready to be boxed.
type assertion struct {
	label   string
	payload []byte
	salt    []byte
}

func (a *assertion) box() *Box {
	b := NewSuperbox(TypeCBOR, a.label, cborBox(a.payload))
	b.Desc.Private = &Box{Type: "c2sh", Payload: a.salt}
	return b
}

func newAssertion(label string, v any) (*assertion, error) {
	p, err := encMode.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("c2pa: encode %s: %w", label, err)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	return &assertion{label: label, payload: p, salt: salt}, nil
}

func uuid4() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0F | 0x40
	b[8] = b[8]&0x3F | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Embed writes to w the content of r (size bytes, container c) with a new
// signed manifest store whose hard binding covers every other byte of the
// output. r is read twice (hash, then copy) and never held in memory, except
// an MP4's moov/moof boxes (patched for the shifted offsets) and text.
func Embed(ctx context.Context, w io.Writer, r io.ReaderAt, size int64, c Container, m *Manifest, s *Signer) (*EmbedInfo, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	if len(m.Actions) == 0 {
		return nil, errors.New("c2pa: manifest without actions")
	}
	l, err := scan(c, r, size)
	if err != nil {
		return nil, err
	}
	info := &EmbedInfo{}
	label := "urn:c2pa:" + uuid4()
	info.Label = label

	// An earlier store: replace ours, keep another's as the parent.
	var prior []*Box
	var parent *Ingredient
	if m.Parent != nil {
		p := *m.Parent
		parent = &p
	}
	if l.store != nil {
		old, _, perr := ParseJUMBF(l.store)
		gen := "unreadable manifest store"
		var active *Box
		if perr == nil && old.Desc != nil && old.Desc.Type == TypeStore {
			for _, ch := range old.Children {
				if ch.Desc != nil && (ch.Desc.Type == TypeManifest || ch.Desc.Type == TypeUpdate) {
					active = ch
				}
			}
			if active != nil {
				if cb := active.Child("c2pa.claim.v2"); cb != nil && cb.Content() != nil {
					if cl, err := ParseClaim(cb.Content().Payload); err == nil {
						gen, _ = cl.Generator()
					}
				} else if cb := active.Child("c2pa.claim"); cb != nil && cb.Content() != nil {
					if cl, err := ParseClaim(cb.Content().Payload); err == nil {
						gen, _ = cl.Generator()
					}
				}
			}
		}
		if m.KeepProvenance && active != nil && gen != m.Generator.Name {
			info.Kept = gen
			for _, ch := range old.Children {
				if ch.Desc != nil {
					prior = append(prior, ch)
				}
			}
			if parent == nil {
				parent = &Ingredient{Title: m.Title, Format: m.Format}
			}
			am, err := hashBytes("sha256", active.payloadBytes())
			if err != nil {
				return nil, err
			}
			parent.ActiveManifest = &HashedURI{URL: "self#jumbf=/c2pa/" + active.Label(), Hash: am}
			if sb := active.Child("c2pa.signature"); sb != nil {
				sh, _ := hashBytes("sha256", sb.payloadBytes())
				parent.ClaimSignature = &HashedURI{URL: "self#jumbf=/c2pa/" + active.Label() + "/c2pa.signature", Hash: sh}
			}
			parent.ValidationResults = map[string]any{"activeManifest": map[string]any{
				"success": []any{}, "informational": []any{}, "failure": []any{},
			}}
		} else {
			info.Replaced = gen
		}
	}

	// Assertions other than the hard binding.
	var pre []*assertion
	actions := append([]Action(nil), m.Actions...)
	if actions[0].Action == "c2pa.opened" {
		if parent == nil {
			parent = &Ingredient{Title: m.Title, Format: m.Format}
		}
		parent.Relationship = "parentOf"
		ing, err := newAssertion(LabelIngredient, parent)
		if err != nil {
			return nil, err
		}
		pre = append(pre, ing)
		h, _ := hashBytes("sha256", ing.box().payloadBytes())
		params := map[string]any{}
		for k, v := range actions[0].Parameters {
			params[k] = v
		}
		params["ingredients"] = []HashedURI{{URL: "self#jumbf=c2pa.assertions/" + LabelIngredient, Hash: h}}
		actions[0].Parameters = params
	}
	act, err := newAssertion(LabelActions, Actions{Actions: actions})
	if err != nil {
		return nil, err
	}
	var post []*assertion
	if m.SoftBinding != nil {
		a, err := newAssertion(LabelSoftBinding, m.SoftBinding)
		if err != nil {
			return nil, err
		}
		post = append(post, a)
	}
	if m.Training != nil {
		a, err := newAssertion(LabelTrainingMining, m.Training)
		if err != nil {
			return nil, err
		}
		post = append(post, a)
	}
	hardSalt := make([]byte, 16)
	_, _ = rand.Read(hardSalt)

	hardLabel := LabelDataHash
	bmffEx := []BMFFExclusion{
		{XPath: "/uuid", Data: []BMFFData{{Offset: 8, Value: bmffUUID}}},
		{XPath: "/ftyp"},
		{XPath: "/mfra"},
	}
	if c == BMFF {
		hardLabel = LabelBMFFHashV3
	}
	hardPayload := func(start, length int64, hash []byte) ([]byte, error) {
		if c == BMFF {
			return encMode.Marshal(BMFFHash{Exclusions: bmffEx, Alg: "sha256", Hash: hash, Name: "jumbf manifest"})
		}
		return encMode.Marshal(DataHash{
			Exclusions: []Exclusion{{Start: uint64(start), Length: uint64(length)}},
			Name:       "jumbf manifest", Alg: "sha256", Hash: hash, Pad: []byte{},
		})
	}
	instanceID := "xmp:iid:" + uuid4()
	// build assembles the store around the hard binding payload and the
	// COSE signature; it returns the store and the claim bytes.
	build := func(hard []byte, cose []byte) ([]byte, []byte, error) {
		all := append(append(append([]*assertion(nil), pre...), act, &assertion{label: hardLabel, payload: hard, salt: hardSalt}), post...)
		var boxes []*Box
		var refs []HashedURI
		for _, a := range all {
			b := a.box()
			h, _ := hashBytes("sha256", b.payloadBytes())
			boxes = append(boxes, b)
			refs = append(refs, HashedURI{URL: "self#jumbf=c2pa.assertions/" + a.label, Hash: h})
		}
		claim := Claim{
			InstanceID:         instanceID,
			ClaimGeneratorInfo: m.Generator,
			Signature:          "self#jumbf=/c2pa/" + label + "/c2pa.signature",
			CreatedAssertions:  refs,
			Title:              m.Title,
			Alg:                "sha256",
		}
		cb, err := encMode.Marshal(claim)
		if err != nil {
			return nil, nil, err
		}
		man := NewSuperbox(TypeManifest, label,
			NewSuperbox(TypeAssertions, "c2pa.assertions", boxes...),
			NewSuperbox(TypeClaim, "c2pa.claim.v2", cborBox(cb)),
			NewSuperbox(TypeSignature, "c2pa.signature", cborBox(cose)),
		)
		st := NewSuperbox(TypeStore, "c2pa", append(append([]*Box(nil), prior...), man)...)
		return st.Bytes(), cb, nil
	}

	// Reserve the signature's room: a placeholder of the final size.
	coseSize := 0
	ph, err := s.signClaim(ctx, nil, 0)
	if err != nil {
		return nil, err
	}
	coseSize = len(ph)
	if s.Timestamper != nil {
		coseSize += timestampReserve
		if ph, err = s.signClaim(ctx, nil, coseSize); err != nil {
			return nil, err
		}
	}

	// Fix the layout: the exclusion's length depends on the store's size,
	// whose CBOR depends on the exclusion; iterate to the fixed point.
	zero := make([]byte, 32)
	wl := l.wrapLen(0)
	var pieces []piece
	var start int64
	var store []byte
	var el int64 // exclusion length
	for i := 0; ; i++ {
		if i == 8 {
			return nil, errors.New("c2pa: manifest size does not settle")
		}
		if pieces, err = l.pieces(wl); err != nil {
			return nil, err
		}
		start = storeOffset(pieces, wl)
		el = wl
		if l.exclLen != nil && len(store) > 0 {
			el = l.exclLen(len(store))
		}
		hp, err := hardPayload(start, el, zero)
		if err != nil {
			return nil, err
		}
		if store, _, err = build(hp, ph); err != nil {
			return nil, err
		}
		n := l.wrapLen(len(store))
		if n != wl || (l.exclLen != nil && l.exclLen(len(store)) != el) {
			wl = n
			continue
		}
		break
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Hash the output as it will be written, with the placeholder store.
	out := &piecesReader{ctx: ctx, r: r, pieces: pieces, store: l.wrap(store)}
	outSize := out.size()
	var digest []byte
	if c == BMFF {
		digest, err = bmffHash("sha256", out, outSize, bmffEx, true)
	} else {
		digest, err = dataHash("sha256", out, outSize, []Exclusion{{Start: uint64(start), Length: uint64(el)}})
	}
	if err != nil {
		return nil, fmt.Errorf("c2pa: hash %s: %w", c, err)
	}
	hp, err := hardPayload(start, el, digest)
	if err != nil {
		return nil, err
	}
	_, claim, err := build(hp, ph)
	if err != nil {
		return nil, err
	}
	sig, err := s.signClaim(ctx, claim, coseSize)
	if err != nil {
		return nil, err
	}
	final, _, err := build(hp, sig)
	if err != nil {
		return nil, err
	}
	if len(final) != len(store) {
		return nil, fmt.Errorf("c2pa: store changed size after signing (%d, reserved %d)", len(final), len(store))
	}
	out.store = l.wrap(final)
	if int64(len(out.store)) != wl {
		return nil, fmt.Errorf("c2pa: store container is %d bytes, reserved %d", len(out.store), wl)
	}
	n, err := io.CopyBuffer(w, io.NewSectionReader(out, 0, outSize), make([]byte, copyBuf))
	info.StoreSize = len(final)
	info.Size = n
	if err != nil {
		return info, err
	}
	return info, nil
}

func storeOffset(pieces []piece, wl int64) int64 {
	off := int64(0)
	for _, p := range pieces {
		if p.store {
			return off
		}
		off += p.size(wl)
	}
	return off
}

// piecesReader presents the planned output as one io.ReaderAt.
type piecesReader struct {
	ctx    context.Context // checked on every read, so long hashes stop on cancel
	r      io.ReaderAt
	pieces []piece
	store  []byte
	starts []int64
}

func (p *piecesReader) size() int64 {
	p.starts = p.starts[:0]
	off := int64(0)
	for _, pc := range p.pieces {
		p.starts = append(p.starts, off)
		off += pc.size(int64(len(p.store)))
	}
	return off
}

func (p *piecesReader) ReadAt(b []byte, off int64) (int, error) {
	if p.ctx != nil {
		if err := p.ctx.Err(); err != nil {
			return 0, err
		}
	}
	if p.starts == nil {
		p.size()
	}
	n := 0
	for i, pc := range p.pieces {
		if len(b) == 0 {
			break
		}
		ps := p.starts[i]
		pn := pc.size(int64(len(p.store)))
		if off >= ps+pn || off < ps {
			continue
		}
		rel := off - ps
		k := int64(len(b))
		if k > pn-rel {
			k = pn - rel
		}
		var m int
		var err error
		switch {
		case pc.store:
			m = copy(b[:k], p.store[rel:])
		case pc.lit != nil:
			m = copy(b[:k], pc.lit[rel:])
		default:
			m, err = p.r.ReadAt(b[:k], pc.src.off+rel)
			if m < int(k) {
				if err == nil || err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return n + m, err
			}
		}
		n += m
		b = b[m:]
		off += int64(m)
	}
	if len(b) > 0 {
		return n, io.EOF
	}
	return n, nil
}
