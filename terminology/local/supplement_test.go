package local

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

func TestSupplement(t *testing.T) {
	base := fixtureDefinition()
	sup := &Definition{URL: "http://example.org/zoo-nl", Version: "2", Content: "supplement", Supplements: fixtureURL,
		Properties: []valueset.PropertyDefinition{{Code: "legs", Type: valueset.TypeInteger}},
		Concepts: []*ConceptDefinition{
			{Code: "B", Designations: []valueset.Designation{{Language: "nl", Value: "Bij"}}, Properties: []valueset.PropertyValue{pv("legs", "6")}},
			{Code: "A", Concepts: []*ConceptDefinition{{Code: "A1a", Designations: []valueset.Designation{{Language: "nl", Value: "Hond"}}}}},
		}}
	d, err := Supplement(base, sup, "http://example.org/zoo-nl|2")
	require.NoError(t, err)
	s, err := New(d)
	require.NoError(t, err)

	bee, _ := s.Concept("B")
	require.Equal(t, []valueset.Designation{{Language: "nl", Value: "Bij", Source: "http://example.org/zoo-nl|2"}}, bee.Designations)
	require.Contains(t, s.Properties(bee), valueset.PropertyValue{Code: "legs", Type: valueset.TypeInteger, Value: "6"})
	dog, _ := s.Concept("A1a")
	require.Len(t, dog.Designations, 3)
	require.Equal(t, "Hond", dog.Designations[2].Value)

	// base is untouched.
	orig := fixture(t)
	dog0, _ := orig.Concept("A1a")
	require.Len(t, dog0.Designations, 2)
	require.Len(t, base.Properties, 5)

	sup.Concepts = append(sup.Concepts, &ConceptDefinition{Code: "Z"})
	_, err = Supplement(base, sup, "x")
	require.ErrorContains(t, err, "names the code 'Z', which is not in the CodeSystem")
	_, err = Supplement(base, base, "x")
	require.ErrorContains(t, err, "is not a supplement")
}
