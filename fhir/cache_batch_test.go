package fhir

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// TestCacheBypassesBatch: $batch-validate-code is never cached. The key of
// a POST sorts the body's parameters (canonicalParameters), which would
// make two batches of the same validations in another order one entry,
// while their answers follow each batch's order.
func TestCacheBypassesBatch(t *testing.T) {
	reg := prometheus.NewRegistry()
	a := replica(t, defaultCacheStore(t), true, nil, cache.NewMetrics(reg), reg)
	part := func(code string) string {
		return `{"name":"validation","resource":{"resourceType":"Parameters","parameter":[` +
			`{"name":"system","valueUri":"` + terminology.SystemURL + `"},{"name":"code","valueCode":"` + code + `"}]}}`
	}
	batch := func(parts ...string) string {
		b := `{"resourceType":"Parameters","parameter":[{"name":"url","valueUri":"` + terminology.SystemURL + `?fhir_vs"}`
		for _, p := range parts {
			b += "," + p
		}
		return b + "]}"
	}
	codes := func(body string) []string {
		var res struct {
			Parameter []struct {
				Resource struct {
					Parameter []struct {
						Name      string
						ValueCode string
					}
				}
			}
		}
		require.NoError(t, json.Unmarshal([]byte(body), &res), body)
		var out []string
		for _, v := range res.Parameter {
			for _, p := range v.Resource.Parameter {
				if p.Name == "code" {
					out = append(out, p.ValueCode)
				}
			}
		}
		return out
	}
	post := func(b string) string {
		t.Helper()
		rec := a.do(t, http.MethodPost, "/fhir/ValueSet/$batch-validate-code", b)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		require.Equal(t, xCacheBypass, rec.Header().Get("X-Cache"))
		return rec.Body.String()
	}
	forward := post(batch(part("E0114"), part("A0021")))
	require.Equal(t, []string{"E0114", "A0021"}, codes(forward))
	require.Equal(t, forward, post(batch(part("E0114"), part("A0021"))))
	require.Equal(t, []string{"A0021", "E0114"}, codes(post(batch(part("A0021"), part("E0114")))))
}
