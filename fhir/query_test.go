package fhir_test

import (
	"net/http"
	"net/http/httptest"
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

// timeoutReader fails as a slow client's body does, with the socket
// addresses in its message.
type timeoutReader struct{}

func (timeoutReader) Read([]byte) (int, error) { return 0, timeoutErr{} }

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "read tcp 127.0.0.1:8080->127.0.0.1:51234: i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// TestBodyDefects: the smaller defects of issue 9, §3. A write to a
// read-only resource names the methods it takes; no route takes a body over
// the limit, even one that reads none; a search form is small; and an
// unreadable body is reported without the server's socket addresses.
func TestBodyDefects(t *testing.T) {
	e := testEngine(t)
	rec := serve(e, http.MethodPost, "/fhir/CodeSystem/hcpcs-2025-10", `{"resourceType":"Parameters"}`, nil)
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	require.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
	require.Contains(t, outcomeText(t, rec.Body.Bytes()), "read-only")
	rec = serve(e, http.MethodPost, "/fhir/ValueSet/hcpcs-all", `{"resourceType":"Parameters"}`, nil)
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	require.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))

	for _, tc := range []struct {
		path, contentType string
		size              int
	}{
		{"/fhir/$versions", "application/fhir+json", 5 << 20},
		{"/fhir/CodeSystem/$lookup", "application/fhir+json", 5 << 20},
		{"/fhir/CodeSystem/_search", "application/x-www-form-urlencoded", 100 << 10},
	} {
		req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader("url="+strings.Repeat("x", tc.size)))
		req.Header.Set("Content-Type", tc.contentType)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		require.Equal(t, http.StatusRequestEntityTooLarge, rec.Code, "%s: %s", tc.path, rec.Body.String())
		require.NotEmpty(t, outcomeText(t, rec.Body.Bytes()))
	}

	for _, tc := range []struct{ path, contentType string }{
		{"/fhir/CodeSystem/$lookup", "application/fhir+json"},
		{"/fhir/CodeSystem/$lookup", "application/x-www-form-urlencoded"},
		{"/fhir/CodeSystem/_search", "application/x-www-form-urlencoded"},
	} {
		req := httptest.NewRequest(http.MethodPost, tc.path, timeoutReader{})
		req.Header.Set("Content-Type", tc.contentType)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		require.Equal(t, http.StatusBadRequest, rec.Code, "%s %s: %s", tc.path, tc.contentType, rec.Body.String())
		require.NotContains(t, rec.Body.String(), "127.0.0.1", "socket addresses leak")
		require.Contains(t, outcomeText(t, rec.Body.Bytes()), "in time")
	}
}
