package mp4

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"unicode/utf8"
)

// XMPUUID is the extended type of the top-level uuid box that carries XMP
// in MP4 files (Adobe XMP Part 3; where ExifTool reads and writes it).
var XMPUUID = [16]byte{0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC}

// iTunes item names start with the copyright sign in Mac Roman (0xA9).
const (
	ItemComment = "\xa9cmt"
	ItemTool    = "\xa9too"
)

// NewXMPBox returns the top-level uuid box carrying packet.
func NewXMPBox(packet []byte) *Node {
	n := NewLeaf("uuid", packet)
	n.UUID = XMPUUID
	return n
}

// hdlrPayload builds a handler box payload (version/flags included).
func hdlrPayload(component, handler string, manufacturer string, name string) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0, 0}) // version, flags
	b.WriteString(component)    // pre_defined / QuickTime component type
	b.WriteString(handler)
	var reserved [12]byte
	copy(reserved[:], manufacturer)
	b.Write(reserved[:])
	b.WriteString(name)
	b.WriteByte(0)
	return b.Bytes()
}

// HandlerType returns the handler type of an hdlr box, or "".
func HandlerType(hdlr *Node) string {
	if hdlr == nil || len(hdlr.Data) < 12 {
		return ""
	}
	return string(hdlr.Data[8:12])
}

// HandlerName returns the name of an hdlr box (C or Pascal string).
func HandlerName(hdlr *Node) string {
	if hdlr == nil || len(hdlr.Data) <= 24 {
		return ""
	}
	s := hdlr.Data[24:]
	if int(s[0]) == len(s)-1 && len(s) > 1 && !bytes.Contains(s[1:], []byte{0}) { // Pascal string
		return string(s[1:])
	}
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return string(s)
}

// dataBox builds an ilst "data" box holding UTF-8 text.
func dataBox(text string) *Node {
	p := make([]byte, 8, 8+len(text))
	binary.BigEndian.PutUint32(p[0:4], 1) // well-known type 1: UTF-8
	return NewLeaf("data", append(p, text...))
}

// dataText returns the UTF-8 text of an item's data box, if it holds text.
func dataText(item *Node) (string, bool) {
	d := item.Child("data")
	if d == nil || !d.IsLeaf() || len(d.Data) < 8 {
		return "", false
	}
	typ := binary.BigEndian.Uint32(d.Data[0:4]) & 0xFFFFFF
	v := d.Data[8:]
	if (typ != 1 && typ != 0) || !utf8.Valid(v) {
		return "", false
	}
	return string(v), true
}

// SetITunes sets iTunes-style text items (moov/udta/meta/ilst), replacing
// items of the same name and keeping all others. It creates udta, meta
// (handler mdir) and ilst when missing. It refuses a udta/meta that is not
// an iTunes metadata box.
func SetITunes(moov *Node, items map[string]string, order []string) error {
	udta := moov.Child("udta")
	if udta == nil || udta.IsLeaf() {
		if udta != nil {
			return fmt.Errorf("%w: moov/udta could not be parsed", ErrUnsupported)
		}
		udta = NewContainer("udta", nil)
		moov.Children = append(moov.Children, udta)
	}
	// udta may also hold a QuickTime (mdta) meta, as ffmpeg and Android write.
	meta := findMeta(udta, "mdir")
	if meta == nil {
		meta = NewContainer("meta", []byte{0, 0, 0, 0},
			NewLeaf("hdlr", hdlrPayload("\x00\x00\x00\x00", "mdir", "appl", "")),
			NewContainer("ilst", nil))
		udta.Children = append(udta.Children, meta)
	}
	ilst := meta.Child("ilst")
	if ilst == nil {
		ilst = NewContainer("ilst", nil)
		meta.Children = append(meta.Children, ilst)
	}
	if ilst.IsLeaf() {
		return fmt.Errorf("%w: moov/udta/meta/ilst could not be parsed", ErrUnsupported)
	}
	for _, k := range order {
		v, ok := items[k]
		if !ok {
			continue
		}
		ilst.Remove(func(c *Node) bool { return c.Type == k })
		ilst.Children = append(ilst.Children, NewContainer(k, nil, dataBox(v)))
	}
	return nil
}

// ITunes returns the text items of moov/udta/meta/ilst.
func ITunes(moov *Node) map[string]string {
	out := map[string]string{}
	meta := findMeta(moov.Child("udta"), "mdir")
	if meta == nil || meta.Child("ilst") == nil {
		return out
	}
	ilst := meta.Child("ilst")
	for _, it := range ilst.Children {
		if s, ok := dataText(it); ok {
			out[it.Type] = s
		}
	}
	return out
}

