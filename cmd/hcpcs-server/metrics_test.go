package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
)

// TestHTTPMetrics: each request is counted once under its route pattern,
// method and status, and observed in the latency histogram; unmatched
// paths share one route label and unknown methods one method label, so a
// client cannot add series.
func TestHTTPMetrics(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	reg := prometheus.NewRegistry()
	m := newHTTPMetrics(reg)
	e := gin.New()
	e.Use(m.middleware)
	e.GET("/fhir/CodeSystem/:id", func(c *gin.Context) { c.Status(http.StatusOK) })
	e.Handle("FOOBAR", "/fhir/CodeSystem/:id", func(c *gin.Context) { c.Status(http.StatusMethodNotAllowed) })
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/fhir/CodeSystem/a"},
		{http.MethodGet, "/fhir/CodeSystem/b"},
		{http.MethodGet, "/nowhere"},
		{"FOOBAR", "/fhir/CodeSystem/a"},
		{"BAZ", "/elsewhere"},
	} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(r.method, r.path, nil))
	}
	for _, tc := range []struct {
		route, method, status string
		want                  float64
	}{
		{"/fhir/CodeSystem/:id", "GET", "200", 2},
		{"unmatched", "GET", "404", 1},
		{"/fhir/CodeSystem/:id", "other", "405", 1},
		{"unmatched", "other", "404", 1},
	} {
		require.Equal(t, tc.want, testutil.ToFloat64(m.requests.WithLabelValues(tc.route, tc.method, tc.status)), "%+v", tc)
	}
	require.Equal(t, 4, testutil.CollectAndCount(m.requests), "series")
	require.Equal(t, 4, testutil.CollectAndCount(m.duration), "histogram series: route and method")
}
