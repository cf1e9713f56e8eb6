package fhirxml

// primitiveKind is how a primitive's value is spelled in JSON.
type primitiveKind uint8

const (
	kindString primitiveKind = iota + 1
	kindBoolean
	kindInteger
	kindDecimal
	kindXHTML // Narrative.div: XHTML markup, a string in JSON
)

// elementDef is one child element of a type, as the StructureDefinition
// has it. types are type names: a primitive, a datatype, "Resource" (any
// resource, nested as its own element), or a backbone element's path
// (contentReference elements name the path they reuse).
type elementDef struct {
	name   string // the JSON name; a choice element's name without [x]
	types  []string
	choice bool // value[x]: the JSON and XML name is name + the type, capitalised
	many   bool // max is not 1: an array in JSON
	attr   bool // an XML attribute (id and Extension.url), not an element
}
