package fhirxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// maxDepth bounds the nesting of elements read, XHTML included: FHIR
// resources of this server nest a dozen deep; a body nested deeper is
// refused before it costs stack or memory.
const maxDepth = 100

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// Decode reads one FHIR XML resource from r and returns its FHIR JSON:
// booleans and numbers as JSON booleans and numbers (a decimal keeps its
// spelling), repeating elements as arrays even of one item, a primitive's
// id and extensions as the JSON _name member. Members come in
// StructureDefinition order after resourceType.
//
// Decode refuses, with an *Error naming the element: malformed XML, an
// element outside the FHIR namespace, an element or attribute its type does
// not have, a DOCTYPE or any other declaration (so no entity is ever
// declared, let alone expanded), text where the spec allows none, a
// non-repeating element given twice, a value not of its type's grammar,
// and nesting deeper than 100 elements. Decode reads all of r: bounding
// the size of the input is the caller's job (an http.MaxBytesReader).
func Decode(r io.Reader) ([]byte, error) {
	d := &decoder{x: xml.NewDecoder(r)}
	d.x.Strict = true
	d.x.Entity = nil // only the five predefined entities
	root, err := d.document()
	if err != nil {
		return nil, err
	}
	// The JSON runs to some three quarters of the XML: sized once, the
	// buffer is not grown (and copied) a dozen times for a full CodeSystem.
	w := &jsonWriter{buf: make([]byte, 0, d.x.InputOffset()*4/5+512)}
	w.object(root)
	return w.buf, nil
}

type decoder struct {
	x     *xml.Decoder
	path  []string
	depth int
}

// xobj is an element of a complex type, or a resource (resourceType set).
type xobj struct {
	ti           *typeInfo
	resourceType string
	kids         []kid // attributes and child elements, in XML order
}

// kid is one attribute or child element of an xobj.
type kid struct {
	ref  fieldRef
	name string // the JSON name (value[x] resolved)
	val  xval
}

// xval is the value of a kid: a primitive's text (and its id and
// extensions in ext), a complex element or resource in obj.
type xval struct {
	kind    primitiveKind // 0 for a complex element or resource
	text    string
	hasText bool
	ext     *xobj // of type Element: a primitive's id and extensions
	obj     *xobj
}

func (d *decoder) errorf(format string, args ...any) error {
	return &Error{Path: strings.Join(d.path, "."), Text: fmt.Sprintf(format, args...)}
}

func (d *decoder) token() (xml.Token, error) {
	tok, err := d.x.Token()
	if err == io.EOF {
		return nil, err
	}
	if err != nil {
		return nil, d.errorf("malformed XML: %v", err)
	}
	switch t := tok.(type) {
	case xml.Directive:
		return nil, d.errorf("a DOCTYPE or other declaration (<!%s…>) is not allowed", firstWord(t))
	case xml.ProcInst:
		if t.Target != "xml" {
			return nil, d.errorf("a processing instruction <?%s?> is not allowed", t.Target)
		}
	}
	return tok, nil
}

func firstWord(b []byte) string {
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return ""
}

// document reads the root resource and makes sure nothing but whitespace
// and comments follow it.
func (d *decoder) document() (*xobj, error) {
	var root *xobj
	for {
		tok, err := d.token()
		if err == io.EOF {
			if root == nil {
				return nil, d.errorf("no resource element")
			}
			return root, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil {
				return nil, d.errorf("a second root element <%s>", t.Name.Local)
			}
			if root, err = d.resource(t); err != nil {
				return nil, err
			}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, d.errorf("text outside the resource element")
			}
		}
	}
}

func (d *decoder) enter(name string) error {
	d.path = append(d.path, name)
	if d.depth++; d.depth > maxDepth {
		return d.errorf("nested deeper than %d elements", maxDepth)
	}
	return nil
}

func (d *decoder) leave() {
	d.path = d.path[:len(d.path)-1]
	d.depth--
}

func (d *decoder) checkNS(n xml.Name) error {
	if n.Space != fhirNS {
		if n.Space == "" {
			return d.errorf("the element <%s> has no namespace; FHIR elements are in %s", n.Local, fhirNS)
		}
		return d.errorf("the element <%s> is in the namespace %s, not %s", n.Local, n.Space, fhirNS)
	}
	return nil
}

