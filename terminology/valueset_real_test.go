package terminology

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// TestValidationAgreesWithExpansion: on the real 2025-10 release, for
// value sets of every kind of compose, ValueSet/$validate-code's answer for
// every one of the 8,846 codes is "valid" exactly when the expansion lists
// the code.
func TestValidationAgreesWithExpansion(t *testing.T) {
	snap := release202510(t)
	rel := snap.Latest()
	for _, tc := range []struct {
		name, canonical string
		opts            valueset.Options
		size            func(int) bool
	}{
		{"all codes", AllCodesValueSet, valueset.Options{}, func(n int) bool { return n == 8846 }},
		{"all codes, active only", AllCodesValueSet, valueset.Options{ActiveOnly: true}, func(n int) bool { return n > 7000 && n < 8846 }},
		{"range and property", SystemURL + "?fhir_vs=filter/code/in/E0950-E1298;filter/betos/=/D1D", valueset.Options{}, func(n int) bool { return n > 50 && n < 400 }},
		{"modifiers", SystemURL + "?fhir_vs=filter/kind/=/modifier", valueset.Options{}, func(n int) bool { return n == 383 }},
		{"J-codes by regex", SystemURL + "?fhir_vs=filter/code/regex/J.*", valueset.Options{}, func(n int) bool { return n > 500 && n < 1500 }},
		{"not covered", SystemURL + "?fhir_vs=filter/coverage/in/M,S", valueset.Options{}, func(n int) bool { return n > 100 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := snap.CompileValueSet(tc.canonical, tc.opts)
			require.NoError(t, err)
			exp, err := c.Expand(valueset.ExpandRequest{})
			require.NoError(t, err)
			require.True(t, tc.size(exp.Total), "%d codes", exp.Total)
			require.Len(t, exp.Contains, exp.Total)
			listed := make(map[string]bool, exp.Total)
			for _, m := range exp.Contains {
				require.False(t, listed[m.Concept.Code], "%s listed twice", m.Concept.Code)
				listed[m.Concept.Code] = true
			}
			for _, concept := range rel.Concepts {
				r := snap.Validate(ValidateRequest{Codings: []Coding{{System: SystemURL, Code: concept.Code}}, ValueSet: tc.canonical, Members: c})
				require.Equal(t, listed[concept.Code], r.Result, "%s: validation says %v, the expansion %v (%+v)", concept.Code, r.Result, listed[concept.Code], r.Issues)
			}
		})
	}
}
