package fhir

// Tests of the response cache against real, throwaway redis-server
// processes (cache/redistest), and the benchmarks behind the routing in
// cache/doc.go. This is an internal test so that benchmarks can send any
// operation to any tier.

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/cache/redistest"
	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// ---- fixtures ----

// cacheRelease is a small hand-made release; display varies the data so
// that two releases (or a reload) answer differently.
func cacheRelease(tb testing.TB, version, display string) *terminology.Release {
	tb.Helper()
	r, err := terminology.NewRelease(version, []string{"HCPC_" + version + "_test.txt"}, []*terminology.Concept{
		{Code: "E0114", Kind: terminology.Procedure, LongDescription: "Crutches underarm, other than wood, adjustable or fixed, pair " + display,
			ShortDescription: "Crutch underarm pair no wood"},
		{Code: "A0021", Kind: terminology.Procedure, LongDescription: "Ambulance service, outside state per mile, transport",
			ShortDescription: "Outside state ambulance serv"},
		{Code: "LT", Kind: terminology.Modifier, LongDescription: "Left side (used to identify procedures performed on the left side of the body)",
			ShortDescription: "Left side"},
	}, nil)
	require.NoError(tb, err)
	return r
}

func cacheStore(tb testing.TB, releases ...*terminology.Release) *terminology.Store {
	tb.Helper()
	snap, err := terminology.NewSnapshot(releases)
	require.NoError(tb, err)
	return terminology.NewStore(snap)
}

func defaultCacheStore(tb testing.TB) *terminology.Store {
	return cacheStore(tb, cacheRelease(tb, "2025-01", "(January)"), cacheRelease(tb, "2025-04", "(April)"))
}

const (
	lookupE0114   = "/fhir/CodeSystem/$lookup?system=" + terminology.SystemURL + "&code=E0114"
	validateE0114 = "/fhir/CodeSystem/$validate-code?url=" + terminology.SystemURL + "&code=E0114"
	readJan       = "/fhir/CodeSystem/hcpcs-2025-01"
	readApr       = "/fhir/CodeSystem/hcpcs-2025-04"
)

// cacheServer is one API instance with its response cache: a replica.
type cacheServer struct {
	srv      *Server
	rc       *ResponseCache
	engine   *gin.Engine
	computed atomic.Int64 // requests that reached the handlers
	reg      *prometheus.Registry
}

// newCacheServer builds a replica over store. The metrics of its tiers
// must be registered on srv.reg by the caller (newTiers does).
func newCacheServer(tb testing.TB, store *terminology.Store, reg *prometheus.Registry, cfg CacheConfig) *cacheServer {
	tb.Helper()
	cs := &cacheServer{reg: reg}
	cs.srv = NewServer(Config{Data: store, BaseURL: "http://tx.test/fhir", Logger: slog.New(slog.DiscardHandler)})
	cs.rc = cs.srv.NewResponseCache(cfg)
	count := func(c *gin.Context) { cs.computed.Add(1); c.Next() }
	cs.engine = cs.srv.NewEngine(cs.rc.Handler, count)
	tb.Cleanup(cs.rc.Wait)
	return cs
}

// replica builds a replica with a local tier (when local) and the given
// Redis tier (when red is not nil), each with fresh metrics.
// The shared operations of most tests: the read, and $lookup, which is
// cheap to set up and to vary.
var testSharedOps = []string{opRead, opLookup}

func replica(tb testing.TB, store *terminology.Store, local bool, red *cache.Redis, m *cache.Metrics, reg *prometheus.Registry) *cacheServer {
	tb.Helper()
	cfg := CacheConfig{SharedOps: testSharedOps}
	if local {
		cfg.Local = cache.NewLocal(64<<20, time.Hour, m)
	}
	if red != nil {
		cfg.Shared = red
	}
	return newCacheServer(tb, store, reg, cfg)
}

// newRedisTier connects a cache.Redis to rs under prefix, with metrics
// registered on a fresh registry.
func newRedisTier(tb testing.TB, addr, prefix string, edit func(*cache.Config)) (*cache.Redis, *cache.Metrics, *prometheus.Registry) {
	tb.Helper()
	reg := prometheus.NewRegistry()
	m := cache.NewMetrics(reg)
	cfg := cache.Config{URL: "redis://" + addr, Prefix: prefix, TTL: time.Hour, Timeout: time.Second,
		ProbeInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler), Metrics: m}
	if edit != nil {
		edit(&cfg)
	}
	red, err := cache.New(cfg)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = red.Close() })
	return red, m, reg
}

type reqOpt func(*http.Request)

func header(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

func (cs *cacheServer) do(tb testing.TB, method, target, body string, opts ...reqOpt) *httptest.ResponseRecorder {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	for _, o := range opts {
		o(req)
	}
	rec := httptest.NewRecorder()
	cs.engine.ServeHTTP(rec, req)
	return rec
}

// get asserts the status and X-Cache of a GET and returns the response.
func (cs *cacheServer) get(tb testing.TB, target string, status int, xcache string, opts ...reqOpt) *httptest.ResponseRecorder {
	tb.Helper()
	rec := cs.do(tb, http.MethodGet, target, "", opts...)
	require.Equal(tb, status, rec.Code, "GET %s: %s", target, rec.Body.String())
	require.Equal(tb, xcache, rec.Header().Get("X-Cache"), "GET %s", target)
	return rec
}

// redisKeys lists the keys under prefix.
func redisKeys(tb testing.TB, c *redis.Client, prefix string) []string {
	tb.Helper()
	keys, err := c.Keys(context.Background(), prefix+"*").Result()
	require.NoError(tb, err)
	return keys
}

// metric reads a counter or gauge from a registry; 0 when absent.
func metric(tb testing.TB, reg *prometheus.Registry, name string, labels ...string) float64 {
	tb.Helper()
	mfs, err := reg.Gather()
	require.NoError(tb, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				if !hasLabel(m, labels[i], labels[i+1]) {
					continue next
				}
			}
			if m.Counter != nil {
				return m.Counter.GetValue()
			}
			return m.Gauge.GetValue()
		}
	}
	return 0
}

