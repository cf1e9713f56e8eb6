package fhir_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// What extensions put into an expansion, as tx.fhir.org's reference server
// does it (FHIRsmith tx/workers/expand.js, includeCode and expand;
// tx/library/designations.js, asObject); HL7 tests
// extensions/extensions-echo-*, parameters/parameters-expand-supplement-*,
// parameters/parameters-expand-enum-definitions3, deprecated/vs-deprecation.
const (
	colorURL    = "http://example.org/fhir/CodeSystem/color"
	colorSupURL = "http://example.org/fhir/CodeSystem/color-labels"
	colorVS     = "http://example.org/fhir/ValueSet/color"
	sd          = "http://hl7.org/fhir/StructureDefinition/"
)

const colorCodeSystem = `{"resourceType":"CodeSystem","url":"` + colorURL + `","version":"1","status":"active","content":"complete","caseSensitive":true,
	"concept":[
	  {"code":"red","display":"Red","extension":[{"url":"` + sd + `codesystem-conceptOrder","valueInteger":2},
	      {"url":"` + sd + `rendering-style","valueString":"color: red"},{"url":"http://example.org/unknown","valueString":"x"}],
	   "designation":[{"language":"de","value":"Rot","extension":[{"url":"` + sd + `coding-sctdescid","valueId":"123"},
	      {"url":"http://example.org/unknown","valueString":"x"}]}]},
	  {"code":"blue","display":"Blue"}]}`

const colorSupplement = `{"resourceType":"CodeSystem","url":"` + colorSupURL + `","version":"2","status":"active","content":"supplement",
	"supplements":"` + colorURL + `",
	"concept":[{"code":"red","extension":[{"url":"` + sd + `codesystem-label","valueString":"r."},{"url":"` + sd + `itemWeight","valueDecimal":1.5}]}]}`

func colorValueSet(include string) string {
	return `{"resourceType":"ValueSet","url":"` + colorVS + `","version":"1","status":"active",
	"extension":[{"url":"` + sd + `valueset-supplement","valueCanonical":"` + colorSupURL + `"},{"url":"http://example.org/unknown","valueString":"vs"}],
	"compose":{"include":[` + include + `]}}`
}

// contains.property values by code, from their R4 extension.
func entryProperties(t *testing.T, e map[string]any) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, x := range asList(e["extension"]) {
		xm := x.(map[string]any)
		if xm["url"] != "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.contains.property" {
			continue
		}
		var code string
		var value any
		for _, part := range asList(xm["extension"]) {
			pm := part.(map[string]any)
			for k, v := range pm {
				if k == "valueCode" && pm["url"] == "code" {
					code = v.(string)
				} else if k != "url" && pm["url"] == "value" {
					value = v
				}
			}
		}
		out[code] = value
	}
	return out
}

// entryExtensions are the other extensions of an entry, by url.
func entryExtensions(e map[string]any) map[string]any {
	out := map[string]any{}
	for _, x := range asList(e["extension"]) {
		xm := x.(map[string]any)
		for k, v := range xm {
			if k != "url" && k != "extension" {
				out[xm["url"].(string)] = v
			}
		}
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func expandColor(t *testing.T, params string, resources ...string) (map[string]any, map[string]map[string]any) {
	t.Helper()
	rec := doRequest(t, http.MethodPost, "/fhir/ValueSet/$expand", txParams(params, resources...), nil)
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	var vs map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &vs))
	byCode := map[string]map[string]any{}
	for _, e := range asList(vs["expansion"].(map[string]any)["contains"]) {
		byCode[e.(map[string]any)["code"].(string)] = e.(map[string]any)
	}
	return vs, byCode
}

