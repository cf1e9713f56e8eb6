package fhir

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// frontServer is an engine with its response cache behind the cache's
// front, counting what reaches the engine and what the front answers.
type frontServer struct {
	store   *terminology.Store
	rc      *ResponseCache
	engine  http.Handler // the engine itself
	handler http.Handler // the front, then the engine
	reached atomic.Int64 // requests that reached the engine
	served  atomic.Int64 // answers the front gave
	clock   atomic.Pointer[time.Time]
	mu      sync.Mutex
	series  []string // the front's recorders, as route method status
	log     bytes.Buffer
}

func newFrontServer(t *testing.T, budget int64, ttl time.Duration) *frontServer {
	t.Helper()
	fs := &frontServer{store: defaultCacheStore(t)}
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	fs.clock.Store(&now)
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&fs.mu, &fs.log}, nil))
	srv := NewServer(Config{Data: fs.store, BaseURL: "http://tx.test/fhir", Logger: slog.New(slog.DiscardHandler),
		AccessLog: AccessLog{Mode: AccessLogAll, Sample: 1, Logger: logger}})
	fs.rc = srv.NewResponseCache(CacheConfig{Local: cache.NewLocal(64<<20, time.Hour, cache.NewMetrics(prometheus.NewRegistry())),
		Now: func() time.Time { return *fs.clock.Load() }})
	t.Cleanup(fs.rc.Wait)
	engine := srv.NewEngine(fs.rc.Handler)
	fs.engine = engine
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.reached.Add(1)
		engine.ServeHTTP(w, r)
	})
	fs.handler = fs.rc.Front(counted, FrontConfig{Budget: budget, TTL: ttl,
		Series: func(route, method string, status int) func(time.Duration) {
			return func(time.Duration) {
				fs.served.Add(1)
				fs.mu.Lock()
				fs.series = append(fs.series, fmt.Sprintf("%s %s %d", route, method, status))
				fs.mu.Unlock()
			}
		}})
	return fs
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// request is a GET as a server reads it (RequestURI set), with headers.
func request(target string, headers ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return r
}

func (fs *frontServer) serve(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	fs.handler.ServeHTTP(rec, r)
	return rec
}

// sameAnswer requires two answers to be equal but for X-Request-Id and
// Date, and X-Cache when xcache is false.
func sameAnswer(t *testing.T, want, got *httptest.ResponseRecorder, xcache bool, msg string) {
	t.Helper()
	require.Equal(t, want.Code, got.Code, msg)
	require.Equal(t, want.Body.String(), got.Body.String(), msg)
	strip := func(h http.Header) http.Header {
		h = h.Clone()
		h.Del("X-Request-Id")
		h.Del("Date") // the front sets it; net/http does for the engine
		if !xcache {
			h.Del("X-Cache")
		}
		return h
	}
	require.Equal(t, strip(want.Header()), strip(got.Header()), msg)
}

var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

// TestFrontReplaysTheEngine: once the engine has answered a request from
// its cache, the front answers it again without the engine, with the
// engine's status, headers and body, a fresh request id (or the client's)
// and X-Cache: hit-local.
// frontCases are requests whose answers the front replays, with the
// status and the route of their answer.
type frontCase struct {
	name    string
	target  string
	headers []string
	status  int
	route   string
}