func hasLabel(m *dto.Metric, k, v string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == k && l.GetValue() == v {
			return true
		}
	}
	return false
}

func gunzip(tb testing.TB, b []byte) []byte {
	tb.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(tb, err)
	out, err := io.ReadAll(r)
	require.NoError(tb, err)
	return out
}

// ---- tests ----

func TestCacheTiersHitsAndMisses(t *testing.T) {
	rs := redistest.Start(t)
	store := defaultCacheStore(t)
	// The default routing: the read goes to both tiers, $lookup and
	// $validate-code stay in process.
	newReplica := func() (*cacheServer, *prometheus.Registry) {
		red, m, reg := newRedisTier(t, rs.Addr, "tiers:", nil)
		return newCacheServer(t, store, reg, CacheConfig{Local: cache.NewLocal(64<<20, time.Hour, m), Shared: red}), reg
	}
	a, reg := newReplica()
	first := a.get(t, readJan, 200, "miss")
	again := a.get(t, readJan, 200, "hit-local")
	require.Equal(t, first.Body.String(), again.Body.String())
	a.get(t, lookupE0114, 200, "miss")
	a.get(t, lookupE0114, 200, "hit-local")
	a.get(t, validateE0114, 200, "miss")
	a.get(t, validateE0114, 200, "hit-local")
	// Four handler runs: the read's hit-local is the handler serving the
	// rendering it kept, not a second rendering.
	require.EqualValues(t, 4, a.computed.Load())
	a.rc.Wait()

	keys := redisKeys(t, rs.Client(), "tiers:")
	require.Len(t, keys, 1, "only the read: %v", keys)
	require.Contains(t, keys[0], ":read:")
	// The read's hit comes from the handler's kept rendering, not the LRU.
	require.EqualValues(t, 2, metric(t, reg, "hcpcs_cache_hits_total", "tier", "local"))
	require.EqualValues(t, 3, metric(t, reg, "hcpcs_cache_misses_total", "tier", "local"))
	require.EqualValues(t, 1, metric(t, reg, "hcpcs_cache_misses_total", "tier", "redis"))
	require.EqualValues(t, 0, metric(t, reg, "hcpcs_cache_hits_total", "tier", "redis"))

	// A second replica on the same Redis: its first read is a Redis hit,
	// then it is local; the others are computed again.
	b, reg2 := newReplica()
	hit := b.get(t, readJan, 200, "hit-redis")
	require.Equal(t, first.Body.String(), hit.Body.String())
	require.Equal(t, first.Header().Get("ETag"), hit.Header().Get("ETag"))
	b.get(t, readJan, 200, "hit-local")
	b.get(t, lookupE0114, 200, "miss")
	b.get(t, validateE0114, 200, "miss")
	require.EqualValues(t, 2, b.computed.Load())
	require.EqualValues(t, 1, metric(t, reg2, "hcpcs_cache_hits_total", "tier", "redis"))
	require.Greater(t, metric(t, reg2, "hcpcs_cache_local_bytes"), 0.0)

	// Every operation can be sent to Redis.
	red, m, reg3 := newRedisTier(t, rs.Addr, "all:", nil)
	c := newCacheServer(t, store, reg3, CacheConfig{Local: cache.NewLocal(64<<20, time.Hour, m), Shared: red, SharedOps: CacheOps})
	c.get(t, lookupE0114, 200, "miss")
	c.get(t, validateE0114, 200, "miss")
	c.get(t, "/fhir/CodeSystem?_summary=true", 200, "miss")
	c.rc.Wait()
	require.Len(t, redisKeys(t, rs.Client(), "all:"), 3)
}

func TestCacheSecondInstanceFirstRequestIsRedisHit(t *testing.T) {
	rs := redistest.Start(t)
	store := defaultCacheStore(t)
	redA, mA, regA := newRedisTier(t, rs.Addr, "two:", nil)
	a := replica(t, store, true, redA, mA, regA)
	want := a.get(t, readApr, 200, "miss", header("Accept-Encoding", "gzip"))
	a.rc.Wait()

	redB, mB, regB := newRedisTier(t, rs.Addr, "two:", nil)
	b := replica(t, store, true, redB, mB, regB)
	got := b.get(t, readApr, 200, "hit-redis", header("Accept-Encoding", "gzip"))
	require.Equal(t, want.Body.Bytes(), got.Body.Bytes())
	require.Equal(t, "gzip", got.Header().Get("Content-Encoding"))
	require.EqualValues(t, 0, b.computed.Load())
}

