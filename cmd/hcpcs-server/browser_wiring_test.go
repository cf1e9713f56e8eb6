package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/browse"
	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// browserAccept is the Accept header Chromium sends for a page: the FHIR
// engine's negotiation would answer it with 406.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

// TestBrowserWiring: serve sends /, /browse and /browse/… to the code
// browser, outside the FHIR middleware, and everything else to the FHIR
// engine as before; both are counted in the metrics by route.
func TestBrowserWiring(t *testing.T) {
	t.Parallel()
	srv := startTestServer(t, nil, "--data", testenv.Release(t, "2025-10_quarterly"))
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	fetch := func(path, accept string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.base+path, nil)
		require.NoError(t, err)
		req.Header.Set("Accept", accept)
		res, err := client.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, string(body)
	}
	cases := []struct {
		path, accept string
		status       int
		contentType  string
		want         string
	}{
		{"/", browserAccept, http.StatusFound, "text/html", ""},
		{"/browse", browserAccept, http.StatusOK, "text/html", "Search HCPCS codes"},
		{"/browse?q=wheelchair", browserAccept, http.StatusOK, "text/html", "<mark>"},
		{"/browse/code/S9327", browserAccept, http.StatusOK, "text/html", "Home infusion therapy"},
		{"/browse/release/2025-10", browserAccept, http.StatusOK, "text/html", "the oldest loaded release"},
		{"/browse/nope", browserAccept, http.StatusNotFound, "text/html", "There is no page here"},
		{"/browse/assets/browse.js", "*/*", http.StatusOK, "text/javascript", "search as you type"},
		// The FHIR routes are the engine's, OperationOutcomes and all.
		{"/fhir/metadata", "application/fhir+json", http.StatusOK, "application/fhir+json", `"CapabilityStatement"`},
		{"/fhir/nope", "application/fhir+json", http.StatusNotFound, "application/fhir+json", `"OperationOutcome"`},
		{"/nope", "application/fhir+json", http.StatusNotFound, "application/fhir+json", `"OperationOutcome"`},
		{"/browser", "application/fhir+json", http.StatusNotFound, "application/fhir+json", `"OperationOutcome"`},
	}
	for _, tc := range cases {
		res, body := fetch(tc.path, tc.accept)
		require.Equal(t, tc.status, res.StatusCode, "%s: %s", tc.path, body)
		require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), tc.contentType), "%s: Content-Type %s", tc.path, res.Header.Get("Content-Type"))
		require.Contains(t, body, tc.want, tc.path)
		if tc.contentType == "text/html" {
			require.Equal(t, browse.ContentSecurityPolicy, res.Header.Get("Content-Security-Policy"), tc.path)
		}
	}
	res, _ := fetch("/", browserAccept)
	require.Equal(t, "/browse", res.Header.Get("Location"))

	_, metrics := fetch("/metrics", "text/plain")
	for _, series := range []string{
		`hcpcs_http_requests_total{method="GET",route="/browse",status="200"} 2`,
		`hcpcs_http_requests_total{method="GET",route="/browse/code/{code}",status="200"} 1`,
		`hcpcs_http_requests_total{method="GET",route="/browse/",status="404"} 1`,
		`hcpcs_http_requests_total{method="GET",route="/{$}",status="302"} 2`,
		`hcpcs_http_requests_total{method="GET",route="/fhir/metadata",status="200"} 1`,
	} {
		require.Contains(t, metrics, series)
	}
}
