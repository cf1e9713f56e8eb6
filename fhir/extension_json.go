package fhir

import (
	"bytes"
	"encoding/json"
	"strings"

	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// Extensions of concepts and designations travel to the engine as
// valueset.Extension (a url and a primitive value, or nested extensions),
// so that an expansion can read them (label, order, weight) and repeat the
// ones tx.fhir.org repeats; see terminology/valueset/extension.go.

// UnmarshalJSON reads the fields the parsers use and, besides, the
// extension as the engine keeps it.
func (e *extensionIn) UnmarshalJSON(b []byte) error {
	type plain extensionIn // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*e = extensionIn(p)
	e.engine, _ = engineExtension(b)
	return nil
}

// engineExtension reads one extension: its url, and its primitive value[x]
// or its nested extensions. An extension with a complex value (a Coding, a
// Quantity, …) is not kept: ok is false.
func engineExtension(b []byte) (valueset.Extension, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return valueset.Extension{}, false
	}
	var out valueset.Extension
	if json.Unmarshal(m["url"], &out.URL) != nil || out.URL == "" {
		return valueset.Extension{}, false
	}
	if raw, ok := m["extension"]; ok {
		var subs []json.RawMessage
		if json.Unmarshal(raw, &subs) != nil {
			return valueset.Extension{}, false
		}
		for _, s := range subs {
			sub, ok := engineExtension(s)
			if !ok {
				return valueset.Extension{}, false
			}
			out.Extensions = append(out.Extensions, sub)
		}
	}
	for k, raw := range m {
		typ, isValue := strings.CutPrefix(k, "value")
		if !isValue || typ == "" {
			continue
		}
		if out.Type != "" { // two values: not an extension FHIR allows
			return valueset.Extension{}, false
		}
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) > 0 && raw[0] == '"':
			if json.Unmarshal(raw, &out.Value) != nil {
				return valueset.Extension{}, false
			}
		case len(raw) > 0 && (raw[0] == '{' || raw[0] == '['):
			return valueset.Extension{}, false
		default: // a number or a boolean, in its lexical form
			out.Value = string(raw)
		}
		out.Type = typ
	}
	if out.Type == "" && len(out.Extensions) == 0 {
		return valueset.Extension{}, false
	}
	return out, true
}

// engineExtensions are the extensions the engine keeps, nil for none.
func engineExtensions(in []extensionIn) []valueset.Extension {
	var out []valueset.Extension
	for _, e := range in {
		if e.engine.URL != "" {
			out = append(out, e.engine)
		}
	}
	return out
}

// designationIn is a designation as the parsers read it, with its
// extensions.
type designationIn struct {
	Language  string        `json:"language,omitempty"`
	Use       *fm.Coding    `json:"use,omitempty"`
	Value     string        `json:"value"`
	Extension []extensionIn `json:"extension,omitempty"`
}

func (d designationIn) engine() valueset.Designation {
	return valueset.Designation{Language: d.Language, Use: engineCoding(d.Use), Value: d.Value, Extensions: engineExtensions(d.Extension),
		StandardsStatus: standardsStatus(d.Extension)}
}

// extensionOut writes an engine extension with its one value[x]; ok is
// false for a value type it does not write.
func extensionOut(e valueset.Extension) (extensionJSON, bool) {
	out := extensionJSON{URL: e.URL, Extension: extensionsOut(e.Extensions)}
	if e.Type == "" {
		return out, len(out.Extension) > 0
	}
	v := e.Value
	switch e.Type {
	case "Boolean":
		if v != "true" && v != "false" {
			return out, false
		}
		out.ValueBoolean = ptr(v == "true")
	case "Integer", "PositiveInt", "UnsignedInt":
		var n int
		if json.Unmarshal([]byte(v), &n) != nil {
			return out, false
		}
		out.ValueInteger = &n
	case "Decimal":
		var f float64
		if json.Unmarshal([]byte(v), &f) != nil {
			return out, false // not a JSON number, which json.Number would refuse to write
		}
		out.ValueDecimal = ptr(json.Number(v))
	case "String":
		out.ValueString = &v
	case "Code":
		out.ValueCode = &v
	case "Id":
		out.ValueId = &v
	case "Uri":
		out.ValueUri = &v
	case "Canonical":
		out.ValueCanonical = &v
	case "Markdown":
		out.ValueMarkdown = &v
	case "DateTime":
		out.ValueDateTime = &v
	default:
		return out, false
	}
	return out, true
}

// extensionsOut writes the extensions it can, nil for none.
func extensionsOut(es []valueset.Extension) []extensionJSON {
	var out []extensionJSON
	for _, e := range es {
		if x, ok := extensionOut(e); ok {
			out = append(out, x)
		}
	}
	return out
}