func TestCacheIsolation(t *testing.T) {
	rs := redistest.Start(t)
	store := defaultCacheStore(t)
	red, m, reg := newRedisTier(t, rs.Addr, "iso:", nil)
	a := replica(t, store, true, red, m, reg)

	// Versions.
	jan := a.get(t, readJan, 200, "miss")
	apr := a.get(t, readApr, 200, "miss")
	require.Contains(t, jan.Body.String(), "(January)")
	require.Contains(t, apr.Body.String(), "(April)")
	require.Contains(t, a.get(t, readJan, 200, "hit-local").Body.String(), "(January)")
	lJan := a.get(t, lookupE0114+"&version=2025-01", 200, "miss")
	lApr := a.get(t, lookupE0114+"&version=2025-04", 200, "miss")
	require.Contains(t, lJan.Body.String(), "(January)")
	require.Contains(t, lApr.Body.String(), "(April)")
	require.Contains(t, a.get(t, lookupE0114+"&version=2025-04", 200, "hit-local").Body.String(), "(April)")

	// Encodings: gzip and identity come from the same kept rendering, each
	// with its own Content-Encoding; a variant's first request publishes it
	// to Redis (miss), later ones are served from the rendering.
	gz := a.get(t, readJan, 200, "miss", header("Accept-Encoding", "gzip"))
	require.Equal(t, "gzip", gz.Header().Get("Content-Encoding"))
	gzHit := a.get(t, readJan, 200, "hit-local", header("Accept-Encoding", "gzip, deflate"))
	require.Equal(t, "gzip", gzHit.Header().Get("Content-Encoding"))
	require.Equal(t, jan.Body.Bytes(), gunzip(t, gzHit.Body.Bytes()))
	id := a.get(t, readJan, 200, "hit-local")
	require.Empty(t, id.Header().Get("Content-Encoding"))
	require.Equal(t, jan.Body.Bytes(), id.Body.Bytes())

	// Formats: every spelling of JSON shares one entry; _pretty is another
	// body; XML is another entry (not the kept JSON rendering: the XML
	// converted from it), with an ETag of its own.
	a.get(t, readJan+"?_format=json", 200, "hit-local")
	a.get(t, readJan+"?_format="+url.QueryEscape("application/fhir+json"), 200, "hit-local")
	a.get(t, readJan, 200, "hit-local", header("Accept", "application/fhir+json"))
	pretty := a.get(t, readJan+"?_pretty=true", 200, "miss")
	require.NotEqual(t, jan.Body.String(), pretty.Body.String())
	require.Contains(t, pretty.Body.String(), "\n  ")
	xmlJan := a.get(t, readJan+"?_format=xml", 200, "miss")
	for _, x := range []*httptest.ResponseRecorder{
		xmlJan,
		a.get(t, readJan+"?_format=xml", 200, "hit-local"),
		a.get(t, readJan, 200, "hit-local", header("Accept", "application/fhir+xml")),
		a.get(t, readJan+"?_format="+url.QueryEscape("application/fhir+xml; fhirVersion=4.0"), 200, "hit-local"),
	} {
		require.Equal(t, fhirXML, x.Header().Get("Content-Type"))
		require.Equal(t, xmlJan.Body.String(), x.Body.String())
	}
	require.NotEqual(t, jan.Header().Get("ETag"), xmlJan.Header().Get("ETag"))
	require.Equal(t, jan.Header().Get("Content-Type"), a.get(t, readJan, 200, "hit-local").Header().Get("Content-Type"))
	a.rc.Wait()

	// A second replica sees the same separation through Redis.
	red2, m2, reg2 := newRedisTier(t, rs.Addr, "iso:", nil)
	b := replica(t, store, true, red2, m2, reg2)
	require.Equal(t, apr.Body.String(), b.get(t, readApr, 200, "hit-redis").Body.String())
	require.Equal(t, gz.Body.Bytes(), b.get(t, readJan, 200, "hit-redis", header("Accept-Encoding", "gzip")).Body.Bytes())
	require.Equal(t, lJan.Body.String(), b.get(t, lookupE0114+"&version=2025-01", 200, "hit-redis").Body.String())
}

func TestCacheReloadChangesKeys(t *testing.T) {
	rs := redistest.Start(t)
	store := cacheStore(t, cacheRelease(t, "2025-01", "(before)"))
	red, m, reg := newRedisTier(t, rs.Addr, "reload:", nil)
	a := replica(t, store, true, red, m, reg)
	before := store.Snapshot().Fingerprint()
	require.Contains(t, a.get(t, lookupE0114, 200, "miss").Body.String(), "(before)")
	a.get(t, readJan, 200, "miss")
	a.get(t, lookupE0114, 200, "hit-local")
	a.rc.Wait()

	// Same version, other content: a new fingerprint, so new keys.
	store.Swap(cacheStore(t, cacheRelease(t, "2025-01", "(after)")).Snapshot())
	after := store.Snapshot().Fingerprint()
	require.NotEqual(t, before, after)
	require.Contains(t, a.get(t, lookupE0114, 200, "miss").Body.String(), "(after)")
	require.Contains(t, a.get(t, readJan, 200, "miss").Body.String(), "(after)")
	require.Contains(t, a.get(t, lookupE0114, 200, "hit-local").Body.String(), "(after)")
	a.rc.Wait()

	var old, cur int
	for _, k := range redisKeys(t, rs.Client(), "reload:") {
		switch {
		case strings.HasPrefix(k, "reload:"+before[:32]+":"):
			old++
		case strings.HasPrefix(k, "reload:"+after[:32]+":"):
			cur++
		default:
			t.Errorf("key %s has neither fingerprint", k)
		}
	}
	require.Equal(t, 2, old)
	require.Equal(t, 2, cur)

	// Reloading the same data (a new snapshot, same fingerprint) keeps
	// the entries.
	store.Swap(cacheStore(t, cacheRelease(t, "2025-01", "(after)")).Snapshot())
	require.Equal(t, after, store.Snapshot().Fingerprint())
	a.get(t, lookupE0114, 200, "hit-local")
}

