// Package browse is the code browser: HTML pages for people, served by the
// same binary as the FHIR API, over the same domain.
//
// # Pages
//
//	/browse?q=…&release=…&active=…&kind=…&coverage=…&betos=…   search
//	/browse/code/{code}?release=V                              one code in one release, with its history
//	/browse/release/{version}?kind=…                           a release: counts and the diff to the previous loaded one
//	/browse/assets/{file}                                      the embedded CSS, JavaScript and icon
//
// Every page has a stable URL and works without JavaScript; the search page
// adds search-as-you-type by calling the FHIR $expand operation, which runs
// the same engine as the server-rendered results. Each page links to the
// FHIR JSON and XML behind it. Errors are HTML pages with the right status,
// never OperationOutcomes: those belong to the FHIR routes.
//
// # Imports
//
// browse imports the standard library and the domain (terminology and its
// subpackages) only: no gin, no go-redis, no samply models, no fhir package
// (deps_test.go). cmd/hcpcs-server mounts it in front of the FHIR engine,
// outside the FHIR middleware, whose content negotiation would refuse a
// browser's Accept header.
package browse
