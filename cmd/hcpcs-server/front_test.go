package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFrontWiring: over TCP, a lookup asked three times on one kept-alive
// connection is computed once and answered twice from memory (the
// response cache's front, on the connection before net/http:
// internal/connfront), each answer counted in the same series of /metrics
// as the engine's, with its own request id. --cache-size 0 turns the front
// off with the local tier.
func TestFrontWiring(t *testing.T) {
	const lookup = "/fhir/CodeSystem/$lookup?system=http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets&code=E0114"
	for _, tc := range []struct {
		name  string
		flags []string
		hits  string // hcpcs_cache_responses_total of hit-local
		conn  string // hcpcs_front_connection_answers_total; "": not served
	}{
		{"default", nil, "2", "2"},
		{"no local tier", []string{"--cache-size", "0"}, "0", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startReleaseServer(t, "2025-10_quarterly", tc.flags...)
			var bodies []string
			ids := map[string]bool{}
			client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			for range 3 {
				resp, err := client.Get(srv.base + lookup)
				require.NoError(t, err)
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				require.NoError(t, err)
				require.Equal(t, http.StatusOK, resp.StatusCode)
				require.Equal(t, "application/fhir+json; charset=utf-8", resp.Header.Get("Content-Type"))
				require.NotEmpty(t, resp.Header.Get("Date"))
				bodies = append(bodies, string(b))
				ids[resp.Header.Get("X-Request-Id")] = true
			}
			require.Equal(t, bodies[0], bodies[1])
			require.Equal(t, bodies[0], bodies[2])
			require.Len(t, ids, 3, "a request id per answer")
			m := metricsText(t, srv.base)
			require.Contains(t, m, `hcpcs_http_requests_total{method="GET",route="/fhir/CodeSystem/:id",status="200"} 3`)
			require.Contains(t, m, `hcpcs_http_request_duration_seconds_count{method="GET",route="/fhir/CodeSystem/:id"} 3`)
			require.Contains(t, m, `hcpcs_cache_responses_total{op="lookup",x_cache="hit-local"} `+tc.hits+"\n")
			if tc.conn != "" {
				require.Contains(t, m, "hcpcs_front_connection_answers_total "+tc.conn+"\n")
			} else {
				require.NotContains(t, m, "hcpcs_front_connection_answers_total")
			}
			if tc.hits == "0" {
				require.True(t, strings.Contains(m, `hcpcs_cache_responses_total{op="lookup",x_cache="bypass"} 3`))
			}
		})
	}
}
