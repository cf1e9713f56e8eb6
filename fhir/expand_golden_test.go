package fhir_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The value sets of testdata/valuesets and testdata/package.
const (
	wheelchairVS = "http://example.org/fhir/ValueSet/wheelchair-accessories"
	mobilityVS   = "http://example.org/fhir/ValueSet/mobility-with-sides"
	crutchesVS   = "http://example.org/fhir/ValueSet/crutches-measure"
	jCodesVS     = "http://example.org/fhir/ValueSet/active-j-codes"
	lockedVS     = "http://example.org/fhir/ValueSet/locked-2023"
	ambulanceVS  = "http://example.org/fhir/ig/ValueSet/ambulance"
	vsExpand     = "/ValueSet/$expand"
	// coverageActionVS holds two code tables that share codes (C, D, S).
	coverageActionVS = "http://example.org/fhir/ValueSet/coverage-and-action"
)

// implicitFilter is the implicit value set of the HCPCS codes one filter
// selects (terminology.ImplicitValueSet).
func implicitFilter(property, op, value string) string {
	return hcpcsURL + "?fhir_vs=filter/" + property + "/" + op + "/" + value
}

// inlineValueSet is a valueSet parameter with the given compose.
func inlineValueSet(compose string) string {
	return `{"name":"valueSet","resource":{"resourceType":"ValueSet","url":"http://example.org/fhir/ValueSet/inline","status":"draft","compose":` + compose + `}}`
}

func hcpcsInclude(body string) string {
	return `{"system":"` + hcpcsURL + `"` + body + `}`
}

func init() {
	goldenCases = append(goldenCases, expandCases...)
}

