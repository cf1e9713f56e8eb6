package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func jsonObject(t *testing.T, s string) map[string]any {
	t.Helper()
	return mustJSON(t, s).(map[string]any)
}

// TestTxConvert checks the R5 -> R4 request and R4 -> R5 answer conversions
// of the runner's R4 client on the constructs the general suites use.
func TestTxConvert(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"versionAlgorithm becomes an extension",
			`{"resourceType":"CodeSystem","url":"http://x","versionAlgorithmCoding":{"system":"http://hl7.org/fhir/version-algorithm","code":"semver"},
			  "extension":[{"url":"http://e","valueString":"a"}]}`,
			`{"resourceType":"CodeSystem","url":"http://x","extension":[{"url":"http://e","valueString":"a"},
			  {"url":"` + extVersionAlgorithm + `","valueCoding":{"system":"http://hl7.org/fhir/version-algorithm","code":"semver"}}]}`},
		{"child-of becomes an extension on _op",
			`{"resourceType":"ValueSet","compose":{"include":[{"system":"http://s","filter":[{"property":"concept","op":"child-of","value":"a"},{"property":"concept","op":"is-a","value":"b"}]}]}}`,
			`{"resourceType":"ValueSet","compose":{"include":[{"system":"http://s","filter":[{"property":"concept","_op":{"extension":[{"url":"` + extFilterOp + `","valueCode":"child-of"}]},"value":"a"},{"property":"concept","op":"is-a","value":"b"}]}]}}`},
		{"ConceptMap R5 to R4",
			`{"resourceType":"ConceptMap","sourceScopeUri":"http://vs1","targetScopeUri":"http://vs2","group":[{"source":"http://a|1.0","target":"http://b",
			  "element":[{"code":"x","target":[{"code":"y","relationship":"source-is-broader-than-target"},{"code":"z"}]},{"code":"n","noMap":true}],
			  "unmapped":{"mode":"use-source-code","relationship":"related-to"}}]}`,
			`{"resourceType":"ConceptMap","sourceUri":"http://vs1","targetUri":"http://vs2","group":[{"source":"http://a","sourceVersion":"1.0","target":"http://b",
			  "element":[{"code":"x","target":[{"code":"y","equivalence":"narrower"},{"code":"z","equivalence":"relatedto"}]},{"code":"n","target":[{"equivalence":"unmatched"}]}],
			  "unmapped":{"mode":"provided"}}]}`},
		{"what R4 does not have is dropped, blanks too",
			`{"resourceType":"Parameters","parameter":[{"name":"x","valueString":"  "},{"name":"tx-resource","resource":{"resourceType":"CodeSystem",
			  "title":"T","title:xx":"T2","concept":[{"code":"a","definition:xx":"D"}]}},{"name":"n","valueInteger64":"5"}]}`,
			`{"resourceType":"Parameters","parameter":[{"name":"x"},{"name":"tx-resource","resource":{"resourceType":"CodeSystem","title":"T","concept":[{"code":"a"}]}},{"name":"n"}]}`},
	} {
		got, err := toR4Request(jsonObject(t, c.in))
		require.NoError(t, err, c.name)
		require.Equal(t, jsonObject(t, c.want), got, c.name)
	}

	for _, c := range []struct{ name, in, want string }{
		{"expansion and contains property extensions become R5 elements",
			`{"resourceType":"ValueSet","expansion":{"extension":[{"url":"` + extExpansionProp + `","extension":[{"url":"code","valueCode":"prop"},{"url":"uri","valueUri":"http://p"}]},
			  {"url":"http://other","valueString":"keep"}],
			  "contains":[{"code":"a","extension":[{"url":"` + extContainsProp + `","extension":[{"url":"code","valueCode":"prop"},{"url":"value","valueBoolean":true}]}]}]}}`,
			`{"resourceType":"ValueSet","expansion":{"property":[{"code":"prop","uri":"http://p"}],"extension":[{"url":"http://other","valueString":"keep"}],
			  "contains":[{"code":"a","property":[{"code":"prop","valueBoolean":true}]}]}}`},
		{"R5 elements an R4 server sends are not read",
			`{"resourceType":"ValueSet","expansion":{"property":[{"code":"p"}],"contains":[{"code":"a","property":[{"code":"p","valueString":"x"}]}]}}`,
			`{"resourceType":"ValueSet","expansion":{"contains":[{"code":"a"}]}}`},
		{"primitives take their FHIR JSON type",
			`{"resourceType":"Parameters","parameter":[{"name":"a","valueInteger":"5"},{"name":"b","valueBoolean":"TRUE"},{"name":"c","valueString":7},{"name":"d","valueDecimal":1.50}]}`,
			`{"resourceType":"Parameters","parameter":[{"name":"a","valueInteger":5},{"name":"b","valueBoolean":true},{"name":"c","valueString":"7"},{"name":"d","valueDecimal":1.50}]}`},
		{"empty elements vanish", `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","details":{},"location":[]}]}`,
			`{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid"}]}`},
	} {
		got, err := fromR4Response(jsonObject(t, c.in))
		require.NoError(t, err, c.name)
		require.Equal(t, jsonObject(t, c.want), got, c.name)
	}
	_, err := fromR4Response(jsonObject(t, `{"resourceType":"Parameters","parameter":{"name":"not a list"}}`))
	require.Error(t, err)
}

