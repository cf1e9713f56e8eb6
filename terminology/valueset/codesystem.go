package valueset

import (
	"iter"
	"time"
)

// CodeSystem is what the engine needs of a code system: its identity, its
// concepts by code and in a stable order, and their properties. A
// CodeSystem value answers for one version, and for one date where the
// provider's status depends on it (HCPCS: a code is inactive after its
// termination date). Implementations are safe for concurrent use and
// return concepts that callers must not modify.
type CodeSystem interface {
	Info() Info
	// Concept returns the concept with exactly this code.
	Concept(code string) (*Concept, bool)
	// Concepts yields every concept in the system's stable order.
	Concepts() iter.Seq[*Concept]
	// Properties returns the property values of a concept, in the order of
	// PropertyDefinitions.
	Properties(c *Concept) []PropertyValue
	// PropertyDefinitions are the properties the system declares.
	PropertyDefinitions() []PropertyDefinition
}

// Filterer is the optional capability of evaluating filters natively. A
// provider returns (nil, ErrFilterNotHandled) for a filter it leaves to the
// engine's generic evaluation over Properties.
type Filterer interface {
	Filter(f Filter) (Predicate, error)
}

// Indexed is the optional capability of keeping a text index, built once
// (per release), for the text filter of $expand.
type Indexed interface {
	TextIndex() *TextIndex
}

// Predicate reports whether a concept passes a filter.
type Predicate func(c *Concept) bool

// Info identifies a code system version.
type Info struct {
	URL, Version, Name, Title string
	// Status is the publication status (active, draft, retired).
	Status string
	// Experimental and StandardsStatus (the structuredefinition-
	// standards-status extension: draft, deprecated, withdrawn, …) are
	// what an expansion warns about.
	Experimental    bool
	StandardsStatus string
	CaseSensitive   bool
	// Content is the CodeSystem.content code (complete, fragment, …).
	Content string
	// Language is the language of the displays (CodeSystem.language), or
	// "" when the resource does not say.
	Language string
	// VersionNeeded: a code of the system means nothing without its
	// version (CodeSystem.versionNeeded).
	VersionNeeded bool
	// Date is the version's date (HCPCS: the release's effective day).
	Date time.Time
}

// Canonical is url|version, or url for an unversioned system.
func (i Info) Canonical() string {
	if i.Version == "" {
		return i.URL
	}
	return i.URL + "|" + i.Version
}

// Concept is the engine's view of one concept.
type Concept struct {
	Code       string
	Display    string
	Definition string
	// Inactive is the concept's status as of the CodeSystem value's date.
	Inactive bool
	// Abstract concepts (notSelectable) may appear in an expansion but are
	// not valid codes for data.
	Abstract     bool
	Designations []Designation
	// Extensions are the concept's extensions (of a CodeSystem resource
	// and its supplements) that an expansion may read or repeat.
	Extensions []Extension
	// Index is the concept's position in Concepts(); providers use it to
	// reach their own record in O(1) from a predicate.
	Index int
}

// Designation is an alternative text of a concept.
type Designation struct {
	Language string
	Use      *Coding
	Value    string
	// Source is the canonical of the supplement that added it, if any.
	Source string
	// StandardsStatus is the designation's structuredefinition-standards-
	// status (withdrawn, deprecated): set, the text is no longer a correct
	// display of the concept.
	StandardsStatus string
	// Extensions are the designation's own.
	Extensions []Extension
}

// Coding is a code of a code system, as a property value or designation use.
type Coding struct {
	System, Version, Code, Display string
}

// PropertyType is the FHIR type of a property's values.
type PropertyType string

// The property types of FHIR R4 CodeSystem.property.type.
const (
	TypeCode     PropertyType = "code"
	TypeCoding   PropertyType = "Coding"
	TypeString   PropertyType = "string"
	TypeInteger  PropertyType = "integer"
	TypeBoolean  PropertyType = "boolean"
	TypeDateTime PropertyType = "dateTime"
	TypeDecimal  PropertyType = "decimal"
)

// PropertyDefinition is one property a code system declares.
type PropertyDefinition struct {
	Code, URI, Description string
	Type                   PropertyType
	// Operators lists the filter operators the system supports on it.
	Operators []string
}

// PropertyValue is one value of a property of a concept. Value is the
// lexical form for every type (a Coding's code); Coding is set for
// Coding-typed values.
type PropertyValue struct {
	Code   string
	Type   PropertyType
	Value  string
	Coding *Coding
	// Description is the meaning of a coded value, where known.
	Description string
}