var frontCases = func() []frontCase {
	sys := url.QueryEscape(terminology.SystemURL)
	return []frontCase{
		{"lookup", lookupE0114, nil, 200, "/fhir/CodeSystem/:id"},
		{"lookup, _format=xml", lookupE0114 + "&_format=xml", nil, 200, "/fhir/CodeSystem/:id"},
		{"lookup, Accept XML", lookupE0114, []string{"Accept", "application/fhir+xml"}, 200, "/fhir/CodeSystem/:id"},
		{"lookup, gzip and a language", lookupE0114, []string{"Accept-Encoding", "gzip", "Accept-Language", "de"}, 200, "/fhir/CodeSystem/:id"},
		{"lookup, headers that change nothing", lookupE0114, []string{"User-Agent", "HAPI-FHIR/7.0", "Accept-Charset", "utf-8",
			"Cache-Control", "no-cache", "Connection", "keep-alive"}, 200, "/fhir/CodeSystem/:id"},
		{"lookup of an unknown code", "/fhir/CodeSystem/$lookup?system=" + sys + "&code=ZZ999", nil, 404, "/fhir/CodeSystem/:id"},
		{"validate-code", validateE0114 + "&display=" + url.QueryEscape("Crutch underarm pair no wood"), nil, 200, "/fhir/CodeSystem/:id"},
		{"validate-code of a release", "/fhir/CodeSystem/hcpcs-2025-01/$validate-code?code=A0021", nil, 200, "/fhir/CodeSystem/:id/:op"},
		{"ValueSet validate-code", "/fhir/ValueSet/$validate-code?url=" + url.QueryEscape(terminology.AllCodesValueSet) + "&system=" + sys + "&code=LT",
			nil, 200, "/fhir/ValueSet/:id"},
		{"expand", "/fhir/ValueSet/$expand?url=" + url.QueryEscape(terminology.AllCodesValueSet) + "&filter=crutch&count=5", nil, 200, "/fhir/ValueSet/:id"},
		{"a read's summary", readJan + "?_summary=true", nil, 200, "/fhir/CodeSystem/:id"},
		{"a search", "/fhir/CodeSystem?url=" + sys, nil, 200, "/fhir/CodeSystem"},
		{"validate-code, a too-costly threshold", validateE0114, []string{"X-Too-Costly-Threshold", "10"}, 200, "/fhir/CodeSystem/:id"},
	}
}()

func TestFrontReplaysTheEngine(t *testing.T) {
	for _, tc := range frontCases {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFrontServer(t, 1<<20, time.Hour)
			first := fs.serve(request(tc.target, tc.headers...))
			require.Equal(t, tc.status, first.Code, first.Body.String())
			require.Equal(t, "miss", first.Header().Get("X-Cache"))
			require.EqualValues(t, 1, fs.reached.Load())

			// The engine's own answer from its cache, for comparison.
			engine := httptest.NewRecorder()
			fs.engine.ServeHTTP(engine, request(tc.target, tc.headers...))
			require.Equal(t, "hit-local", engine.Header().Get("X-Cache"))

			second := fs.serve(request(tc.target, tc.headers...))
			third := fs.serve(request(tc.target, append([]string{"X-Request-Id", "client-id-7"}, tc.headers...)...))
			require.EqualValues(t, 1, fs.reached.Load(), "the front answered both")
			require.EqualValues(t, 2, fs.served.Load())
			sameAnswer(t, engine, second, true, "second")
			sameAnswer(t, engine, third, true, "third")
			sameAnswer(t, first, second, false, "first and second")
			require.Regexp(t, requestIDPattern, second.Header().Get("X-Request-Id"))
			require.NotEqual(t, engine.Header().Get("X-Request-Id"), second.Header().Get("X-Request-Id"))
			require.Equal(t, "client-id-7", third.Header().Get("X-Request-Id"))
			date, err := http.ParseTime(second.Header().Get("Date"))
			require.NoError(t, err)
			require.WithinDuration(t, time.Now(), date, time.Minute)
			require.Equal(t, []string{tc.route + " GET " + fmt.Sprint(tc.status), tc.route + " GET " + fmt.Sprint(tc.status)}, fs.series)
		})
	}
}

