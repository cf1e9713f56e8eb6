package fhir

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
)

// TestCacheTxResource: an answer computed from a request's tx-resource is
// kept under a key that includes it, so the same request without it (or
// with another) is another entry; and requests of a cache-id session,
// whose definitions can grow, are never cached.
func TestCacheTxResource(t *testing.T) {
	store := defaultCacheStore(t)
	reg := prometheus.NewRegistry()
	a := replica(t, store, true, nil, cache.NewMetrics(reg), reg)
	cs := func(display string) string {
		return `{"name":"tx-resource","resource":{"resourceType":"CodeSystem","url":"http://example.org/cs","status":"active","content":"complete",` +
			`"concept":[{"code":"a","display":"` + display + `"}]}}`
	}
	body := func(extra ...string) string {
		b := `{"resourceType":"Parameters","parameter":[{"name":"system","valueUri":"http://example.org/cs"},{"name":"code","valueCode":"a"}`
		for _, e := range extra {
			b += "," + e
		}
		return b + "]}"
	}
	post := func(b string, status int, xcache string, opts ...reqOpt) string {
		t.Helper()
		rec := a.do(t, http.MethodPost, "/fhir/CodeSystem/$lookup", b, opts...)
		require.Equal(t, status, rec.Code, rec.Body.String())
		require.Equal(t, xcache, rec.Header().Get("X-Cache"))
		return rec.Body.String()
	}
	first := post(body(cs("First")), 200, "miss")
	require.Contains(t, first, `"valueString":"First"`)
	require.Equal(t, first, post(body(cs("First")), 200, "hit-local"))
	second := post(body(cs("Second")), 200, "miss")
	require.Contains(t, second, `"valueString":"Second"`)
	post(body(), 404, "miss")      // without it, the system is unknown,
	post(body(), 404, "hit-local") // and that answer is an entry of its own
	require.Equal(t, second, post(body(cs("Second")), 200, "hit-local"))

	rec := a.do(t, http.MethodPost, "/fhir/$cache-control?mode=start", `{"resourceType":"Parameters","parameter":[`+cs("Session")+`]}`)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	var started struct {
		Parameter []struct{ ValueString string }
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &started))
	id := started.Parameter[0].ValueString
	for range 2 {
		require.Contains(t, post(body(), 200, "bypass", header(cacheIDHeader, id)), `"valueString":"Session"`)
	}
}

// TestCacheWithoutTiers: with neither tier (--cache-size 0, no Redis)
// nothing is keyed: every answer is a bypass.
func TestCacheWithoutTiers(t *testing.T) {
	cs := newCacheServer(t, defaultCacheStore(t), prometheus.NewRegistry(), CacheConfig{})
	cs.get(t, lookupE0114, 200, "bypass")
	cs.get(t, lookupE0114, 200, "bypass")
}