// TestTxNormalise checks the scrubbers and sorters applied to the answer.
func TestTxNormalise(t *testing.T) {
	p := jsonObject(t, `{"resourceType":"Parameters","meta":{"versionId":"1"},"parameter":[
		{"name":"result","valueBoolean":false},{"name":"diagnostics","valueString":"x"},
		{"name":"message","valueCode":"b; a"},
		{"name":"issues","resource":{"resourceType":"OperationOutcome","text":{"div":"<div/>"},"issue":[
			{"severity":"warning","code":"invalid","details":{"text":"w"},"diagnostics":"dropped diagnostics"},
			{"severity":"error","code":"invalid","details":{"extension":[{"url":"http://x/unknown"}]},"diagnostics":"dropped issue: its details are empty once scrubbed"},
			{"severity":"information","code":"invalid","details":{"text":"i"},"diagnostics":"request x-request-id=1",
			 "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id","valueString":"M"},{"url":"http://x/unknown","valueString":"u"}]}]}},
		{"name":"property","part":[{"name":"value","valueString":"B"},{"name":"code","valueCode":"y"}]},
		{"name":"property","part":[{"name":"code","valueCode":"X"},{"name":"value","valueString":"2"}]},
		{"name":"property","part":[{"name":"code","valueCode":"x"},{"name":"value","valueString":"1"}]}]}`)
	scrubParameters(p)
	require.NoError(t, sortParameters(p))
	require.Equal(t, jsonObject(t, `{"resourceType":"Parameters","parameter":[
		{"name":"issues","resource":{"resourceType":"OperationOutcome","issue":[
			{"severity":"information","code":"invalid","details":{"text":"i"},"diagnostics":"request x-request-id=1",
			 "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id","valueString":"M"}]},
			{"severity":"warning","code":"invalid","details":{"text":"w"}}]}},
		{"name":"message","valueString":"a; b"},
		{"name":"property","part":[{"name":"code","valueCode":"x"},{"name":"value","valueString":"1"}]},
		{"name":"property","part":[{"name":"code","valueCode":"X"},{"name":"value","valueString":"2"}]},
		{"name":"property","part":[{"name":"code","valueCode":"y"},{"name":"value","valueString":"B"}]},
		{"name":"result","valueBoolean":false}]}`), p)

	// Java's sort compares nothing in a list of one: the parts of a lone
	// parameter keep their order.
	lone := jsonObject(t, `{"resourceType":"Parameters","parameter":[{"name":"match","part":[{"name":"z"},{"name":"a"}]}]}`)
	require.NoError(t, sortParameters(lone))
	require.Equal(t, "z", str(asArray(asArray(lone["parameter"])[0].(map[string]any)["part"])[0], "name"))
	require.Error(t, sortParameters(jsonObject(t, `{"resourceType":"Parameters","parameter":[{"name":"property"},{"name":"property"}]}`)))

	vs := jsonObject(t, `{"resourceType":"ValueSet","text":{"div":"<div/>"},"extension":[{"url":"http://x/unknown"}],
		"compose":{"include":[{"extension":[{"url":"http://x/unknown"}]}],"extension":[{"url":"http://x/unknown"}]},
		"expansion":{"parameter":[{"name":"b","valueString":"1"},{"name":"a","valueString":"2"}],
		"property":[{"code":"p2","uri":"http://b"},{"code":"p1"}],
		"contains":[{"code":"b","designation":[{"language":"en","value":"y"},{"language":"de","value":"x"}]},
		            {"code":"a","contains":[{"code":"a2"},{"code":"a1"}],"property":[{"code":"z"},{"code":"m"}]}]}}`)
	scrubDomainResource(vs)
	require.NoError(t, sortValueSet(vs))
	require.Equal(t, jsonObject(t, `{"resourceType":"ValueSet",
		"compose":{"include":[{"extension":[{"url":"http://x/unknown"}]}]},
		"expansion":{"parameter":[{"name":"a","valueString":"2"},{"name":"b","valueString":"1"}],
		"property":[{"code":"p1"},{"code":"p2","uri":"http://b"}],
		"contains":[{"code":"a","contains":[{"code":"a1"},{"code":"a2"}],"property":[{"code":"m"},{"code":"z"}]},
		            {"code":"b","designation":[{"language":"de","value":"x"},{"language":"en","value":"y"}]}]}}`), vs)

	require.True(t, isManagedExtension("code"))
	require.False(t, isManagedExtension("urn:x:y"))
	require.Equal(t, "a+b%2Fc*%C3%A9", formEncode("a b/c*é"))
}
