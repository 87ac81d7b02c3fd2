// Package xmp builds and parses XMP packets (ISO 16684-1) by hand.
//
// A Packet is the flat list of top-level properties of an XMP packet's
// rdf:Description elements, each kept as a small element tree with resolved
// namespace URIs, so that a packet written by anyone (exiftool, Adobe,
// Google, camera firmware) can be read, have some properties replaced and be
// written back with every other property intact. Marshal writes the packet
// itself (encoding/xml's namespace output is not usable for XMP).
//
// It is for the XMP data model only: where a packet lives in a file (JPEG
// APP1, PNG iTXt, …) is the business of the container packages, and which
// properties to write is decided by package label.
package xmp

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Namespace URIs of the schemas belgi reads or writes.
const (
	NSRDF          = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	NSX            = "adobe:ns:meta/"
	NSXML          = "http://www.w3.org/XML/1998/namespace"
	NSDC           = "http://purl.org/dc/elements/1.1/"
	NSXMP          = "http://ns.adobe.com/xap/1.0/"
	NSXMPMM        = "http://ns.adobe.com/xap/1.0/mm/"
	NSXMPNote      = "http://ns.adobe.com/xmp/note/"
	NSPhotoshop    = "http://ns.adobe.com/photoshop/1.0/"
	NSIptc4xmpExt  = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
	NSIptc4xmpCore = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
	NSPlus         = "http://ns.useplus.org/ldf/xmp/1.0/"
	NSTDM          = "http://www.w3.org/ns/tdmrep/"
	NSTC260        = "http://www.tc260.org.cn/ns/AIGC/1.0/"
	NSBelgi        = "http://ns.belgi.kz/1.0/"
	NSExif         = "http://ns.adobe.com/exif/1.0/"
	NSTIFF         = "http://ns.adobe.com/tiff/1.0/"
	NSXMPRights    = "http://ns.adobe.com/xap/1.0/rights/"
	NSStRef        = "http://ns.adobe.com/xap/1.0/sType/ResourceRef#"
	NSStEvt        = "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
	NSPDF          = "http://ns.adobe.com/pdf/1.3/"
	NSCRS          = "http://ns.adobe.com/camera-raw-settings/1.0/"
	NSDCTerms      = "http://purl.org/dc/terms/"
)

// knownPrefixes are the customary prefixes used when a packet does not
// declare its own.
var knownPrefixes = map[string]string{
	NSRDF: "rdf", NSX: "x", NSXML: "xml", NSDC: "dc", NSXMP: "xmp", NSXMPMM: "xmpMM",
	NSXMPNote: "xmpNote", NSPhotoshop: "photoshop", NSIptc4xmpExt: "Iptc4xmpExt",
	NSIptc4xmpCore: "Iptc4xmpCore", NSPlus: "plus", NSTDM: "tdm", NSTC260: "TC260",
	NSBelgi: "belgi", NSExif: "exif", NSTIFF: "tiff", NSXMPRights: "xmpRights",
	NSStRef: "stRef", NSStEvt: "stEvt", NSPDF: "pdf", NSCRS: "crs", NSDCTerms: "dcterms",
}

// ErrCorrupt is wrapped by every parse error.
var ErrCorrupt = errors.New("xmp: corrupt packet")

// Limits that keep hostile packets cheap.
const (
	maxDepth = 64
	maxNodes = 1 << 18
)

// Name is a namespace-qualified XML name; Space is the namespace URI.
type Name struct{ Space, Local string }

// Attr is an attribute of a property element.
type Attr struct {
	Name  Name
	Value string
}

// Node is an element of a property value: the property element itself,
// rdf:Alt/Bag/Seq containers, rdf:li items, struct fields.
type Node struct {
	Name     Name
	Attrs    []Attr
	Children []*Node
	// Text is the character data of a leaf element (ignored when the node
	// has children: RDF has no mixed content).
	Text string
}

