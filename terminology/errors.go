package terminology

import "errors"

// The error vocabulary of the domain. Callers test with errors.Is; the fhir
// package maps each to an HTTP status and an OperationOutcome in one place.
var (
	// ErrNotFound: the code, version, system or resource does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the input is malformed or contradictory.
	ErrInvalid = errors.New("invalid")
	// ErrNotSupported: the input is well formed but asks for something this server does not do.
	ErrNotSupported = errors.New("not supported")
)
