// Package terminology is the HCPCS Level II domain: CMS releases, their
// concepts, the code tables that give CMS values their meaning, the readers
// for the files CMS ships, and the lookup and validation logic that the FHIR
// operations expose.
//
// # HCPCS in brief
//
// HCPCS Level II codes are five characters: a letter and four digits
// (E0114, S9327). Modifiers are two characters (LT, 25). CMS publishes an
// annual file each January and quarterly updates; each is one [Release],
// versioned by its month as YYYY-MM (an annual file is the -01 release of
// its year). A [Concept] keeps every column of the CMS ANWEB record layout.
//
// # Dates
//
// A code is in effect on day D when ADD DT ≤ D and either it has no TERM DT
// or D ≤ TERM DT: CMS's record layout calls TERM DT "the last date for
// which a procedure or modifier code may be used", so the termination day is
// itself still valid. A terminated code stays in CMS's file for about four
// years; it is kept, and served as inactive.
//
// # Value sets
//
// The value-set engine is the subpackage valueset, which knows nothing of
// HCPCS. This package makes HCPCS available to it: each release is a
// valueset.CodeSystem (Release.CodeSystem, codesystem.go) with its filters
// on the CMS columns and a text index built once per release, and so is
// each code table (TableSystem). Resolver (resolver.go) answers the
// engine's questions from a snapshot: the releases by version or date, the
// code tables, the built-in and loaded value sets, and the implicit
// ?fhir_vs URLs. A snapshot keeps its value sets and caches compiled ones
// (compiled.go); loaded value sets that cannot be evaluated are left out
// and listed with the reason (NewSnapshotEvaluated).
//
// # Concept maps
//
// The subpackage conceptmap holds the ConceptMap model and the translation
// of $translate; a snapshot keeps the loaded maps (Snapshot.ConceptMaps).
//
// # Dependencies
//
// This package is the domain. It must not import gin, go-redis, samply's
// FHIR models or any other transport or storage package; deps_test.go
// enforces it. It may use file-format libraries (excelize, x/text) because
// reading CMS's files is part of the domain.
package terminology