// SetQuickTimeKeys sets QuickTime metadata (moov/meta with handler mdta,
// keys and ilst), replacing the values of keys that exist and keeping all
// other keys. It creates the meta box when missing.
func SetQuickTimeKeys(moov *Node, kv map[string]string, order []string) error {
	// Apple writes moov/meta without version and flags; ffmpeg and Android
	// write moov/udta/meta, a full box. We keep or create Apple's form, and
	// move an ffmpeg-style one there (keeping its keys): beside the iTunes
	// meta in udta it makes ExifTool warn "Duplicate tag 'meta'", while
	// ExifTool, ffmpeg and c2pa-rs all read moov/meta.
	meta := findMeta(moov, "mdta")
	if udta := moov.Child("udta"); meta == nil && udta != nil {
		if m := findMeta(udta, "mdta"); m != nil && len(m.Children) > 0 && m.Children[0].Type == "hdlr" {
			udta.Remove(func(c *Node) bool { return c == m })
			m.Prefix, m.Suffix = nil, nil
			moov.Children = append(moov.Children, m)
			meta = m
		}
	}
	if meta == nil {
		meta = NewContainer("meta", nil,
			NewLeaf("hdlr", hdlrPayload("\x00\x00\x00\x00", "mdta", "", "")),
			NewLeaf("keys", []byte{0, 0, 0, 0, 0, 0, 0, 0}),
			NewContainer("ilst", nil))
		// After udta, where Apple puts it.
		moov.Children = append(moov.Children, meta)
	}
	keysBox, ilst := meta.Child("keys"), meta.Child("ilst")
	if keysBox == nil {
		keysBox = NewLeaf("keys", []byte{0, 0, 0, 0, 0, 0, 0, 0})
		meta.Children = append(meta.Children, keysBox)
	}
	if ilst == nil {
		ilst = NewContainer("ilst", nil)
		meta.Children = append(meta.Children, ilst)
	}
	keys, err := parseKeys(keysBox)
	if err != nil {
		return err
	}
	if ilst.IsLeaf() {
		return fmt.Errorf("%w: moov/meta/ilst could not be parsed", ErrUnsupported)
	}
	for _, k := range order {
		v, ok := kv[k]
		if !ok {
			continue
		}
		idx := 0
		for i, have := range keys {
			if have == k {
				idx = i + 1
			}
		}
		if idx == 0 {
			keys = append(keys, k)
			idx = len(keys)
		}
		var name [4]byte
		binary.BigEndian.PutUint32(name[:], uint32(idx))
		ilst.Remove(func(c *Node) bool { return c.Type == string(name[:]) })
		ilst.Children = append(ilst.Children, NewContainer(string(name[:]), nil, dataBox(v)))
	}
	keysBox.Data = buildKeys(keys)
	return nil
}

// QuickTimeKeys returns the text values of moov/meta (handler mdta), or of
// moov/udta/meta as ffmpeg writes it.
func QuickTimeKeys(moov *Node) map[string]string {
	out := map[string]string{}
	for _, meta := range []*Node{findMeta(moov, "mdta"), findMeta(moov.Child("udta"), "mdta")} {
		if meta != nil {
			quickTimeKeysInto(meta, out)
		}
	}
	return out
}

func quickTimeKeysInto(meta *Node, out map[string]string) {
	keysBox, ilst := meta.Child("keys"), meta.Child("ilst")
	if keysBox == nil || ilst == nil {
		return
	}
	keys, err := parseKeys(keysBox)
	if err != nil {
		return
	}
	for _, it := range ilst.Children {
		idx := int(binary.BigEndian.Uint32([]byte(it.Type)))
		if idx < 1 || idx > len(keys) {
			continue
		}
		if s, ok := dataText(it); ok {
			if _, dup := out[keys[idx-1]]; !dup {
				out[keys[idx-1]] = s
			}
		}
	}
}

func parseKeys(n *Node) ([]string, error) {
	d := n.Data
	if !n.IsLeaf() || len(d) < 8 {
		return nil, fmt.Errorf("%w: keys box too short", ErrCorrupt)
	}
	count := binary.BigEndian.Uint32(d[4:8])
	var keys []string
	p := 8
	for i := uint32(0); i < count; i++ {
		if len(d)-p < 8 {
			return nil, fmt.Errorf("%w: keys box: entry %d truncated", ErrCorrupt, i)
		}
		size := int(binary.BigEndian.Uint32(d[p:]))
		if size < 8 || size > len(d)-p {
			return nil, fmt.Errorf("%w: keys box: entry %d size %d", ErrCorrupt, i, size)
		}
		keys = append(keys, string(d[p+8:p+size]))
		p += size
	}
	return keys, nil
}

func buildKeys(keys []string) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0, 0})
	binary.Write(&b, binary.BigEndian, uint32(len(keys)))
	for _, k := range keys {
		binary.Write(&b, binary.BigEndian, uint32(8+len(k)))
		b.WriteString("mdta")
		b.WriteString(k)
	}
	return b.Bytes()
}

// SetUdtaXMP puts packet in moov/udta/XMP_ (QuickTime's XMP place),
// replacing an existing one.
func SetUdtaXMP(moov *Node, packet []byte) error {
	udta := moov.Child("udta")
	if udta == nil {
		udta = NewContainer("udta", nil)
		moov.Children = append(moov.Children, udta)
	}
	if udta.IsLeaf() {
		return fmt.Errorf("%w: moov/udta could not be parsed", ErrUnsupported)
	}
	udta.Remove(func(c *Node) bool { return c.Type == "XMP_" })
	// Before a trailing iTunes meta is fine; readers look it up by type.
	udta.Children = append(udta.Children, NewLeaf("XMP_", packet))
	return nil
}

// RemoveUdtaXMP deletes moov/udta/XMP_ and reports whether there was one.
func RemoveUdtaXMP(moov *Node) bool {
	udta := moov.Child("udta")
	if udta == nil || udta.IsLeaf() {
		return false
	}
	return udta.Remove(func(c *Node) bool { return c.Type == "XMP_" }) > 0
}

// UdtaXMP returns the packet in moov/udta/XMP_, or nil.
func UdtaXMP(moov *Node) []byte {
	if x := moov.Find("udta", "XMP_"); x != nil && x.IsLeaf() {
		return x.Data
	}
	return nil
}

// findMeta returns the child meta box of parent whose handler is handler.
func findMeta(parent *Node, handler string) *Node {
	if parent == nil {
		return nil
	}
	for _, c := range parent.All("meta") {
		if !c.IsLeaf() && HandlerType(c.Child("hdlr")) == handler {
			return c
		}
	}
	return nil
}
