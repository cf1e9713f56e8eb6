package fhirxml

// The narrative: a div, held in JSON as a string of XHTML markup, written
// in XML as XHTML elements.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
)

// xhtml writes a narrative div from its JSON string: the markup is read as
// XML and written again in the XHTML namespace, so that it is elements in
// the XML, not escaped text.
func (e *encoder) xhtml(markup []byte) error {
	d := xml.NewDecoder(bytes.NewReader(markup))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return e.errorf("the XHTML is not well-formed: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if roots++; roots > 1 || t.Name.Local != "div" {
					return e.errorf("the XHTML must be one div element")
				}
			}
			if t.Name.Space != xhtmlNS {
				return e.errorf("the element <%s> is not in the XHTML namespace", t.Name.Local)
			}
			if depth++; depth > maxDepth {
				return e.errorf("the XHTML is nested deeper than %d", maxDepth)
			}
			e.buf = append(e.buf, '<')
			e.buf = append(e.buf, t.Name.Local...)
			if depth == 1 {
				e.buf = append(e.buf, ` xmlns="`+xhtmlNS+`"`...)
			}
			for _, a := range t.Attr {
				name, keep, err := xhtmlAttrName(a.Name)
				if err != nil {
					return e.errorf("%v", err)
				}
				if !keep {
					continue
				}
				if err := e.attr(name, []byte(a.Value)); err != nil {
					return err
				}
			}
			e.buf = append(e.buf, '>')
		case xml.EndElement:
			depth--
			e.buf = append(e.buf, "</"...)
			e.buf = append(e.buf, t.Name.Local...)
			e.buf = append(e.buf, '>')
		case xml.CharData:
			if depth == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return e.errorf("text outside the div")
				}
				continue
			}
			if e.buf, err = appendEscaped(e.buf, t, false); err != nil {
				return e.errorf("%v", err)
			}
		case xml.Comment:
		case xml.ProcInst, xml.Directive:
			return e.errorf("the XHTML holds a processing instruction or declaration")
		}
	}
	if roots != 1 {
		return e.errorf("the XHTML must be one div element")
	}
	return nil
}

// xhtmlAttrName is how an attribute of XHTML is written: namespace
// declarations are dropped (keep false: the div declares XHTML), xml:lang
// keeps its prefix; an attribute of another namespace is an error.
func xhtmlAttrName(n xml.Name) (name string, keep bool, err error) {
	switch {
	case n.Space == "xmlns" || n.Space == "" && n.Local == "xmlns":
		return "", false, nil
	case n.Space == "":
		return n.Local, true, nil
	case n.Space == "http://www.w3.org/XML/1998/namespace":
		return "xml:" + n.Local, true, nil
	}
	return "", false, fmt.Errorf("the XHTML attribute %s of the namespace %s", n.Local, n.Space)
}
