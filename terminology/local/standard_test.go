package local

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// TestStandardPropertyByURI: a standard property declared under another
// code is recognised by its uri; a code with another uri keeps its code's
// meaning.
func TestStandardPropertyByURI(t *testing.T) {
	tests := []struct {
		name, code, uri string
		abstract        bool
	}{
		{"by code", "notSelectable", "", true},
		{"by uri", "not-selectable", "http://hl7.org/fhir/concept-properties#notSelectable", true},
		{"another code, no uri", "not-selectable", "", false},
		{"the code with an unknown uri", "notSelectable", "http://hl7.org/fhir/concept-properties#notSelectableX", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(&Definition{URL: "http://example.org/cs", Content: "complete", CaseSensitive: true,
				Properties: []valueset.PropertyDefinition{{Code: tc.code, URI: tc.uri, Type: valueset.TypeBoolean}},
				Concepts:   []*ConceptDefinition{{Code: "X", Properties: []valueset.PropertyValue{pv(tc.code, "true")}}}})
			require.NoError(t, err)
			c, _ := s.Concept("X")
			require.Equal(t, tc.abstract, c.Abstract)
		})
	}
}