// resource reads a resource element: its name is its type.
func (d *decoder) resource(start xml.StartElement) (*xobj, error) {
	if err := d.enter(start.Name.Local); err != nil {
		return nil, err
	}
	if err := d.checkNS(start.Name); err != nil {
		return nil, err
	}
	ti := resourceInfo(start.Name.Local)
	if ti == nil {
		return nil, d.errorf("the resource type %s is not one this server reads or writes", start.Name.Local)
	}
	obj := &xobj{ti: ti, resourceType: ti.name}
	for _, a := range start.Attr {
		if !ignoredAttr(a.Name) {
			return nil, d.errorf("unknown attribute %s", a.Name.Local)
		}
	}
	if err := d.content(obj); err != nil {
		return nil, err
	}
	d.leave()
	return obj, nil
}

// ignoredAttr: namespace declarations and xsi: attributes (schemaLocation)
// say nothing about the resource.
func ignoredAttr(n xml.Name) bool {
	return n.Space == "xmlns" || n.Space == "" && n.Local == "xmlns" || n.Space == xsiNS
}

// complex reads an element of a complex type: attributes, then children.
func (d *decoder) complex(start xml.StartElement, ti *typeInfo) (*xobj, error) {
	obj := &xobj{ti: ti}
	for _, a := range start.Attr {
		if ignoredAttr(a.Name) {
			continue
		}
		ref, ok := ti.fields[a.Name.Local]
		if !ok || a.Name.Space != "" || ref.under || !ti.elements[ref.index].attr {
			return nil, d.errorf("unknown attribute %s", a.Name.Local)
		}
		obj.kids = append(obj.kids, kid{ref: ref, name: a.Name.Local, val: xval{kind: kindString, text: a.Value, hasText: true}})
	}
	return obj, d.content(obj)
}

// content reads child elements up to the end of the current element.
func (d *decoder) content(obj *xobj) error {
	for {
		tok, err := d.token()
		if err == io.EOF {
			return d.errorf("malformed XML: unexpected end")
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return d.group(obj)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return d.errorf("text content %q where only elements are allowed", clip(bytes.TrimSpace(t)))
			}
		case xml.StartElement:
			if err := d.child(obj, t); err != nil {
				return err
			}
		}
	}
}

// group sorts the kids of obj into StructureDefinition order, each
// element's items together, and refuses a non-repeating element given
// twice (two choices of one value[x] included).
func (d *decoder) group(obj *xobj) error {
	slices.SortStableFunc(obj.kids, func(a, b kid) int {
		if a.ref.index != b.ref.index {
			return a.ref.index - b.ref.index
		}
		return strings.Compare(a.name, b.name)
	})
	for i := 1; i < len(obj.kids); i++ {
		a, b := obj.kids[i-1], obj.kids[i]
		if a.ref.index != b.ref.index {
			continue
		}
		el := obj.ti.elements[a.ref.index]
		if a.name != b.name {
			return d.errorf("both %s and %s: %s[x] takes one type", a.name, b.name, el.name)
		}
		if !el.many {
			return d.errorf("%s is given more than once; it does not repeat", a.name)
		}
	}
	return nil
}

func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

func (d *decoder) child(obj *xobj, t xml.StartElement) error {
	name := t.Name.Local
	if err := d.enter(name); err != nil {
		return err
	}
	ref, ok := obj.ti.fields[name]
	if name == "div" && t.Name.Space == xhtmlNS && ok {
		div, err := d.xhtml(t)
		if err != nil {
			return err
		}
		obj.kids = append(obj.kids, kid{ref: ref, name: name, val: xval{kind: kindXHTML, text: div, hasText: true}})
		d.leave()
		return nil
	}
	if err := d.checkNS(t.Name); err != nil {
		return err
	}
	if !ok || ref.under || obj.ti.elements[ref.index].attr {
		return d.errorf("unknown element <%s> in %s", name, obj.ti.name)
	}
	var v xval
	var err error
	switch kind := primitiveKinds[ref.typ]; {
	case kind == kindXHTML:
		return d.errorf("the div must be in the XHTML namespace %s", xhtmlNS)
	case kind != 0:
		v, err = d.primitive(t, kind, ref.typ)
	case ref.typ == "Resource":
		v.obj, err = d.nestedResource()
	default:
		v.obj, err = d.complex(t, typeIndex()[ref.typ])
	}
	if err != nil {
		return err
	}
	obj.kids = append(obj.kids, kid{ref: ref, name: name, val: v})
	d.leave()
	return nil
}

