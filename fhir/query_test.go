package fhir_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMalformedQuery: a query string that URL parsers would read only in
// part is a 400 naming the parameter on every FHIR route; net/url alone
// drops such a pair in silence, and the answer would then come from the
// latest release or another system (issue 9, §3).
func TestMalformedQuery(t *testing.T) {
	const h = "http%3A%2F%2Fwww.cms.gov%2FMedicare%2FCoding%2FHCPCSReleaseCodeSets"
	for _, tc := range []struct{ target, names string }{
		{"/fhir/CodeSystem/$validate-code?url=" + h + "&code=E0114&display=%E0%A4%A", `"display"`},
		{"/fhir/CodeSystem/$validate-code?url=" + h + "&code=E0114&version=%zz", `"version"`},
		{"/fhir/CodeSystem/$lookup?system=" + h + "&code=E0114&date=%2", `"date"`},
		{"/fhir/CodeSystem?url=%zz", `"url"`},
		{"/fhir/CodeSystem?version=2025-10;x", `"version"`},
		{"/fhir/ValueSet?url=%zz", `"url"`},
		{"/fhir/CodeSystem/hcpcs-2025-10?_summary=%zz", `"_summary"`},
		{"/fhir/ValueSet/hcpcs-all?_elements=%", `"_elements"`},
		{"/fhir/metadata?mode=%zz", `"mode"`},
		{"/fhir/ValueSet/$expand?url=" + h + "%3Ffhir_vs&filter=wheel%g0", `"filter"`},
		{"/fhir/CodeSystem?%zz=1", `"%zz"`},
	} {
		rec := doRequest(t, http.MethodGet, tc.target, "", nil)
		require.Equal(t, http.StatusBadRequest, rec.Code, "%s: %s", tc.target, rec.Body.String())
		text := outcomeText(t, rec.Body.Bytes())
		require.Contains(t, text, tc.names, tc.target)
		require.True(t, strings.HasPrefix(rec.Header().Get("Content-Type"), "application/fhir+json"), tc.target)
	}
	// Well-formed escapes, empty pairs and a bare name are fine.
	for _, target := range []string{
		"/fhir/CodeSystem?url=" + h + "&&version=2025-10",
		"/fhir/metadata?mode=terminology&_pretty",
		"/fhir/CodeSystem/$lookup?system=" + h + "&code=E0114&displayLanguage=en%2Cde",
	} {
		rec := doRequest(t, http.MethodGet, target, "", nil)
		require.Equal(t, http.StatusOK, rec.Code, "%s: %s", target, rec.Body.String())
	}
}

// TestCodeSystemSearchHasNoConcepts: a search answers each CodeSystem
// without its concepts, tagged SUBSETTED, whatever _elements asks: twenty
// complete releases made one answer of 110 MB (issue 9). A read still has
// them all.
func TestCodeSystemSearchHasNoConcepts(t *testing.T) {
	for _, target := range []string{"/fhir/CodeSystem", "/fhir/CodeSystem?x=1", "/fhir/CodeSystem?_elements=concept,url", "/fhir/CodeSystem?_summary=false"} {
		rec := doRequest(t, http.MethodGet, target, "", nil)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		require.Less(t, rec.Body.Len(), 1<<20, "%s answers %d bytes", target, rec.Body.Len())
		b := decodeBody(t, rec.Body.Bytes())
		entries := b["entry"].([]any)
		require.NotEmpty(t, entries, target)
		for _, e := range entries {
			res := e.(map[string]any)["resource"].(map[string]any)
			require.NotContains(t, res, "concept", "%s: %s", target, res["id"])
			require.Equal(t, "SUBSETTED", res["meta"].(map[string]any)["tag"].([]any)[0].(map[string]any)["code"], target)
		}
	}
	rec := doRequest(t, http.MethodGet, "/fhir/CodeSystem/hcpcs-2025-10", "", nil)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Len(t, decodeBody(t, rec.Body.Bytes())["concept"], 8846)
}
