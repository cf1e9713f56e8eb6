package fhirxml_test

import (
	"testing"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// TestStandardLibraryOnly: the codec imports no gin, redis or samply, nor
// anything else outside the standard library (doc.go).
func TestStandardLibraryOnly(t *testing.T) {
	testenv.StandardLibraryOnly(t, "github.com/hcpcs-server/hcpcs-server/fhir/fhirxml", "encoding/xml")
}
