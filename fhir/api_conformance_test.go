package fhir_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Explicit conformance checks that a golden file would hide in its bulk.

// issueTexts returns the details.text of every issue in the `issues`
// parameter of a $validate-code answer.
func issueTexts(t *testing.T, body []byte) []string {
	t.Helper()
	var out []string
	for _, is := range paramsNamed(t, body, "issues") {
		oo, _ := is["resource"].(map[string]any)
		for _, x := range asArray(oo["issue"]) {
			m, _ := x.(map[string]any)
			d, _ := m["details"].(map[string]any)
			text, _ := d["text"].(string)
			out = append(out, text)
		}
	}
	return out
}

func canonicals(t *testing.T, body []byte, name string) []string {
	t.Helper()
	var out []string
	for _, p := range paramsNamed(t, body, name) {
		s, _ := p["valueCanonical"].(string)
		out = append(out, s)
	}
	return out
}

// TestValidateUnknownSystemBesideAGoodCoding: a CodeableConcept with a CPT
// coding (unknown here) and a valid HCPCS coding is not valid: the unknown
// system is an error, and it caused the failure. This is what tx.fhir.org
// answers and the HL7 tests expect (FHIRsmith tx/workers/validate.js,
// checkCodeableConcept: result = ok && no errors; issue 8 §4).
func TestValidateUnknownSystemBesideAGoodCoding(t *testing.T) {
	const cpt = "http://www.ama-assn.org/go/cpt"
	for _, path := range []string{vsValidate, csValidate} {
		t.Run(path, func(t *testing.T) {
			body := paramsBody(`{"name":"url","valueUri":"`+implicitVS+`"}`,
				`{"name":"codeableConcept","valueCodeableConcept":{"coding":[`+
					`{"system":"`+cpt+`","code":"99213"},{"system":"`+hcpcsURL+`","code":"E0114"}]}}`)
			if path == csValidate {
				body = paramsBody(`{"name":"codeableConcept","valueCodeableConcept":{"coding":[` +
					`{"system":"` + cpt + `","code":"99213"},{"system":"` + hcpcsURL + `","code":"E0114"}]}}`)
			}
			rec := doRequest(t, http.MethodPost, fhirPath(path), body, nil)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			result := paramsNamed(t, rec.Body.Bytes(), "result")
			require.Len(t, result, 1)
			require.Equal(t, false, result[0]["valueBoolean"], "a coding of an unknown system is an error, beside a good one too")
			require.Equal(t, []string{cpt}, canonicals(t, rec.Body.Bytes(), "x-caused-by-unknown-system"))
			require.Empty(t, canonicals(t, rec.Body.Bytes(), "x-unknown-system"))
			named := "'" + cpt + "'"
			if path == vsValidate { // a system the value set does not name: tx.fhir.org's words have no quotes
				named = cpt
			}
			require.Contains(t, issueTexts(t, rec.Body.Bytes()), "A definition for CodeSystem "+named+" could not be found, so the code cannot be validated")
		})
	}
}

// TestValueSetValidateSupplementSystem: a code of one of this server's own
// supplementary code systems is not in the all-HCPCS value sets, but its
// system is not unknown: the server serves CodeSystem/hcpcs-coverage.
func TestValueSetValidateSupplementSystem(t *testing.T) {
	rec := doRequest(t, http.MethodGet, fhirPath(vsValidate, "url", thoVS, "system", coverageSystem, "code", "I"), "", nil)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	body := rec.Body.Bytes()
	result := paramsNamed(t, body, "result")
	require.Len(t, result, 1)
	require.Equal(t, false, result[0]["valueBoolean"])
	texts := issueTexts(t, body)
	require.Contains(t, texts, "The provided code '"+coverageSystem+"#I' was not found in the value set '"+thoVS+"'")
	for _, text := range texts {
		require.NotContains(t, text, "could not be found", "the server knows "+coverageSystem)
	}
	require.Empty(t, canonicals(t, body, "x-caused-by-unknown-system"), "the system is served here")

	// The same system is known to CodeSystem/$lookup and CodeSystem read.
	require.Equal(t, http.StatusOK, doRequest(t, http.MethodGet, fhirPath(csLookup, "system", coverageSystem, "code", "I"), "", nil).Code)
	require.Equal(t, http.StatusOK, doRequest(t, http.MethodGet, fhirPath("/CodeSystem/hcpcs-coverage"), "", nil).Code)
}

// TestCodeSystemNamesAreComputerFriendly: R4 invariant cps-0 (csd-0):
// CodeSystem.name matches [A-Z]([A-Za-z0-9_]){0,254}.
func TestCodeSystemNamesAreComputerFriendly(t *testing.T) {
	namePattern := regexp.MustCompile(`^[A-Z]([A-Za-z0-9_]){0,254}$`)
	rec := doRequest(t, http.MethodGet, fhirPath("/CodeSystem", "_elements", "name", "_count", "100"), "", nil)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var bundle struct {
		Total int `json:"total"`
		Entry []struct {
			Resource struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"resource"`
		} `json:"entry"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &bundle))
	require.Len(t, bundle.Entry, bundle.Total)
	for _, e := range bundle.Entry {
		require.Regexp(t, namePattern, e.Resource.Name, "CodeSystem/%s name", e.Resource.ID)
	}
}

