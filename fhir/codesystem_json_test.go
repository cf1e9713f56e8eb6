package fhir

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology/local"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

const sampleCodeSystem = `{"resourceType":"CodeSystem","url":"http://example.org/cs","version":"1.0.0","name":"Sample","status":"active",
 "caseSensitive":false,"hierarchyMeaning":"is-a","content":"complete",
 "property":[{"code":"prop","uri":"http://example.org/cs#prop","type":"code"},{"code":"weight","type":"decimal"},{"code":"rank","type":"integer"},
  {"code":"see","type":"Coding"},{"code":"notSelectable","type":"boolean"}],
 "filter":[{"code":"prop","operator":["=","in"],"value":"a prop code"}],
 "concept":[{"code":"A","display":"Alpha","definition":"The first","designation":[{"language":"fr","value":"Alpha (fr)"}],
   "property":[{"code":"prop","valueCode":"x"},{"code":"weight","valueDecimal":1.50},{"code":"rank","valueInteger":2},
    {"code":"see","valueCoding":{"system":"http://example.org/other","code":"z","display":"Zed"}},{"code":"notSelectable","valueBoolean":true}],
   "concept":[{"code":"A1","display":"Alpha one"}]},
  {"code":"B"}]}`

func TestParseCodeSystem(t *testing.T) {
	d, err := ParseCodeSystem([]byte(sampleCodeSystem), "sample.json")
	require.NoError(t, err)
	require.Equal(t, "http://example.org/cs", d.URL)
	require.Equal(t, "1.0.0", d.Version)
	require.False(t, d.CaseSensitive)
	require.Equal(t, "is-a", d.HierarchyMeaning)
	require.Equal(t, "complete", d.Content)
	require.Len(t, d.Properties, 5)
	require.Equal(t, valueset.TypeDecimal, d.Properties[1].Type)
	require.Equal(t, []string{"=", "in"}, d.Filters[0].Operators)
	require.Len(t, d.Concepts, 2)
	a := d.Concepts[0]
	require.Equal(t, "Alpha", a.Display)
	require.Equal(t, "The first", a.Definition)
	require.Equal(t, "fr", a.Designations[0].Language)
	require.Equal(t, []valueset.PropertyValue{
		{Code: "prop", Type: valueset.TypeCode, Value: "x"},
		{Code: "weight", Type: valueset.TypeDecimal, Value: "1.50"},
		{Code: "rank", Type: valueset.TypeInteger, Value: "2"},
		{Code: "see", Type: valueset.TypeCoding, Value: "z", Coding: &valueset.Coding{System: "http://example.org/other", Code: "z", Display: "Zed"}},
		{Code: "notSelectable", Type: valueset.TypeBoolean, Value: "true"},
	}, a.Properties)
	require.Equal(t, "A1", a.Concepts[0].Code)
}

