// Package testenv locates the shared, licence-restricted inputs that tests
// read in place (CMS release files, HL7 tx tests) and the Redis that cache
// tests talk to, and checks that a package kept to the standard library
// stays so (StandardLibraryOnly). Nothing it points at is ever copied into
// the repository.
//
// It imports only the standard library and testing.
package testenv
