package local

import (
	"slices"
	"testing"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
	"github.com/stretchr/testify/require"
)

func TestNewErrors(t *testing.T) {
	declared := []valueset.PropertyDefinition{
		{Code: "color", Type: valueset.TypeCode},
		{Code: "weight", Type: valueset.TypeInteger},
	}
	leaf := func(code string, props ...valueset.PropertyValue) *ConceptDefinition {
		return &ConceptDefinition{Code: code, Properties: props}
	}
	tests := []struct {
		name     string
		concepts []*ConceptDefinition
		want     string // in the message
		path     string
	}{
		{"no code", []*ConceptDefinition{leaf("X"), leaf("")}, "has no code", "CodeSystem.concept[1].code"},
		{"nil concept", []*ConceptDefinition{nil}, "has no code", "CodeSystem.concept[0].code"},
		{"nested no code", []*ConceptDefinition{{Code: "X", Concepts: []*ConceptDefinition{leaf("")}}}, "has no code", "CodeSystem.concept[0].concept[0].code"},
		{"duplicate", []*ConceptDefinition{leaf("X"), {Code: "Y", Concepts: []*ConceptDefinition{leaf("X")}}}, "'X' is given twice", "CodeSystem.concept[1].concept[0].code"},
		{"duplicate in case", []*ConceptDefinition{leaf("X"), leaf("x")}, "differs only in case", "CodeSystem.concept[1].code"},
		{"unknown parent", []*ConceptDefinition{leaf("X", pv("parent", "Q"))}, "names the parent 'Q'", "CodeSystem.concept[0].property[0].value"},
		{"unknown child", []*ConceptDefinition{leaf("X", pv("child", "Q"))}, "names the child 'Q'", "CodeSystem.concept[0].property[0].value"},
		{"own parent", []*ConceptDefinition{leaf("X", pv("parent", "X"))}, "cycle: X → X", ""},
		{"cycle through nesting", []*ConceptDefinition{{Code: "X", Properties: []valueset.PropertyValue{pv("parent", "Y")}, Concepts: []*ConceptDefinition{leaf("Y")}}}, "cycle: X → Y → X", ""},
		{"cycle through child", []*ConceptDefinition{leaf("X", pv("child", "Y")), leaf("Y", pv("child", "Z")), leaf("Z", pv("child", "X"))}, "cycle: X → Y → Z → X", ""},
		{"undeclared property", []*ConceptDefinition{leaf("X", pv("flavor", "sweet"))}, "'flavor' of concept 'X' is not declared", "CodeSystem.concept[0].property[0].code"},
		{"wrong type", []*ConceptDefinition{leaf("X", valueset.PropertyValue{Code: "color", Type: valueset.TypeString, Value: "red"})}, "declared as code but has a string value", "CodeSystem.concept[0].property[0].value"},
		{"wrong standard type", []*ConceptDefinition{leaf("X", valueset.PropertyValue{Code: "inactive", Type: valueset.TypeString, Value: "true"})}, "declared as boolean", ""},
		{"bad integer", []*ConceptDefinition{leaf("X", pv("weight", "heavy"))}, "'heavy' of property 'weight'", ""},
		{"bad boolean", []*ConceptDefinition{leaf("X", pv("inactive", "yes"))}, "not a valid boolean", ""},
		{"bad dateTime", []*ConceptDefinition{leaf("X", pv("deprecated", "yesterday"))}, "not a valid dateTime", ""},
		{"bad code", []*ConceptDefinition{leaf("X", pv("color", " red"))}, "not a valid code", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(&Definition{URL: "http://example.org/x", Properties: declared, Concepts: tt.concepts})
			e := requireInvalid(t, err, tt.want)
			if tt.path != "" {
				require.Equal(t, tt.path, e.Path)
			}
		})
	}
	_, err := New(nil)
	requireInvalid(t, err, "missing")
}

func TestNewCaseSensitive(t *testing.T) {
	s, err := New(&Definition{URL: "http://example.org/x", CaseSensitive: true, Concepts: []*ConceptDefinition{{Code: "X"}, {Code: "x"}}})
	require.NoError(t, err, "codes differing in case are distinct in a case-sensitive system")
	c, ok := s.Concept("x")
	require.True(t, ok)
	require.Equal(t, 1, c.Index)
	_, ok = s.Concept("Y")
	require.False(t, ok)
	p, err := s.Filter(valueset.Filter{Property: "code", Op: "=", Value: "X"})
	require.NoError(t, err)
	require.Equal(t, []string{"X"}, codes(s, p))
	p, err = s.Filter(valueset.Filter{Property: "concept", Op: "is-a", Value: "X"})
	require.NoError(t, err)
	require.Equal(t, []string{"X"}, codes(s, p))
}

func TestInfoAndDefinition(t *testing.T) {
	d := fixtureDefinition()
	s, err := New(d)
	require.NoError(t, err)
	require.Same(t, d, s.Definition())
	require.Equal(t, valueset.Info{URL: fixtureURL, Version: "1.0", Name: "Zoo", Title: "The zoo",
		Status: "active", Content: "complete"}, s.Info())
	defs := s.PropertyDefinitions()
	require.Len(t, defs, 5)
	require.Equal(t, "color", defs[0].Code)
	require.Empty(t, defs[0].Operators, "every operator is allowed")
	require.Equal(t, []string{"="}, d.Properties[0].Operators, "the definition is left as it was")
}