// primitive reads a primitive element: value and id attributes, extension
// children.
func (d *decoder) primitive(t xml.StartElement, kind primitiveKind, typ string) (xval, error) {
	v := xval{kind: kind}
	elementType := typeIndex()["Element"]
	for _, a := range t.Attr {
		switch {
		case ignoredAttr(a.Name):
		case a.Name.Space == "" && a.Name.Local == "value":
			if err := checkValue(kind, a.Value); err != nil {
				return v, d.errorf("the value %q is not a %s: %v", clip([]byte(a.Value)), typ, err)
			}
			v.text, v.hasText = a.Value, true
		case a.Name.Space == "" && a.Name.Local == "id":
			if v.ext == nil {
				v.ext = &xobj{ti: elementType}
			}
			v.ext.kids = append(v.ext.kids, kid{ref: elementType.fields["id"], name: "id", val: xval{kind: kindString, text: a.Value, hasText: true}})
		default:
			return v, d.errorf("unknown attribute %s", a.Name.Local)
		}
	}
	ext := &xobj{ti: elementType}
	if err := d.content(ext); err != nil {
		return v, err
	}
	if len(ext.kids) > 0 {
		if v.ext == nil {
			v.ext = ext
		} else {
			v.ext.kids = append(v.ext.kids, ext.kids...)
		}
	}
	if !v.hasText && v.ext == nil {
		return v, d.errorf("neither a value nor an id or extension")
	}
	return v, nil
}

// checkValue holds a primitive's value attribute to the JSON grammar of its
// kind: what is written as a JSON boolean or number must be one.
func checkValue(kind primitiveKind, s string) error {
	switch kind {
	case kindBoolean:
		if s != "true" && s != "false" {
			return errors.New("want true or false")
		}
	case kindInteger, kindDecimal:
		end, ok := scanNumber([]byte(s), 0)
		if !ok || end != len(s) || kind == kindInteger && strings.ContainsAny(s, ".eE") {
			return errors.New("not a number")
		}
	}
	return nil
}

// nestedResource reads the one resource element that an element of type
// Resource holds (Bundle.entry.resource, Parameters.parameter.resource,
// contained).
func (d *decoder) nestedResource() (*xobj, error) {
	var res *xobj
	for {
		tok, err := d.token()
		if err == io.EOF {
			return nil, d.errorf("malformed XML: unexpected end")
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if res == nil {
				return nil, d.errorf("no resource inside")
			}
			return res, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, d.errorf("text content where only a resource is allowed")
			}
		case xml.StartElement:
			if res != nil {
				return nil, d.errorf("more than one resource inside")
			}
			if res, err = d.resource(t); err != nil {
				return nil, err
			}
		}
	}
}

// xhtml reads a narrative div and writes it back as the markup string that
// JSON holds, with the XHTML namespace declared on the div.
func (d *decoder) xhtml(start xml.StartElement) (string, error) {
	var b []byte
	depth := 0
	tok := xml.Token(start)
	for {
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != xhtmlNS {
				return "", d.errorf("the element <%s> in the div is not in the XHTML namespace", t.Name.Local)
			}
			if depth > 0 {
				if err := d.enter(t.Name.Local); err != nil {
					return "", err
				}
			}
			depth++
			b = append(b, '<')
			b = append(b, t.Name.Local...)
			if depth == 1 {
				b = append(b, ` xmlns="`+xhtmlNS+`"`...)
			}
			for _, a := range t.Attr {
				name, keep, err := xhtmlAttrName(a.Name)
				if err != nil {
					return "", d.errorf("%v", err)
				}
				if !keep {
					continue
				}
				b = append(b, ' ')
				b = append(b, name...)
				b = append(b, `="`...)
				if b, err = appendEscaped(b, []byte(a.Value), true); err != nil {
					return "", d.errorf("%v", err)
				}
				b = append(b, '"')
			}
			b = append(b, '>')
		case xml.EndElement:
			b = append(b, "</"...)
			b = append(b, t.Name.Local...)
			b = append(b, '>')
			if depth--; depth == 0 {
				return string(b), nil
			}
			d.leave()
		case xml.CharData:
			var err error
			if b, err = appendEscaped(b, t, false); err != nil {
				return "", d.errorf("%v", err)
			}
		}
		var err error
		if tok, err = d.token(); err != nil {
			if err == io.EOF {
				return "", d.errorf("malformed XML: unexpected end")
			}
			return "", err
		}
	}
}
