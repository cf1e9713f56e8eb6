package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDeclaredInteractions: what the CapabilityStatement declares beyond
// the operations works through the whole server, response cache included:
// HEAD, conditional reads (ETag / If-None-Match), POST [type]/_search, and
// the HCPCS system aliases wherever a system is taken.
func TestDeclaredInteractions(t *testing.T) {
	base := startSuiteServer(t)
	c := &callerClient{base: base, headers: map[string]string{"Accept": "application/fhir+json"}}

	cs := c.do(t, http.MethodGet, "metadata", nil, nil).body
	rest := asArray(cs["rest"])[0].(map[string]any)
	doc := str(rest, "documentation")
	require.Contains(t, doc, "HEAD")
	require.Contains(t, doc, "_search")
	require.Contains(t, doc, "handling=strict")
	conditional := map[string]string{}
	for _, r := range asArray(rest["resource"]) {
		conditional[str(r, "type")] = str(r, "conditionalRead")
	}
	require.Equal(t, "full-support", conditional["CodeSystem"])
	require.Equal(t, "not-match", conditional["ValueSet"])

	t.Run("HEAD", func(t *testing.T) {
		for _, path := range []string{"metadata", "metadata?mode=terminology", "CodeSystem/hcpcs-2023-01", "CodeSystem?url=" + url.QueryEscape(hcpcsSystem),
			"ValueSet/hcpcs-all", "ValueSet?_id=hcpcs-all", "OperationDefinition/batch-validate-code"} {
			get := c.do(t, http.MethodGet, path, nil, nil)
			head := c.do(t, http.MethodHead, path, nil, nil)
			require.Equal(t, http.StatusOK, head.status, path)
			require.Zero(t, head.wire, path)
			require.Equal(t, get.header.Get("Content-Type"), head.header.Get("Content-Type"), path)
			require.Equal(t, get.header.Get("Content-Encoding"), head.header.Get("Content-Encoding"), path)
		}
	})

	t.Run("conditional read", func(t *testing.T) {
		for _, path := range []string{"CodeSystem/hcpcs-2023-01", "ValueSet/hcpcs-all", "ValueSet/mobility-with-sides"} {
			first := c.do(t, http.MethodGet, path, nil, nil)
			require.Equal(t, http.StatusOK, first.status)
			etag := first.header.Get("ETag")
			require.NotEmpty(t, etag, path)
			for range 2 { // computed, then from the cache
				again := c.do(t, http.MethodGet, path, nil, map[string]string{"If-None-Match": etag})
				require.Equal(t, http.StatusNotModified, again.status, path)
				require.Zero(t, again.wire)
			}
			stale := c.do(t, http.MethodGet, path, nil, map[string]string{"If-None-Match": `W/"0000"`})
			require.Equal(t, http.StatusOK, stale.status, path)
		}
	})

	t.Run("POST _search", func(t *testing.T) {
		for _, typ := range []string{"CodeSystem", "ValueSet"} {
			q := "url=" + url.QueryEscape(hcpcsSystem)
			if typ == "ValueSet" {
				q = "_id=hcpcs-all"
			}
			get := c.do(t, http.MethodGet, typ+"?"+q, nil, nil)
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/"+typ+"/_search", strings.NewReader(q))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			var bundle map[string]any
			raw := readAll(t, resp)
			require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
			require.NoError(t, json.Unmarshal(raw, &bundle))
			require.Equal(t, get.body["total"], bundle["total"], typ)
			require.NotZero(t, bundle["total"], typ)
		}
	})

	t.Run("system aliases", func(t *testing.T) {
		for _, alias := range []string{"https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets", "urn:oid:2.16.840.1.113883.6.285"} {
			e := url.QueryEscape(alias)
			search := c.do(t, http.MethodGet, "CodeSystem?url="+e, nil, nil)
			require.EqualValues(t, 2, search.body["total"], alias)
			lookup := c.do(t, http.MethodGet, "CodeSystem/$lookup?code=E0114&system="+e, nil, nil)
			require.Equal(t, http.StatusOK, lookup.status, alias)
			for _, path := range []string{
				"CodeSystem/$validate-code?code=E0114&url=" + e,
				"ValueSet/$validate-code?code=E0114&system=" + e + "&url=" + url.QueryEscape("http://terminology.hl7.org/ValueSet/v3-HealthCareCommonProcedureCodingSystem"),
			} {
				a := c.do(t, http.MethodGet, path, nil, nil)
				require.Equal(t, http.StatusOK, a.status, path)
				r := readValidationResult(t, a.body)
				require.True(t, r.ok, "%s: %v", path, a.body)
				require.Equal(t, hcpcsSystem, r.system, "the answer names the canonical system")
			}
		}
	})
}