func TestCacheTTLExpiry(t *testing.T) {
	rs := redistest.Start(t)
	client := rs.Client()
	store := defaultCacheStore(t)
	const ttl = 300 * time.Millisecond
	reg := prometheus.NewRegistry()
	m := cache.NewMetrics(reg)
	red, err := cache.New(cache.Config{URL: rs.URL(), Prefix: "ttl:", TTL: ttl, Timeout: time.Second, Logger: slog.New(slog.DiscardHandler), Metrics: m})
	require.NoError(t, err)
	t.Cleanup(func() { _ = red.Close() })
	a := newCacheServer(t, store, reg, CacheConfig{Local: cache.NewLocal(64<<20, ttl, m), Shared: red, SharedOps: testSharedOps})

	a.get(t, lookupE0114, 200, "miss")
	a.rc.Wait()
	keys := redisKeys(t, client, "ttl:")
	require.Len(t, keys, 1)
	pttl, err := client.PTTL(context.Background(), keys[0]).Result()
	require.NoError(t, err)
	require.Greater(t, pttl, time.Duration(0))
	require.LessOrEqual(t, pttl, ttl)

	// Redis expires the key on its own clock: waiting for it is inherent.
	require.Eventually(t, func() bool {
		n, err := client.Exists(context.Background(), keys[0]).Result()
		return err == nil && n == 0
	}, 10*time.Second, 10*time.Millisecond)
	// The local entry was stored before the Redis one, with the same TTL,
	// so it has expired too.
	a.get(t, lookupE0114, 200, "miss")
	require.EqualValues(t, 2, a.computed.Load())
}

func TestCacheGarbageInRedisIsReplaced(t *testing.T) {
	rs := redistest.Start(t)
	client := rs.Client()
	ctx := context.Background()
	store := defaultCacheStore(t)
	fresh := func() *cacheServer {
		red, m, reg := newRedisTier(t, rs.Addr, "garbage:", nil)
		return replica(t, store, true, red, m, reg)
	}
	a := fresh()
	want := a.get(t, readJan, 200, "miss")
	a.rc.Wait()
	keys := redisKeys(t, client, "garbage:")
	require.Len(t, keys, 1)
	key := keys[0]

	for name, plant := range map[string]func(){
		"bytes": func() { require.NoError(t, client.Set(ctx, key, "certainly not a cache entry", time.Hour).Err()) },
		"empty": func() { require.NoError(t, client.Set(ctx, key, "", time.Hour).Err()) },
		"truncated": func() {
			b, _ := client.Get(ctx, key).Bytes()
			require.NoError(t, client.Set(ctx, key, b[:len(b)/2], time.Hour).Err())
		},
		"wrong type": func() {
			require.NoError(t, client.Del(ctx, key).Err())
			require.NoError(t, client.RPush(ctx, key, "x").Err())
		},
	} {
		t.Run(name, func(t *testing.T) {
			plant()
			b := fresh()
			got := b.get(t, readJan, 200, "miss")
			require.Equal(t, want.Body.String(), got.Body.String())
			b.rc.Wait()
			typ, err := client.Type(ctx, key).Result()
			require.NoError(t, err)
			require.Equal(t, "string", typ)
			v, err := client.Get(ctx, key).Bytes()
			require.NoError(t, err)
			require.True(t, bytes.HasPrefix(v, []byte("HCX1")), "the garbage was overwritten")
			require.Equal(t, want.Body.String(), fresh().get(t, readJan, 200, "hit-redis").Body.String())
		})
	}
}

func TestCacheRedisOutageAndRecovery(t *testing.T) {
	rs := redistest.Start(t)
	store := defaultCacheStore(t)
	red, m, reg := newRedisTier(t, rs.Addr, "outage:", func(c *cache.Config) {
		c.Timeout = 100 * time.Millisecond
	})
	// Two replicas on the same Redis tier object (one process): one with a
	// local tier, one without, so that every request of the second asks
	// Redis.
	withLocal := replica(t, store, true, red, m, reg)
	noLocal := replica(t, store, false, red, m, reg)

	withLocal.get(t, lookupE0114, 200, "miss")
	withLocal.rc.Wait()
	noLocal.get(t, lookupE0114, 200, "hit-redis")

	rs.Stop()
	for i := range 5 {
		start := time.Now()
		noLocal.get(t, lookupE0114, 200, "miss")
		withLocal.get(t, lookupE0114, 200, "hit-local")
		noLocal.get(t, fmt.Sprintf("%s&date=2025-0%d-01", lookupE0114, i+1), 200, "miss")
		require.Less(t, time.Since(start), 2*time.Second)
	}
	noLocal.rc.Wait()
	require.False(t, red.State().Up, "the circuit is open after repeated failures")
	require.NotEmpty(t, red.State().LastError)
	require.Positive(t, metric(t, reg, "hcpcs_cache_redis_errors_total", "op", "get"))
	// Calls not made: by the open circuit (get), or, when the round trips
	// before the outage took longer than computing a lookup (a loaded
	// machine, -race), because Redis was not worth asking (slow).
	require.Positive(t, metric(t, reg, "hcpcs_cache_redis_skipped_total", "op", "get")+metric(t, reg, "hcpcs_cache_redis_skipped_total", "op", "slow"),
		"an open circuit stops calling Redis")
	require.EqualValues(t, 1, metric(t, reg, "hcpcs_cache_redis_circuit_open"))
	require.ErrorIs(t, red.Ping(context.Background()), cache.ErrUnavailable)

	// Redis comes back on the same port, empty. The probe closes the
	// circuit without a restart of anything; waiting for it is inherent.
	rs.Restart()
	require.Eventually(t, func() bool { return red.State().Up }, 10*time.Second, 10*time.Millisecond)
	require.EqualValues(t, 0, metric(t, reg, "hcpcs_cache_redis_circuit_open"))
	noLocal.get(t, lookupE0114, 200, "miss")
	noLocal.rc.Wait()
	noLocal.get(t, lookupE0114, 200, "hit-redis")
}

