package fhir

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/cache/redistest"
)

// TestCacheJunkMakesNoKeys: nothing a client controls beyond what the
// answer depends on (an unknown query or body parameter, a forwarded host
// on a read) makes another cache entry for the same answer, and junk never
// reaches Redis (issue 9, §3: junk reads had filled Redis and pinned
// memory, 15 MB each).
func TestCacheJunkMakesNoKeys(t *testing.T) {
	rs := redistest.Start(t)
	red, m, reg := newRedisTier(t, rs.Addr, "junk:", nil)
	a := replica(t, defaultCacheStore(t), true, red, m, reg)
	a.srv.cfg.BaseURL = "" // derive the base from each request, forwarded headers included
	a.get(t, readJan, 200, "miss")
	a.get(t, lookupE0114, 200, "miss")
	a.get(t, readJan+"?_elements=id,url", 200, "miss")
	body := func(extra string) string {
		return `{"resourceType":"Parameters","parameter":[` + extra +
			`{"name":"system","valueUri":"http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"},{"name":"code","valueCode":"E0114"}]}`
	}
	rec := a.do(t, http.MethodPost, "/fhir/CodeSystem/$lookup", body(""))
	require.Equal(t, "miss", rec.Header().Get("X-Cache"), rec.Body.String())
	a.rc.Wait()
	keys := redisKeys(t, rs.Client(), "junk:")
	require.Len(t, keys, 3, "the read, the GET and the POST lookup")

	for _, target := range []string{
		readJan + "?x=1", readJan + "?_=1733390000&foo=bar", readJan + "?_elements=id,url&x=2",
		lookupE0114 + "&x=1", lookupE0114 + "&_=12345&junk=%41",
	} {
		a.get(t, target, 200, "hit-local")
	}
	for _, host := range []string{"evil.example", "a.example:1", strings.Repeat("x", 200)} {
		a.get(t, readJan, 200, "hit-local", header("X-Forwarded-Host", host), header("X-Forwarded-Proto", "https"))
	}
	rec = a.do(t, http.MethodPost, "/fhir/CodeSystem/$lookup", body(`{"name":"junk","valueString":"1"},`))
	require.Equal(t, "hit-local", rec.Header().Get("X-Cache"), rec.Body.String())
	a.rc.Wait()
	require.ElementsMatch(t, keys, redisKeys(t, rs.Client(), "junk:"), "junk wrote to Redis")

	// A parameter the operation knows still separates answers.
	require.Contains(t, a.get(t, lookupE0114+"&version=2025-04", 200, "miss").Body.String(), "(April)")
}

// TestCacheSubsetsStayOutOfRedis: a subset of a read (_elements,
// _summary, _pretty) is built from the kept rendering and never read from
// Redis, so it is not written there either.
func TestCacheSubsetsStayOutOfRedis(t *testing.T) {
	rs := redistest.Start(t)
	red, m, reg := newRedisTier(t, rs.Addr, "sub:", nil)
	a := replica(t, defaultCacheStore(t), true, red, m, reg)
	for _, q := range []string{"?_elements=id", "?_summary=true", "?_pretty=true"} {
		a.get(t, readJan+q, 200, "miss")
		a.get(t, readJan+q, 200, "hit-local")
	}
	a.rc.Wait()
	require.Empty(t, redisKeys(t, rs.Client(), "sub:"))
}

// TestCacheRepublishesAfterRedisLosesData: a replica that serves a full
// read from its own rendering writes it to Redis again once RepublishEvery
// has passed, so that sharing resumes after Redis restarted empty or
// evicted it; before, the replica never published again.
func TestCacheRepublishesAfterRedisLosesData(t *testing.T) {
	rs := redistest.Start(t)
	red, m, reg := newRedisTier(t, rs.Addr, "rep:", nil)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := newCacheServer(t, defaultCacheStore(t), reg, CacheConfig{SharedOps: testSharedOps, Local: cache.NewLocal(64<<20, time.Hour, m),
		Shared: red, RepublishEvery: time.Minute, Now: func() time.Time { return now }})
	gz := header("Accept-Encoding", "gzip")
	a.get(t, readJan, 200, "miss", gz)
	a.rc.Wait()
	require.Len(t, redisKeys(t, rs.Client(), "rep:"), 1)

	require.NoError(t, rs.Client().FlushDB(context.Background()).Err()) // Redis lost its data
	now = now.Add(59 * time.Second)
	a.get(t, readJan, 200, "hit-local", gz)
	a.rc.Wait()
	require.Empty(t, redisKeys(t, rs.Client(), "rep:"), "published within the minute: not rewritten")

	now = now.Add(time.Second)
	a.get(t, readJan, 200, "miss", gz) // served from the rendering, written to Redis again
	a.rc.Wait()
	require.Len(t, redisKeys(t, rs.Client(), "rep:"), 1)
	a.get(t, readJan, 200, "hit-local", gz)

	red2, m2, reg2 := newRedisTier(t, rs.Addr, "rep:", nil)
	b := replica(t, defaultCacheStore(t), true, red2, m2, reg2)
	b.get(t, readJan, 200, "hit-redis", gz)
}

