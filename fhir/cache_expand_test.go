package fhir

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache/redistest"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// TestCacheExpand: expansions are cached in process, keyed by everything
// that changes them (the inline value set in the body, the too-costly
// threshold), and stay out of Redis unless --redis-ops names expand.
func TestCacheExpand(t *testing.T) {
	rs := redistest.Start(t)
	store := defaultCacheStore(t)
	red, m, reg := newRedisTier(t, rs.Addr, "exp:", nil)
	a := replica(t, store, true, red, m, reg)
	expand := "/fhir/ValueSet/$expand?url=" + url.QueryEscape(terminology.AllCodesValueSet)

	all := a.get(t, expand, 200, "miss")
	require.Contains(t, all.Body.String(), `"total":3`)
	a.get(t, expand, 200, "hit-local")
	// A lower threshold is another answer: too-costly, never served from
	// the entry of the request without it.
	a.get(t, expand, 422, "miss", header(tooCostlyHeader, "2"))
	a.get(t, expand, 422, "miss", header(tooCostlyHeader, "2")) // 4xx is not stored
	fits := a.get(t, expand, 200, "miss", header(tooCostlyHeader, "3"))
	require.Equal(t, all.Body.String(), fits.Body.String())
	a.get(t, expand, 200, "hit-local", header(tooCostlyHeader, "3"))
	a.get(t, expand, 200, "hit-local")

	// Two inline value sets in POST bodies are two entries.
	inline := func(code string) string {
		return `{"resourceType":"Parameters","parameter":[{"name":"valueSet","resource":{"resourceType":"ValueSet","status":"draft",` +
			`"compose":{"include":[{"system":"` + terminology.SystemURL + `","concept":[{"code":"` + code + `"}]}]}}}]}`
	}
	post := func(body, xcache string) string {
		t.Helper()
		rec := a.do(t, http.MethodPost, "/fhir/ValueSet/$expand", body)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		require.Equal(t, xcache, rec.Header().Get("X-Cache"))
		return rec.Body.String()
	}
	e0114 := post(inline("E0114"), "miss")
	lt := post(inline("LT"), "miss")
	require.Contains(t, e0114, `"code":"E0114"`)
	require.NotContains(t, e0114, `"code":"LT"`)
	require.Contains(t, lt, `"code":"LT"`)
	require.Equal(t, e0114, post(inline("E0114"), "hit-local"))
	a.rc.Wait()

	// Nothing of $expand went to Redis (the test's shared ops are read and
	// lookup, as the default is read): a second replica computes.
	for _, k := range redisKeys(t, rs.Client(), "exp:") {
		require.NotContains(t, k, ":"+opExpand+":", "expand is not a shared operation here")
	}
	red2, m2, reg2 := newRedisTier(t, rs.Addr, "exp:", nil)
	b := replica(t, store, true, red2, m2, reg2)
	require.Equal(t, all.Body.String(), b.get(t, expand, 200, "miss").Body.String())

	// Named in the shared operations, expand goes through Redis.
	red3, _, reg3 := newRedisTier(t, rs.Addr, "exp3:", nil)
	c := newCacheServer(t, store, reg3, CacheConfig{Shared: red3, SharedOps: []string{opExpand}})
	c.get(t, expand, 200, "miss")
	c.rc.Wait()
	d := newCacheServer(t, store, reg3, CacheConfig{Shared: red3, SharedOps: []string{opExpand}})
	require.Equal(t, all.Body.String(), d.get(t, expand, 200, "hit-redis").Body.String())
	require.Contains(t, strings.Join(redisKeys(t, rs.Client(), "exp3:"), " "), ":"+opExpand+":")
}