// TestCacheSlowRedis plays a Redis that accepts connections and never
// answers: each call is cut at the timeout, then the circuit opens and
// requests stop waiting at all.
func TestCacheSlowRedis(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var conns sync.WaitGroup
	t.Cleanup(func() { ln.Close(); conns.Wait() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { _, _ = io.Copy(io.Discard, c); c.Close() })
		}
	}()
	const timeout = 50 * time.Millisecond
	red, m, reg := newRedisTier(t, ln.Addr().String(), "slow:", func(c *cache.Config) {
		c.Timeout = timeout
		c.WriteTimeout = timeout
		c.ProbeInterval = time.Hour // stays open for the rest of the test
	})
	t.Cleanup(func() { _ = red.Close(); ln.Close() })
	a := replica(t, defaultCacheStore(t), false, red, m, reg)
	for i := range 3 {
		start := time.Now()
		a.get(t, fmt.Sprintf("%s&date=2025-0%d-01", lookupE0114, i+1), 200, "miss")
		require.Less(t, time.Since(start), 20*timeout, "a hung Redis costs a request about its timeout")
	}
	a.rc.Wait()
	require.False(t, red.State().Up)
	require.Positive(t, metric(t, reg, "hcpcs_cache_redis_errors_total", "op", "get", "kind", "timeout"))
	// With the circuit open Redis is not called: counted as skipped, and no
	// call times out (a count, not a clock: this machine's scheduling under
	// -race is no measure of it).
	skipped := metric(t, reg, "hcpcs_cache_redis_skipped_total", "op", "get")
	timeouts := metric(t, reg, "hcpcs_cache_redis_errors_total", "op", "get", "kind", "timeout")
	a.get(t, lookupE0114, 200, "miss")
	require.Greater(t, metric(t, reg, "hcpcs_cache_redis_skipped_total", "op", "get"), skipped)
	require.Equal(t, timeouts, metric(t, reg, "hcpcs_cache_redis_errors_total", "op", "get", "kind", "timeout"))
}

// TestCacheReadWithoutLocalTier: a replica with Redis but no local tier
// reads from Redis while it has not rendered the release, and afterwards
// streams its own kept rendering (hit-local) rather than ask Redis.
func TestCacheReadWithoutLocalTier(t *testing.T) {
	rs := redistest.Start(t)
	store := defaultCacheStore(t)
	red, m, reg := newRedisTier(t, rs.Addr, "nolocal:", nil)
	a := replica(t, store, false, red, m, reg)
	first := a.get(t, readJan, 200, "miss")
	a.rc.Wait()
	a.get(t, readJan, 200, "hit-local") // rendered: no Redis lookup
	a.get(t, readJan, 304, "hit-local", header("If-None-Match", first.Header().Get("ETag")))
	require.EqualValues(t, 1, metric(t, reg, "hcpcs_cache_misses_total", "tier", "redis"))

	red2, m2, reg2 := newRedisTier(t, rs.Addr, "nolocal:", nil)
	b := replica(t, store, false, red2, m2, reg2)
	for range 2 {
		require.Equal(t, first.Body.String(), b.get(t, readJan, 200, "hit-redis").Body.String())
	}
	require.Zero(t, b.computed.Load())
}

// TestCacheReloadDuringComputeIsNotStored swaps the data while the handler
// runs: the answer (from the new data) is served but not stored under the
// old fingerprint.
func TestCacheReloadDuringComputeIsNotStored(t *testing.T) {
	store := cacheStore(t, cacheRelease(t, "2025-01", "(before)"))
	next := cacheStore(t, cacheRelease(t, "2025-01", "(after)")).Snapshot()
	srv := NewServer(Config{Data: store, Logger: slog.New(slog.DiscardHandler)})
	rc := srv.NewResponseCache(CacheConfig{Local: cache.NewLocal(64<<20, time.Hour, nil)})
	var once sync.Once
	var computed atomic.Int64
	reload := func(c *gin.Context) {
		computed.Add(1)
		once.Do(func() { store.Swap(next) })
		c.Next()
	}
	cs := &cacheServer{srv: srv, rc: rc, engine: srv.NewEngine(rc.Handler, reload)}
	require.Contains(t, cs.get(t, lookupE0114, 200, "miss").Body.String(), "(after)")
	// Back to the first data: had the answer been stored under the old
	// fingerprint, "(after)" would be served now.
	store.Swap(cacheStore(t, cacheRelease(t, "2025-01", "(before)")).Snapshot())
	require.Contains(t, cs.get(t, lookupE0114, 200, "miss").Body.String(), "(before)")
	require.Contains(t, cs.get(t, lookupE0114, 200, "hit-local").Body.String(), "(before)")
	require.EqualValues(t, 2, computed.Load())
}

