package fhirxml

import (
	"slices"
	"strings"
	"sync"
)

// typeInfo is one type of typeDefs with the lookup from a JSON member name
// (also the XML element name, less the leading _) to its element.
type typeInfo struct {
	name     string
	elements []elementDef
	fields   map[string]fieldRef
	byLen    [][]namedRef // fields by the length of their name, for field
}

type namedRef struct {
	name string
	ref  fieldRef
}

// field looks a JSON member name up in fields. Comparing the few names of
// its length costs less than hashing it, and the encoder does it for every
// value.
func (ti *typeInfo) field(key []byte) (fieldRef, bool) {
	if len(key) < len(ti.byLen) {
		for _, n := range ti.byLen[len(key)] {
			if n.name == string(key) {
				return n.ref, true
			}
		}
	}
	return fieldRef{}, false
}

// fieldRef names one element of a type under one of its names. kind and
// ti are typ looked up once, here, rather than for each value converted.
type fieldRef struct {
	index int           // into typeInfo.elements
	typ   string        // the element's type under this name (a choice resolved)
	kind  primitiveKind // typ's, when it is a primitive; 0 otherwise
	ti    *typeInfo     // typ's, when it is a datatype or backbone element
	under bool          // the JSON _name holding a primitive's id and extensions
	attr  bool          // the element is an XML attribute
}

var typeIndex = sync.OnceValue(func() map[string]*typeInfo {
	index := make(map[string]*typeInfo, len(typeDefs))
	for name, elements := range typeDefs {
		index[name] = &typeInfo{name: name, elements: elements, fields: map[string]fieldRef{}}
	}
	for _, ti := range index {
		for i, e := range ti.elements {
			for _, t := range e.types {
				n := e.name
				if e.choice {
					n += strings.ToUpper(t[:1]) + t[1:]
				}
				kind := primitiveKinds[t]
				ref := fieldRef{index: i, typ: t, kind: kind, ti: index[t], attr: e.attr}
				ti.fields[n] = ref
				if kind != 0 && !e.attr {
					ref.under = true
					ti.fields["_"+n] = ref
				}
			}
		}
		for n, ref := range ti.fields {
			if len(n) >= len(ti.byLen) {
				ti.byLen = append(ti.byLen, make([][]namedRef, len(n)+1-len(ti.byLen))...)
			}
			ti.byLen[len(n)] = append(ti.byLen[len(n)], namedRef{n, ref})
		}
	}
	return index
})

// resourceInfo returns the type of a resource this package handles.
func resourceInfo(name string) *typeInfo {
	if !slices.Contains(resourceTypes, name) {
		return nil
	}
	return typeIndex()[name]
}
