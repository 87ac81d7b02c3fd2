package mp4

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// Piece is one top-level box of a rewritten file: a box copied from the
// input (Src), a box tree (Node) or ready bytes of whole boxes (Raw).
type Piece struct {
	Src  *Box
	Node *Node
	Raw  []byte
	// Virtual, for Node and Raw pieces, is a made-up input offset (at or
	// beyond the input's size) that offsets inside moov may point at to
	// reach bytes of this piece: they are mapped to the real position like
	// every other offset. Zero means none.
	Virtual int64
}

// CopyBox returns a piece that copies input box b.
func CopyBox(b Box) Piece { return Piece{Src: &b} }

type laid struct {
	p      Piece
	orig   []byte // pristine bytes of a tree piece (moov, mfra, Node)
	tree   bool
	out    []byte // patched bytes, for tree pieces
	free   int64  // >0: write a free box of this size instead of Src
	size   int64
	pos    int64
	isLast bool
}

// Rewrite writes pieces in order to w. Every absolute offset in moov,
// moof and mfra boxes (copied or given as Node) is patched to where its
// bytes land; a free or skip box copied from the input shrinks or grows to
// absorb a shift when it can, so that the media after it stays in place.
// Media boxes are streamed; only moov, mfra and one moof at a time are held
// in memory. Nothing is written before the layout is known to be valid.
func Rewrite(ctx context.Context, r io.ReaderAt, pieces []Piece, w io.Writer) error {
	ls := make([]*laid, len(pieces))
	for i, p := range pieces {
		l := &laid{p: p}
		switch {
		case p.Src != nil && (p.Src.Type == "moov" || p.Src.Type == "mfra"):
			b, err := readBox(r, *p.Src)
			if err != nil {
				return err
			}
			l.orig, l.tree = b, true
		case p.Node != nil:
			l.orig, l.tree = p.Node.Bytes(), true
		}
		ls[i] = l
	}
	if len(ls) > 0 {
		ls[len(ls)-1].isLast = true
	}
	var m *OffsetMap
	prev := int64(-1)
	for round := 0; ; round++ {
		if round > 8 {
			return fmt.Errorf("%w: box layout does not settle", ErrUnsupported)
		}
		// Place every piece with the sizes known so far.
		m = &OffsetMap{}
		pos := int64(0)
		for _, l := range ls {
			l.pos = pos
			switch {
			case l.tree:
				if l.out != nil {
					l.size = int64(len(l.out))
				} else {
					l.size = int64(len(l.orig))
				}
			case l.p.Src != nil:
				l.size, l.free = l.p.Src.Size, 0
				if t := l.p.Src.Type; (t == "free" || t == "skip") && !l.p.Src.ToEOF {
					if ns := l.p.Src.End() - pos; ns != l.p.Src.Size && ns >= 8 && ns <= 0xFFFFFFFF {
						l.size, l.free = ns, ns
					}
				}
			default:
				l.size = int64(len(l.p.Raw))
			}
			if l.p.Src != nil {
				m.Add(l.p.Src.Offset, l.p.Src.Size, pos)
			}
			if l.p.Virtual > 0 {
				m.Add(l.p.Virtual, l.size, pos)
			}
			pos += l.size
		}
		// Patch the trees from their pristine bytes; sizes may grow (co64).
		for _, l := range ls {
			if !l.tree {
				continue
			}
			// Parse a copy: the tree's leaves alias its bytes and are patched in place.
			n, err := ParseNode(bytes.Clone(l.orig))
			if err != nil {
				return err
			}
			if err := ShiftOffsets(n, m); err != nil {
				return err
			}
			l.out = n.Bytes()
		}
		total := int64(0)
		for _, l := range ls {
			if l.tree {
				total += int64(len(l.out))
			} else {
				total += l.size
			}
		}
		if total == pos && total == prev {
			break
		}
		prev = total
		if total == pos && round > 0 {
			break
		}
	}
	bw := w
	moves := false // does any input byte move? (virtual pieces do not count)
	for _, l := range ls {
		if l.p.Src != nil && l.pos != l.p.Src.Offset {
			moves = true
		}
	}
	for _, l := range ls {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		switch {
		case l.tree:
			_, err = bw.Write(l.out)
		case l.free > 0:
			err = writeFree(bw, l.free)
		case l.p.Src != nil:
			err = copySrc(ctx, r, *l.p.Src, l, m, moves, bw)
		default:
			_, err = bw.Write(l.p.Raw)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func writeFree(w io.Writer, size int64) error {
	var h [8]byte
	binary.BigEndian.PutUint32(h[:4], uint32(size))
	copy(h[4:], "free")
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	zero := make([]byte, min(size, 32<<10))
	for left := size - 8; left > 0; {
		n := min(left, int64(len(zero)))
		if _, err := w.Write(zero[:n]); err != nil {
			return err
		}
		left -= n
	}
	return nil
}

func copySrc(ctx context.Context, r io.ReaderAt, b Box, l *laid, m *OffsetMap, moves bool, w io.Writer) error {
	if b.Type == "moof" {
		if moves {
			raw, err := readBox(r, b)
			if err != nil {
				return err
			}
			n, err := ParseNode(raw)
			if err != nil {
				return err
			}
			if err := ShiftOffsets(n, m); err != nil {
				return err
			}
			out := n.Bytes()
			if int64(len(out)) != b.Size {
				return fmt.Errorf("%w: moof at offset %d changed size", ErrUnsupported, b.Offset)
			}
			_, err = w.Write(out)
			return err
		}
	}
	off, n := b.Offset, b.Size
	if b.ToEOF && !l.isLast {
		// A box "to the end of the file" that no longer is last needs its size.
		if b.Size > 0xFFFFFFFF {
			return fmt.Errorf("%w: box %s runs to the end of the file and is larger than 4 GiB", ErrUnsupported, b)
		}
		var h [8]byte
		binary.BigEndian.PutUint32(h[:4], uint32(b.Size))
		copy(h[4:], b.Type)
		if _, err := w.Write(h[:]); err != nil {
			return err
		}
		off, n = off+8, n-8
	}
	return CopyRange(ctx, w, r, off, n)
}

// CopyRange copies n bytes at off from r to w. When r is an *os.File the
// copy goes through the file (letting the kernel copy file to file with
// copy_file_range), which moves that file's offset; otherwise through a
// buffer of at most 1 MiB. It checks ctx between 64 MiB blocks.
func CopyRange(ctx context.Context, w io.Writer, r io.ReaderAt, off, n int64) error {
	const block = 64 << 20
	if f, ok := r.(*os.File); ok {
		if _, err := f.Seek(off, io.SeekStart); err == nil {
			for n > 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				k := min(n, block)
				c, err := io.Copy(w, io.LimitReader(f, k))
				n -= c
				if err != nil {
					return fmt.Errorf("mp4: copy at offset %d: %w", off, err)
				}
				if c < k {
					return fmt.Errorf("%w: file ends inside a box (offset %d)", ErrCorrupt, off+c)
				}
				off += c
			}
			return nil
		}
	}
	buf := make([]byte, min(n, 1<<20)) // small boxes are common: size to fit
	for n > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		k := min(n, int64(len(buf)))
		got, err := r.ReadAt(buf[:k], off)
		if int64(got) < k {
			if err == nil || errors.Is(err, io.EOF) {
				err = fmt.Errorf("%w: file ends inside a box (offset %d)", ErrCorrupt, off+int64(got))
			}
			return err
		}
		if _, err := w.Write(buf[:k]); err != nil {
			return err
		}
		off += k
		n -= k
	}
	return nil
}

// InsertAfterFtyp writes the file (size bytes of r) to w with box — one or
// more whole boxes — placed right after the leading ftyp box (at the start
// when there is none), patching every absolute offset the insertion moves.
// It is the primitive a C2PA manifest box needs.
func InsertAfterFtyp(ctx context.Context, r io.ReaderAt, size int64, w io.Writer, box []byte) error {
	boxes, err := ScanTop(r, size)
	if err != nil {
		return err
	}
	var pieces []Piece
	for i, b := range boxes {
		if i == 0 && b.Type != "ftyp" {
			pieces = append(pieces, Piece{Raw: box})
		}
		pieces = append(pieces, CopyBox(b))
		if i == 0 && b.Type == "ftyp" {
			pieces = append(pieces, Piece{Raw: box})
		}
	}
	return Rewrite(ctx, r, pieces, w)
}
