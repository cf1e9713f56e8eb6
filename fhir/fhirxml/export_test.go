package fhirxml

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
)

// CheckOrder walks FHIR XML and returns an error when an element's children
// are not in the order of its type's StructureDefinition (an element's
// items together).
func CheckOrder(doc []byte) error {
	d := xml.NewDecoder(bytes.NewReader(doc))
	type frame struct {
		ti   *typeInfo // nil inside a primitive, a div, or a Resource wrapper
		last int
		name string
		res  bool // an element of type Resource: its child is a resource
	}
	stack := []frame{{res: true}}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			top := &stack[len(stack)-1]
			switch {
			case top.res:
				stack = append(stack, frame{ti: resourceInfo(t.Name.Local), last: -1})
			case top.ti == nil:
				stack = append(stack, frame{})
			default:
				ref, ok := top.ti.fields[t.Name.Local]
				if !ok {
					return fmt.Errorf("%s has no element %s", top.ti.name, t.Name.Local)
				}
				if ref.index < top.last || ref.index == top.last && t.Name.Local != top.name {
					return fmt.Errorf("%s: %s comes after %s", top.ti.name, t.Name.Local, top.name)
				}
				top.last, top.name = ref.index, t.Name.Local
				stack = append(stack, frame{ti: typeIndex()[ref.typ], last: -1, res: ref.typ == "Resource"})
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}
