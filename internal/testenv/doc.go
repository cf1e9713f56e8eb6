// Package testenv locates the shared, licence-restricted inputs that tests
// read in place (CMS release files, HL7 tx tests) and the Redis that cache
// tests talk to. Nothing it points at is ever copied into the repository.
//
// It imports only the standard library and testing.
package testenv
