package fhir

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// TestHTTPCachingPolicy: over HTTP, an answer about a named release gets
// the pinned Cache-Control, every other cacheable answer the latest one,
// whether computed or served from the cache; a configured policy replaces
// the defaults; a latest answer revalidates with its ETag (304).
func TestHTTPCachingPolicy(t *testing.T) {
	const latest, pinned = "public, max-age=0, must-revalidate", "public, max-age=600, immutable"
	srv := NewServer(Config{Data: defaultCacheStore(t), BaseURL: "http://tx.test/fhir", Logger: slog.New(slog.DiscardHandler),
		HTTPCaching: HTTPCaching{Latest: latest, Pinned: pinned}})
	rc := srv.NewResponseCache(CacheConfig{Local: cache.NewLocal(64<<20, time.Hour, nil)})
	engine := srv.NewEngine(rc.Handler)
	t.Cleanup(rc.Wait)
	sys := url.QueryEscape(terminology.SystemURL)
	for _, tc := range []struct {
		target string
		want   string
	}{
		{lookupE0114, latest},
		{"/fhir/CodeSystem/$lookup?system=" + sys + "&code=E0114&version=2025-01", pinned},
		{"/fhir/CodeSystem/hcpcs-2025-01/$lookup?code=E0114", pinned},
		{validateE0114, latest},
		{validateE0114 + "&version=2025-04", pinned},
		{readJan, pinned},
		{readJan + "?_summary=true", pinned},
		{"/fhir/CodeSystem?url=" + sys, latest},
		{"/fhir/ValueSet/$validate-code?url=" + url.QueryEscape(terminology.AllCodesValueSet) + "&system=" + sys + "&code=E0114&systemVersion=2025-01", latest},
		{"/fhir/ValueSet/$expand?url=" + url.QueryEscape(terminology.AllCodesValueSet) + "&count=5", latest},
	} {
		for _, tier := range []string{"computed", "cached"} {
			rec := httptest.NewRecorder()
			engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.target, nil))
			require.Equal(t, http.StatusOK, rec.Code, "%s %s: %s", tier, tc.target, rec.Body)
			require.Equal(t, tc.want, rec.Header().Get("Cache-Control"), "%s %s", tier, tc.target)
			etag := rec.Header().Get("ETag")
			require.NotEmpty(t, etag, tc.target)

			req := httptest.NewRequest(http.MethodGet, tc.target, nil)
			req.Header.Set("If-None-Match", etag)
			rec = httptest.NewRecorder()
			engine.ServeHTTP(rec, req)
			require.Equal(t, http.StatusNotModified, rec.Code, "revalidation of %s", tc.target)
		}
	}
}

// TestPinnedRelease classifies requests without serving them.
func TestPinnedRelease(t *testing.T) {
	sys := url.QueryEscape(terminology.SystemURL)
	for _, tc := range []struct {
		method, route, path string
		op                  string
		want                bool
	}{
		{"GET", "/fhir/CodeSystem/:id", "/fhir/CodeSystem/hcpcs-2025-10", opRead, true},
		{"HEAD", "/fhir/CodeSystem/:id", "/fhir/CodeSystem/hcpcs-2025-10", opRead, true},
		{"GET", "/fhir/CodeSystem/:id", "/fhir/CodeSystem/hcpcs-betos", opRead, false},
		{"GET", "/fhir/CodeSystem/:id", "/fhir/CodeSystem/administrative-gender", opRead, false},
		{"GET", "/fhir/CodeSystem/:id", "/fhir/CodeSystem/$lookup?system=" + sys + "&code=A&version=2025-10", opLookup, true},
		{"GET", "/fhir/CodeSystem/:id", "/fhir/CodeSystem/$lookup?system=" + sys + "%7C2025-10&code=A", opLookup, true},
		{"GET", "/fhir/CodeSystem/:id", "/fhir/CodeSystem/$validate-code?url=" + sys + "%7C2025-10&code=A", opValidate, true},
		{"GET", "/fhir/CodeSystem/:id", "/fhir/CodeSystem/$validate-code?url=" + sys + "&code=A", opValidate, false},
		{"GET", "/fhir/CodeSystem/:id", "/fhir/CodeSystem/$lookup?system=http%3A%2F%2Floinc.org&code=A&version=2.77", opLookup, false},
		{"GET", "/fhir/CodeSystem/:id/:op", "/fhir/CodeSystem/hcpcs-2020-04/$lookup?code=A", opLookup, true},
		{"POST", "/fhir/CodeSystem/:id", "/fhir/CodeSystem/$lookup?system=" + sys + "&code=A&version=2025-10", opLookup, false},
		{"GET", "/fhir/ValueSet/:id", "/fhir/ValueSet/$validate-code?url=x&systemVersion=2025-10", opValidate, false},
		{"GET", "/fhir/ValueSet/:id", "/fhir/ValueSet/$expand?url=x", opExpand, false},
		{"GET", "/fhir/CodeSystem", "/fhir/CodeSystem?url=" + sys + "%7C2025-10", opSearch, false},
	} {
		e := gin.New()
		var got bool
		e.Handle(tc.method, tc.route, func(c *gin.Context) { got = pinnedRelease(c, tc.op) })
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tc.method, tc.path, nil))
		require.Equal(t, tc.want, got, "%s %s", tc.method, tc.path)
	}
}
