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

// A supplement's concept extensions join the concept's, and the supplement
// is listed among those applied, for used-supplement (FHIRsmith
// tx/workers/expand.js: the concept's extensions include its supplements',
// and listSupplements names them).
func TestSupplementExtensions(t *testing.T) {
	label := func(v string) valueset.Extension {
		return valueset.Extension{URL: valueset.ExtCodeSystemLabel, Type: "String", Value: v}
	}
	order := valueset.Extension{URL: valueset.ExtCodeSystemOrder, Type: "Integer", Value: "3"}
	base := fixtureDefinition()
	base.Concepts[1].Extensions = []valueset.Extension{order} // B
	sup := &Definition{URL: "http://example.org/zoo-labels", Version: "1", Content: "supplement", Supplements: fixtureURL,
		Concepts: []*ConceptDefinition{{Code: "B", Extensions: []valueset.Extension{label("b.")}}}}
	d, err := Supplement(base, sup, "http://example.org/zoo-labels|1")
	require.NoError(t, err)
	require.Equal(t, []string{"http://example.org/zoo-labels|1"}, d.Supplemented)
	s, err := New(d)
	require.NoError(t, err)
	bee, _ := s.Concept("B")
	require.Equal(t, []valueset.Extension{order, label("b.")}, bee.Extensions)

	again, err := Supplement(d, &Definition{URL: "http://example.org/zoo-more", Content: "supplement", Supplements: fixtureURL}, "http://example.org/zoo-more")
	require.NoError(t, err)
	require.Equal(t, []string{"http://example.org/zoo-labels|1", "http://example.org/zoo-more"}, again.Supplemented)
	require.Equal(t, []string{"http://example.org/zoo-labels|1"}, d.Supplemented, "the first result is untouched")
	require.Equal(t, []valueset.Extension{order}, base.Concepts[1].Extensions, "base is untouched")
	require.Empty(t, base.Supplemented)
}