func TestCacheSingleflight(t *testing.T) {
	const n = 16
	store := defaultCacheStore(t)
	srv := NewServer(Config{Data: store, Logger: slog.New(slog.DiscardHandler)})
	rc := srv.NewResponseCache(CacheConfig{Local: cache.NewLocal(64<<20, time.Hour, nil)})
	var arrived, computed atomic.Int64
	allIn := make(chan struct{})
	arrive := func(c *gin.Context) {
		if arrived.Add(1) == n {
			close(allIn)
		}
		c.Next()
	}
	// The computation waits until every request is in the server, so that
	// they are all concurrent with it.
	compute := func(c *gin.Context) {
		computed.Add(1)
		select {
		case <-allIn:
		case <-time.After(10 * time.Second):
			t.Error("not every request arrived")
		}
		c.Next()
	}
	engine := srv.NewEngine(arrive, rc.Handler, compute)
	recs := make([]*httptest.ResponseRecorder, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			recs[i] = httptest.NewRecorder()
			engine.ServeHTTP(recs[i], httptest.NewRequest(http.MethodGet, lookupE0114, nil))
		})
	}
	wg.Wait()
	require.EqualValues(t, 1, computed.Load(), "identical concurrent misses are computed once")
	for _, r := range recs {
		require.Equal(t, 200, r.Code)
		require.Equal(t, recs[0].Body.String(), r.Body.String())
		require.Contains(t, []string{"miss", "hit-local"}, r.Header().Get("X-Cache"))
	}
}

func TestCacheCanonicalisation(t *testing.T) {
	a := newCacheServer(t, defaultCacheStore(t), nil, CacheConfig{Local: cache.NewLocal(64<<20, time.Hour, nil)})
	sys := url.QueryEscape(terminology.SystemURL)
	a.get(t, "/fhir/CodeSystem/$lookup?system="+sys+"&code=E0114&property=display&property=designation", 200, "miss")
	a.get(t, "/fhir/CodeSystem/$lookup?property=designation&code=E0114&property=display&system="+sys, 200, "hit-local")
	a.get(t, "/fhir/CodeSystem/$lookup?code=E0114&system="+sys+"&property=display&property=designation&_format=json", 200, "hit-local")
	a.get(t, "/fhir/CodeSystem/$lookup?code=A0021&system="+sys+"&property=display&property=designation", 200, "miss")

	post := func(body, xcache string) string {
		t.Helper()
		rec := a.do(t, http.MethodPost, "/fhir/CodeSystem/$validate-code", body)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		require.Equal(t, xcache, rec.Header().Get("X-Cache"))
		return rec.Body.String()
	}
	first := post(`{"resourceType":"Parameters","parameter":[
		{"name":"url","valueUri":"`+terminology.SystemURL+`"},
		{"name":"code","valueCode":"E0114"},
		{"name":"display","valueString":"Crutch underarm pair no wood"}]}`, "miss")
	// Other parameter order, other key order, other white space.
	require.Equal(t, first, post(`{"parameter":[{"valueString":"Crutch underarm pair no wood","name":"display"},{"name":"code","valueCode":"E0114"},
		{"valueUri":"`+terminology.SystemURL+`","name":"url"}],"resourceType":"Parameters"}`, "hit-local"))
	// Another value is another entry.
	post(`{"resourceType":"Parameters","parameter":[{"name":"url","valueUri":"`+terminology.SystemURL+`"},
		{"name":"code","valueCode":"E0114"},{"name":"display","valueString":"Wrong display"}]}`, "miss")
	// A body that is not JSON is answered (400) and not cached.
	rec := a.do(t, http.MethodPost, "/fhir/CodeSystem/$validate-code", "{not json")
	require.Equal(t, 400, rec.Code)
	require.Equal(t, "bypass", rec.Header().Get("X-Cache"))
}

func TestCacheHTTPCaching(t *testing.T) {
	store := defaultCacheStore(t)
	a := newCacheServer(t, store, nil, CacheConfig{Local: cache.NewLocal(64<<20, time.Hour, nil)})

	first := a.get(t, lookupE0114, 200, "miss")
	etag := first.Header().Get("ETag")
	require.Regexp(t, `^W/"[0-9a-f]{24}"$`, etag)
	require.Equal(t, DefaultCacheLatest, first.Header().Get("Cache-Control"), "no version given: revalidated")
	require.Equal(t, "Accept, Accept-Encoding, Origin", first.Header().Get("Vary"))
	hit := a.get(t, lookupE0114, 200, "hit-local")
	require.Equal(t, etag, hit.Header().Get("ETag"))
	require.Equal(t, DefaultCacheLatest, hit.Header().Get("Cache-Control"))

	nm := a.get(t, lookupE0114, 304, "hit-local", header("If-None-Match", etag))
	require.Empty(t, nm.Body.String())
	require.Equal(t, etag, nm.Header().Get("ETag"))
	a.get(t, lookupE0114, 200, "hit-local", header("If-None-Match", `W/"something-else"`))
	// On a cold replica the conditional is answered from the computed
	// response, which is stored whole.
	b := newCacheServer(t, store, nil, CacheConfig{Local: cache.NewLocal(64<<20, time.Hour, nil)})
	b.get(t, lookupE0114, 304, "miss", header("If-None-Match", etag))
	b.get(t, lookupE0114, 200, "hit-local")

	// The read keeps the handler's ETag and Last-Modified.
	read := a.get(t, readJan, 200, "miss")
	require.NotEmpty(t, read.Header().Get("ETag"))
	require.Equal(t, DefaultCachePinned, read.Header().Get("Cache-Control"), "a named release")
	lm := read.Header().Get("Last-Modified")
	require.NotEmpty(t, lm)
	a.get(t, readJan, 304, "hit-local", header("If-None-Match", read.Header().Get("ETag")))
	a.get(t, readJan, 304, "hit-local", header("If-Modified-Since", lm))
	a.get(t, readJan+"?_summary=true", 304, "miss", header("If-Modified-Since", lm))
	// A subset has its own ETag.
	sum := a.get(t, readJan+"?_summary=true", 200, "hit-local")
	require.NotEqual(t, read.Header().Get("ETag"), sum.Header().Get("ETag"))
	require.NotEmpty(t, sum.Header().Get("ETag"))
}

