package xmp_test

import (
	"fmt"

	"github.com/belgi/belgi/formats/xmp"
)

// Merge belgi's properties into a packet another tool wrote: its own
// properties stay, ours are set once.
func Example() {
	foreign := []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="Photo Desk"/>
</rdf:RDF></x:xmpmeta>`)
	p, err := xmp.Parse(foreign)
	if err != nil {
		panic(err)
	}
	p.SetText(xmp.NSIptc4xmpExt, "DigitalSourceType", "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")
	p.SetLangAlt(xmp.NSDC, "description", []xmp.LangText{{Lang: "x-default", Text: "AI"}, {Lang: "kk", Text: "ЖИ жасаған"}})
	q, _ := xmp.Parse(p.Marshal(xmp.MarshalOptions{Padding: 2048}))
	credit, _ := q.Text(xmp.NSPhotoshop, "Credit")
	dst, _ := q.Text(xmp.NSIptc4xmpExt, "DigitalSourceType")
	fmt.Println(credit)
	fmt.Println(dst)
	fmt.Println(q.Items(xmp.NSDC, "description"))
	// Output:
	// Photo Desk
	// http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia
	// [{x-default AI} {kk ЖИ жасаған}]
}
