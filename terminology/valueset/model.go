package valueset

import (
	"errors"
	"fmt"
	"time"
)

// ValueSet is a value set definition: its identity and its compose.
type ValueSet struct {
	// ID is the resource id it is served under.
	ID                                                        string
	URL, Version, Name, Title, Status, Description, Publisher string
	Experimental                                              *bool
	// StandardsStatus is the structuredefinition-standards-status
	// extension (draft, deprecated, withdrawn, …), or "".
	StandardsStatus string
	// Date is the ValueSet.date, as given (FHIR dateTime), or "".
	Date string
	// Language is ValueSet.language: the language of the compose's
	// displays, or "".
	Language string
	Compose  *Compose
	// Source is the resource as it was loaded, served on read; nil for
	// value sets built by the server itself.
	Source []byte
	// Origin says where it was loaded from (a file, a package member).
	Origin string
	// Contained are the contained value sets, which the compose names
	// as #id.
	Contained []*ValueSet
	// Supplements are the code system supplements the value set asks its
	// codes to be read with (the valueset-supplement extension).
	Supplements []string
}

// Canonical is url|version, or url when unversioned.
func (vs *ValueSet) Canonical() string {
	if vs.Version == "" {
		return vs.URL
	}
	return vs.URL + "|" + vs.Version
}

// Compose is ValueSet.compose.
type Compose struct {
	// LockedDate fixes the version of every system whose include names none:
	// the version in effect on that day.
	LockedDate time.Time
	// Inactive: nil means the default (inactive codes are included); false
	// excludes them.
	Inactive *bool
	Include  []ConceptSet
	Exclude  []ConceptSet
	// Parameters are the compose's default expansion parameters (the
	// valueset-expansion-parameter extension), by name, with their
	// value's lexical form; the request's own win.
	Parameters []Parameter
}

// Parameter is one named value (an expansion parameter).
type Parameter struct {
	Name, Value string
}