// TestForeignParamRead: a handler's lookup of a parameter the cache key
// leaves out marks the request, whose answer is then not stored (two
// answers must never share a key).
func TestForeignParamRead(t *testing.T) {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet, "/fhir/CodeSystem/$lookup?code=E0114&zzz=1", nil)
	p, err := readRequestParams(c, maxBodyBytes)
	require.NoError(t, err)
	p.has("code")
	p.all("displayLanguage")
	require.False(t, readForeign(c))
	require.True(t, keyParam(opLookup, "code"))
	require.False(t, keyParam(opLookup, "zzz"))
	p.has("zzz")
	require.True(t, readForeign(c))

}

// TestCacheSkipsRedisSlowerThanComputing: a Redis that answers within its
// deadline but slower than the handlers compute an answer is not asked
// (but for a sample a second): before, every shared request waited for it
// (issue 9: a Redis 10–20 ms slow cut throughput by 85–92%).
func TestCacheSkipsRedisSlowerThanComputing(t *testing.T) {
	rs := redistest.Start(t)
	proxy := redistest.NewDelayProxy(t, rs.Addr)
	red, m, reg := newRedisTier(t, proxy.Addr, "slow:", func(c *cache.Config) { c.Timeout = time.Second })
	a := replica(t, defaultCacheStore(t), false, red, m, reg) // no local tier: every request may go to Redis
	proxy.SetDelay(20 * time.Millisecond)
	for i := range 16 {
		a.do(t, http.MethodGet, lookupE0114+"&displayLanguage=en&property=x"+string(rune('a'+i)), "")
	}
	require.GreaterOrEqual(t, metric(t, reg, "hcpcs_cache_redis_skipped_total", "op", "slow"), 8.0,
		"after the first round trips, a 20 ms Redis is not asked for a lookup computed in microseconds")

	// The same Redis still pays for what costs more to compute than to fetch.
	require.False(t, red.SlowerThan(time.Second))
}

// TestResponsesCarryContentLength: every body goes out with its length,
// computed or from either tier, so that net/http sends it in one piece and
// not chunked (issue 9: bodies over 2 KB went out in two writes).
func TestResponsesCarryContentLength(t *testing.T) {
	rs := redistest.Start(t)
	red, m, reg := newRedisTier(t, rs.Addr, "cl:", nil)
	a := replica(t, defaultCacheStore(t), true, red, m, reg)
	for _, tc := range []struct {
		target, xcache string
		opts           []reqOpt
	}{
		{lookupE0114, "miss", nil},
		{lookupE0114, "hit-local", nil},
		{readJan, "miss", []reqOpt{header("Accept-Encoding", "gzip")}},
		{readJan, "hit-local", []reqOpt{header("Accept-Encoding", "gzip")}},
		{readJan, "miss", nil}, // the identity variant's first: published to Redis
		{readJan, "hit-local", nil},
		{"/fhir/CodeSystem/hcpcs-1999-01", "miss", nil}, // an OperationOutcome
		{"/fhir/metadata", "bypass", nil},
	} {
		rec := a.get(t, tc.target, rec0(tc.target), tc.xcache, tc.opts...)
		require.Equal(t, strconv.Itoa(rec.Body.Len()), rec.Header().Get("Content-Length"), "%s %s", tc.target, tc.xcache)
	}
	red2, m2, reg2 := newRedisTier(t, rs.Addr, "cl:", nil)
	a.rc.Wait()
	b := replica(t, defaultCacheStore(t), true, red2, m2, reg2)
	rec := b.get(t, readJan, 200, "hit-redis", header("Accept-Encoding", "gzip"))
	require.Equal(t, strconv.Itoa(rec.Body.Len()), rec.Header().Get("Content-Length"))
}

// rec0 is the status a target of TestResponsesCarryContentLength answers.
func rec0(target string) int {
	if strings.Contains(target, "1999") {
		return http.StatusNotFound
	}
	return http.StatusOK
}

// TestCacheLargeBodiesKeyedOnce: a large POSTed body (the validator's
// tx-resources) is keyed by the digest of its canonical form, remembered
// by the digest of its bytes: the same bytes, or the same parameters in
// another order, find the entry; another body does not.
func TestCacheLargeBodiesKeyedOnce(t *testing.T) {
	a := replica(t, defaultCacheStore(t), true, nil, nil, nil)
	pad := strings.Repeat("x", 6000)
	sys := `{"name":"system","valueUri":"http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"}`
	code := `{"name":"code","valueCode":"E0114"}`
	big := `{"name":"tx-resource","resource":{"resourceType":"ValueSet","url":"http://example.org/vs/pad","status":"active","description":"` + pad + `"}}`
	body := func(parts ...string) string {
		return `{"resourceType":"Parameters","parameter":[` + strings.Join(parts, ",") + `]}`
	}
	post := func(b, want string) {
		t.Helper()
		rec := a.do(t, http.MethodPost, "/fhir/CodeSystem/$lookup", b)
		require.Contains(t, []int{http.StatusOK, http.StatusNotFound}, rec.Code, rec.Body.String())
		require.Equal(t, want, rec.Header().Get("X-Cache"))
	}
	post(body(sys, code, big), "miss")
	post(body(sys, code, big), "hit-local")
	post(body(big, code, sys), "hit-local") // other bytes, same parameters
	post(body(big, code, sys), "hit-local") // now remembered by its bytes too
	post(body(sys, `{"name":"code","valueCode":"E0100"}`, big), "miss")
	require.Len(t, a.rc.bodies.m, 3)
}
