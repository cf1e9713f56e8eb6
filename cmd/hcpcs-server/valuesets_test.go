package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadyzReportsSkippedValueSets: a loaded value set that cannot be
// evaluated here is not served, and /readyz says which and why.
func TestReadyzReportsSkippedValueSets(t *testing.T) {
	base := strings.TrimSuffix(startServerWith(t), "/fhir")
	resp, err := http.Get(base + "/readyz")
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		ValueSets int `json:"valueSets"`
		Skipped   []struct {
			Origin, Canonical, Reason string
		} `json:"skipped"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Len(t, body.Skipped, 1, "%+v", body.Skipped)
	require.Equal(t, "http://example.org/fhir/ValueSet/snomed-only", body.Skipped[0].Canonical)
	require.Contains(t, body.Skipped[0].Reason, "http://snomed.info/sct")
	require.Contains(t, body.Skipped[0].Origin, "snomed-only.json")
	require.Equal(t, 2+6, body.ValueSets, "the two built-in value sets and the six loaded ones that can be evaluated")
	r, err := http.Get(base + "/fhir/ValueSet/snomed-only")
	require.NoError(t, err)
	r.Body.Close()
	require.Equal(t, http.StatusNotFound, r.StatusCode)
}
