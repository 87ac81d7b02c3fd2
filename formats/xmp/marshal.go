package xmp

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PacketID is the fixed id of the <?xpacket begin?> instruction.
const PacketID = "W5M0MpCehiHzreSzNTczkc9d"

// MarshalOptions shape the written packet.
type MarshalOptions struct {
	// Padding is how many bytes of whitespace go before <?xpacket end?>
	// so that other tools can edit the packet in place (XMP recommends
	// 2 KiB; 0 writes none).
	Padding int
	// Toolkit is written as x:xmptk; empty writes "belgi".
	Toolkit string
	// NoWrapper leaves out the <?xpacket?> instructions (for containers
	// that forbid them; none of belgi's do).
	NoWrapper bool
}

// Marshal writes the packet as UTF-8 XMP: one rdf:Description holding
// every property in element form.
func (p *Packet) Marshal(o MarshalOptions) []byte {
	var w bytes.Buffer
	prefixOf := p.assignPrefixes()
	tk := o.Toolkit
	if tk == "" {
		tk = "belgi"
	}
	if !o.NoWrapper {
		w.WriteString("<?xpacket begin=\"\uFEFF\" id=\"" + PacketID + "\"?>\n")
	}
	w.WriteString("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"")
	escape(&w, tk, true)
	w.WriteString("\">\n <rdf:RDF xmlns:rdf=\"" + NSRDF + "\">\n  <rdf:Description rdf:about=\"")
	escape(&w, p.About, true)
	w.WriteString("\"")
	uris := make([]string, 0, len(prefixOf))
	for u := range prefixOf {
		if u != NSRDF && u != NSXML && u != NSX {
			uris = append(uris, u)
		}
	}
	sort.Slice(uris, func(i, j int) bool { return prefixOf[uris[i]] < prefixOf[uris[j]] })
	for _, u := range uris {
		w.WriteString("\n    xmlns:" + prefixOf[u] + "=\"")
		escape(&w, u, true)
		w.WriteString("\"")
	}
	w.WriteString(">\n")
	for _, n := range p.props {
		writeNode(&w, n, prefixOf, 3)
	}
	w.WriteString("  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n")
	if !o.NoWrapper {
		writePadding(&w, o.Padding)
		w.WriteString("<?xpacket end=\"w\"?>")
	}
	return w.Bytes()
}

func writePadding(w *bytes.Buffer, n int) {
	const line = 99
	for n > 0 {
		k := min(n-1, line)
		if k < 0 {
			k = 0
		}
		w.WriteString(strings.Repeat(" ", k))
		w.WriteByte('\n')
		n -= k + 1
	}
}

// assignPrefixes gives every namespace used in the properties a unique
// prefix: the packet's own where it had one, the customary one, or nsN.
func (p *Packet) assignPrefixes() map[string]string {
	prefixOf := map[string]string{NSRDF: "rdf", NSXML: "xml", NSX: "x"}
	taken := map[string]bool{"rdf": true, "xml": true, "x": true, "xmlns": true}
	var visit func(n *Node)
	add := func(uri string) {
		if _, ok := prefixOf[uri]; ok || uri == "" {
			return
		}
		for _, cand := range []string{p.prefixes[uri], knownPrefixes[uri]} {
			if cand != "" && validPrefix(cand) && !taken[cand] {
				prefixOf[uri] = cand
				taken[cand] = true
				return
			}
		}
		for i := 1; ; i++ {
			cand := "ns" + strconv.Itoa(i)
			if !taken[cand] {
				prefixOf[uri] = cand
				taken[cand] = true
				return
			}
		}
	}
	visit = func(n *Node) {
		add(n.Name.Space)
		for _, a := range n.Attrs {
			add(a.Name.Space)
		}
		for _, c := range n.Children {
			visit(c)
		}
	}
	// Our well-known namespaces first, so a foreign packet that misuses a
	// customary prefix for another URI cannot take it from them.
	for _, n := range p.props {
		if knownPrefixes[n.Name.Space] != "" {
			add(n.Name.Space)
		}
	}
	for _, n := range p.props {
		visit(n)
	}
	return prefixOf
}

func validPrefix(s string) bool {
	if s == "" || strings.HasPrefix(strings.ToLower(s), "xml") {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 0x7f && i > 0:
		case i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}

func qname(n Name, prefixOf map[string]string) string {
	if n.Space == "" {
		return n.Local
	}
	return prefixOf[n.Space] + ":" + n.Local
}

func writeNode(w *bytes.Buffer, n *Node, prefixOf map[string]string, depth int) {
	indent := strings.Repeat(" ", depth)
	name := qname(n.Name, prefixOf)
	w.WriteString(indent + "<" + name)
	for _, a := range n.Attrs {
		w.WriteString(" " + qname(a.Name, prefixOf) + "=\"")
		escape(w, a.Value, true)
		w.WriteString("\"")
	}
	switch {
	case len(n.Children) > 0:
		w.WriteString(">\n")
		for _, c := range n.Children {
			writeNode(w, c, prefixOf, depth+1)
		}
		w.WriteString(indent + "</" + name + ">\n")
	case n.Text == "":
		w.WriteString("/>\n")
	default:
		w.WriteString(">")
		escape(w, n.Text, false)
		w.WriteString("</" + name + ">\n")
	}
}

// escape writes s as XML character data or attribute value, dropping
// characters XML 1.0 cannot carry at all (controls, invalid UTF-8).
func escape(w *bytes.Buffer, s string, attr bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			continue
		case r == '&':
			w.WriteString("&amp;")
		case r == '<':
			w.WriteString("&lt;")
		case r == '>':
			w.WriteString("&gt;")
		case r == '"' && attr:
			w.WriteString("&quot;")
		case r == '\n' && attr:
			w.WriteString("&#xA;")
		case r == '\r':
			w.WriteString("&#xD;")
		case r == '\t' && attr:
			w.WriteString("&#x9;")
		case r < 0x20 && r != '\n' && r != '\t', r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			continue
		default:
			w.WriteRune(r)
		}
	}
}
