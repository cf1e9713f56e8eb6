package fhirxml

import (
	"bytes"
	"sync"
)

// The elements: complex ones through their children, primitives as a value
// attribute with their extensions, each repeated item in turn.

// complexes writes a complex element, or each item of a repeating one.
func (e *encoder) complexes(el elementDef, name []byte, ref fieldRef, v jsonValue) error {
	if !el.many {
		return e.complex(name, ref, v)
	}
	if v.kind != jsonArray {
		return e.errorf("must be an array")
	}
	return e.tree.each(v, func(i int, item jsonValue) error {
		e.at(i)
		if err := e.complex(name, ref, item); err != nil {
			return err
		}
		if v.lazy {
			e.handOver()
		}
		return nil
	})
}

func (e *encoder) complex(name []byte, ref fieldRef, v jsonValue) error {
	if v.kind != jsonObject {
		return e.errorf("must be a JSON object")
	}
	e.buf = append(e.buf, '<')
	e.buf = append(e.buf, name...)
	if ref.typ == "Resource" {
		e.buf = append(e.buf, '>')
		if err := e.resource(v); err != nil {
			return err
		}
	} else {
		ti := ref.ti
		if ti == nil {
			return e.errorf("no type %s", ref.typ) // types_gen.go is incomplete
		}
		empty, err := e.children(ti, v, false)
		if err != nil {
			return err
		}
		if empty {
			return nil // no child elements: written as <name attributes/>
		}
	}
	e.buf = append(e.buf, "</"...)
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, '>')
	return nil
}

// primitives writes a primitive element, or each item of a repeating one,
// from its JSON value and its _name (id and extensions); in arrays either
// may hold nulls where the other has the item.
func (e *encoder) primitives(el elementDef, name []byte, ref fieldRef, value jsonValue, hasValue bool, ext jsonValue, hasExt bool) error {
	if !el.many {
		return e.primitive(name, ref, value, hasValue && value.kind != jsonNull, ext, hasExt && ext.kind != jsonNull)
	}
	var values, exts []jsonItem
	var err error
	if hasValue {
		if value.kind != jsonArray {
			return e.errorf("must be an array")
		}
		if value, err = e.tree.materialize(value); err != nil {
			return err
		}
		values = e.tree.members(value)
	}
	if hasExt {
		if ext.kind != jsonArray {
			return e.errorf("_%s must be an array", name)
		}
		if ext, err = e.tree.materialize(ext); err != nil {
			return err
		}
		exts = e.tree.members(ext)
	}
	if hasValue && hasExt && len(values) != len(exts) {
		return e.errorf("%d values but %d items in _%s", len(values), len(exts), name)
	}
	n := max(len(values), len(exts))
	for i := range n {
		e.at(i)
		var v, x jsonValue
		if i < len(values) {
			v = values[i].val
		}
		if i < len(exts) {
			x = exts[i].val
		}
		if v.kind == jsonNull && x.kind == jsonNull {
			return e.errorf("neither a value nor an extension")
		}
		if err := e.primitive(name, ref, v, v.kind != jsonNull, x, x.kind != jsonNull); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) primitive(name []byte, ref fieldRef, v jsonValue, hasValue bool, ext jsonValue, hasExt bool) error {
	kind := ref.kind
	if kind == kindXHTML {
		if hasExt {
			return e.errorf("a div takes no id or extensions")
		}
		if v.kind != jsonString {
			return e.errorf("must be a string of XHTML")
		}
		return e.xhtml(v.text)
	}
	e.buf = append(e.buf, '<')
	e.buf = append(e.buf, name...)
	var extensions jsonValue
	hasID := false
	if hasExt {
		if ext.kind != jsonObject {
			return e.errorf("_%s must be a JSON object", name)
		}
		for _, m := range e.tree.members(ext) {
			switch string(m.key) {
			case "id":
				if m.val.kind != jsonString {
					return e.errorf("_%s.id must be a string", name)
				}
				if err := e.attr("id", m.val.text); err != nil {
					return err
				}
				hasID = true
			case "extension":
				if m.val.kind != jsonArray || m.val.end > m.val.start {
					extensions = m.val
				}
			default:
				return e.errorf("unknown element %q in _%s", m.key, name)
			}
		}
	}
	if hasValue {
		ok := false
		switch kind {
		case kindBoolean:
			ok = v.kind == jsonTrue || v.kind == jsonFalse
			if v.kind == jsonTrue {
				v.text = trueText
			} else {
				v.text = falseText
			}
		case kindInteger:
			ok = v.kind == jsonNumber && !bytes.ContainsAny(v.text, ".eE")
		case kindDecimal:
			ok = v.kind == jsonNumber
		default:
			ok = v.kind == jsonString
		}
		if !ok {
			return e.errorf("a %s value must be a JSON %s", ref.typ, jsonKindName(kind))
		}
		if err := e.attr("value", v.text); err != nil {
			return err
		}
	}
	if !hasValue && !hasID && extensions.kind == jsonNull {
		return e.errorf("neither a value nor an id or extension")
	}
	if extensions.kind == jsonNull {
		e.buf = append(e.buf, "/>"...)
		return nil
	}
	e.buf = append(e.buf, '>')
	e.push(extensionName)
	if err := e.complexes(elementDef{many: true}, extensionName, extensionRef(), extensions); err != nil {
		return err
	}
	e.pop()
	e.buf = append(e.buf, "</"...)
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, '>')
	return nil
}

func jsonKindName(k primitiveKind) string {
	switch k {
	case kindBoolean:
		return "boolean"
	case kindInteger:
		return "integer number"
	case kindDecimal:
		return "number"
	}
	return "string"
}

// attr writes ` name="value"`, escaped so that an XML reader gives value
// back exactly (tabs and line ends as character references).
func (e *encoder) attr(name string, value []byte) error {
	e.buf = append(e.buf, ' ')
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, `="`...)
	var err error
	if e.buf, err = appendEscaped(e.buf, value, true); err != nil {
		return e.errorf("%v", err)
	}
	e.buf = append(e.buf, '"')
	return nil
}

var (
	extensionName       = []byte("extension")
	trueText, falseText = []byte("true"), []byte("false")
)

// extensionRef is a primitive's extension element, as Element has it.
var extensionRef = sync.OnceValue(func() fieldRef { return typeIndex()["Element"].fields["extension"] })
