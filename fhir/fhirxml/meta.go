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
}

// fieldRef names one element of a type under one of its names.
type fieldRef struct {
	index int    // into typeInfo.elements
	typ   string // the element's type under this name (a choice resolved)
	under bool   // the JSON _name holding a primitive's id and extensions
}

var typeIndex = sync.OnceValue(func() map[string]*typeInfo {
	index := make(map[string]*typeInfo, len(typeDefs))
	for name, elements := range typeDefs {
		ti := &typeInfo{name: name, elements: elements, fields: map[string]fieldRef{}}
		for i, e := range elements {
			for _, t := range e.types {
				n := e.name
				if e.choice {
					n += strings.ToUpper(t[:1]) + t[1:]
				}
				ti.fields[n] = fieldRef{index: i, typ: t}
				if _, ok := primitiveKinds[t]; ok && !e.attr {
					ti.fields["_"+n] = fieldRef{index: i, typ: t, under: true}
				}
			}
		}
		index[name] = ti
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
