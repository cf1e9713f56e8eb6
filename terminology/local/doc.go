// Package local makes FHIR CodeSystem resources — those a request brings as
// tx-resource parameters and those loaded from packages — code systems of
// the value-set engine (package valueset). New checks a [Definition] (the
// resource as the fhir package reads it) and builds a [System], which
// implements valueset.CodeSystem with the optional Filterer, Indexed and
// ConceptAter, and answers hierarchy questions (Parents, Children,
// Subsumes).
//
// # Semantics
//
// Concepts come depth-first in document order, a parent before the
// concepts nested in it; Index is that position. The hierarchy is the
// nesting plus the standard parent and child properties; a concept may have
// several parents, and a cycle is an error. Every hierarchyMeaning
// (is-a, part-of, classified-with, grouped-by, or none) is treated as the
// hierarchy of the is-a, descendent-of, is-not-a, generalizes, child-of and
// descendent-leaf filters.
//
// The standard concept properties (http://hl7.org/fhir/concept-properties)
// status, inactive, deprecated, notSelectable, parent and child are known
// whether or not the resource declares them. A concept is inactive when its
// inactive property is true or its status is retired or inactive (a
// deprecated date marks it deprecated, not inactive); notSelectable true
// makes it abstract. Properties returns the values the resource gives, plus
// a parent value for each direct parent the concept does not name itself
// (the one it is nested in, or one whose child property names it), so that
// parent filters work for nested systems too. Filters on parent and child
// use the whole hierarchy; the inactive filter uses the derived status.
//
// When the system is not case-sensitive, Concept, the hierarchy filters and
// =, in and not-in on the code ignore case; a regex applies as written.
//
// # Dependencies
//
// This package imports only the standard library and package valueset: no
// gin, go-redis or samply, and no other package of this module
// (deps_test.go checks it).
package local
