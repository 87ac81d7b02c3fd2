package gif

import (
	"bytes"
	"fmt"
	"io"
)

// Metadata is what ReadMetadata found.
type Metadata struct {
	XMP           []byte
	Comments      []string
	C2PA          bool // a C2PA_GIF application extension is present
	Width, Height int
	Images        int
	Version       string
}

// ReadMetadata walks the whole file, reading the XMP and comment
// extensions and skipping image data.
func ReadMetadata(r io.Reader) (*Metadata, error) {
	m := &Metadata{}
	rd, err := NewReader(r)
	if err != nil {
		return nil, err
	}
	m.Width, m.Height, m.Version = rd.Header.Width, rd.Header.Height, rd.Header.Version
	for {
		b, err := rd.Next()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return m, err
		}
		switch {
		case b.Kind == ImageDescriptor:
			m.Images++
		case b.Kind == Extension && b.Label == LabelApplication && b.AppID == XMPAppID:
			raw, err := rd.rawData(maxMeta)
			if err != nil {
				return m, err
			}
			if m.XMP == nil {
				m.XMP = XMPFromRaw(raw)
			}
		case b.Kind == Extension && b.Label == LabelApplication && len(b.AppID) >= 8 && b.AppID[:8] == C2PAAppID:
			m.C2PA = true
		case b.Kind == Extension && b.Label == LabelComment:
			d, err := rd.Data(maxMeta)
			if err != nil {
				return m, err
			}
			m.Comments = append(m.Comments, string(d))
		}
	}
}

// ReadXMP returns the XMP packet of a GIF (nil when absent).
func ReadXMP(r io.Reader) ([]byte, error) {
	m, err := ReadMetadata(r)
	if err != nil {
		return nil, err
	}
	return m.XMP, nil
}

// XMPExtension returns the bytes of an XMP application extension holding
// packet. The packet is stored raw, so it must not contain a NUL byte.
func XMPExtension(packet []byte) ([]byte, error) {
	if bytes.IndexByte(packet, 0) >= 0 {
		return nil, fmt.Errorf("gif: an XMP packet with a NUL byte cannot be stored raw")
	}
	b := make([]byte, 0, 3+11+len(packet)+258)
	b = append(b, Extension, LabelApplication, 11)
	b = append(b, XMPAppID...)
	b = append(b, packet...)
	return append(b, MagicTrailer()...), nil
}

// Edit says what Rewrite changes.
type Edit struct {
	// XMP replaces every XMP extension; nil leaves XMP as it is.
	XMP []byte
	// Remove drops the blocks it returns true for.
	Remove func(Block) bool
	// Insert adds raw blocks (complete extensions) before the first
	// image, after the XMP.
	Insert [][]byte
}

// InsertXMP copies the GIF with packet as its only XMP.
func InsertXMP(r io.Reader, w io.Writer, packet []byte) error {
	return Rewrite(r, w, Edit{XMP: packet})
}

// Rewrite copies the GIF from r to w with the edit applied. New blocks go
// before the first image (before its Graphic Control Extension, which must
// stay next to it); a GIF87a header becomes GIF89a when extensions are
// added. Bytes after the trailer are kept.
func Rewrite(r io.Reader, w io.Writer, e Edit) error {
	rd, err := NewReader(r)
	if err != nil {
		return err
	}
	var xmpExt []byte
	if e.XMP != nil {
		if xmpExt, err = XMPExtension(e.XMP); err != nil {
			return err
		}
	}
	h := append([]byte{}, rd.Header.Raw...)
	if (xmpExt != nil || len(e.Insert) > 0) && rd.Header.Version == "87a" {
		copy(h[3:6], "89a")
	}
	if _, err := w.Write(h); err != nil {
		return err
	}
	inserted := false
	insert := func() error {
		inserted = true
		if xmpExt != nil {
			if _, err := w.Write(xmpExt); err != nil {
				return err
			}
		}
		for _, b := range e.Insert {
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	}
	for {
		b, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		first := b.Kind == ImageDescriptor || b.Kind == Trailer ||
			(b.Kind == Extension && (b.Label == LabelGraphicControl || b.Label == LabelPlainText))
		if !inserted && first {
			if err := insert(); err != nil {
				return err
			}
		}
		if b.Kind == Trailer {
			if _, err := w.Write([]byte{Trailer}); err != nil {
				return err
			}
			break
		}
		drop := (e.XMP != nil && b.Kind == Extension && b.Label == LabelApplication && b.AppID == XMPAppID) ||
			(e.Remove != nil && e.Remove(b))
		if drop {
			if err := rd.CopyTo(io.Discard); err != nil {
				return err
			}
			continue
		}
		if err := rd.CopyTo(w); err != nil {
			return err
		}
	}
	if !rd.done {
		return fmt.Errorf("%w: no trailer", ErrCorrupt)
	}
	if _, err := io.Copy(w, rd.br); err != nil {
		return fmt.Errorf("gif: copy after trailer: %w", err)
	}
	return nil
}
