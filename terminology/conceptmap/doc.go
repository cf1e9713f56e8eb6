// Package conceptmap is the domain model of FHIR R4 ConceptMap resources
// and the translation that ConceptMap/$translate asks for: [Map] and its
// groups, elements and targets as the fhir package reads them (R4 names:
// equivalence, source[x]/target[x] scopes, unmapped mode
// provided/fixed/other-map), [Map.Check] for the rules a map must keep to
// be used, [Select] and [Find] to pick the maps a question applies to, and
// [Translate].
//
// # Semantics
//
// Forward, a group applies when its source is the system of the concept
// (its sourceVersion, when both sides give one, the concept's version)
// and, when a target system is asked for, its target is that system. Every
// target of every element with the concept's code is a match; a group
// that has no element for the code answers with its unmapped instead:
// provided (the same code in the target system), fixed (the code it
// names) or other-map (the translation of the map it names, followed with
// a guard against cycles). A target without a code whose equivalence is
// unmatched says the concept has no mapping: it is reported, with no
// concept. The answer is a translation when at least one match has an
// equivalence other than unmatched or disjoint.
//
// Reverse, the concept is a target concept: a group applies when its
// target is the concept's system and (when asked for) its source the
// system the answers come from; each element with a target of that code
// is a match that names the element as its source concept. As
// tx.fhir.org does, the match's concept is then the concept asked about
// and the equivalence is the map's, not inverted. Unmapped does not apply
// in reverse.
//
// A dependency of the request rules out a target whose dependsOn names the
// same element with a value the dependency does not have; a target whose
// dependsOn names elements the request does not mention still applies.
//
// # Dependencies
//
// This package imports only the standard library: no gin, go-redis or
// samply, and no other package of this module (deps_test.go checks it).
package conceptmap
