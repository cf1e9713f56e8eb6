package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// hostileNetHTTP: requests that net/http answers before the application
// sees them. The server's http.Server (serve.go) has MaxHeaderBytes 64
// KiB; net/http reads the request line and headers itself and, when it
// cannot, writes a fixed plain-text answer ("431 Request Header Fields Too
// Large", "400 Bad Request: …") and closes the connection: no handler
// runs, so no OperationOutcome can be sent (net/http/server.go,
// conn.serve). They are documented in the README (Bad input) and not
// counted in the corpus; each asserts its exact status and that it is
// net/http's plain text.
func hostileNetHTTP(t *testing.T, addr string) {
	lookup := "/fhir/CodeSystem/$lookup?system=" + url.QueryEscape(hcpcsSystem) + "&code=E0114"
	// net/http reads up to MaxHeaderBytes + 4096 bytes of request line
	// and headers.
	for _, tc := range []struct {
		name, request string
		want          int
	}{
		{"1 MB query value", "GET " + lookup + "&display=" + strings.Repeat("A", 1<<20) + " HTTP/1.1\r\nHost: x\r\n\r\n", 431},
		{"20,000 query parameters", "GET " + lookup + strings.Repeat("&j=1", 20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 431},
		{"70 KB header", "GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nX-Junk: " + strings.Repeat("A", 70<<10) + "\r\n\r\n", 431},
		{"2,000 headers", "GET /fhir/metadata HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-J: 0123456789012345678901234567890\r\n", 2000) + "\r\n", 431},
		{"NUL in the path", "GET /fhir/meta\x00data HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"control byte in the query", "GET /fhir/metadata?mode=\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"no Host", "GET /fhir/metadata HTTP/1.1\r\n\r\n", 400},
		{"two Hosts", "GET /fhir/metadata HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
		{"invalid header name", "GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400},
		{"invalid header value", "GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400},
		{"malformed request line", "GET\r\nHost: x\r\n\r\n", 400},
		{"invalid method", "G(T /fhir/metadata HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"HTTP/2.0 on HTTP/1", "GET /fhir/metadata HTTP/2.0\r\nHost: x\r\n\r\n", 505},
		{"unknown protocol", "GET /fhir/metadata FOO/1.1\r\nHost: x\r\n\r\n", 400},
		{"bad Content-Length", "POST /fhir/CodeSystem/$lookup HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400},
		{"two Content-Lengths", "POST /fhir/CodeSystem/$lookup HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
		{"unknown Transfer-Encoding", "POST /fhir/CodeSystem/$lookup HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, conn.SetDeadline(time.Now().Add(hostileTimeout)))
			go func() { _, _ = io.WriteString(conn, tc.request) }() // net/http may answer before it is all sent
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, tc.want, resp.StatusCode, "%s", body)
			require.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"), "net/http's own answer")
			require.Empty(t, resp.Header.Get("X-Request-Id"), "no middleware of the application ran")
		})
	}
}

// hostileCORSPreflight: an OPTIONS with Access-Control-Request-Method
// is a CORS preflight, answered 204 with the allowed methods on every
// route (fhir/server.go cors); a plain OPTIONS is 405 (TestHostileInput).
func hostileCORSPreflight(t *testing.T, addr string) {
	for _, route := range routes {
		a, err := sendRaw(addr, hostileCase{method: http.MethodOptions, target: route,
			header: map[string]string{"Access-Control-Request-Method": "POST", "Origin": "https://app.example"}})
		require.NoError(t, err)
		require.Equal(t, http.StatusNoContent, a.status, route)
		require.Empty(t, a.body, route)
	}
}

// hostileBatchCodings: in a $batch-validate-code a CodeableConcept of
// too many codings is that validation's answer, a 400 OperationOutcome
// naming the bound, inside a 200 batch (fhir/batch.go).
func hostileBatchCodings(t *testing.T, addr string) {
	for _, n := range []int{1000, 12_000} {
		a, err := sendRaw(addr, postJSON("", "/fhir/ValueSet/$batch-validate-code", codingsBody("validation", n, n > 1000), 0))
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, a.status, "%.300s", a.body)
		var out struct {
			ResourceType string `json:"resourceType"`
		}
		require.NoError(t, json.Unmarshal(a.body, &out))
		require.Equal(t, "Parameters", out.ResourceType)
		require.Contains(t, string(a.body), "OperationOutcome")
		require.Contains(t, string(a.body), "at most 100 in one CodeableConcept")
	}
}

// hostileHead: HEAD on every route is answered with a status and no
// body: 200 where a GET reads a resource (metadata, a search, a read), a
// 4xx otherwise (405: the operations are not HEAD-able).
func hostileHead(t *testing.T, addr string) {
	readable := map[string]bool{"/fhir/metadata": true, "/fhir/CodeSystem": true, "/fhir/CodeSystem/hcpcs-2025-10": true, "/fhir/ValueSet": true}
	for _, route := range routes {
		a, err := sendRaw(addr, hostileCase{method: http.MethodHead, target: route})
		require.NoError(t, err, route)
		require.Empty(t, a.body, route)
		if readable[route] {
			require.Equal(t, http.StatusOK, a.status, route)
			continue
		}
		require.True(t, a.status >= 400 && a.status <= 499, "%s: HEAD answered %d", route, a.status)
	}
}
