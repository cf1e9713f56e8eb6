package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// TestXMLEndToEnd: the real server, over TCP, with its response cache and
// the real CMS release: answers in FHIR XML (GET and POST, the full
// CodeSystem gzip'd), XML bodies, and conditional reads of the XML
// representation; each XML answer reads back as the JSON answer.
func TestXMLEndToEnd(t *testing.T) {
	t.Parallel()
	base := startServerWith(t)
	send := func(method, target, contentType, body string, header map[string]string) *http.Response {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, base+target, rd)
		require.NoError(t, err)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultTransport.RoundTrip(req) // no transparent gunzip: the encoding is checked
		require.NoError(t, err)
		t.Cleanup(func() { _ = res.Body.Close() })
		return res
	}
	read := func(res *http.Response) []byte {
		t.Helper()
		var r io.Reader = res.Body
		if res.Header.Get("Content-Encoding") == "gzip" {
			gz, err := gzip.NewReader(res.Body)
			require.NoError(t, err)
			r = gz
		}
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		return b
	}
	asXML := map[string]string{"Accept": "application/fhir+xml"}
	lookup := "/CodeSystem/$lookup?system=" + url.QueryEscape(hcpcsSystem) + "&code=E0114"
	const validate = `{"resourceType":"Parameters","parameter":[{"name":"url","valueUri":"` + hcpcsSystem + `"},` +
		`{"name":"coding","valueCoding":{"system":"` + hcpcsSystem + `","code":"E0114","display":"wrong"}}]}`
	validateXML, err := fhirxml.AppendXML(nil, []byte(validate))
	require.NoError(t, err)

	cases := []struct {
		name            string
		method, target  string
		contentType     string
		jsonBody, xmlIn string
		header          map[string]string
	}{
		{"lookup GET", http.MethodGet, lookup, "", "", "", nil},
		{"validate-code POST", http.MethodPost, "/CodeSystem/$validate-code", "application/fhir+json", validate, string(validateXML), nil},
		{"full CodeSystem gzip'd", http.MethodGet, "/CodeSystem/hcpcs-2025-10", "", "", "", map[string]string{"Accept-Encoding": "gzip"}},
		{"unknown code", http.MethodGet, "/CodeSystem/$lookup?system=" + url.QueryEscape(hcpcsSystem) + "&code=X9999", "", "", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			jsonRes := send(c.method, c.target, c.contentType, c.jsonBody, c.header)
			want := read(jsonRes)
			require.True(t, strings.HasPrefix(jsonRes.Header.Get("Content-Type"), "application/fhir+json"))
			header := map[string]string{}
			for k, v := range c.header {
				header[k] = v
			}
			header["Accept"] = asXML["Accept"]
			// Twice: the second comes from the response cache.
			for range 2 {
				res := send(c.method, c.target, c.contentType, c.jsonBody, header)
				require.Equal(t, jsonRes.StatusCode, res.StatusCode)
				require.Equal(t, "application/fhir+xml; charset=utf-8", res.Header.Get("Content-Type"))
				require.Equal(t, jsonRes.Header.Get("Content-Encoding"), res.Header.Get("Content-Encoding"))
				got, err := fhirxml.Decode(bytes.NewReader(read(res)))
				require.NoError(t, err)
				require.JSONEq(t, string(want), string(got))
			}
			if c.xmlIn != "" {
				res := send(c.method, c.target, "application/fhir+xml", c.xmlIn, header)
				require.Equal(t, jsonRes.StatusCode, res.StatusCode)
				got, err := fhirxml.Decode(bytes.NewReader(read(res)))
				require.NoError(t, err)
				require.JSONEq(t, string(want), string(got))
			}
		})
	}

	// The XML read has its own validator, and answers its conditional.
	jsonRead := send(http.MethodGet, "/CodeSystem/hcpcs-2025-10", "", "", nil)
	xmlRead := send(http.MethodGet, "/CodeSystem/hcpcs-2025-10", "", "", asXML)
	etag := xmlRead.Header.Get("ETag")
	require.NotEmpty(t, etag)
	require.NotEqual(t, jsonRead.Header.Get("ETag"), etag)
	require.Equal(t, http.StatusNotModified, send(http.MethodGet, "/CodeSystem/hcpcs-2025-10", "", "", map[string]string{"Accept": "application/fhir+xml", "If-None-Match": etag}).StatusCode)
	require.Equal(t, http.StatusOK, send(http.MethodGet, "/CodeSystem/hcpcs-2025-10", "", "", map[string]string{"If-None-Match": etag}).StatusCode)
}