func TestExpandExtensions(t *testing.T) {
	url := `{"name":"url","valueUri":"` + colorVS + `"},{"name":"includeDesignations","valueBoolean":true}`
	whole := colorValueSet(`{"system":"` + colorURL + `"}`)
	listed := colorValueSet(`{"system":"` + colorURL + `","concept":[
	  {"code":"red","extension":[{"url":"` + sd + `valueset-conceptOrder","valueInteger":0},{"url":"` + sd + `valueset-deprecated","valueCode":"true"}]},
	  {"code":"blue","extension":[{"url":"` + sd + `valueset-label","valueString":"b."},{"url":"` + sd + `valueset-concept-definition","valueString":"Sky"},
	     {"url":"http://example.org/unknown","valueString":"x"}]}]}`)

	t.Run("from the code system and its supplement", func(t *testing.T) {
		vs, byCode := expandColor(t, url, colorCodeSystem, colorSupplement, whole)
		red := byCode["red"]
		require.Equal(t, map[string]any{"order": 2.0, "label": "r.", "weight": 1.5}, entryProperties(t, red))
		require.Equal(t, map[string]any{sd + "rendering-style": "color: red"}, entryExtensions(red), "the unknown one is left out")
		require.Equal(t, []any{map[string]any{"language": "de", "value": "Rot",
			"extension": []any{map[string]any{"url": sd + "coding-sctdescid", "valueId": "123"}}}}, red["designation"])
		require.Empty(t, byCode["blue"]["extension"], "a concept without extensions carries none")
		exp := vs["expansion"].(map[string]any)
		require.Contains(t, exp["parameter"], map[string]any{"name": "used-supplement", "valueUri": colorSupURL + "|2"})
		var declared []string
		for _, x := range asList(exp["extension"]) {
			for _, part := range asList(x.(map[string]any)["extension"]) {
				if u, ok := part.(map[string]any)["valueUri"]; ok {
					declared = append(declared, u.(string))
				}
			}
		}
		require.ElementsMatch(t, []string{"http://hl7.org/fhir/concept-properties#label", "http://hl7.org/fhir/concept-properties#order",
			"http://hl7.org/fhir/concept-properties#itemWeight"}, declared)
		require.Nil(t, vs["extension"], "without includeDefinition the value set's extensions are left out")
	})
	t.Run("the compose's listing", func(t *testing.T) {
		_, byCode := expandColor(t, url, colorCodeSystem, colorSupplement, listed)
		require.Equal(t, map[string]any{"order": 0.0, "label": "r.", "weight": 1.5}, entryProperties(t, byCode["red"]), "the listing's order wins")
		require.Equal(t, map[string]any{sd + "rendering-style": "color: red", sd + "valueset-deprecated": "true"}, entryExtensions(byCode["red"]))
		require.Equal(t, map[string]any{"label": "b."}, entryProperties(t, byCode["blue"]))
		require.Equal(t, map[string]any{sd + "valueset-concept-definition": "Sky"}, entryExtensions(byCode["blue"]))
	})
	t.Run("includeDefinition keeps the value set's extensions", func(t *testing.T) {
		vs, _ := expandColor(t, url+`,{"name":"includeDefinition","valueBoolean":true}`, colorCodeSystem, colorSupplement, whole)
		require.Equal(t, []any{map[string]any{"url": sd + "valueset-supplement", "valueCanonical": colorSupURL},
			map[string]any{"url": "http://example.org/unknown", "valueString": "vs"}}, vs["extension"])
	})
	t.Run("no supplement", func(t *testing.T) {
		plain := `{"resourceType":"ValueSet","url":"` + colorVS + `","version":"1","status":"active","compose":{"include":[{"system":"` + colorURL + `"}]}}`
		vs, byCode := expandColor(t, url, colorCodeSystem, plain)
		require.Equal(t, map[string]any{"order": 2.0}, entryProperties(t, byCode["red"]))
		for _, p := range asList(vs["expansion"].(map[string]any)["parameter"]) {
			require.NotEqual(t, "used-supplement", p.(map[string]any)["name"])
		}
	})
}

// FHIRsmith tx/workers/worker.js pinValueSet and tx/workers/expand.js:
// the default-valueset-version that pinned an import is echoed, and a
// pinned import that cannot be found is VS_EXP_IMPORT_UNK_PINNED.
func TestExpandDefaultValueSetVersion(t *testing.T) {
	inner := `{"resourceType":"ValueSet","url":"http://example.org/vs/inner","version":"1.0","status":"active","compose":{"include":[{"system":"` + colorURL + `"}]}}`
	outer := `{"resourceType":"ValueSet","url":"http://example.org/vs/outer","version":"1","status":"active","compose":{"include":[{"valueSet":["http://example.org/vs/inner"]}]}}`
	params := func(v string) string {
		return `{"name":"url","valueUri":"http://example.org/vs/outer"},{"name":"default-valueset-version","valueCanonical":"http://example.org/vs/inner|` + v + `"}`
	}
	vs, byCode := expandColor(t, params("1.0"), colorCodeSystem, inner, outer)
	require.Len(t, byCode, 2)
	require.Contains(t, vs["expansion"].(map[string]any)["parameter"], map[string]any{"name": "default-valueset-version", "valueUri": "http://example.org/vs/inner|1.0"})

	rec := doRequest(t, http.MethodPost, "/fhir/ValueSet/$expand", txParams(params("3.0"), colorCodeSystem, inner, outer), nil)
	require.Equal(t, http.StatusNotFound, rec.Code, "%s", rec.Body)
	require.Contains(t, rec.Body.String(), `"valueString":"VS_EXP_IMPORT_UNK_PINNED"`)
	require.Contains(t, rec.Body.String(), "Unable to find included value set 'http://example.org/vs/inner' version '3.0'")
}