func TestCacheWhatIsStored(t *testing.T) {
	rs := redistest.Start(t)
	store := defaultCacheStore(t)
	red, m, reg := newRedisTier(t, rs.Addr, "errors:", nil)
	a := replica(t, store, true, red, m, reg)

	// 404 is deterministic: kept locally, never in Redis.
	unknown := "/fhir/CodeSystem/$lookup?system=" + terminology.SystemURL + "&code=ZZZZZ"
	a.get(t, unknown, 404, "miss")
	a.get(t, unknown, 404, "hit-local")
	a.get(t, "/fhir/CodeSystem/hcpcs-1999-01", 404, "miss")
	a.get(t, "/fhir/CodeSystem/hcpcs-1999-01", 404, "hit-local")
	// 400 is not stored.
	a.get(t, "/fhir/CodeSystem/$lookup?code=E0114", 400, "miss")
	a.get(t, "/fhir/CodeSystem/$lookup?code=E0114", 400, "miss")
	require.EqualValues(t, 4, a.computed.Load())
	// Not cacheable at all.
	a.get(t, "/fhir/metadata", 200, "bypass")
	a.get(t, "/fhir/metadata", 200, "bypass")
	a.get(t, "/fhir/$versions", 200, "bypass")
	a.get(t, "/fhir/CodeSystem/$expand", 404, "bypass")
	a.get(t, "/fhir/nowhere", 404, "bypass")
	rec := a.do(t, http.MethodPost, readJan, `{"resourceType":"CodeSystem"}`)
	require.Equal(t, 405, rec.Code)
	require.Equal(t, "bypass", rec.Header().Get("X-Cache"))
	a.rc.Wait()
	require.Empty(t, redisKeys(t, rs.Client(), "errors:"))
}

func TestCacheObserve(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	a := newCacheServer(t, defaultCacheStore(t), nil, CacheConfig{
		Local:   cache.NewLocal(64<<20, time.Hour, nil),
		Observe: func(op, x string) { mu.Lock(); seen[op+" "+x]++; mu.Unlock() },
	})
	a.get(t, lookupE0114, 200, "miss")
	a.get(t, lookupE0114, 200, "hit-local")
	a.get(t, "/fhir/metadata", 200, "bypass")
	a.get(t, "/fhir/CodeSystem", 200, "miss")
	require.Equal(t, map[string]int{"lookup miss": 1, "lookup hit-local": 1, "other bypass": 1, "search miss": 1}, seen)
}

func TestCacheEntryCodec(t *testing.T) {
	e := &cachedResponse{status: 404, header: [][2]string{{"Content-Type", fhirJSON}, {"ETag", `W/"x"`}}, body: []byte(`{"resourceType":"OperationOutcome"}`)}
	want := &cachedResponse{status: e.status, header: e.header, body: bytes.Clone(e.body)}
	b := e.encode()
	got, err := decodeEntry(b)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, want.body, e.body, "encode leaves the entry usable")
	for i := range len(b) { // no truncation decodes, or panics
		_, err := decodeEntry(b[:i])
		require.Error(t, err, "truncated to %d bytes", i)
	}
	empty := &cachedResponse{status: 200}
	got, err = decodeEntry(empty.encode())
	require.NoError(t, err)
	require.Empty(t, got.body)
	require.Empty(t, got.header)
	_, err = decodeEntry([]byte("\x00\x00\x00\x00\x00\x00\x03R2"))
	require.Error(t, err, "status 0")
}

// ---- benchmarks ----

var benchData struct {
	once  sync.Once
	store *terminology.Store
	err   error
}

// benchStore loads the real 2025-10 release once.
func benchStore(b *testing.B) *terminology.Store {
	b.Helper()
	path := testenv.Release(b, "2025-10_quarterly")
	benchData.once.Do(func() {
		rs, err := terminology.LoadSources([]string{path}, terminology.LoadOptions{})
		if err != nil {
			benchData.err = err
			return
		}
		snap, err := terminology.NewSnapshot(rs)
		if err != nil {
			benchData.err = err
			return
		}
		snap.Fingerprint()
		benchData.store = terminology.NewStore(snap)
	})
	require.NoError(b, benchData.err)
	return benchData.store
}