// TestFrontPassesToTheEngine: a request the front must not answer from
// what it remembers reaches the engine every time, however often it is
// repeated, and gets the engine's answer.
func TestFrontPassesToTheEngine(t *testing.T) {
	sys := url.QueryEscape(terminology.SystemURL)
	search := "/fhir/CodeSystem?url=" + sys
	cases := []struct {
		name   string
		req    func() *http.Request
		status int
		check  func(t *testing.T, rec *httptest.ResponseRecorder)
	}{
		{"cross-origin (CORS headers)", func() *http.Request { return request(lookupE0114, "Origin", "https://app.test") }, 200,
			func(t *testing.T, rec *httptest.ResponseRecorder) {
				require.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
			}},
		{"conditional", func() *http.Request { return request(lookupE0114, "If-None-Match", `W/"nothing"`) }, 200, nil},
		{"strict handling", func() *http.Request { return request(lookupE0114+"&junk=1", "Prefer", "handling=strict") }, 0, nil},
		{"an unknown parameter", func() *http.Request { return request(lookupE0114 + "&junk=1") }, 200, nil},
		{"a forwarded host", func() *http.Request { return request(search, "X-Forwarded-Host", "proxy.test") }, 200, nil},
		{"a session", func() *http.Request { return request(lookupE0114, "X-Cache-Id", "no-such-session") }, 0, nil},
		{"two Accept headers", func() *http.Request {
			return request(lookupE0114, "Accept", "application/fhir+json", "Accept", "application/fhir+xml")
		}, 0, nil},
		{"HEAD", func() *http.Request { return httptest.NewRequest(http.MethodHead, lookupE0114, nil) }, 0, nil},
		{"a body on a GET", func() *http.Request {
			return httptest.NewRequest(http.MethodGet, lookupE0114, strings.NewReader(`{"resourceType":"Parameters"}`))
		}, 0, nil},
		{"a bad request", func() *http.Request { return request("/fhir/CodeSystem/$lookup?system=" + sys) }, 400, nil},
		{"a long request URI", func() *http.Request { return request(lookupE0114 + "&property=" + strings.Repeat("a", frontMaxURI)) }, 400, nil},
		{"a request without RequestURI (a client's)", func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, "http://tx.test"+lookupE0114, nil)
			return r
		}, 200, nil},
		{"outside the FHIR API", func() *http.Request { return request("/metrics") }, 404, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFrontServer(t, 1<<20, time.Hour)
			// What the front does answer: the same lookup, plain.
			fs.serve(request(lookupE0114))
			fs.serve(request(lookupE0114))
			require.EqualValues(t, 1, fs.served.Load())
			before := fs.reached.Load()
			for i := range 3 {
				want := httptest.NewRecorder()
				fs.engine.ServeHTTP(want, tc.req())
				got := fs.serve(tc.req())
				require.EqualValues(t, before+int64(i)+1, fs.reached.Load(), "the engine answered")
				if tc.status != 0 {
					require.Equal(t, tc.status, got.Code, got.Body.String())
				}
				require.Equal(t, want.Code, got.Code)
				require.Equal(t, want.Body.String(), got.Body.String())
				if tc.check != nil {
					tc.check(t, got)
				}
			}
			require.EqualValues(t, 1, fs.served.Load(), "the front answered none of them")
		})
	}
}

// TestFrontForgetsOnReload: after a reload the front answers nothing it
// remembered from the previous data.
func TestFrontForgetsOnReload(t *testing.T) {
	fs := newFrontServer(t, 1<<20, time.Hour)
	fs.serve(request(lookupE0114))
	require.Contains(t, fs.serve(request(lookupE0114)).Body.String(), "(April)")
	require.EqualValues(t, 1, fs.served.Load())

	next, err := terminology.NewSnapshot([]*terminology.Release{cacheRelease(t, "2025-04", "(reloaded)")})
	require.NoError(t, err)
	fs.store.Swap(next)
	rec := fs.serve(request(lookupE0114))
	require.Contains(t, rec.Body.String(), "(reloaded)")
	require.EqualValues(t, 2, fs.reached.Load())
	rec = fs.serve(request(lookupE0114))
	require.Contains(t, rec.Body.String(), "(reloaded)")
	require.EqualValues(t, 2, fs.served.Load(), "the new answer is remembered")
}

// TestFrontTTL: the front serves an answer no longer than the cache TTL.
func TestFrontTTL(t *testing.T) {
	fs := newFrontServer(t, 1<<20, time.Minute)
	fs.serve(request(lookupE0114))
	fs.serve(request(lookupE0114))
	require.EqualValues(t, 1, fs.served.Load())
	later := fs.clock.Load().Add(time.Minute)
	fs.clock.Store(&later)
	fs.serve(request(lookupE0114))
	require.EqualValues(t, 1, fs.served.Load())
	require.EqualValues(t, 2, fs.reached.Load())
}

// TestFrontBudget: what the front keeps never exceeds its budget; when
// full it starts over, and goes on answering.
func TestFrontBudget(t *testing.T) {
	const budget = 16 << 10
	fs := newFrontServer(t, budget, time.Hour)
	f := fs.rc.front
	sys := url.QueryEscape(terminology.SystemURL)
	generations := 0
	var last *frontTable
	for i := range 300 {
		target := fmt.Sprintf("/fhir/CodeSystem/$lookup?system=%s&code=Z%04d", sys, i)
		require.Equal(t, 404, fs.serve(request(target)).Code)
		tab := f.table.Load()
		require.NotNil(t, tab)
		kept := tab.bytes
		if prev := tab.prev.Load(); prev != nil {
			require.Nil(t, prev.prev.Load(), "a third generation is kept")
			kept += prev.bytes
		}
		require.LessOrEqual(t, kept, int64(budget))
		if tab != last {
			generations++
			last = tab
		}
	}
	require.Greater(t, generations, 3, "the generations filled and turned over")
	fs.serve(request(lookupE0114))
	served := fs.served.Load()
	require.Equal(t, 200, fs.serve(request(lookupE0114)).Code)
	require.Equal(t, served+1, fs.served.Load())
}