// TestCapabilityStatementTerminologyServer: what the tx IG requires of
// /metadata (reference §1.8).
func TestCapabilityStatementTerminologyServer(t *testing.T) {
	rec := doRequest(t, http.MethodGet, fhirPath("/metadata"), "", nil)
	require.Equal(t, http.StatusOK, rec.Code)
	var cs struct {
		ResourceType string   `json:"resourceType"`
		FhirVersion  string   `json:"fhirVersion"`
		Instantiates []string `json:"instantiates"`
		Rest         []struct {
			Mode     string `json:"mode"`
			Security *struct {
				Service []map[string]any `json:"service"`
			} `json:"security"`
			Resource []struct {
				Type      string `json:"type"`
				Operation []struct {
					Name string `json:"name"`
				} `json:"operation"`
			} `json:"resource"`
			Operation []struct {
				Name string `json:"name"`
			} `json:"operation"`
		} `json:"rest"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &cs))
	require.Equal(t, "CapabilityStatement", cs.ResourceType)
	require.Equal(t, "4.0.1", cs.FhirVersion)
	require.Contains(t, cs.Instantiates, "http://hl7.org/fhir/CapabilityStatement/terminology-server")
	require.Len(t, cs.Rest, 1)
	rest := cs.Rest[0]
	require.Equal(t, "server", rest.Mode)
	ops := map[string][]string{}
	for _, r := range rest.Resource {
		for _, o := range r.Operation {
			ops[r.Type] = append(ops[r.Type], o.Name)
		}
	}
	require.ElementsMatch(t, []string{"lookup", "validate-code", "history"}, ops["CodeSystem"])
	require.ElementsMatch(t, []string{"expand", "validate-code", "batch-validate-code"}, ops["ValueSet"])
	var system []string
	for _, o := range rest.Operation {
		system = append(system, o.Name)
	}
	require.Contains(t, system, "versions")
	// tx IG: "SHALL populate ... rest[mode=server].security.service".
	require.NotNil(t, rest.Security, "rest.security")
	require.NotEmpty(t, rest.Security.Service, "rest.security.service (tx IG requirement, reference §1.8)")
}

// TestTerminologyCapabilitiesVersions: every loaded release is listed, the
// latest is the default.
func TestTerminologyCapabilitiesVersions(t *testing.T) {
	rec := doRequest(t, http.MethodGet, fhirPath("/metadata", "mode", "terminology"), "", nil)
	require.Equal(t, http.StatusOK, rec.Code)
	var tc struct {
		ResourceType string `json:"resourceType"`
		CodeSystem   []struct {
			URI     string `json:"uri"`
			Version []struct {
				Code      string `json:"code"`
				IsDefault bool   `json:"isDefault"`
			} `json:"version"`
		} `json:"codeSystem"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &tc))
	require.Equal(t, "TerminologyCapabilities", tc.ResourceType)
	require.NotEmpty(t, tc.CodeSystem)
	require.Equal(t, hcpcsURL, tc.CodeSystem[0].URI)
	defaults := map[string]bool{}
	for _, v := range tc.CodeSystem[0].Version {
		defaults[v.Code] = v.IsDefault
	}
	require.Equal(t, map[string]bool{olderVersion: false, latestVersion: true}, defaults)
	var others []string
	for _, cs := range tc.CodeSystem[1:] {
		if !strings.HasPrefix(cs.URI, "http://hcpcs-server.org/fhir/CodeSystem/hcpcs-") {
			others = append(others, cs.URI)
		}
	}
	require.Equal(t, []string{"http://example.org/fhir/ig/CodeSystem/local"}, others, "the code tables, then the loaded code systems")
}

// TestUnknownOperation: an operation the server does not have is a 404
// whose issue code is not-supported, as the HL7 tests expect (issue 8 §4);
// an unknown resource stays not-found.
func TestUnknownOperation(t *testing.T) {
	for _, tc := range []struct{ method, path, code string }{
		{http.MethodPost, "/fhir/ValueSet/hcpcs-all/$batch-validate-code", "not-supported"}, // type level only
		{http.MethodPost, "/fhir/ConceptMap/$closure", "not-supported"},
		{http.MethodGet, "/fhir/ConceptMap/some-map/$closure", "not-supported"},
		{http.MethodGet, "/fhir/ConceptMap/some-map", "not-found"},
		{http.MethodGet, "/fhir/CodeSystem/$subsumes", "not-supported"},
		{http.MethodGet, "/fhir/CodeSystem/hcpcs-2025-10/$subsumes", "not-supported"},
		{http.MethodGet, "/fhir/Patient/1", "not-found"},
	} {
		rec := doRequest(t, tc.method, tc.path, "", nil)
		require.Equal(t, http.StatusNotFound, rec.Code, "%s %s: %s", tc.method, tc.path, rec.Body.String())
		var oo struct {
			Issue []struct{ Code string } `json:"issue"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &oo))
		require.Equal(t, tc.code, oo.Issue[0].Code, "%s %s", tc.method, tc.path)
	}
}
