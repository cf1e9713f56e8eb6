package fhir

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// accessLogEngine serves a one-code release with a local response cache,
// the access log of cfg written as JSON into the returned buffer, and a
// route that panics.
func accessLogEngine(t *testing.T, cfg AccessLog) (*gin.Engine, *bytes.Buffer) {
	t.Helper()
	r, err := terminology.NewRelease("2025-01", []string{"HCPC_2025-01_test.txt"}, []*terminology.Concept{
		{Code: "E0114", Kind: terminology.Procedure, LongDescription: "Crutches underarm, other than wood, adjustable or fixed, pair",
			ShortDescription: "Crutch underarm pair no wood"},
	}, nil)
	require.NoError(t, err)
	snap, err := terminology.NewSnapshot([]*terminology.Release{r})
	require.NoError(t, err)
	var buf bytes.Buffer
	cfg.Logger = slog.New(slog.NewJSONHandler(&buf, nil))
	srv := NewServer(Config{Data: terminology.NewStore(snap), Logger: slog.New(slog.DiscardHandler), AccessLog: cfg})
	rc := srv.NewResponseCache(CacheConfig{Local: cache.NewLocal(1<<20, time.Hour, cache.NewMetrics(prometheus.NewRegistry()))})
	t.Cleanup(rc.Wait)
	engine := srv.NewEngine(rc.Handler)
	engine.GET("/panic", func(*gin.Context) { panic("boom") })
	return engine, &buf
}

// logLines decodes the JSON lines of buf.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	dec := json.NewDecoder(buf)
	for dec.More() {
		var m map[string]any
		require.NoError(t, dec.Decode(&m))
		lines = append(lines, m)
	}
	return lines
}

const (
	accessLookup  = "/fhir/CodeSystem/$lookup?system=" + terminology.SystemURL + "&code=E0114"
	accessUnknown = "/fhir/CodeSystem/$lookup?system=" + terminology.SystemURL + "&code=SECRET9"
)

// TestAccessLog: which requests are logged in each mode, and what a line
// holds; it never holds a query value or a body.
func TestAccessLog(t *testing.T) {
	type want struct {
		level, method, route, op, cache string
		status                          float64
	}
	lookupOK := want{"INFO", "GET", "/fhir/CodeSystem/:id", "$lookup", "miss", 200}
	for _, tc := range []struct {
		name   string
		cfg    AccessLog
		method string
		target string
		body   string
		want   []want // nil: nothing logged
	}{
		{"off logs nothing, not even an error", AccessLog{Mode: AccessLogOff}, "GET", accessUnknown, "", nil},
		{"errors skips a 200", AccessLog{Mode: AccessLogErrors, Sample: 1}, "GET", accessLookup, "", nil},
		{"errors logs a 404", AccessLog{Mode: AccessLogErrors}, "GET", accessUnknown, "",
			[]want{{"WARN", "GET", "/fhir/CodeSystem/:id", "$lookup", "miss", 404}}},
		{"errors logs a panic's 500", AccessLog{Mode: AccessLogErrors}, "GET", "/panic?token=SECRET9", "",
			[]want{{"ERROR", "GET", "/panic", "", "bypass", 500}}},
		{"an unknown route", AccessLog{Mode: AccessLogErrors}, "GET", "/nowhere/SECRET9", "",
			[]want{{"WARN", "GET", "unmatched", "", "bypass", 404}}},
		{"an operation name that is not one", AccessLog{Mode: AccessLogErrors}, "GET", "/fhir/CodeSystem/$SECRET9", "",
			[]want{{"WARN", "GET", "/fhir/CodeSystem/:id", "$other", "bypass", 404}}},
		{"all with sample 1 logs a 200", AccessLog{Mode: AccessLogAll, Sample: 1}, "GET", accessLookup, "", []want{lookupOK}},
		{"all with sample 0 logs errors only", AccessLog{Mode: AccessLogAll, Sample: 0}, "GET", accessLookup, "", nil},
		{"a draw below the sample is logged", AccessLog{Mode: AccessLogAll, Sample: 0.01, rand: func() float64 { return 0.005 }},
			"GET", accessLookup, "", []want{lookupOK}},
		{"a draw at or above the sample is not", AccessLog{Mode: AccessLogAll, Sample: 0.01, rand: func() float64 { return 0.01 }},
			"GET", accessLookup, "", nil},
		{"an error is logged whatever the draw", AccessLog{Mode: AccessLogAll, Sample: 0.01, rand: func() float64 { return 0.99 }},
			"GET", accessUnknown, "", []want{{"WARN", "GET", "/fhir/CodeSystem/:id", "$lookup", "miss", 404}}},
		{"a POST body is not logged", AccessLog{Mode: AccessLogAll, Sample: 1}, "POST", "/fhir/CodeSystem/$lookup",
			`{"resourceType":"Parameters","parameter":[{"name":"system","valueUri":"` + terminology.SystemURL + `"},{"name":"code","valueCode":"SECRET9"}]}`,
			[]want{{"WARN", "POST", "/fhir/CodeSystem/:id", "$lookup", "miss", 404}}},
		{"a read names no operation", AccessLog{Mode: AccessLogAll, Sample: 1}, "GET", "/fhir/CodeSystem/hcpcs-2025-01?_elements=SECRET9", "",
			[]want{{"INFO", "GET", "/fhir/CodeSystem/:id", "", "miss", 200}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			engine, buf := accessLogEngine(t, tc.cfg)
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/fhir+json")
			}
			req.Header.Set("X-Request-Id", "req-42")
			w := httptest.NewRecorder()
			engine.ServeHTTP(w, req)
			raw := buf.String()
			require.NotContains(t, raw, "SECRET9", "a query value, body or made-up path reached the log")
			lines := logLines(t, buf)
			require.Len(t, lines, len(tc.want), raw)
			for i, w0 := range tc.want {
				line := lines[i]
				require.Equal(t, "request", line["msg"])
				require.Equal(t, w0.level, line["level"])
				require.Equal(t, w0.method, line["method"])
				require.Equal(t, w0.route, line["route"])
				require.Equal(t, w0.status, line["status"])
				require.Equal(t, float64(w.Code), line["status"], "the status sent")
				require.Equal(t, w0.cache, line["cache"])
				require.Equal(t, "req-42", line["request_id"])
				require.Equal(t, float64(w.Body.Len()), line["bytes"])
				require.Greater(t, line["duration_ms"], 0.0)
				if w0.op == "" {
					require.NotContains(t, line, "op")
				} else {
					require.Equal(t, w0.op, line["op"])
				}
			}
		})
	}
}

