package valueset

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// treeCS is memCS with a hierarchy: parents by code.
type treeCS struct {
	*memCS
	parents map[string][]string
}

func (cs *treeCS) Parents(code string) []string { return cs.parents[code] }

const treeURL = "http://example.org/fhir/CodeSystem/tree"

// newTree is a small hierarchy: A > A1 > A1a, A > A2, B; A1 inactive.
func newTree(extraParents map[string][]string) *treeCS {
	cs := &treeCS{memCS: newMemCS(treeURL, "1", []fixtureConcept{
		{code: "A", display: "a"}, {code: "A1", display: "a1", inactive: true}, {code: "A1a", display: "a1a"},
		{code: "A2", display: "a2"}, {code: "B", display: "b"},
	}), parents: map[string][]string{"A1": {"A"}, "A1a": {"A1"}, "A2": {"A"}}}
	for k, v := range extraParents {
		cs.parents[k] = v
	}
	return cs
}

// shape writes a nested expansion as "A(A1(A1a) A2) B".
func shape(ms []*Member) string {
	var parts []string
	for _, m := range ms {
		s := m.Concept.Code
		if len(m.Contains) > 0 {
			s += "(" + shape(m.Contains) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestExpandNested(t *testing.T) {
	underA := Filter{Property: "concept", Op: OpRegex, Value: "A.*"}
	tests := []struct {
		name    string
		cs      *treeCS
		include []ConceptSet
		opts    Options
		req     ExpandRequest
		want    string
	}{
		{"whole system", newTree(nil), []ConceptSet{sys(treeURL)}, Options{}, ExpandRequest{Nested: true}, "A(A1(A1a) A2) B"},
		{"flat when not asked", newTree(nil), []ConceptSet{sys(treeURL)}, Options{}, ExpandRequest{}, "A A1 A1a A2 B"},
		{"a child of a left-out concept is a root", newTree(nil), []ConceptSet{sys(treeURL)}, Options{ActiveOnly: true}, ExpandRequest{Nested: true}, "A(A2) A1a B"},
		{"one filter", newTree(nil), []ConceptSet{sys(treeURL, underA)}, Options{}, ExpandRequest{Nested: true}, "A(A1(A1a) A2)"},
		{"a concept list is flat", newTree(nil), []ConceptSet{listed(treeURL, "A", "A2")}, Options{}, ExpandRequest{Nested: true}, "A A2"},
		{"a page is flat", newTree(nil), []ConceptSet{sys(treeURL)}, Options{}, ExpandRequest{Nested: true, Count: 5, HasCount: true}, "A A1 A1a A2 B"},
		{"a count above the size nests", newTree(nil), []ConceptSet{sys(treeURL)}, Options{}, ExpandRequest{Nested: true, Count: 6, HasCount: true}, "A(A1(A1a) A2) B"},
		{"a text filter on a whole system is flat", newTree(nil), []ConceptSet{sys(treeURL)}, Options{}, ExpandRequest{Nested: true, Filter: "a"}, "A A1 A1a A2"},
		// FHIRsmith tx/workers/expand.js, includeCodes: the matches of a
		// compose filter go under their parent whatever the text filter
		// (HL7 test search/search-filter-yes).
		{"a text filter on a compose filter nests", newTree(nil), []ConceptSet{sys(treeURL, underA)}, Options{}, ExpandRequest{Nested: true, Filter: "a"}, "A(A1(A1a) A2)"},
		{"a text filter with a whole system beside a filter is flat", newTree(nil), []ConceptSet{sys(treeURL, underA), sys(dmeURL)}, Options{}, ExpandRequest{Nested: true, Filter: "a"}, "A A1 A1a A2"},
		{"several parents is flat", newTree(map[string][]string{"A2": {"A", "B"}}), []ConceptSet{sys(treeURL)}, Options{}, ExpandRequest{Nested: true}, "A A1 A1a A2 B"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &fixtureResolver{systems: map[string][]CodeSystem{treeURL: {tc.cs}, dmeURL: {newMemCS(dmeURL, dmeVersion, nil)}}, valueSets: map[string]*ValueSet{}}
			c := mustCompile(t, r, &ValueSet{URL: vsBase + "tree", Compose: &Compose{Include: tc.include}}, tc.opts)
			exp, err := c.Expand(tc.req)
			require.NoError(t, err)
			require.Equal(t, tc.want, shape(exp.Contains))
			require.Equal(t, len(Flatten(exp.Contains)), exp.Total, "the total counts nested members")
		})
	}
}
