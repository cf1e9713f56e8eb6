package fhir_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// What the CapabilityStatement declares, checked against what the server
// does (issue 10, "Conformance statements"), and the inputs HAPI and the
// IG tooling send that the API must take.

// TestGzipLargeAnswers: an answer of 8 KiB or more is gzip'd for a client
// that accepts it, Bundles included; a small one, and any answer to a
// client that does not, is sent as is. A large answer varies by
// Accept-Encoding either way.
func TestGzipLargeAnswers(t *testing.T) {
	search := fhirPath("/CodeSystem", "url", hcpcsURL) // two releases, about 26 KB
	small := fhirPath("/CodeSystem/$lookup", "system", hcpcsURL, "code", "E0114")
	for _, tc := range []struct {
		name, path, acceptEncoding string
		gzipped, varies            bool
	}{
		{"search, gzip", search, "gzip", true, true},
		{"search, gzip with q", search, "deflate, gzip;q=0.8", true, true},
		{"search, identity", search, "", false, true},
		{"search, gzip refused", search, "gzip;q=0", false, true},
		{"metadata, gzip", fhirPath("/metadata", "mode", "terminology"), "gzip", true, true},
		{"small lookup, gzip", small, "gzip", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := doRequest(t, http.MethodGet, tc.path, "", map[string]string{"Accept-Encoding": tc.acceptEncoding})
			require.Equal(t, http.StatusOK, rec.Code)
			body := rec.Body.Bytes()
			if tc.gzipped {
				require.Equal(t, "gzip", rec.Header().Get("Content-Encoding"))
				zr, err := gzip.NewReader(bytes.NewReader(body))
				require.NoError(t, err)
				plain, err := io.ReadAll(zr)
				require.NoError(t, err)
				require.Less(t, len(body)*3, len(plain), "gzip shrinks JSON at least threefold")
				body = plain
			} else {
				require.Empty(t, rec.Header().Get("Content-Encoding"))
			}
			require.True(t, json.Valid(body))
			if tc.varies {
				require.GreaterOrEqual(t, len(body), 8<<10)
				require.Contains(t, rec.Header().Get("Vary"), "Accept-Encoding")
			}
		})
	}
}

// TestCanonicalVersionWhereverAUrlIsTaken: a code system given as
// url|version works in each place a code system's canonical is taken;
// a version given twice must agree.
func TestCanonicalVersionWhereverAUrlIsTaken(t *testing.T) {
	older := hcpcsURL + "|" + olderVersion
	for _, tc := range []struct {
		name, path string
		status     int
		version    string // the version the answer reports
	}{
		{"CodeSystem/$validate-code url", fhirPath(csValidate, "url", older, "code", recentlyAdded), http.StatusOK, ""},
		{"CodeSystem/$validate-code url, valid", fhirPath(csValidate, "url", older, "code", "E0114"), http.StatusOK, olderVersion},
		{"CodeSystem/$validate-code system", fhirPath(csValidate, "system", older, "code", "E0114"), http.StatusOK, olderVersion},
		{"CodeSystem/$validate-code url and the same version", fhirPath(csValidate, "url", older, "version", olderVersion, "code", "E0114"), http.StatusOK, olderVersion},
		{"CodeSystem/$validate-code url and another version", fhirPath(csValidate, "url", older, "version", latestVersion, "code", "E0114"), http.StatusBadRequest, ""},
		{"CodeSystem/$validate-code empty version", fhirPath(csValidate, "url", hcpcsURL+"|", "code", "E0114"), http.StatusBadRequest, ""},
		{"$lookup system", fhirPath("/CodeSystem/$lookup", "system", older, "code", "E0114"), http.StatusOK, olderVersion},
		{"$lookup system, code of a later release", fhirPath("/CodeSystem/$lookup", "system", older, "code", recentlyAdded), http.StatusNotFound, ""},
		{"$lookup system and another version", fhirPath("/CodeSystem/$lookup", "system", older, "version", latestVersion, "code", "E0114"), http.StatusBadRequest, ""},
		{"ValueSet/$validate-code system", fhirPath(vsValidate, "url", thoVS, "system", older, "code", "E0114"), http.StatusOK, olderVersion},
		{"ValueSet/$validate-code url|version", fhirPath(vsValidate, "url", "http://example.org/fhir/ValueSet/crutches-measure|2", "system", hcpcsURL, "code", "E0114"), http.StatusOK, latestVersion},
		{"ValueSet/$validate-code url|unknown version", fhirPath(vsValidate, "url", "http://example.org/fhir/ValueSet/crutches-measure|9", "system", hcpcsURL, "code", "E0114"), http.StatusNotFound, ""},
		{"ValueSet/$expand url|version", fhirPath("/ValueSet/$expand", "url", "http://example.org/fhir/ValueSet/crutches-measure|2"), http.StatusOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := doRequest(t, http.MethodGet, tc.path, "", nil)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			if tc.version == "" {
				return
			}
			require.Equal(t, []map[string]any{{"name": "version", "valueString": tc.version}}, paramsNamed(t, rec.Body.Bytes(), "version"))
			if result := paramsNamed(t, rec.Body.Bytes(), "result"); len(result) > 0 {
				require.Equal(t, true, result[0]["valueBoolean"], rec.Body.String())
			}
		})
	}
	// A code added after 2023-01 is not valid in url|2023-01.
	rec := doRequest(t, http.MethodGet, fhirPath(csValidate, "url", older, "code", recentlyAdded), "", nil)
	require.Equal(t, false, paramsNamed(t, rec.Body.Bytes(), "result")[0]["valueBoolean"])

	// The canonical of an inline value set's import, url|version.
	inline := `{"name":"valueSet","resource":{"resourceType":"ValueSet","status":"active","compose":{"include":[` +
		`{"valueSet":["http://example.org/fhir/ValueSet/crutches-measure|2"]}]}}}`
	rec = doRequest(t, http.MethodPost, fhirPath(vsValidate), paramsBody(inline,
		`{"name":"coding","valueCoding":{"system":"`+hcpcsURL+`","code":"E0114"}}`), nil)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, true, paramsNamed(t, rec.Body.Bytes(), "result")[0]["valueBoolean"], rec.Body.String())
}