func TestParseCodeSystemRefuses(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"not JSON", `{`, "not a valid FHIR CodeSystem"},
		{"data after it", `{"resourceType":"CodeSystem","content":"complete"} 0`, "data after the resource"},
		{"a ValueSet", `{"resourceType":"ValueSet"}`, `a "ValueSet", not a CodeSystem`},
		{"bad status", `{"resourceType":"CodeSystem","status":"live","content":"complete"}`, `status "live"`},
		{"no content", `{"resourceType":"CodeSystem","status":"active"}`, `content ""`},
		{"bad hierarchy", `{"resourceType":"CodeSystem","content":"complete","hierarchyMeaning":"tree"}`, `hierarchyMeaning "tree"`},
		{"supplement of nothing", `{"resourceType":"CodeSystem","content":"supplement"}`, "which code system it supplements"},
		{"property type", `{"resourceType":"CodeSystem","content":"complete","property":[{"code":"p","type":"Quantity"}]}`, `has type "Quantity"`},
		{"two value[x]", `{"resourceType":"CodeSystem","content":"complete","concept":[{"code":"A","property":[{"code":"p","valueCode":"x","valueString":"y"}]}]}`, "exactly one"},
		{"no value[x]", `{"resourceType":"CodeSystem","content":"complete","concept":[{"code":"A","property":[{"code":"p"}]}]}`, "has 0 value[x]"},
		{"integer not integral", `{"resourceType":"CodeSystem","content":"complete","concept":[{"code":"A","concept":[{"code":"B","property":[{"code":"p","valueInteger":1.5}]}]}]}`, "not an integer"},
		{"unknown value type", `{"resourceType":"CodeSystem","content":"complete","concept":[{"code":"A","property":[{"code":"p","valueQuantity":{}}]}]}`, "valueQuantity is not a value[x]"},
		{"property without code", `{"resourceType":"CodeSystem","content":"complete","concept":[{"code":"A","property":[{"valueCode":"x"}]}]}`, "has no code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCodeSystem([]byte(tc.body), "x.json")
			require.Error(t, err)
			var e *valueset.Error
			require.True(t, errors.As(err, &e), "%T", err)
			require.ErrorIs(t, err, valueset.ErrInvalid)
			require.Contains(t, err.Error(), tc.want)
			require.Contains(t, err.Error(), "x.json")
		})
	}
	_, err := ParseCodeSystem([]byte(`{"resourceType":"CodeSystem","content":"complete","concept":[{"code":"A","concept":[{"code":"B","property":[{"code":"p","valueInteger":1.5}]}]}]}`), "x.json")
	var e *valueset.Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, "CodeSystem.concept[0].concept[0].property[0]", e.Path, "the path names the nested concept")
}

// FuzzParseCodeSystem: arbitrary bytes never panic the CodeSystem reader,
// and a rejection is an invalid-input engine error.
func FuzzParseCodeSystem(f *testing.F) {
	f.Add([]byte(sampleCodeSystem))
	for _, s := range []string{`{`, `[]`, `{"resourceType":"CodeSystem","content":"complete","concept":[{"code":"A","property":[{"code":"p","valueInteger":1e400}]}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := ParseCodeSystem(b, "fuzz")
		if err != nil {
			var e *valueset.Error
			if !errors.As(err, &e) || !errors.Is(err, valueset.ErrInvalid) {
				t.Fatalf("rejection is not an invalid-input engine error: %T %v", err, err)
			}
		}
	})
}

// oneSystem resolves a single code system, for the read-to-expand test.
type oneSystem struct{ cs valueset.CodeSystem }

func (r oneSystem) CodeSystem(ref valueset.SystemRef) (valueset.CodeSystem, error) {
	if ref.URL == r.cs.Info().URL && (ref.Version == "" || ref.Version == r.cs.Info().Version) {
		return r.cs, nil
	}
	return nil, &valueset.UnknownSystemError{URL: ref.URL, Version: ref.Version}
}

func (oneSystem) ValueSet(c string) (*valueset.ValueSet, error) {
	return nil, &valueset.UnknownValueSetError{Canonical: c}
}

// TestCodeSystemJSONToExpansion: a CodeSystem read from JSON becomes a code
// system the engine expands with a hierarchy filter, status from its
// properties, and a case-insensitive membership check.
func TestCodeSystemJSONToExpansion(t *testing.T) {
	d, err := ParseCodeSystem([]byte(sampleCodeSystem), "sample.json")
	require.NoError(t, err)
	cs, err := local.New(d)
	require.NoError(t, err)
	vs := &valueset.ValueSet{URL: "http://example.org/vs", Compose: &valueset.Compose{Include: []valueset.ConceptSet{{
		System: d.URL, Filters: []valueset.Filter{{Property: "concept", Op: valueset.OpIsA, Value: "a"}}}}}}
	c, err := valueset.Compile(vs, oneSystem{cs}, valueset.Options{})
	require.NoError(t, err)
	exp, err := c.Expand(valueset.ExpandRequest{})
	require.NoError(t, err)
	var codes []string
	for _, m := range exp.Contains {
		codes = append(codes, m.Concept.Code)
	}
	require.Equal(t, []string{"A", "A1"}, codes)
	require.True(t, exp.Contains[0].Concept.Abstract, "notSelectable=true")
	require.True(t, c.Contains(d.URL, "", "a1"), "the system is not case-sensitive")
	require.False(t, c.Contains(d.URL, "", "B"))
}
