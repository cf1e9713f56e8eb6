package fhirxml

// The JSON side of Decode: what the decoder read, written as FHIR JSON.

// jsonWriter writes the JSON of what the decoder read.
type jsonWriter struct{ buf []byte }

// member writes the name of an object's member, after a comma unless it is
// the first (under: the _name of a primitive).
func (w *jsonWriter) member(first *bool, name string, under bool) {
	if !*first {
		w.buf = append(w.buf, ',')
	}
	*first = false
	w.buf = append(w.buf, '"')
	if under {
		w.buf = append(w.buf, '_')
	}
	w.buf = appendJSONText(w.buf, name)
	w.buf = append(w.buf, '"', ':')
}

func (w *jsonWriter) object(o *xobj) {
	w.buf = append(w.buf, '{')
	first := true
	if o.resourceType != "" {
		w.member(&first, "resourceType", false)
		w.buf = appendJSONString(w.buf, o.resourceType)
	}
	kids := o.kids // grouped by decoder.group
	for i := 0; i < len(kids); {
		j := i + 1
		for j < len(kids) && kids[j].name == kids[i].name {
			j++
		}
		group := kids[i:j]
		el := o.ti.elements[group[0].ref.index]
		if group[0].val.kind == 0 {
			w.member(&first, group[0].name, false)
			if el.many {
				w.buf = append(w.buf, '[')
			}
			for n, k := range group {
				if n > 0 {
					w.buf = append(w.buf, ',')
				}
				w.object(k.val.obj)
			}
			if el.many {
				w.buf = append(w.buf, ']')
			}
		} else {
			w.primitives(&first, group, el.many)
		}
		i = j
	}
	w.buf = append(w.buf, '}')
}

// primitives writes name and _name of a primitive element's items.
func (w *jsonWriter) primitives(first *bool, group []kid, many bool) {
	anyText, anyExt := false, false
	for _, k := range group {
		anyText = anyText || k.val.hasText
		anyExt = anyExt || k.val.ext != nil
	}
	if anyText {
		w.member(first, group[0].name, false)
		w.list(group, many, func(v xval) bool {
			if !v.hasText {
				return false
			}
			w.scalar(v)
			return true
		})
	}
	if anyExt {
		w.member(first, group[0].name, true)
		w.list(group, many, func(v xval) bool {
			if v.ext == nil {
				return false
			}
			w.object(v.ext)
			return true
		})
	}
}

// list writes one item, or an array of items with null where each writes
// nothing.
func (w *jsonWriter) list(group []kid, many bool, item func(xval) bool) {
	if many {
		w.buf = append(w.buf, '[')
	}
	for n, k := range group {
		if n > 0 {
			w.buf = append(w.buf, ',')
		}
		if !item(k.val) {
			w.buf = append(w.buf, "null"...)
		}
	}
	if many {
		w.buf = append(w.buf, ']')
	}
}

func (w *jsonWriter) scalar(v xval) {
	switch v.kind {
	case kindBoolean, kindInteger, kindDecimal:
		w.buf = append(w.buf, v.text...)
	default:
		w.buf = appendJSONString(w.buf, v.text)
	}
}

const hexDigits = "0123456789abcdef"

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONText(b, s)
	return append(b, '"')
}

// appendJSONText appends s escaped for the inside of a JSON string.
func appendJSONText(b []byte, s string) []byte {
	last := 0
	for i := jsonStringStop(s, 0); i < len(s); i = jsonStringStop(s, i+1) {
		c := s[i]
		b = append(b, s[last:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		last = i + 1
	}
	return append(b, s[last:]...)
}