// TestAccessLogCacheTier: the line carries the tier that answered.
func TestAccessLogCacheTier(t *testing.T) {
	engine, buf := accessLogEngine(t, AccessLog{Mode: AccessLogAll, Sample: 1})
	for range 2 {
		engine.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", accessLookup, nil))
	}
	lines := logLines(t, buf)
	require.Len(t, lines, 2)
	require.Equal(t, "miss", lines[0]["cache"])
	require.Equal(t, "hit-local", lines[1]["cache"])
}

func TestParseAccessLogMode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want AccessLogMode
		ok   bool
	}{
		{"off", AccessLogOff, true}, {"errors", AccessLogErrors, true}, {"all", AccessLogAll, true},
		{"ALL", AccessLogOff, false}, {"", AccessLogOff, false}, {"sampled", AccessLogOff, false},
	} {
		got, err := ParseAccessLogMode(tc.in)
		if !tc.ok {
			require.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got)
		require.Equal(t, tc.in, got.String())
	}
}

// accessBenchWriter is a ResponseWriter that keeps nothing but its header
// map, so that the benchmark measures the middleware, not a recorder.
type accessBenchWriter struct{ h http.Header }

func (w *accessBenchWriter) Header() http.Header         { return w.h }
func (w *accessBenchWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *accessBenchWriter) WriteHeader(int)             {}

// BenchmarkAccessLog: a request through the engine with the access log
// off, on but not logging this request, and logging it (JSON to
// io.Discard). The difference to "off" is what the middleware costs.
func BenchmarkAccessLog(b *testing.B) {
	body := []byte("ok")
	for _, bc := range []struct {
		name string
		cfg  AccessLog
	}{
		{"off", AccessLog{Mode: AccessLogOff}},
		{"not-logged", AccessLog{Mode: AccessLogAll, Sample: 0.01, rand: func() float64 { return 0.5 }}},
		{"errors-mode-200", AccessLog{Mode: AccessLogErrors}},
		{"logged", AccessLog{Mode: AccessLogAll, Sample: 1}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bc.cfg.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
			srv := NewServer(Config{Logger: slog.New(slog.DiscardHandler), AccessLog: bc.cfg})
			engine := srv.NewEngine()
			engine.GET("/bench/:id", func(c *gin.Context) {
				c.Header("X-Cache", "hit-local")
				c.Data(http.StatusOK, "text/plain", body)
			})
			req := httptest.NewRequest("GET", "/bench/$lookup?code=E0114", nil)
			req.Header.Set("X-Request-Id", "bench")
			w := &accessBenchWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				engine.ServeHTTP(w, req)
			}
		})
	}
}
