package png

import (
	"fmt"
	"io"
)

// Carrying chunks over a re-encode: an encoder (image/png) writes IHDR,
// PLTE, tRNS, IDAT and IEND only. CarryChunks puts the source's other
// chunks back where the PNG specification allows them.

// CarryDecision says what happens to one source chunk on a re-encode.
type CarryDecision int

const (
	// CarryChunk copies the chunk.
	CarryChunk CarryDecision = iota
	// DropEncoded leaves out a chunk the encoder writes itself or that
	// describes the old pixel encoding (IHDR, PLTE, tRNS, IDAT, IEND, sBIT,
	// hIST, bKGD).
	DropEncoded
	// DropUnsafe leaves out an unknown chunk whose safe-to-copy bit is
	// clear: the specification forbids copying it once the image data
	// changed. APNG animation chunks are dropped this way too, because the
	// re-encode keeps the default image only.
	DropUnsafe
)

// knownAncillary are chunks whose meaning survives new pixel data even
// though some have the safe-to-copy bit clear (iCCP, sRGB, gAMA, cHRM,
// pHYs and friends describe colour space and geometry, not the encoding).
var knownAncillary = map[string]bool{
	"iCCP": true, "sRGB": true, "gAMA": true, "cHRM": true, "cICP": true, "mDCV": true, "mDCv": true,
	"cLLI": true, "cLLi": true, "pHYs": true, "sPLT": true, "tIME": true, "tEXt": true, "zTXt": true,
	"iTXt": true, "eXIf": true, "oFFs": true, "pCAL": true, "sCAL": true, "sTER": true, "caBX": true,
}

// CarryRule is the default decision for a source chunk.
func CarryRule(typ string) CarryDecision {
	switch typ {
	case "IHDR", "PLTE", "tRNS", "IDAT", "IEND", "sBIT", "hIST", "bKGD":
		return DropEncoded
	case "acTL", "fcTL", "fdAT":
		return DropUnsafe
	}
	if knownAncillary[typ] {
		return CarryChunk
	}
	if len(typ) == 4 && typ[0] >= 'a' && typ[0] <= 'z' && typ[3] >= 'a' && typ[3] <= 'z' {
		return CarryChunk // ancillary and safe to copy
	}
	return DropUnsafe
}

// maxCarried bounds the metadata held in memory while carrying.
const maxCarried = 256 << 20

// CarryChunks writes encoded (a complete PNG from an encoder) to w with the
// chunks of src that keep (nil: CarryRule) accepts: those before src's
// PLTE (or first IDAT) go after IHDR, those between PLTE and IDAT before
// the first IDAT, those after the image data before IEND. The image data of
// encoded is streamed; src's is skipped.
func CarryChunks(src, encoded io.Reader, w io.Writer, keep func(typ string) CarryDecision) error {
	if keep == nil {
		keep = CarryRule
	}
	var early, mid, late []RawChunk
	where := 0 // 0 before PLTE/IDAT, 1 after PLTE, 2 after IDAT
	total := 0
	err := Walk(src, func(r *Reader, c Chunk) error {
		switch c.Type {
		case "PLTE":
			where = max(where, 1)
		case "IDAT":
			where = 2
		}
		if keep(c.Type) != CarryChunk {
			return nil
		}
		total += int(c.Length)
		if total > maxCarried {
			return fmt.Errorf("%w: more than %d bytes of chunks to carry", ErrCorrupt, maxCarried)
		}
		d, err := r.Data(maxCarried)
		if err != nil {
			return err
		}
		rc := RawChunk{Type: c.Type, Data: d}
		switch where {
		case 0:
			early = append(early, rc)
		case 1:
			mid = append(mid, rc)
		default:
			late = append(late, rc)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("png: source: %w", err)
	}
	rd, err := NewReader(encoded)
	if err != nil {
		return fmt.Errorf("png: encoded: %w", err)
	}
	if _, err := io.WriteString(w, Signature); err != nil {
		return err
	}
	write := func(cs []RawChunk) error {
		for _, c := range cs {
			if err := WriteChunk(w, c.Type, c.Data); err != nil {
				return err
			}
		}
		return nil
	}
	seenIDAT := false
	for {
		c, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("png: encoded: %w", err)
		}
		switch {
		case c.Type == "IDAT" && !seenIDAT:
			seenIDAT = true
			if err := write(mid); err != nil {
				return err
			}
		case c.Type == "IEND":
			if err := write(late); err != nil {
				return err
			}
		}
		if err := rd.CopyTo(w); err != nil {
			return fmt.Errorf("png: encoded: %w", err)
		}
		if c.Type == "IHDR" {
			if err := write(early); err != nil {
				return err
			}
		}
	}
}