// discardWriter is a ResponseWriter that keeps nothing, so that the
// benchmarks measure serving, not buffering 15 MB.
type discardWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
func (w *discardWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// composedVS is an implicit value set with a range and a property filter,
// the shape of an IG's composed set (wheelchair accessories).
var composedVS = terminology.SystemURL + "?fhir_vs=filter/code/in/E0950-E1298;filter/betos/=/D1D"

// BenchmarkCache measures, on the real 2025-10 release, each operation with
// no cache, as a miss through the middleware (no tier: its overhead), as a
// local hit and as a Redis hit (a replica without a local tier, fed by
// another). The read also runs cold (a new server each time: the first
// request of a process, which renders the release), in both encodings. The
// numbers are in cache/doc.go.
func BenchmarkCache(b *testing.B) {
	store := benchStore(b)
	rs := redistest.Start(b)
	sys := url.QueryEscape(terminology.SystemURL)
	type op struct {
		name, op, target, acceptEncoding string
	}
	ops := []op{
		{"lookup", opLookup, "/fhir/CodeSystem/$lookup?system=" + sys + "&code=E0114", ""},
		{"validate-code", opValidate, "/fhir/CodeSystem/$validate-code?url=" + sys + "&code=E0114&display=" + url.QueryEscape("Crutch underarm pair no wood"), ""},
		{"validate-code-composed", opValidate, "/fhir/ValueSet/$validate-code?url=" + url.QueryEscape(composedVS) + "&system=" + sys + "&code=E0955", ""},
		{"validate-code-implicit", opValidate, "/fhir/ValueSet/$validate-code?url=" + url.QueryEscape(terminology.AllCodesValueSet) + "&system=" + sys + "&code=E0955", ""},
		{"expand-filter-20", opExpand, "/fhir/ValueSet/$expand?url=" + url.QueryEscape(terminology.AllCodesValueSet) + "&filter=wheelch&count=20", ""},
		{"expand-page-1000", opExpand, "/fhir/ValueSet/$expand?url=" + url.QueryEscape(terminology.AllCodesValueSet) + "&count=1000&offset=4000", ""},
		{"expand-all-gzip", opExpand, "/fhir/ValueSet/$expand?url=" + url.QueryEscape(terminology.AllCodesValueSet), "gzip"},
		{"read-gzip", opRead, "/fhir/CodeSystem/hcpcs-2025-10", "gzip"},
		{"read-identity", opRead, "/fhir/CodeSystem/hcpcs-2025-10", ""},
	}
	for _, o := range ops {
		req, err := http.NewRequest(http.MethodGet, o.target, nil)
		require.NoError(b, err)
		req.RequestURI = o.target // as a server reads it: the front keys by it
		if o.acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", o.acceptEncoding)
		}
		serve := func(e http.Handler, w *discardWriter) {
			clear(w.h)
			w.code, w.n = 0, 0
			e.ServeHTTP(w, req)
		}
		loop := func(b *testing.B, e http.Handler, xcache string) {
			w := &discardWriter{h: http.Header{}}
			serve(e, w) // warm: render, fill the tier
			b.ReportAllocs()
			for b.Loop() {
				serve(e, w)
			}
			require.Equal(b, 200, w.code)
			require.Positive(b, w.n)
			if xcache != "" {
				require.Equal(b, xcache, w.h.Get("X-Cache"))
			}
		}
		newServer := func() *Server { return NewServer(Config{Data: store, Logger: slog.New(slog.DiscardHandler)}) }
		b.Run(o.name+"/no-cache", func(b *testing.B) {
			loop(b, newServer().NewEngine(), "")
		})
		if o.op == opRead {
			b.Run(o.name+"/no-cache-cold", func(b *testing.B) {
				w := &discardWriter{h: http.Header{}}
				b.ReportAllocs()
				for b.Loop() {
					serve(newServer().NewEngine(), w)
				}
				require.Equal(b, 200, w.code)
			})
		}
		// A read's miss is the cold render above: once rendered, the
		// handler's kept rendering is the in-process tier (hit-local).
		if o.op != opRead {
			b.Run(o.name+"/miss", func(b *testing.B) {
				// The middleware on a miss: keyed, computed, not kept (an
				// in-process tier too small for any answer). With no tier
				// at all it bypasses (TestCacheWithoutTiers).
				s := newServer()
				rc := s.NewResponseCache(CacheConfig{Local: cache.NewLocal(1, time.Hour, nil)})
				loop(b, s.NewEngine(rc.Handler), "miss")
			})
		}
		b.Run(o.name+"/local-hit", func(b *testing.B) {
			s := newServer()
			rc := s.NewResponseCache(CacheConfig{Local: cache.NewLocal(256<<20, time.Hour, nil)})
			loop(b, s.NewEngine(rc.Handler), "hit-local")
		})
		if o.op != opRead {
			b.Run(o.name+"/front-hit", func(b *testing.B) {
				// The same local hit answered by the front (cache_front.go),
				// before the engine's chain of middleware.
				s := newServer()
				rc := s.NewResponseCache(CacheConfig{Local: cache.NewLocal(256<<20, time.Hour, nil)})
				loop(b, rc.Front(s.NewEngine(rc.Handler), FrontConfig{Budget: 32 << 20, TTL: time.Hour}), "hit-local")
			})
		}
		b.Run(o.name+"/redis-hit", func(b *testing.B) {
			red, err := cache.New(cache.Config{URL: rs.URL(), Prefix: "bench:", TTL: time.Hour, Timeout: time.Second,
				Logger: slog.New(slog.DiscardHandler)})
			require.NoError(b, err)
			b.Cleanup(func() { _ = red.Close() })
			cfg := CacheConfig{Shared: red, SharedOps: []string{o.op}}
			feeder := newServer().NewResponseCache(cfg)
			w := &discardWriter{h: http.Header{}}
			serve(newServer().NewEngine(feeder.Handler), w)
			feeder.Wait()
			s := newServer()
			rc := s.NewResponseCache(cfg)
			loop(b, s.NewEngine(rc.Handler), "hit-redis")
		})
	}
	b.Run("redis-ping", func(b *testing.B) {
		c := rs.Client()
		b.ReportAllocs()
		for b.Loop() {
			require.NoError(b, c.Ping(context.Background()).Err())
		}
	})
}
