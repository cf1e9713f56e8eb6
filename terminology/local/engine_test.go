package local

import (
	"testing"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
	"github.com/stretchr/testify/require"
)

func compileFixture(t *testing.T, s *System, compose *valueset.Compose) *valueset.Compiled {
	t.Helper()
	vs := &valueset.ValueSet{URL: "http://example.org/fhir/ValueSet/zoo", Compose: compose}
	c, err := valueset.Compile(vs, resolver{fixtureURL: s}, valueset.Options{})
	require.NoError(t, err)
	return c
}

func expandCodes(t *testing.T, c *valueset.Compiled, filter string) []string {
	t.Helper()
	exp, err := c.Expand(valueset.ExpandRequest{Filter: filter})
	require.NoError(t, err)
	out := []string{}
	for _, m := range exp.Contains {
		out = append(out, m.Concept.Code)
	}
	require.Equal(t, len(out), exp.Total)
	return out
}

func TestEngineExpand(t *testing.T) {
	s := fixture(t)
	c := compileFixture(t, s, &valueset.Compose{
		Include: []valueset.ConceptSet{{System: fixtureURL, Filters: []valueset.Filter{{Property: "concept", Op: "is-a", Value: "A"}}}},
		Exclude: []valueset.ConceptSet{{System: fixtureURL, Concepts: []valueset.ConceptReference{{Code: "A1b"}}}},
	})
	require.Equal(t, []string{"A", "A1", "A1a", "A2", "E"}, expandCodes(t, c, ""))
	require.Equal(t, []valueset.Info{s.Info()}, c.Systems)

	// The text filter finds designations in either language.
	require.Equal(t, []string{"A1a"}, expandCodes(t, c, "perro"))
	require.Equal(t, []string{"A1a"}, expandCodes(t, c, "hound"))
	require.Equal(t, []string{"A"}, expandCodes(t, c, "animales"))
	require.Equal(t, []string{}, expandCodes(t, c, "cat"), "A1b is excluded")
	require.Equal(t, []string{}, expandCodes(t, c, "bee"), "B is not included")

	require.True(t, c.Contains(fixtureURL, "", "a1a"), "the code is found ignoring case")
	require.False(t, c.Contains(fixtureURL, "", "A1b"))
	require.False(t, c.Contains(fixtureURL, "", "B"))
}

func TestEngineInactiveAndErrors(t *testing.T) {
	s := fixture(t)
	no := false
	c := compileFixture(t, s, &valueset.Compose{Inactive: &no, Include: []valueset.ConceptSet{{System: fixtureURL}}})
	require.Equal(t, []string{"A", "A1", "A1a", "A1b", "A2", "B", "D", "E", "G"}, expandCodes(t, c, ""))

	vs := &valueset.ValueSet{URL: "http://example.org/fhir/ValueSet/bad", Compose: &valueset.Compose{
		Include: []valueset.ConceptSet{{System: fixtureURL, Filters: []valueset.Filter{{Property: "flavor", Op: "=", Value: "x"}}}},
	}}
	_, err := valueset.Compile(vs, resolver{fixtureURL: s}, valueset.Options{})
	e := requireInvalid(t, err, "'flavor' is not defined")
	require.Equal(t, "ValueSet.compose.include[0].filter[0].property", e.Path)

	vs.Compose.Include[0].Filters[0] = valueset.Filter{Property: "color", Op: "is-a", Value: "x"}
	_, err = valueset.Compile(vs, resolver{fixtureURL: s}, valueset.Options{})
	e = requireInvalid(t, err, "'is-a' is not supported for the property 'color'")
	require.Equal(t, "ValueSet.compose.include[0].filter[0].op", e.Path, "the engine completes the relative path")
}

// TestMembershipAgreesWithExpansion checks Contains against the expansion
// for every concept, over several filters.
func TestMembershipAgreesWithExpansion(t *testing.T) {
	s := fixture(t)
	for _, filters := range [][]valueset.Filter{
		{{Property: "concept", Op: "is-a", Value: "A1"}},
		{{Property: "concept", Op: "is-not-a", Value: "A"}},
		{{Property: "concept", Op: "generalizes", Value: "A1b"}},
		{{Property: "concept", Op: "descendent-leaf", Value: "A"}},
		{{Property: "code", Op: "regex", Value: "A.*"}, {Property: "parent", Op: "exists", Value: "true"}},
		{{Property: "color", Op: "=", Value: "yellow"}},
		{{Property: "inactive", Op: "=", Value: "true"}},
		{{Property: "child", Op: "=", Value: "A1b"}},
	} {
		c := compileFixture(t, s, &valueset.Compose{
			Include: []valueset.ConceptSet{{System: fixtureURL, Filters: filters}},
			Exclude: []valueset.ConceptSet{{System: fixtureURL, Concepts: []valueset.ConceptReference{{Code: "G"}}}},
		})
		in := map[string]bool{}
		for _, code := range expandCodes(t, c, "") {
			in[code] = true
		}
		require.NotEmpty(t, in, "%v", filters)
		for _, code := range allCodes {
			require.Equal(t, in[code], c.Contains(fixtureURL, "", code), "%v: %s", filters, code)
			require.Equal(t, in[code], c.Contains(fixtureURL, "1.0", code), "%v: %s", filters, code)
		}
		require.False(t, c.Contains(fixtureURL, "2.0", "A"), "another version")
	}
}
