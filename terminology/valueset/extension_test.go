package valueset

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// What an expansion entry takes from extensions follows tx.fhir.org's
// reference server: FHIRsmith tx/workers/expand.js, includeCode (label,
// order and weight as properties, the compose's listing replacing the code
// system's; the lists of extensions repeated from each) and
// tx/library/designations.js, asObject (those of a designation). HL7 tests
// extensions/extensions-echo-all, extensions/extensions-echo-enumerated,
// parameters/parameters-expand-enum-definitions3 and
// deprecated/vs-deprecation.

func ext(url, typ, value string) Extension { return Extension{URL: url, Type: typ, Value: value} }

const unknownExt = "http://example.org/StructureDefinition/unknown"

func TestExtensionProperties(t *testing.T) {
	tests := []struct {
		name          string
		concept, list []Extension
		want          []PropertyValue
	}{
		{"none", nil, nil, nil},
		{"only unknown ones", []Extension{ext(unknownExt, "String", "x")}, []Extension{ext(unknownExt, "String", "y")}, nil},
		{"the code system's", []Extension{ext(ExtCodeSystemOrder, "Integer", "6"), ext(ExtCodeSystemLabel, "String", "a."), ext(ExtItemWeight, "Decimal", "1.2")}, nil,
			[]PropertyValue{{Code: "label", Type: TypeString, Value: "a."}, {Code: "order", Type: TypeDecimal, Value: "6"}, {Code: "weight", Type: TypeDecimal, Value: "1.2"}}},
		{"the listing's win", []Extension{ext(ExtCodeSystemOrder, "Integer", "6"), ext(ExtCodeSystemLabel, "String", "a."), ext(ExtItemWeight, "Decimal", "1.2")},
			[]Extension{ext(ExtValueSetOrder, "Integer", "0"), ext(ExtItemWeight, "Decimal", "4")},
			[]PropertyValue{{Code: "label", Type: TypeString, Value: "a."}, {Code: "order", Type: TypeDecimal, Value: "0"}, {Code: "weight", Type: TypeDecimal, Value: "4"}}},
		{"a code system's extension in a listing counts for nothing", nil, []Extension{ext(ExtCodeSystemLabel, "String", "a.")}, nil},
		{"the listing's alone", nil, []Extension{ext(ExtValueSetLabel, "String", "b.")}, []PropertyValue{{Code: "label", Type: TypeString, Value: "b."}}},
	}
	for _, tc := range tests {
		m := &Member{Concept: &Concept{Code: "c", Extensions: tc.concept}, Extensions: tc.list}
		require.Equal(t, tc.want, m.ExtensionProperties(), tc.name)
	}
}

func TestEchoedExtensions(t *testing.T) {
	style := ext(ExtRenderingStyle, "String", "bold")
	sctid := ext(ExtSCTDescID, "Id", "234234")
	deprecated := ext(ExtValueSetDeprec, "Code", "true")
	definition := ext(ExtConceptDefinition, "String", "another")
	status := ext(ExtStandardsStatus, "Code", "deprecated")
	tests := []struct {
		name          string
		concept, list []Extension
		want          []Extension
	}{
		{"none", nil, nil, nil},
		{"the code system's, then the listing's", []Extension{ext(ExtCodeSystemOrder, "Integer", "1"), style, ext(unknownExt, "String", "x")},
			[]Extension{deprecated, definition, ext(ExtValueSetLabel, "String", "a."), ext(unknownExt, "String", "y")},
			[]Extension{style, deprecated, definition}},
		// a concept's standards-status is its status property, not repeated;
		// a listing's is repeated
		{"standards-status", []Extension{status}, []Extension{status, sctid}, []Extension{status, sctid}},
		{"both give a style", []Extension{style}, []Extension{style}, []Extension{style, style}},
	}
	for _, tc := range tests {
		m := &Member{Concept: &Concept{Code: "c", Extensions: tc.concept}, Extensions: tc.list}
		require.Equal(t, tc.want, m.EchoedExtensions(), tc.name)
	}

	d := Designation{Language: "de", Value: "Code", Extensions: []Extension{sctid, ext(unknownExt, "String", "x"), ext(ExtStandardsStatus, "Code", "withdrawn"), definition}}
	require.Equal(t, []Extension{sctid, ext(ExtStandardsStatus, "Code", "withdrawn")}, d.EchoedExtensions())
	require.Nil(t, Designation{Value: "x"}.EchoedExtensions())
}

// A listed concept's extensions reach its member, through imports too.
func TestMemberListingExtensions(t *testing.T) {
	r := newFixture(false)
	labelled := ConceptSet{System: dmeURL, Concepts: []ConceptReference{
		{Code: "A100", Extensions: []Extension{ext(ExtValueSetLabel, "String", "a.")}},
		{Code: "B200"},
	}}
	vs := newVS("labelled", []ConceptSet{labelled})
	r.add(vs)
	for _, c := range []*Compiled{mustCompile(t, r, vs, Options{}), mustCompile(t, r, newVS("outer", []ConceptSet{imports("labelled")}), Options{})} {
		ms := expandAll(t, c, "")
		require.Equal(t, []string{"A100", "B200"}, codes(ms))
		require.Equal(t, []PropertyValue{{Code: "label", Type: TypeString, Value: "a."}}, ms[0].ExtensionProperties())
		require.Nil(t, ms[1].ExtensionProperties())
		m, ok := c.Lookup(dmeURL, "", "A100")
		require.True(t, ok)
		require.Equal(t, labelled.Concepts[0].Extensions, m.Extensions)
	}
}
