package fhir

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMalformedQueryBeforeCache: a query that cannot be read is a 400 even
// when the answer to the same request without it is cached. The cache key
// leaves unknown parameters out, so when the query was checked after the
// cache, /fhir/CodeSystem?code=%zz was answered 200 from the entry of
// /fhir/CodeSystem (found by the hostile-input corpus, issue 9 §5).
func TestMalformedQueryBeforeCache(t *testing.T) {
	a := replica(t, defaultCacheStore(t), true, nil, nil, nil)
	a.get(t, "/fhir/CodeSystem", http.StatusOK, "miss")
	a.get(t, readJan, http.StatusOK, "miss")
	a.get(t, lookupE0114, http.StatusOK, "miss")
	a.rc.Wait()
	for _, target := range []string{
		"/fhir/CodeSystem?code=%zz", "/fhir/CodeSystem?%zz=1", "/fhir/CodeSystem?system=a;b",
		readJan + "?x=%", lookupE0114 + "&junk=%4",
		"/fhir/CodeSystem?" + strings.Repeat("x&", maxQueryPairs),
	} {
		rec := a.do(t, http.MethodGet, target, "")
		require.Equal(t, http.StatusBadRequest, rec.Code, "%.80s: %.200s", target, rec.Body.String())
		require.Contains(t, rec.Body.String(), `"resourceType":"OperationOutcome"`, target)
		require.Empty(t, rec.Header().Get("X-Cache"), "%.80s was answered from the cache", target)
	}
}

// TestTooManyQueryPairs: net/url reads no pair at all of a query of more
// than 10,000; such a query is a 400 saying so, and 10,000 are still read.
func TestTooManyQueryPairs(t *testing.T) {
	require.NoError(t, queryError(strings.Repeat("x=1&", maxQueryPairs-1)+"x=1"))
	err := queryError(strings.Repeat("x=1&", maxQueryPairs) + "x=1")
	re, ok := err.(*requestError)
	require.True(t, ok, "got %v", err)
	require.Equal(t, http.StatusBadRequest, re.status)
	require.Contains(t, re.issue.Text, "has 10001 parameters; this server reads at most 10000")
}