// TestFrontKeepsAnswersInUse: a flood of distinct requests, which fills the
// front many times over, does not make an answer asked for again and again
// go back to the engine: it moves from the previous generation to the
// current one each time the current one turns over.
func TestFrontKeepsAnswersInUse(t *testing.T) {
	const budget = 16 << 10
	fs := newFrontServer(t, budget, time.Hour)
	f := fs.rc.front
	sys := url.QueryEscape(terminology.SystemURL)
	fs.serve(request(lookupE0114))
	generations := 0
	last := f.table.Load()
	for i := range 300 {
		target := fmt.Sprintf("/fhir/CodeSystem/$lookup?system=%s&code=Z%04d", sys, i)
		require.Equal(t, 404, fs.serve(request(target)).Code)
		if tab := f.table.Load(); tab != last {
			generations++
			last = tab
		}
		if i%3 == 0 {
			reached := fs.reached.Load()
			require.Equal(t, 200, fs.serve(request(lookupE0114)).Code)
			require.Equal(t, reached, fs.reached.Load(), "the answer in use went back to the engine after request %d", i)
		}
	}
	require.Greater(t, generations, 3, "the flood turned the generations over")

	// One asked for only in a generation that has gone is forgotten.
	reached := fs.reached.Load()
	fs.serve(request(fmt.Sprintf("/fhir/CodeSystem/$lookup?system=%s&code=Z%04d", sys, 0)))
	require.Equal(t, reached+1, fs.reached.Load())
}

// TestFrontAccessLog: a request the front answers is logged as the engine
// logs it (the same route, op, status, bytes and cache tier).
func TestFrontAccessLog(t *testing.T) {
	fs := newFrontServer(t, 1<<20, time.Hour)
	fs.serve(request(accessLookup))
	fs.serve(request(accessLookup))
	require.EqualValues(t, 1, fs.served.Load())
	fs.mu.Lock()
	lines := logLines(t, &fs.log)
	fs.mu.Unlock()
	require.Len(t, lines, 2)
	engine, front := lines[0], lines[1]
	for _, k := range []string{"method", "route", "status", "op"} {
		require.Equal(t, engine[k], front[k], k)
	}
	require.Equal(t, "miss", engine["cache"])
	require.Equal(t, "hit-local", front["cache"])
	require.Equal(t, engine["bytes"], front["bytes"])
	require.Regexp(t, requestIDPattern, front["request_id"])
}

// TestFrontDuringReloads: requests answered while the data is swapped
// back and forth each get one whole answer of one data version.
func TestFrontDuringReloads(t *testing.T) {
	fs := newFrontServer(t, 1<<20, time.Hour)
	april := fs.store.Snapshot()
	other, err := terminology.NewSnapshot([]*terminology.Release{cacheRelease(t, "2025-04", "(other)")})
	require.NoError(t, err)
	want := map[string]bool{}
	for _, s := range []*terminology.Snapshot{other, april} {
		fs.store.Swap(s)
		want[fs.serve(request(lookupE0114)).Body.String()] = true
	}
	require.Len(t, want, 2)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%2 == 0 {
				fs.store.Swap(other)
			} else {
				fs.store.Swap(april)
			}
		}
	})
	var bad atomic.Int64
	for range 3 {
		wg.Go(func() {
			for range 500 {
				rec := fs.serve(request(lookupE0114))
				if rec.Code != 200 || !want[rec.Body.String()] {
					bad.Add(1)
				}
			}
		})
	}
	for range 500 {
		rec := fs.serve(request(lookupE0114))
		if rec.Code != 200 || !want[rec.Body.String()] {
			bad.Add(1)
		}
	}
	close(stop)
	wg.Wait()
	require.Zero(t, bad.Load())
}
