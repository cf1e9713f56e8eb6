package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// HAPI's generic client headers (hapi-fhir-base ca/uhn/fhir/rest/api/Constants.java):
// a search with no encoding set accepts XML or JSON
// (HEADER_ACCEPT_VALUE_XML_OR_JSON_NON_LEGACY); an operation's body is JSON
// by default (hapi-fhir-client .../method/BaseHttpClientInvocationWithContents.java:
// encoding defaultIfNull JSON), sent as application/fhir+json with
// HEADER_SUFFIX_CT_UTF_8, and then accepts JSON only.
const (
	hapiAcceptAny  = "application/fhir+xml;q=1.0, application/fhir+json;q=1.0, application/xml+fhir;q=0.9, application/json+fhir;q=0.9"
	hapiAcceptJSON = "application/fhir+json;q=1.0, application/json+fhir;q=0.9"
	hapiBodyType   = "application/fhir+json; charset=UTF-8"
	hapiUserAgent  = "HAPI-FHIR/8.0.0 (FHIR Client; FHIR 4.0.1/R4; apache)"
)

// TestHAPIRemoteTerminologyReplay replays the requests of HAPI FHIR's
// RemoteTerminologyServiceValidationSupport
// (hapifhir/hapi-fhir hapi-fhir-validation/src/main/java/org/hl7/fhir/common/
// hapi/validation/support/RemoteTerminologyServiceValidationSupport.java),
// the module a HAPI server or validator uses to ask a remote terminology
// server, and reads each answer as it does:
//
//   - isCodeSystemSupported / fetchCodeSystem: a search
//     CodeSystem?url=<system> (fetchCodeSystem adds _summary=false); the
//     system is supported when the Bundle has an entry
//     (BundleUtil.toListOfResources, first resource). isValueSetSupported is
//     the same on ValueSet.
//   - validateCode (a code system): POST CodeSystem/$validate-code with url
//     (valueUri: the system), code and display (valueString)
//     (buildValidateCodeInputParameters).
//   - validateCodeInValueSet: POST ValueSet/$validate-code with url (the
//     value set's, when it has one) or the value set inline as valueSet,
//     code (valueString), system (valueUri), display.
//   - invokeRemoteValidateCode reads the answer with
//     ParametersUtil.getNamedParameterValuesAsString: exactly one result,
//     "true" or not; display on success; message on failure. A 400 or 404
//     becomes an error result built from HAPI's own message.
//   - lookupCode: GET CodeSystem/$lookup?code=…&system=… (useHttpGet);
//     generateLookupCodeResultR4 reads name, version, display, abstract
//     (Boolean.parseBoolean), designation parts language / use (a Coding) /
//     value, and property parts whose first part's value is cast to CodeType
//     (a valueCode) and whose second is the value. A 404 means not found.
func TestHAPIRemoteTerminologyReplay(t *testing.T) {
	base := startSuiteServer(t)
	search := &callerClient{base: base, headers: map[string]string{"Accept": hapiAcceptAny, "User-Agent": hapiUserAgent, "Accept-Charset": "utf-8"}}
	operation := &callerClient{base: base, headers: map[string]string{"Accept": hapiAcceptJSON, "Content-Type": hapiBodyType, "User-Agent": hapiUserAgent}}
	const thoVS = "http://terminology.hl7.org/ValueSet/v3-HealthCareCommonProcedureCodingSystem"
	const e0114 = "Crutches underarm, other than wood, adjustable or fixed, pair, with pads, tips and handgrips"

	t.Run("isCodeSystemSupported", func(t *testing.T) {
		for _, tc := range []struct {
			query     string
			supported bool
		}{
			{"CodeSystem?url=" + url.QueryEscape(hcpcsSystem), true},
			{"CodeSystem?url=" + url.QueryEscape(hcpcsSystem+"|2023-01"), true},
			{"CodeSystem?url=" + url.QueryEscape(hcpcsSystem) + "&_summary=false", true}, // fetchCodeSystem
			{"CodeSystem?url=" + url.QueryEscape("http://loinc.org"), false},
			{"ValueSet?url=" + url.QueryEscape(thoVS), true}, // isValueSetSupported
			{"ValueSet?url=" + url.QueryEscape("http://example.org/fhir/ValueSet/none"), false},
		} {
			t.Run(tc.query, func(t *testing.T) {
				began := time.Now()
				a := search.do(t, http.MethodGet, tc.query, nil, nil)
				t.Logf("%s: %d bytes on the wire (%s), %s", tc.query, a.wire, a.header.Get("Content-Encoding"), time.Since(began))
				require.Equal(t, http.StatusOK, a.status)
				require.Equal(t, "Bundle", a.body["resourceType"])
				entries := asArray(a.body["entry"])
				require.Equal(t, tc.supported, len(entries) > 0)
				for _, e := range entries {
					r := e.(map[string]any)["resource"].(map[string]any)
					if r["resourceType"] == "CodeSystem" {
						// A yes/no must not cost a release's 8,846 concepts:
						// the entry is the resource without them, SUBSETTED.
						require.Nil(t, r["concept"])
						require.Contains(t, mustMarshal(t, r["meta"]), "SUBSETTED")
					}
				}
				// Issue 10: the support check answers under 2 MB on the wire.
				require.Less(t, a.wire, 2<<20)
			})
		}
	})

	validate := func(t *testing.T, path string, ps ...any) (result []string, display, message string, status int) {
		t.Helper()
		a := operation.do(t, http.MethodPost, path, parameters(ps...), nil)
		if a.status != http.StatusOK {
			return nil, "", "", a.status
		}
		for _, p := range params(a.body, "result") {
			s, _, _ := primitiveValue(p)
			result = append(result, s)
		}
		if ds := params(a.body, "display"); len(ds) > 0 {
			display, _, _ = primitiveValue(ds[0])
		}
		if ms := params(a.body, "message"); len(ms) > 0 {
			message, _, _ = primitiveValue(ms[0])
		}
		return result, display, message, a.status
	}
	inlineVS := map[string]any{"resourceType": "ValueSet", "status": "active", "compose": map[string]any{"include": []any{
		map[string]any{"system": hcpcsSystem, "concept": []any{map[string]any{"code": "E0114"}}},
	}}}
	for _, tc := range []struct {
		name    string
		path    string
		params  []any
		status  int
		valid   bool
		display string
	}{
		{"validateCode", "CodeSystem/$validate-code", []any{"url", val("Uri", hcpcsSystem), "code", val("String", "E0114"), "display", val("String", e0114)}, 200, true, e0114},
		{"validateCode url|version", "CodeSystem/$validate-code", []any{"url", val("Uri", hcpcsSystem+"|2023-01"), "code", val("String", "E0114")}, 200, true, e0114},
		{"validateCode, wrong display", "CodeSystem/$validate-code", []any{"url", val("Uri", hcpcsSystem), "code", val("String", "E0114"), "display", val("String", "Wooden")}, 200, false, ""},
		{"validateCode, unknown code", "CodeSystem/$validate-code", []any{"url", val("Uri", hcpcsSystem), "code", val("String", "X9999")}, 200, false, ""},
		{"validateCodeInValueSet by url", "ValueSet/$validate-code", []any{"url", val("Uri", thoVS), "code", val("String", "E0114"), "system", val("Uri", hcpcsSystem)}, 200, true, e0114},
		{"validateCodeInValueSet by url, system|version", "ValueSet/$validate-code", []any{"url", val("Uri", thoVS), "code", val("String", "E0114"), "system", val("Uri", hcpcsSystem+"|2023-01")}, 200, true, e0114},
		{"validateCodeInValueSet inline", "ValueSet/$validate-code", []any{"code", val("String", "E0114"), "system", val("Uri", hcpcsSystem), "valueSet", map[string]any{"resource": inlineVS}}, 200, true, e0114},
		{"validateCodeInValueSet inline, not in it", "ValueSet/$validate-code", []any{"code", val("String", "E0110"), "system", val("Uri", hcpcsSystem), "valueSet", map[string]any{"resource": inlineVS}}, 200, false, ""},
		{"validateCodeInValueSet, unknown value set", "ValueSet/$validate-code", []any{"url", val("Uri", "http://example.org/fhir/ValueSet/none"), "code", val("String", "E0114"), "system", val("Uri", hcpcsSystem)}, 404, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			result, display, message, status := validate(t, tc.path, tc.params...)
			require.Equal(t, tc.status, status)
			if status != http.StatusOK {
				return // HAPI catches ResourceNotFoundException / InvalidRequestException
			}
			require.Len(t, result, 1, "Validate.isTrue: exactly one result")
			require.Equal(t, strconv.FormatBool(tc.valid), result[0])
			if tc.valid {
				require.Equal(t, tc.display, display)
			} else {
				require.NotEmpty(t, message, "HAPI reports the message of a failed validation")
			}
		})
	}

	t.Run("lookupCode", func(t *testing.T) {
		// A lookup without property names (HAPI's validation asks none),
		// with the display language HAPI sends as `language`.
		q := "CodeSystem/$lookup?code=E0114&system=" + url.QueryEscape(hcpcsSystem) + "&language=en"
		a := operation.do(t, http.MethodGet, q, nil, nil)
		require.Equal(t, http.StatusOK, a.status, "%v", a.body)
		get := func(name string) string {
			ps := params(a.body, name)
			require.Len(t, ps, 1, name)
			s, _, ok := primitiveValue(ps[0])
			require.True(t, ok, name)
			return s
		}
		require.Equal(t, "HCPCSLevelII", get("name"))
		require.Equal(t, "2025-10", get("version"))
		require.Equal(t, e0114, get("display"))
		require.Equal(t, "false", get("abstract"))
		designations := params(a.body, "designation")
		require.NotEmpty(t, designations)
		for _, d := range designations {
			for _, part := range asArray(d["part"]) {
				p := part.(map[string]any)
				if p["name"] == "use" {
					require.NotNil(t, p["valueCoding"], "use is cast to Coding")
				}
			}
		}
		// Named properties: each as code and value parts.
		a = operation.do(t, http.MethodGet, "CodeSystem/$lookup?code=E0114&system="+url.QueryEscape(hcpcsSystem)+"&property=kind&property=coverage", nil, nil)
		require.Equal(t, http.StatusOK, a.status, "%v", a.body)
		properties := params(a.body, "property")
		require.NotEmpty(t, properties)
		codes := map[string]bool{}
		for _, p := range properties {
			parts := asArray(p["part"])
			require.GreaterOrEqual(t, len(parts), 2, "createConceptPropertyR4 needs code and value")
			first := parts[0].(map[string]any)
			require.Contains(t, first, "valueCode", "the first part's value is cast to CodeType")
			codes[first["valueCode"].(string)] = true
			_, _, ok := primitiveValue(parts[1].(map[string]any))
			_, coding := parts[1].(map[string]any)["valueCoding"]
			require.True(t, ok || coding, "the second part holds the value")
		}
		require.Equal(t, map[string]bool{"kind": true, "coverage": true}, codes)

		missing := operation.do(t, http.MethodGet, "CodeSystem/$lookup?code=X9999&system="+url.QueryEscape(hcpcsSystem), nil, nil)
		require.Equal(t, http.StatusNotFound, missing.status, "HAPI turns ResourceNotFoundException into LookupCodeResult.notFound")
		withVersion := operation.do(t, http.MethodGet, "CodeSystem/$lookup?code=E0114&system="+url.QueryEscape(hcpcsSystem+"|2023-01"), nil, nil)
		require.Equal(t, http.StatusOK, withVersion.status, "%v", withVersion.body)
		v, _, _ := primitiveValue(params(withVersion.body, "version")[0])
		require.Equal(t, "2023-01", v)
	})
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
