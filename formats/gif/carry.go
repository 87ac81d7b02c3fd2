package gif

import (
	"bytes"
	"fmt"
	"io"
)

// Carrying metadata over a re-encode: image/gif writes the header, a
// NETSCAPE2.0 loop extension, graphic control extensions and images only.
// CarryExtensions puts the source's application extensions (XMP, ICC,
// C2PA, others) and comments back, before the first image.

// carryBlock reports whether a source block is metadata to keep: comments
// and application extensions other than the loop count (the encoder writes
// its own). Graphic control and plain-text extensions and images belong to
// the old frames.
func carryBlock(b Block) bool {
	if b.Kind != Extension {
		return false
	}
	switch b.Label {
	case LabelComment:
		return true
	case LabelApplication:
		return b.AppID != "NETSCAPE2.0" && b.AppID != "ANIMEXTS1.0"
	}
	return false
}

// maxCarried bounds the metadata held in memory while carrying.
const maxCarried = 256 << 20

// CarryExtensions writes encoded (a complete GIF from an encoder) to w
// with src's comments and application extensions inserted after the
// encoder's header and loop extension, in src's order.
func CarryExtensions(src, encoded io.Reader, w io.Writer) error {
	var carried bytes.Buffer
	err := Walk(src, func(r *Reader, b Block) error {
		if !carryBlock(b) {
			return nil
		}
		if err := r.CopyTo(&carried); err != nil {
			return err
		}
		if carried.Len() > maxCarried {
			return fmt.Errorf("%w: more than %d bytes of extensions to carry", ErrCorrupt, maxCarried)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("gif: source: %w", err)
	}
	rd, err := NewReader(encoded)
	if err != nil {
		return fmt.Errorf("gif: encoded: %w", err)
	}
	if _, err := w.Write(rd.Header.Raw); err != nil {
		return err
	}
	written := false
	for {
		b, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("gif: encoded: %w", err)
		}
		loop := b.Kind == Extension && b.Label == LabelApplication && b.AppID == "NETSCAPE2.0"
		if !written && !loop {
			if _, err := w.Write(carried.Bytes()); err != nil {
				return err
			}
			written = true
		}
		if b.Kind == Trailer {
			_, err := w.Write([]byte{Trailer})
			return err
		}
		if err := rd.CopyTo(w); err != nil {
			return fmt.Errorf("gif: encoded: %w", err)
		}
	}
	return fmt.Errorf("%w: encoded GIF has no trailer", ErrCorrupt)
}