type searchBundle struct {
	Total int `json:"total"`
	Link  []struct {
		Relation string `json:"relation"`
		URL      string `json:"url"`
	} `json:"link"`
	Entry []struct {
		Resource struct {
			ID      string         `json:"id"`
			Version string         `json:"version"`
			Concept []any          `json:"concept"`
			Meta    map[string]any `json:"meta"`
		} `json:"resource"`
	} `json:"entry"`
}

func decodeSearch(t *testing.T, rec interface{ Result() *http.Response }) searchBundle {
	t.Helper()
	var b searchBundle
	require.NoError(t, json.NewDecoder(rec.Result().Body).Decode(&b))
	return b
}

// TestCodeSystemSearchByCanonical: HAPI's "is this code system supported?"
// is CodeSystem?url=<system> (RemoteTerminologyServiceValidationSupport.
// isCodeSystemSupported); url|version narrows it to one release. Entries
// come without concepts, tagged SUBSETTED.
func TestCodeSystemSearchByCanonical(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want []string
	}{
		{hcpcsURL, []string{"hcpcs-" + latestVersion, "hcpcs-" + olderVersion}},
		{hcpcsURL + "|" + olderVersion, []string{"hcpcs-" + olderVersion}},
		{hcpcsHTTPS + "|" + latestVersion, []string{"hcpcs-" + latestVersion}},
		{hcpcsOID, []string{"hcpcs-" + latestVersion, "hcpcs-" + olderVersion}},
		{hcpcsURL + "|1999-01", nil},
	} {
		t.Run(tc.url, func(t *testing.T) {
			rec := doRequest(t, http.MethodGet, fhirPath("/CodeSystem", "url", tc.url), "", nil)
			require.Equal(t, http.StatusOK, rec.Code)
			b := decodeSearch(t, rec)
			var ids []string
			for _, e := range b.Entry {
				ids = append(ids, e.Resource.ID)
				require.Empty(t, e.Resource.Concept, "a search entry has no concepts")
				require.Contains(t, mustJSON(t, e.Resource.Meta), `"SUBSETTED"`)
			}
			require.Equal(t, tc.want, ids)
			require.Equal(t, len(tc.want), b.Total)
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// TestSearchHandling: an unknown search parameter is ignored and left out
// of the self link; under Prefer: handling=strict it is a 400 that names it
// (FHIR R4 search.html#errors), over GET and POST _search alike.
func TestSearchHandling(t *testing.T) {
	strict := map[string]string{"Prefer": "handling=strict"}
	for _, tc := range []struct {
		name, method, path, form string
		headers                  map[string]string
		status, total            int
	}{
		{"lenient", http.MethodGet, fhirPath("/CodeSystem", "url", hcpcsURL, "foo", "bar"), "", nil, http.StatusOK, 2},
		{"lenient, explicit", http.MethodGet, fhirPath("/ValueSet", "_id", "hcpcs-all", "_sort", "name"), "", map[string]string{"Prefer": "handling=lenient"}, http.StatusOK, 1},
		{"strict, unknown", http.MethodGet, fhirPath("/CodeSystem", "url", hcpcsURL, "foo", "bar"), "", strict, http.StatusBadRequest, 0},
		{"strict among other preferences", http.MethodGet, fhirPath("/ValueSet", "_sort", "name"), "", map[string]string{"Prefer": `return=minimal, handling="strict"`}, http.StatusBadRequest, 0},
		{"strict, known only", http.MethodGet, fhirPath("/CodeSystem", "url", hcpcsURL, "name:contains", "HCPCS", "_count", "5", "_summary", "true"), "", strict, http.StatusOK, 2},
		{"strict, POST _search", http.MethodPost, "/fhir/CodeSystem/_search", "url=" + url.QueryEscape(hcpcsURL) + "&foo=bar", strict, http.StatusBadRequest, 0},
		{"lenient, POST _search", http.MethodPost, "/fhir/CodeSystem/_search", "url=" + url.QueryEscape(hcpcsURL) + "&foo=bar", nil, http.StatusOK, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rec interface {
				Result() *http.Response
			}
			if tc.method == http.MethodPost {
				req := newFormRequest(tc.path, tc.form, tc.headers)
				r := serveRequest(t, req)
				rec = r
				require.Equal(t, tc.status, r.Code, r.Body.String())
			} else {
				r := doRequest(t, tc.method, tc.path, "", tc.headers)
				rec = r
				require.Equal(t, tc.status, r.Code, r.Body.String())
			}
			if tc.status != http.StatusOK {
				body, _ := io.ReadAll(rec.Result().Body)
				require.Contains(t, string(body), "OperationOutcome")
				require.Contains(t, string(body), "handling=strict")
				return
			}
			b := decodeSearch(t, rec)
			require.Equal(t, tc.total, b.Total)
			self := b.Link[0].URL
			require.NotContains(t, self, "foo")
			require.NotContains(t, self, "_sort")
			require.True(t, strings.Contains(self, "url=") || strings.Contains(self, "_id="), self)
		})
	}
}

// TestOperationDefinitionsResolve: every operation definition the
// CapabilityStatement points to on this server is served, as an
// OperationDefinition whose url and code are the ones pointed to; the
// others are the FHIR spec's canonicals.
func TestOperationDefinitionsResolve(t *testing.T) {
	rec := doRequest(t, http.MethodGet, "/fhir/metadata", "", nil)
	require.Equal(t, http.StatusOK, rec.Code)
	var cs struct {
		Rest []struct {
			Resource []struct {
				Type      string `json:"type"`
				Operation []struct{ Name, Definition string }
			} `json:"resource"`
			Operation []struct{ Name, Definition string }
		} `json:"rest"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &cs))
	ops := cs.Rest[0].Operation
	for _, r := range cs.Rest[0].Resource {
		ops = append(ops, r.Operation...)
	}
	own := 0
	for _, op := range ops {
		if !strings.HasPrefix(op.Definition, testBaseURL+"/") {
			require.True(t, strings.HasPrefix(op.Definition, "http://hl7.org/fhir/OperationDefinition/"), "%s: %s", op.Name, op.Definition)
			continue
		}
		own++
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			rec := doRequest(t, method, "/fhir"+strings.TrimPrefix(op.Definition, testBaseURL), "", nil)
			require.Equal(t, http.StatusOK, rec.Code, "%s %s", method, op.Definition)
			if method == http.MethodHead {
				continue
			}
			var od struct {
				ResourceType, URL, Code, Status, Kind string
				Parameter                             []struct{ Name, Use string }
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &od))
			require.Equal(t, "OperationDefinition", od.ResourceType)
			require.Equal(t, op.Definition, od.URL)
			require.Equal(t, op.Name, od.Code)
			require.Equal(t, "active", od.Status)
			require.NotEmpty(t, od.Parameter)
		}
	}
	require.Equal(t, 4, own, "versions, cache-control, batch-validate-code and history")
	rec = doRequest(t, http.MethodGet, "/fhir/OperationDefinition/CodeSystem-lookup", "", nil)
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Contains(t, rec.Body.String(), "http://hl7.org/fhir/OperationDefinition/")
}

// TestConditionalReads: the CapabilityStatement declares conditional
// reads; an ETag taken from a read answers If-None-Match with 304, for
// CodeSystem and ValueSet, and a stale one gets the body.
func TestConditionalReads(t *testing.T) {
	for _, path := range []string{"/fhir/CodeSystem/hcpcs-" + olderVersion, "/fhir/ValueSet/crutches-measure"} {
		t.Run(path, func(t *testing.T) {
			first := doRequest(t, http.MethodGet, path, "", nil)
			require.Equal(t, http.StatusOK, first.Code)
			etag := first.Header().Get("ETag")
			require.NotEmpty(t, etag)
			again := doRequest(t, http.MethodGet, path, "", map[string]string{"If-None-Match": etag})
			require.Equal(t, http.StatusNotModified, again.Code)
			require.Zero(t, again.Body.Len())
			stale := doRequest(t, http.MethodGet, path, "", map[string]string{"If-None-Match": `W/"stale"`})
			require.Equal(t, http.StatusOK, stale.Code)
			require.Equal(t, first.Body.Len(), stale.Body.Len())
		})
	}
	rec := doRequest(t, http.MethodGet, "/fhir/metadata", "", nil)
	var cs struct {
		Rest []struct {
			Resource []struct {
				Type            string `json:"type"`
				ConditionalRead string `json:"conditionalRead"`
			} `json:"resource"`
		} `json:"rest"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &cs))
	declared := map[string]string{}
	for _, r := range cs.Rest[0].Resource {
		declared[r.Type] = r.ConditionalRead
	}
	require.Equal(t, "full-support", declared["CodeSystem"])
	require.Equal(t, "not-match", declared["ValueSet"])
}

func newFormRequest(target, form string, headers map[string]string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return req
}

func serveRequest(t *testing.T, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	testEngine(t).ServeHTTP(rec, req)
	return rec
}
