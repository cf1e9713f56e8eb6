package local

import "github.com/hcpcs-server/hcpcs-server/terminology/valueset"

// Definition is a FHIR CodeSystem resource in the terms of this package:
// what the fhir package reads from JSON (fhir.ParseCodeSystem) and New
// turns into a code system of the value-set engine.
type Definition struct {
	URL, Version, Name, Title string
	// Status is the publication status (draft, active, retired, unknown).
	Status string
	// Experimental and StandardsStatus (the standards-status extension)
	// are carried to valueset.Info.
	Experimental    bool
	StandardsStatus string
	CaseSensitive   bool
	// HierarchyMeaning is grouped-by, is-a, part-of or classified-with; ""
	// means is-a for the filters.
	HierarchyMeaning string
	// Content is complete, fragment, example, not-present or supplement.
	Content string
	// Supplements is the canonical of the system a supplement adds to.
	Supplements   string
	VersionNeeded bool
	Compositional bool
	Language      string
	// Properties are CodeSystem.property: code, uri, description, type.
	Properties []valueset.PropertyDefinition
	// Filters are CodeSystem.filter: the filters the resource declares.
	Filters []FilterDefinition
	// Concepts are the top-level concepts; each holds its children.
	Concepts []*ConceptDefinition
	// Supplemented are the canonicals of the supplements applied to it
	// (Supplement), which an expansion reports as used-supplement.
	Supplemented []string
}

// FilterDefinition is one CodeSystem.filter.
type FilterDefinition struct {
	Code, Description, Value string
	Operators                []string
}

// ConceptDefinition is one CodeSystem.concept, with its nested concepts.
type ConceptDefinition struct {
	Code, Display, Definition string
	Designations              []valueset.Designation
	// Properties are the concept's property values as the resource gives
	// them (Value is the lexical form; Coding set for Coding values).
	Properties []valueset.PropertyValue
	// Extensions are the concept's extensions, for an expansion to read
	// or repeat (valueset.Member.EchoedExtensions).
	Extensions []valueset.Extension
	Concepts   []*ConceptDefinition
}
