// Package valueset is the value-set engine: it evaluates a FHIR ValueSet's
// compose (include, exclude, concept lists, filters, imported value sets)
// over code systems, for membership ($validate-code) and for expansion
// ($expand), with one evaluation so that the two can never disagree. It
// also holds the ranked text search that $expand's filter uses.
//
// # Code systems
//
// The engine consumes code systems through [CodeSystem], declared here,
// with its consumer. Optional capabilities are small interfaces that a
// provider may implement and the engine checks by assertion: [Filterer]
// (property filters), [Indexed] (a text index kept by the provider, so it
// is built once per release rather than per request). A provider that
// implements none of them still works: filters on code, concept and
// declared properties are evaluated generically, and the text index is
// built on demand.
//
// The HCPCS releases and the CMS code tables (package terminology)
// implement CodeSystem; so will FHIR CodeSystem resources (tx-resource,
// packages). The engine knows nothing of HCPCS.
//
// # Extensions
//
// Concepts, designations and a compose's listings keep the extensions an
// expansion needs ([Extension]): extension.go says which become
// properties of an entry (label, order, weight) and which are repeated,
// as tx.fhir.org does.
//
// # Dependencies
//
// This package imports only the standard library: no gin, go-redis or
// samply, and no other package of this module (deps_test.go checks it).
package valueset
