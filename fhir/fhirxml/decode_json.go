package fhirxml

// The JSON side of Decode: what the decoder read, written as FHIR JSON.

// jsonWriter writes the JSON of what the decoder read.
type jsonWriter struct{ buf []byte }

func (w *jsonWriter) object(o *xobj) {
	w.buf = append(w.buf, '{')
	first := true
	member := func(name string) {
		if !first {
			w.buf = append(w.buf, ',')
		}
		first = false
		w.buf = appendJSONString(w.buf, name)
		w.buf = append(w.buf, ':')
	}
	if o.resourceType != "" {
		member("resourceType")
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
			member(group[0].name)
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
			w.primitives(member, group, el.many)
		}
		i = j
	}
	w.buf = append(w.buf, '}')
}

// primitives writes name and _name of a primitive element's items.
func (w *jsonWriter) primitives(member func(string), group []kid, many bool) {
	anyText, anyExt := false, false
	for _, k := range group {
		anyText = anyText || k.val.hasText
		anyExt = anyExt || k.val.ext != nil
	}
	if anyText {
		member(group[0].name)
		w.list(group, many, func(v xval) bool {
			if !v.hasText {
				return false
			}
			w.scalar(v)
			return true
		})
	}
	if anyExt {
		member("_" + group[0].name)
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
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
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
	b = append(b, s[last:]...)
	return append(b, '"')
}