// Attr returns the value of the attribute ns:local, if present.
func (n *Node) Attr(ns, local string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Space == ns && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// Child returns the first child element named ns:local.
func (n *Node) Child(ns, local string) *Node {
	for _, c := range n.Children {
		if c.Name.Space == ns && c.Name.Local == local {
			return c
		}
	}
	return nil
}

// LangText is one item of a language alternative (rdf:Alt with xml:lang).
type LangText struct {
	Lang string // "x-default", "kk", "ru", …
	Text string
}

// Packet is an XMP packet: the top-level properties in document order.
type Packet struct {
	// About is the rdf:about of the description (usually empty).
	About string
	props []*Node
	// prefixes maps namespace URIs to the prefixes the parsed packet used,
	// so that a merged packet looks like its original.
	prefixes map[string]string
}

// New returns an empty packet.
func New() *Packet { return &Packet{prefixes: map[string]string{}} }

// Properties returns the top-level properties in order. The slice is the
// packet's own; use Set and Remove to change it.
func (p *Packet) Properties() []*Node { return p.props }

// Len returns the number of top-level properties.
func (p *Packet) Len() int { return len(p.props) }

// Property returns the first top-level property ns:local, or nil.
func (p *Packet) Property(ns, local string) *Node {
	for _, n := range p.props {
		if n.Name.Space == ns && n.Name.Local == local {
			return n
		}
	}
	return nil
}

// Count returns how many top-level properties are named ns:local (more than
// one only in packets that repeat a property in several descriptions).
func (p *Packet) Count(ns, local string) int {
	c := 0
	for _, n := range p.props {
		if n.Name.Space == ns && n.Name.Local == local {
			c++
		}
	}
	return c
}

// Remove deletes every top-level property ns:local and says how many there were.
func (p *Packet) Remove(ns, local string) int {
	out := p.props[:0]
	removed := 0
	for _, n := range p.props {
		if n.Name.Space == ns && n.Name.Local == local {
			removed++
			continue
		}
		out = append(out, n)
	}
	for i := len(out); i < len(p.props); i++ {
		p.props[i] = nil
	}
	p.props = out
	return removed
}

// Set replaces every property with n's name by n. The property keeps the
// place of the first one it replaces, or goes at the end.
func (p *Packet) Set(n *Node) {
	for i, old := range p.props {
		if old.Name == n.Name {
			p.props[i] = n
			rest := p.props[i+1:]
			p.props = p.props[:i+1]
			for _, o := range rest {
				if o.Name != n.Name {
					p.props = append(p.props, o)
				}
			}
			return
		}
	}
	p.props = append(p.props, n)
}

// SetText sets a simple text property.
func (p *Packet) SetText(ns, local, value string) {
	p.Set(&Node{Name: Name{ns, local}, Text: value})
}

// SetLangAlt sets a language alternative (rdf:Alt of rdf:li xml:lang=…).
func (p *Packet) SetLangAlt(ns, local string, items []LangText) {
	alt := &Node{Name: Name{NSRDF, "Alt"}}
	for _, it := range items {
		alt.Children = append(alt.Children, &Node{
			Name:  Name{NSRDF, "li"},
			Attrs: []Attr{{Name{NSXML, "lang"}, it.Lang}},
			Text:  it.Text,
		})
	}
	p.Set(&Node{Name: Name{ns, local}, Children: []*Node{alt}})
}

// SetBag sets an unordered array (rdf:Bag); SetSeq an ordered one.
func (p *Packet) SetBag(ns, local string, items []string) { p.setArray(ns, local, "Bag", items) }

// SetSeq sets an ordered array (rdf:Seq).
func (p *Packet) SetSeq(ns, local string, items []string) { p.setArray(ns, local, "Seq", items) }

func (p *Packet) setArray(ns, local, kind string, items []string) {
	arr := &Node{Name: Name{NSRDF, kind}}
	for _, it := range items {
		arr.Children = append(arr.Children, &Node{Name: Name{NSRDF, "li"}, Text: it})
	}
	p.Set(&Node{Name: Name{ns, local}, Children: []*Node{arr}})
}

// Text returns the value of ns:local read as text, whatever form the writer
// chose: element content, an rdf:resource attribute, an rdf:value
// qualifier, the x-default (else first) item of an rdf:Alt, or the first item
// of an rdf:Bag/Seq.
func (p *Packet) Text(ns, local string) (string, bool) {
	n := p.Property(ns, local)
	if n == nil {
		return "", false
	}
	return NodeText(n)
}

// NodeText reads a property node as text (see Packet.Text).
func NodeText(n *Node) (string, bool) {
	if v, ok := n.Attr(NSRDF, "resource"); ok {
		return v, true
	}
	if len(n.Children) == 0 {
		return n.Text, true
	}
	if items := nodeItems(n); items != nil {
		if len(items) == 0 {
			return "", false
		}
		for _, it := range items {
			if it.Lang == "x-default" {
				return it.Text, true
			}
		}
		return items[0].Text, true
	}
	// A qualified value: <p><rdf:Description><rdf:value>v</rdf:value>… or
	// parseType="Resource" with rdf:value.
	if v := n.Child(NSRDF, "value"); v != nil {
		return NodeText(v)
	}
	if d := n.Child(NSRDF, "Description"); d != nil {
		if v, ok := d.Attr(NSRDF, "value"); ok {
			return v, true
		}
		if v := d.Child(NSRDF, "value"); v != nil {
			return NodeText(v)
		}
	}
	return "", false
}

// Items returns the items of an rdf:Alt/Bag/Seq property with their
// xml:lang (empty when absent). A simple property reads as one item.
func (p *Packet) Items(ns, local string) []LangText {
	n := p.Property(ns, local)
	if n == nil {
		return nil
	}
	if items := nodeItems(n); items != nil {
		return items
	}
	if t, ok := NodeText(n); ok {
		lang, _ := n.Attr(NSXML, "lang")
		return []LangText{{Lang: lang, Text: t}}
	}
	return nil
}

// nodeItems returns the rdf:li items of n's container, or nil when n holds
// no rdf:Alt/Bag/Seq.
func nodeItems(n *Node) []LangText {
	for _, c := range n.Children {
		if c.Name.Space != NSRDF || (c.Name.Local != "Alt" && c.Name.Local != "Bag" && c.Name.Local != "Seq") {
			continue
		}
		items := []LangText{}
		for _, li := range c.Children {
			if li.Name.Space != NSRDF || li.Name.Local != "li" {
				continue
			}
			t, _ := NodeText(li)
			lang, _ := li.Attr(NSXML, "lang")
			if lang == "" && li.Child(NSRDF, "value") != nil {
				// Qualified language item (rare): xml:lang on rdf:value.
				lang, _ = li.Child(NSRDF, "value").Attr(NSXML, "lang")
			}
			items = append(items, LangText{Lang: lang, Text: t})
		}
		return items
	}
	return nil
}

// Prefix returns the prefix the packet uses (or would use) for uri.
func (p *Packet) Prefix(uri string) string {
	if pre, ok := p.prefixes[uri]; ok {
		return pre
	}
	return knownPrefixes[uri]
}

// Parse reads an XMP packet: anything from a bare rdf:RDF to a full
// <?xpacket?>-wrapped x:xmpmeta with padding. Properties of every
// rdf:Description are collected in order; attributes of a description
// (the short form exiftool and Adobe use) become simple properties.
func Parse(b []byte) (*Packet, error) {
	root, prefixes, err := parseTree(b, true)
	if err != nil {
		// Some writers leave stray '&' or undeclared entities; a lax second
		// pass still recovers their properties.
		var err2 error
		root, prefixes, err2 = parseTree(b, false)
		if err2 != nil {
			return nil, err
		}
	}
	p := New()
	p.prefixes = prefixes
	rdf := findRDF(root)
	if rdf == nil {
		return nil, fmt.Errorf("%w: no rdf:RDF element", ErrCorrupt)
	}
	for _, desc := range rdf.Children {
		if about, ok := desc.Attr(NSRDF, "about"); ok && p.About == "" {
			p.About = about
		}
		for _, a := range desc.Attrs {
			if !isPropertyAttr(a.Name) {
				continue
			}
			p.props = append(p.props, &Node{Name: a.Name, Text: a.Value})
		}
		for _, c := range desc.Children {
			if !validNS(c.Name.Space) {
				continue // undeclared prefix: not a property anyone can name
			}
			p.props = append(p.props, c)
		}
	}
	return p, nil
}

func isPropertyAttr(n Name) bool {
	switch n.Space {
	case NSRDF, NSXML, "xmlns", "":
		return false
	}
	return validNS(n.Space)
}

// validNS reports whether s looks like a namespace URI (encoding/xml leaves
// an undeclared prefix in Name.Space as it is).
func validNS(s string) bool { return strings.Contains(s, ":") || strings.Contains(s, "/") }

func findRDF(n *Node) *Node {
	if n == nil {
		return nil
	}
	if n.Name.Space == NSRDF && n.Name.Local == "RDF" {
		return n
	}
	for _, c := range n.Children {
		if r := findRDF(c); r != nil {
			return r
		}
	}
	return nil
}

// parseTree builds an element tree of the first root element in b and
// collects the namespace prefixes declared anywhere.
func parseTree(b []byte, strict bool) (*Node, map[string]string, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = strict
	if !strict {
		d.Entity = xml.HTMLEntity
	}
	// XMP is UTF-8 in practice; a declaration naming another charset is
	// read as UTF-8 rather than refused.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	prefixes := map[string]string{}
	var stack []*Node
	var root *Node
	var text strings.Builder
	nodes := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if root != nil && len(stack) == 0 {
				break // trailing junk after the packet (padding, nulls)
			}
			return nil, nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				// A second root element: ignore the rest.
				return root, prefixes, nil
			}
			nodes++
			if len(stack) >= maxDepth || nodes > maxNodes {
				return nil, nil, fmt.Errorf("%w: packet nested or sized beyond limits", ErrCorrupt)
			}
			n := &Node{Name: Name{t.Name.Space, t.Name.Local}}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" {
					if _, ok := prefixes[a.Value]; !ok && a.Name.Local != "" {
						prefixes[a.Value] = a.Name.Local
					}
					continue
				}
				if a.Name.Space == "" && a.Name.Local == "xmlns" {
					continue
				}
				n.Attrs = append(n.Attrs, Attr{Name{a.Name.Space, a.Name.Local}, a.Value})
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
			text.Reset()
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, nil, fmt.Errorf("%w: unbalanced end element %s", ErrCorrupt, t.Name.Local)
			}
			n := stack[len(stack)-1]
			if len(n.Children) == 0 {
				n.Text = text.String()
			}
			text.Reset()
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, nil, fmt.Errorf("%w: no XML element", ErrCorrupt)
	}
	if len(stack) > 0 {
		return nil, nil, fmt.Errorf("%w: element %s not closed", ErrCorrupt, stack[len(stack)-1].Name.Local)
	}
	return root, prefixes, nil
}

// Scan finds an XMP packet inside arbitrary bytes (a file, a chunk): from
// "<?xpacket begin" to the end of "<?xpacket end…?>", else from "<x:xmpmeta"
// to "</x:xmpmeta>". It returns nil when there is none.
func Scan(b []byte) []byte {
	if i := bytes.Index(b, []byte("<?xpacket begin")); i >= 0 {
		if j := bytes.Index(b[i:], []byte("<?xpacket end")); j >= 0 {
			if k := bytes.Index(b[i+j:], []byte("?>")); k >= 0 {
				return b[i : i+j+k+2]
			}
		}
	}
	for _, open := range []string{"<x:xmpmeta", "<x:xapmeta"} {
		if i := bytes.Index(b, []byte(open)); i >= 0 {
			closing := "</" + open[1:] + ">"
			if j := bytes.Index(b[i:], []byte(closing)); j >= 0 {
				return b[i : i+j+len(closing)]
			}
		}
	}
	if i := bytes.Index(b, []byte("<rdf:RDF")); i >= 0 {
		if j := bytes.Index(b[i:], []byte("</rdf:RDF>")); j >= 0 {
			return b[i : i+j+len("</rdf:RDF>")]
		}
	}
	return nil
}
