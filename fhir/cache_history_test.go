package fhir

import (
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
)

// $history answers are kept in process like $lookup's, keyed by code, from,
// to and kind, and never pinned to a release for HTTP caches: a reload that
// adds a release in between changes what "the release before" means.
func TestCacheHistory(t *testing.T) {
	store := defaultCacheStore(t)
	reg := prometheus.NewRegistry()
	a := newCacheServer(t, store, reg, CacheConfig{Local: cache.NewLocal(64<<20, time.Hour, cache.NewMetrics(reg))})

	diff := "/fhir/CodeSystem/$history?from=2025-01&to=2025-04"
	first := a.get(t, diff, http.StatusOK, "miss")
	require.Contains(t, first.Body.String(), `"valueCode":"long-description"`)
	require.Contains(t, first.Body.String(), "(April)")
	require.Equal(t, "public, no-cache", first.Header().Get("Cache-Control"))
	require.NotEmpty(t, first.Header().Get("ETag"))
	require.Equal(t, first.Body.String(), a.get(t, diff, http.StatusOK, "hit-local").Body.String())
	a.get(t, diff+"&junk=1", http.StatusOK, "hit-local")

	// Each parameter the answer depends on is in the key.
	a.get(t, diff+"&kind=added", http.StatusOK, "miss")
	a.get(t, "/fhir/CodeSystem/$history?code=E0114", http.StatusOK, "miss")
	a.get(t, "/fhir/CodeSystem/$history?code=A0021", http.StatusOK, "miss")
	a.get(t, "/fhir/CodeSystem/hcpcs-2025-04/$history", http.StatusOK, "miss")
	a.get(t, "/fhir/CodeSystem/hcpcs-2025-04/$history", http.StatusOK, "hit-local")
	require.Equal(t, "public, no-cache", a.get(t, "/fhir/CodeSystem/hcpcs-2025-04/$history?code=E0114", http.StatusOK, "miss").Header().Get("Cache-Control"))
	a.get(t, "/fhir/CodeSystem/$history?code=ZZZZ", http.StatusNotFound, "miss")
	a.get(t, "/fhir/CodeSystem/$history?code=ZZZZ", http.StatusNotFound, "hit-local")
}
