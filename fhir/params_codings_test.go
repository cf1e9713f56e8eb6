package fhir

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// conceptBody is a Parameters body whose parameter name carries a
// CodeableConcept of n codings, at the top level or as a part.
func conceptBody(name string, n int, asPart bool) string {
	codings := make([]string, n)
	for i := range codings {
		codings[i] = fmt.Sprintf(`{"system":"urn:junk:%d","code":"c%d"}`, i, i)
	}
	cc := fmt.Sprintf(`{"name":%q,"valueCodeableConcept":{"coding":[%s]}}`, name, strings.Join(codings, ","))
	if asPart {
		cc = `{"name":"dependency","part":[{"name":"element","valueUri":"x"},` + cc + `]}`
	}
	return `{"resourceType":"Parameters","parameter":[` + cc + `]}`
}

// TestCodeableConceptCodingsBound: a CodeableConcept of more than
// maxCodings codings is a 400 naming the parameter and the bound, wherever
// it is read (issue 9 §5: 12,000 codings in unknown systems made one
// request do 12,000 validations); maxCodings codings are still read.
func TestCodeableConceptCodingsBound(t *testing.T) {
	for _, tc := range []struct {
		name   string
		n      int
		asPart bool
		ok     bool
	}{
		{"at the bound", maxCodings, false, true},
		{"one more", maxCodings + 1, false, false},
		{"1,000", 1000, false, false},
		{"12,000", 12000, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/fhir/ValueSet/$validate-code", strings.NewReader(conceptBody("codeableConcept", tc.n, tc.asPart)))
			req.Header.Set("Content-Type", "application/fhir+json")
			p, err := readParams(req, maxBodyBytes)
			if tc.ok {
				require.NoError(t, err)
				cc, err := p.codeableConcept("codeableConcept")
				require.NoError(t, err)
				require.Len(t, cc.Coding, tc.n)
				return
			}
			var re *requestError
			require.True(t, errors.As(err, &re), "got %v", err)
			require.Equal(t, http.StatusBadRequest, re.status)
			require.Equal(t, "Parameters.parameter[0] (`codeableConcept`).valueCodeableConcept.coding", re.issue.Expression)
			require.Contains(t, re.issue.Text, fmt.Sprintf("has %d codings", tc.n))
			require.Contains(t, re.issue.Text, fmt.Sprintf("at most %d", maxCodings))
		})
	}
}

// TestDependencyConceptCodingsBound: the concept part of a $translate
// dependency is read by the same decoder, and bounded the same way.
func TestDependencyConceptCodingsBound(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/fhir/ConceptMap/$translate", strings.NewReader(conceptBody("concept", maxCodings+1, true)))
	req.Header.Set("Content-Type", "application/fhir+json")
	p, err := readParams(req, maxBodyBytes)
	require.NoError(t, err, "the parts are read when the dependency is")
	_, err = readDependencies(p)
	var re *requestError
	require.True(t, errors.As(err, &re), "got %v", err)
	require.Equal(t, http.StatusBadRequest, re.status)
	require.Contains(t, re.issue.Text, "at most 100 in one CodeableConcept")
}
