package local

import (
	"testing"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
	"github.com/stretchr/testify/require"
)

// The fixture: a case-insensitive system of eleven concepts.
//
//	A (designations en, es)
//	  A1
//	    A1a (designations en, es)
//	    A1b          also a child of G (G's child property)
//	  A2
//	    E            by E's parent property
//	B  color yellow, black; note; weight; kind (Coding)
//	C  status retired
//	D  notSelectable
//	F  inactive, deprecated
//	G  child A1b
const fixtureURL = "http://example.org/fhir/CodeSystem/zoo"

// allCodes is every code in the system's order.
var allCodes = []string{"A", "A1", "A1a", "A1b", "A2", "B", "C", "D", "E", "F", "G"}

func pv(code, value string) valueset.PropertyValue {
	return valueset.PropertyValue{Code: code, Value: value}
}

func fixtureDefinition() *Definition {
	return &Definition{
		URL: fixtureURL, Version: "1.0", Name: "Zoo", Title: "The zoo", Status: "active",
		Content: "complete", HierarchyMeaning: "is-a",
		Properties: []valueset.PropertyDefinition{
			{Code: "color", Type: valueset.TypeCode, Operators: []string{"="}},
			{Code: "note", Type: valueset.TypeString},
			{Code: "weight", Type: valueset.TypeInteger},
			{Code: "kind", Type: valueset.TypeCoding},
			{Code: "parent", URI: "http://hl7.org/fhir/concept-properties#parent", Type: valueset.TypeCode},
		},
		Concepts: []*ConceptDefinition{
			{Code: "A", Display: "Animals", Designations: []valueset.Designation{
				{Language: "en", Value: "Creatures"}, {Language: "es", Value: "Animales"}},
				Concepts: []*ConceptDefinition{
					{Code: "A1", Display: "Mammals", Concepts: []*ConceptDefinition{
						{Code: "A1a", Display: "Dog", Designations: []valueset.Designation{
							{Language: "en", Value: "Hound"}, {Language: "es", Value: "Perro"}}},
						{Code: "A1b", Display: "Cat"},
					}},
					{Code: "A2", Display: "Birds"},
				}},
			{Code: "B", Display: "Bee", Properties: []valueset.PropertyValue{
				pv("note", "stings"), pv("color", "yellow"), pv("color", "black"), pv("weight", "1"),
				{Code: "kind", Coding: &valueset.Coding{System: "http://example.org/kinds", Code: "insect"}},
			}},
			{Code: "C", Display: "Crab", Properties: []valueset.PropertyValue{pv("status", "retired")}},
			{Code: "D", Display: "Dinosaurs", Properties: []valueset.PropertyValue{pv("notSelectable", "true")}},
			{Code: "E", Display: "Eagle", Properties: []valueset.PropertyValue{pv("parent", "A2")}},
			{Code: "F", Display: "Fish", Properties: []valueset.PropertyValue{
				pv("inactive", "true"), {Code: "deprecated", Type: valueset.TypeDateTime, Value: "2020-01-01"}}},
			{Code: "G", Display: "Group", Properties: []valueset.PropertyValue{pv("child", "A1b")}},
		},
	}
}

func fixture(t testing.TB) *System {
	t.Helper()
	s, err := New(fixtureDefinition())
	require.NoError(t, err)
	return s
}

// codes lists the codes a predicate selects, in the system's order.
func codes(s *System, p valueset.Predicate) []string {
	out := []string{}
	for c := range s.Concepts() {
		if p(c) {
			out = append(out, c.Code)
		}
	}
	return out
}

// requireInvalid checks that err is a *valueset.Error of Kind ErrInvalid
// whose text contains want.
func requireInvalid(t *testing.T, err error, want string) *valueset.Error {
	t.Helper()
	var e *valueset.Error
	require.ErrorAs(t, err, &e)
	require.ErrorIs(t, err, valueset.ErrInvalid)
	require.Contains(t, e.Text, want)
	return e
}

// resolver serves code systems by URL.
type resolver map[string]valueset.CodeSystem

func (r resolver) CodeSystem(ref valueset.SystemRef) (valueset.CodeSystem, error) {
	if cs, ok := r[ref.URL]; ok && (ref.Version == "" || ref.Version == cs.Info().Version) {
		return cs, nil
	}
	return nil, &valueset.UnknownSystemError{URL: ref.URL, Version: ref.Version}
}

func (r resolver) ValueSet(canonical string) (*valueset.ValueSet, error) {
	return nil, &valueset.UnknownValueSetError{Canonical: canonical}
}
