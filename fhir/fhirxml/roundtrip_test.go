package fhirxml_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// roundTrip converts a JSON resource to XML and back, and requires the
// same resource by meaning and the XML's element order to follow the
// StructureDefinitions.
func roundTrip(t *testing.T, src []byte) []byte {
	t.Helper()
	x, err := fhirxml.AppendXML(nil, src)
	require.NoError(t, err)
	require.NoError(t, fhirxml.CheckOrder(x), "element order")
	back, err := fhirxml.Decode(bytes.NewReader(x))
	require.NoError(t, err, "%.2000s", x)
	require.Equal(t, meaning(t, src), meaning(t, back), "%.2000s", x)
	return x
}

// TestRoundTripGoldens: every golden JSON answer of the fhir package gives
// the same resource after JSON → XML → JSON.
func TestRoundTripGoldens(t *testing.T) {
	for _, file := range goldens(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			roundTrip(t, src)
		})
	}
}

// TestRoundTripFullCodeSystem: the whole 2025-10 CodeSystem as the server
// renders it (8,846 concepts, read in place from the shared CMS data).
func TestRoundTripFullCodeSystem(t *testing.T) {
	src := serverAnswer(t, "/fhir/CodeSystem/hcpcs-2025-10")
	x := roundTrip(t, src)
	require.Equal(t, 8846+1, bytes.Count(x, []byte("<concept>"))+bytes.Count(x, []byte("<count ")), "8,846 concepts and the count")
}
