package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// TestGeneratedIsCurrent: regenerating from the npm package gives the
// committed types_gen.go byte for byte (`make js` installs the package).
func TestGeneratedIsCurrent(t *testing.T) {
	root := testenv.RepoRoot(t)
	defs := filepath.Join(root, "testdata", "js", "node_modules", "@medplum", "definitions", "dist", "fhir", "r4")
	got, err := generate(defs)
	if err != nil {
		t.Fatalf("%v (run make js)", err)
	}
	want, err := os.ReadFile(filepath.Join(root, "fhir", "fhirxml", "types_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("fhir/fhirxml/types_gen.go is stale: run go generate ./fhir/fhirxml")
	}
}

// TestGeneratedTables checks the special cases the codec relies on.
func TestGeneratedTables(t *testing.T) {
	root := testenv.RepoRoot(t)
	src, err := generate(filepath.Join(root, "testdata", "js", "node_modules", "@medplum", "definitions", "dist", "fhir", "r4"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`{name: "exclude", types: []string{"ValueSet.compose.include"}, many: true}`, // contentReference
		`{name: "part", types: []string{"Parameters.parameter"}, many: true}`,
		`{name: "resource", types: []string{"Resource"}}`,
		`{name: "url", types: []string{"uri"}, attr: true}`, // Extension.url
		`{name: "div", types: []string{"xhtml"}}`,
		`"positiveInt":  kindInteger`,
		`{name: "value", types: []string{"CodeableConcept", "Quantity", "Range", "Reference"}, choice: true}`, // UsageContext.value[x]
	} {
		if !bytes.Contains(src, []byte(want)) {
			t.Errorf("the generated tables lack %s", want)
		}
	}
}