var expandCases = []goldenCase{
	// ---- text filter, paging, too-costly
	getCase("expand-filter-wheelch", fhirPath(vsExpand, "url", implicitVS, "filter", "wheelch", "count", "10"), 200),
	getCase("expand-filter-crutch-underarm-active", fhirPath(vsExpand, "url", implicitVS, "filter", "crutch underarm", "activeOnly", "true", "count", "5"), 200),
	getCase("expand-filter-exact-code", fhirPath(vsExpand, "url", implicitVS, "filter", "j1100", "count", "3"), 200),
	getCase("expand-filter-no-match", fhirPath(vsExpand, "url", implicitVS, "filter", "zzzzqqq", "count", "10"), 200),
	getCase("expand-count-0", fhirPath(vsExpand, "url", implicitVS, "count", "0"), 200),
	getCase("expand-page-last", fhirPath(vsExpand, "url", implicitVS, "count", "1000", "offset", "8840"), 200),
	getCase("expand-too-costly", fhirPath(vsExpand, "url", implicitVS), 422).with(map[string]string{"X-TOO-COSTLY-THRESHOLD": "1000"}),
	getCase("expand-too-costly-filter-fits", fhirPath(vsExpand, "url", implicitVS, "filter", "cane"), 200).with(map[string]string{"X-TOO-COSTLY-THRESHOLD": "1000"}),
	// ---- filters, through the implicit value set grammar
	getCase("expand-code-prefix", fhirPath(vsExpand, "url", implicitFilter("code", "=", "J11*"), "count", "5"), 200),
	getCase("expand-code-range-active", fhirPath(vsExpand, "url", implicitFilter("code", "in", "E0100-E0159"), "activeOnly", "true"), 200),
	getCase("expand-code-regex", fhirPath(vsExpand, "url", implicitFilter("code", "regex", "E011[0-4]")), 200),
	getCase("expand-code-not-in", fhirPath(vsExpand, "url", implicitFilter("code", "not-in", "A*,B*,C*,E*,G*,J*,K*,L*,Q*,S*,V*"), "count", "5"), 200),
	getCase("expand-kind-modifier", fhirPath(vsExpand, "url", implicitFilter("kind", "=", "modifier"), "count", "3"), 200),
	getCase("expand-betos-in", fhirPath(vsExpand, "url", implicitFilter("betos", "in", "D1A,D1B"), "count", "3"), 200),
	getCase("expand-coverage-not-in", fhirPath(vsExpand, "url", implicitFilter("coverage", "not-in", "C,D,I,M,S"), "count", "3"), 200),
	getCase("expand-anesthesia-exists", fhirPath(vsExpand, "url", implicitFilter("anesthesia-base-units", "exists", "true"), "count", "3", "property", "anesthesia-base-units"), 200),
	getCase("expand-action-code-regex", fhirPath(vsExpand, "url", implicitFilter("action-code", "regex", "[AB]"), "count", "3", "property", "action-code"), 200),
	getCase("expand-processing-note", fhirPath(vsExpand, "url", implicitFilter("processing-note", "exists", "true"), "count", "2", "property", "processing-note"), 200),
	getCase("expand-two-filters", fhirPath(vsExpand, "url", hcpcsURL+"?fhir_vs=filter/kind/=/procedure;filter/inactive/=/true", "count", "3"), 200),
	getCase("expand-inactive-in-release", fhirPath(vsExpand, "url", implicitFilter("code", "=", "A9155")), 200),
	getCase("expand-active-as-of-date", fhirPath(vsExpand, "url", implicitFilter("code", "=", "A9155"), "system-version", hcpcsURL+"|2025-10", "date", "2025-03-31"), 200),
	getCase("expand-inactive-as-of-date-activeonly", fhirPath(vsExpand, "url", implicitFilter("code", "in", "A9155,E0114"), "system-version", hcpcsURL+"|2025-10", "date", "2025-04-01", "activeOnly", "true"), 200),
	getCase("expand-date-selects-release", fhirPath(vsExpand, "url", implicitFilter("code", "in", "A2027,E0114"), "date", "2023-06-01"), 200),
	getCase("expand-system-version", fhirPath(vsExpand, "url", implicitFilter("code", "=", "E0114"), "system-version", hcpcsURL+"|2023-01"), 200),
	getCase("expand-property-designations", fhirPath(vsExpand, "url", implicitFilter("code", "=", "E0114"), "property", "betos", "property", "coverage", "property", "pricing-indicator", "includeDesignations", "true"), 200),
	getCase("expand-code-table", fhirPath(vsExpand, "url", coverageSystem+"?fhir_vs"), 200),
	// ---- loaded value sets: exclude, import, concept lists, lockedDate, a package
	getCase("expand-loaded-exclude", fhirPath(vsExpand, "url", wheelchairVS, "count", "5"), 200),
	getCase("expand-loaded-import", fhirPath(vsExpand, "url", mobilityVS, "filter", "side"), 200),
	getCase("expand-loaded-import-designations", fhirPath(vsExpand, "url", mobilityVS, "filter", "left", "includeDesignations", "true"), 200),
	getCase("expand-loaded-concepts", fhirPath(vsExpand, "url", crutchesVS), 200),
	getCase("expand-loaded-concepts-active", fhirPath(vsExpand, "url", crutchesVS, "activeOnly", "true"), 200),
	getCase("expand-loaded-compose-inactive-false", fhirPath(vsExpand, "url", jCodesVS, "filter", "insulin"), 200),
	getCase("expand-loaded-locked-date", fhirPath(vsExpand, "url", lockedVS), 200),
	getCase("expand-loaded-package", fhirPath(vsExpand, "url", ambulanceVS, "count", "3"), 200),
	getCase("expand-instance", fhirPath("/ValueSet/crutches-measure/$expand", "count", "2"), 200),
	getCase("expand-url-version", fhirPath(vsExpand, "url", wheelchairVS+"|1.0.0", "count", "1"), 200),
	postCase("expand-post-inline", fhirPath(vsExpand), paramsBody(
		inlineValueSet(`{"include":[`+hcpcsInclude(`,"concept":[{"code":"E0114"},{"code":"LT"}]`)+`],"exclude":[`+hcpcsInclude(`,"concept":[{"code":"LT"}]`)+`]}`),
		`{"name":"includeDesignations","valueBoolean":true}`), 200),
	postCase("expand-post-url-filter-count", fhirPath(vsExpand), paramsBody(
		`{"name":"url","valueUri":"`+implicitVS+`"}`, `{"name":"filter","valueString":"oxygen concentrator"}`, `{"name":"count","valueInteger":3}`), 200),
	// ---- bad input and unknown things
	postCase("expand-error-unknown-system", fhirPath(vsExpand), paramsBody(inlineValueSet(`{"include":[{"system":"http://snomed.info/sct"}]}`)), 404),
	getCase("expand-error-unknown-version", fhirPath(vsExpand, "url", implicitVS, "system-version", hcpcsURL+"|1999-01", "count", "1"), 404),
	getCase("expand-error-unknown-valueset", fhirPath(vsExpand, "url", "http://example.org/fhir/ValueSet/not-here"), 404),
	postCase("expand-error-broken-compose", fhirPath(vsExpand), paramsBody(inlineValueSet(`{"include":[{"concept":[{"code":"E0114"}]}]}`)), 400),
	postCase("expand-error-not-a-valueset", fhirPath(vsExpand), paramsBody(`{"name":"valueSet","resource":{"resourceType":"CodeSystem"}}`), 400),
	getCase("expand-error-unknown-property", fhirPath(vsExpand, "url", implicitFilter("colour", "=", "red")), 400),
	getCase("expand-error-unknown-operator", fhirPath(vsExpand, "url", implicitFilter("betos", "~", "D1A")), 400),
	getCase("expand-error-hierarchy-operator", fhirPath(vsExpand, "url", implicitFilter("code", "is-a", "E0100")), 400),
	getCase("expand-error-bad-regex", fhirPath(vsExpand, "url", implicitFilter("code", "regex", "E01(")), 400),
	getCase("expand-error-bad-range", fhirPath(vsExpand, "url", implicitFilter("code", "in", "E0159-E0100")), 400),
	getCase("expand-error-isa-implicit", fhirPath(vsExpand, "url", hcpcsURL+"?fhir_vs=isa/E0100"), 422),
	getCase("expand-error-filter-too-long", fhirPath(vsExpand, "url", implicitVS, "filter", strings.Repeat("wheelchair ", 30)), 400),
	getCase("expand-error-raw-semicolon", "/fhir"+vsExpand+"?url="+hcpcsURL+"?fhir_vs=filter/kind/=/modifier;filter/inactive/=/false&count=3", 400),
	getCase("expand-error-negative-count", fhirPath(vsExpand, "url", implicitVS, "count", "-1"), 400),
	getCase("expand-error-offset-beyond-end", fhirPath(vsExpand, "url", crutchesVS, "offset", "50"), 400),
	getCase("expand-error-no-valueset", fhirPath(vsExpand, "filter", "cane"), 400),
	getCase("expand-error-valueset-in-url", fhirPath(vsExpand, "valueSet", "{}"), 400),
	getCase("expand-error-context", fhirPath(vsExpand, "url", implicitVS, "context", "http://example.org/Questionnaire/q#item1"), 422),
	// ---- $validate-code against composed value sets: the same engine
	getCase("vs-validate-composed-member", fhirPath(vsValidate, "url", wheelchairVS, "system", hcpcsURL, "code", "E0955"), 200),
	getCase("vs-validate-composed-excluded", fhirPath(vsValidate, "url", wheelchairVS, "system", hcpcsURL, "code", "E0950"), 200),
	getCase("vs-validate-composed-outside", fhirPath(vsValidate, "url", wheelchairVS, "system", hcpcsURL, "code", "E0114"), 200),
	getCase("vs-validate-imported-member", fhirPath(vsValidate, "url", mobilityVS, "system", hcpcsURL, "code", "LT"), 200),
	getCase("vs-validate-inactive-activeonly", fhirPath(vsValidate, "url", crutchesVS, "system", hcpcsURL, "code", terminatedCode, "activeOnly", "true"), 200),
	getCase("vs-validate-infer-system", fhirPath(vsValidate, "url", crutchesVS, "code", "E0114", "inferSystem", "true"), 200),
	getCase("vs-validate-infer-system-not-in", fhirPath(vsValidate, "url", crutchesVS, "code", "E0955", "inferSystem", "true"), 200),
	getCase("vs-validate-infer-system-several", fhirPath(vsValidate, "url", coverageActionVS, "code", "C", "inferSystem", "true"), 200),
	postCase("vs-validate-inline", fhirPath(vsValidate), paramsBody(
		inlineValueSet(`{"include":[`+hcpcsInclude(`,"filter":[{"property":"code","op":"=","value":"E01*"}]`)+`]}`),
		`{"name":"coding","valueCoding":{"system":"`+hcpcsURL+`","code":"E0114"}}`), 200),
	postCase("vs-validate-inline-unknown-system", fhirPath(vsValidate), paramsBody(
		inlineValueSet(`{"include":[{"system":"http://snomed.info/sct"}]}`),
		`{"name":"coding","valueCoding":{"system":"http://snomed.info/sct","code":"22298006"}}`), 200),
	// ---- ValueSet resources
	getCase("vs-read-loaded", fhirPath("/ValueSet/wheelchair-accessories"), 200),
	getCase("vs-read-summary", fhirPath("/ValueSet/mobility-with-sides", "_summary", "true"), 200),
	getCase("vs-search-url", fhirPath("/ValueSet", "url", ambulanceVS), 200),
	getCase("vs-search-name-summary", fhirPath("/ValueSet", "name", "Wheel", "_summary", "true"), 200),
	getCase("vs-search-count", fhirPath("/ValueSet", "_summary", "count"), 200),
	getCase("vs-read-skipped", fhirPath("/ValueSet/snomed-only"), 404),
}

// TestExpansionIdentifier: every page of one expansion carries one
// identifier, on any replica and on every call, and another request (here
// another filter) another one.
func TestExpansionIdentifier(t *testing.T) {
	id := func(kv ...string) string {
		t.Helper()
		rec := doRequest(t, "GET", fhirPath(vsExpand, append([]string{"url", implicitVS}, kv...)...), "", nil)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		var vs struct {
			Expansion struct{ Identifier string } `json:"expansion"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &vs))
		require.NotEmpty(t, vs.Expansion.Identifier)
		return vs.Expansion.Identifier
	}
	first := id("filter", "cane", "count", "2")
	require.Equal(t, first, id("filter", "cane", "count", "2", "offset", "2"), "another page of the same expansion")
	require.Equal(t, first, id("filter", "cane", "count", "2"), "the same request again")
	require.NotEqual(t, first, id("filter", "crutch", "count", "2"))
}