func TestConceptLookup(t *testing.T) {
	s := fixture(t)
	for _, code := range []string{"A1a", "a1a", "A1A"} {
		c, ok := s.Concept(code)
		require.True(t, ok, code)
		require.Equal(t, "A1a", c.Code, "the concept keeps its real code")
		require.Equal(t, "Dog", c.Display)
		require.Same(t, c, s.ConceptAt(c.Index))
	}
	_, ok := s.Concept("A1c")
	require.False(t, ok)
	require.Nil(t, s.ConceptAt(-1))
	require.Nil(t, s.ConceptAt(len(allCodes)))
}

func TestConceptsOrderAndIndex(t *testing.T) {
	s := fixture(t)
	var got []string
	for c := range s.Concepts() {
		require.Equal(t, len(got), c.Index)
		got = append(got, c.Code)
	}
	require.Equal(t, allCodes, got)

	// A concept both nested and named by a child property appears once.
	d := &Definition{URL: "http://example.org/y", Concepts: []*ConceptDefinition{
		{Code: "P", Concepts: []*ConceptDefinition{{Code: "K"}}},
		{Code: "Q", Properties: []valueset.PropertyValue{pv("child", "K")}},
		{Code: "R", Properties: []valueset.PropertyValue{pv("child", "P")}},
	}}
	y, err := New(d)
	require.NoError(t, err)
	got = nil
	for c := range y.Concepts() {
		got = append(got, c.Code)
	}
	require.Equal(t, []string{"P", "K", "Q", "R"}, got)
	require.Equal(t, []string{"P", "Q"}, y.Parents("K"))
	require.Equal(t, []string{"R"}, y.Parents("P"))
	require.True(t, y.Subsumes("R", "K"))
}

func TestHierarchy(t *testing.T) {
	s := fixture(t)
	require.Equal(t, []string{"A1", "A2"}, s.Children("A"))
	require.Equal(t, []string{"A1a", "A1b"}, s.Children("a1"))
	require.Equal(t, []string{"E"}, s.Children("A2"), "by E's parent property")
	require.Equal(t, []string{"A1b"}, s.Children("G"), "by G's child property")
	require.Nil(t, s.Children("B"))
	require.Nil(t, s.Children("nope"))
	require.Nil(t, s.Parents("A"))
	require.Equal(t, []string{"A1", "G"}, s.Parents("A1b"))
	require.Equal(t, []string{"A2"}, s.Parents("E"))
	require.Nil(t, s.Parents("nope"))

	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"A", "A", true}, {"A", "A1a", true}, {"A", "E", true}, {"G", "A1b", true}, {"a1", "A1B", true},
		{"A1a", "A", false}, {"A1", "A2", false}, {"G", "A1", false}, {"B", "B", true},
		{"nope", "A", false}, {"A", "nope", false},
	} {
		require.Equal(t, tt.want, s.Subsumes(tt.a, tt.b), "%s subsumes %s", tt.a, tt.b)
	}
}

func TestFlags(t *testing.T) {
	s := fixture(t)
	var inactive, abstract []string
	for c := range s.Concepts() {
		if c.Inactive {
			inactive = append(inactive, c.Code)
		}
		if c.Abstract {
			abstract = append(abstract, c.Code)
		}
	}
	require.Equal(t, []string{"C", "F"}, inactive, "C retired, F inactive; a deprecated date alone is not inactive")
	require.Equal(t, []string{"D"}, abstract)

	d := &Definition{URL: "http://example.org/z", Concepts: []*ConceptDefinition{
		{Code: "X", Properties: []valueset.PropertyValue{pv("status", "inactive")}},
		{Code: "Y", Properties: []valueset.PropertyValue{pv("status", "deprecated"), pv("deprecated", "2021-03-04T05:06:07Z")}},
		{Code: "Z", Properties: []valueset.PropertyValue{pv("inactive", "false"), pv("notSelectable", "false")}},
	}}
	z, err := New(d)
	require.NoError(t, err)
	for code, want := range map[string]bool{"X": true, "Y": false, "Z": false} {
		c, _ := z.Concept(code)
		require.Equal(t, want, c.Inactive, code)
		require.False(t, c.Abstract, code)
	}
}

func TestProperties(t *testing.T) {
	s := fixture(t)
	get := func(code string) []valueset.PropertyValue {
		c, ok := s.Concept(code)
		require.True(t, ok)
		return s.Properties(c)
	}
	b := get("B")
	var order []string
	for _, p := range b {
		order = append(order, p.Code+"="+p.Value)
	}
	require.Equal(t, []string{"color=yellow", "color=black", "note=stings", "weight=1", "kind=insect"}, order, "in declaration order")
	require.Equal(t, valueset.TypeCoding, b[4].Type)
	require.Equal(t, "http://example.org/kinds", b[4].Coding.System)
	require.Equal(t, valueset.TypeCode, b[0].Type, "the type comes from the declaration")

	require.Equal(t, []valueset.PropertyValue{{Code: "parent", Type: valueset.TypeCode, Value: "A1"}}, get("A1a"), "the nesting parent")
	require.Equal(t, []valueset.PropertyValue{{Code: "parent", Type: valueset.TypeCode, Value: "A2"}}, get("E"), "given once, not repeated")
	a1b := get("A1b")
	require.True(t, slices.ContainsFunc(a1b, func(p valueset.PropertyValue) bool { return p.Value == "G" }), "the parent from G's child property")
	require.Len(t, a1b, 2)
	require.Empty(t, get("A"))
	require.Nil(t, s.Properties(&valueset.Concept{Code: "stranger", Index: 0}))
}