// Parameter returns the value of the compose's default parameter name.
func (c *Compose) Parameter(name string) (string, bool) {
	if c == nil {
		return "", false
	}
	for _, p := range c.Parameters {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// ConceptSet is one compose.include or compose.exclude.
type ConceptSet struct {
	System, Version string
	Concepts        []ConceptReference
	Filters         []Filter
	// ValueSets are canonicals (url or url|version) of imported value sets.
	ValueSets []string
}

// ConceptReference is a concept listed by code in a compose.
type ConceptReference struct {
	Code, Display string
	Designations  []Designation
	// Status is the concept's status in this value set (deprecated), from
	// the valueset-deprecated or standards-status extension.
	Status string
	// Extensions are the listing's extensions that an expansion may read
	// or repeat (extension.go).
	Extensions []Extension
}

// Filter is a compose filter: property, operator and value.
type Filter struct {
	Property, Op, Value string
}

func (f Filter) String() string { return fmt.Sprintf("%s %s %s", f.Property, f.Op, f.Value) }

// The filter operators of FHIR R4 (filter-operator).
const (
	OpEqual          = "="
	OpIsA            = "is-a"
	OpDescendentOf   = "descendent-of"
	OpIsNotA         = "is-not-a"
	OpRegex          = "regex"
	OpIn             = "in"
	OpNotIn          = "not-in"
	OpGeneralizes    = "generalizes"
	OpChildOf        = "child-of"
	OpDescendentLeaf = "descendent-leaf"
	OpExists         = "exists"
)

// KnownOp reports whether op is a FHIR filter operator at all.
func KnownOp(op string) bool {
	switch op {
	case OpEqual, OpIsA, OpDescendentOf, OpIsNotA, OpRegex, OpIn, OpNotIn, OpGeneralizes, OpChildOf, OpDescendentLeaf, OpExists:
		return true
	}
	return false
}

// The error vocabulary of the engine; the fhir package maps them to
// statuses and OperationOutcomes. Each concrete error wraps one of them.
var (
	// ErrInvalid: the definition or request is malformed (a broken compose,
	// a regex that does not compile, an unknown filter property).
	ErrInvalid = errors.New("invalid")
	// ErrNotFound: a code system or value set the definition needs is not
	// available.
	ErrNotFound = errors.New("not found")
	// ErrNotSupported: well formed, but this server does not do it.
	ErrNotSupported = errors.New("not supported")
	// ErrTooCostly: the expansion exceeds the configured limit.
	ErrTooCostly = errors.New("too costly")
	// ErrVersionCheck: a system's version is not the one
	// check-system-version requires.
	ErrVersionCheck = errors.New("version check failed")
	// ErrFilterNotHandled is returned by a Filterer for a filter it leaves
	// to the generic evaluation.
	ErrFilterNotHandled = errors.New("filter not handled by the provider")
)

// UnknownSystemError is returned when a compose names a code system (or a
// version of one) that the resolver does not have.
type UnknownSystemError struct {
	URL, Version string
	// Valid lists the versions that are available, when the system is
	// known but the version is not.
	Valid []string
	// Cause is the resolver's own message, when it gives one.
	Cause string
}

func (e *UnknownSystemError) Error() string {
	if e.Cause != "" {
		return e.Cause
	}
	if e.Version != "" {
		return fmt.Sprintf("A definition for CodeSystem '%s' version '%s' could not be found", e.URL, e.Version)
	}
	return fmt.Sprintf("A definition for CodeSystem '%s' could not be found", e.URL)
}

// Canonical is the url|version the error is about.
func (e *UnknownSystemError) Canonical() string {
	if e.Version == "" {
		return e.URL
	}
	return e.URL + "|" + e.Version
}

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *UnknownSystemError) Unwrap() error { return ErrNotFound }

// UnknownValueSetError is returned for a value set that cannot be resolved.
type UnknownValueSetError struct{ Canonical string }

// Error is tx.fhir.org's wording, capital S included (Unable_to_resolve_value_Set_).
func (e *UnknownValueSetError) Error() string {
	return fmt.Sprintf("A definition for the value Set '%s' could not be found", e.Canonical)
}

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *UnknownValueSetError) Unwrap() error { return ErrNotFound }

// UnknownImportError is returned when a compose imports a value set that
// cannot be resolved. Version is set when the import is pinned, by the
// compose or by default-valueset-version: tx.fhir.org then reports it as
// such (FHIRsmith tx/workers/expand.js, VS_EXP_IMPORT_UNK_PINNED). Err
// keeps the resolver's error, which errors.As finds.
type UnknownImportError struct {
	URL, Version string
	Err          *UnknownValueSetError
}

// Error is tx.fhir.org's wording for a pinned import, else the resolver's.
func (e *UnknownImportError) Error() string {
	if e.Version == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("Unable to find included value set '%s' version '%s'", e.URL, e.Version)
}

// Unwrap gives the resolver's error.
func (e *UnknownImportError) Unwrap() error { return e.Err }

// Error is an engine error with a message fit for an OperationOutcome:
// Kind is one of the sentinel errors above, for errors.Is.
type Error struct {
	Kind error
	Text string
	// Path is the FHIRPath of the offending element, where known
	// (ValueSet.compose.include[0].filter[1]).
	Path string
	// Code, TxType and MessageID, when set, are the OperationOutcome issue
	// code, tx-issue-type and message id tx.fhir.org reports the error
	// with, where they are not those of the Kind.
	Code, TxType, MessageID string
}

func (e *Error) Error() string { return e.Text }

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Kind }

func invalidf(path, format string, args ...any) error {
	return &Error{Kind: ErrInvalid, Path: path, Text: fmt.Sprintf(format, args...)}
}

func notSupportedf(path, format string, args ...any) error {
	return &Error{Kind: ErrNotSupported, Path: path, Text: fmt.Sprintf(format, args...)}
}
