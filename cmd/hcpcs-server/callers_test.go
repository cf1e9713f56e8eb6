package main

// Replays of what the two most important real callers send, rebuilt from
// their source (issue 10): the HL7 validator's terminology client
// (validator_replay_test.go) and HAPI FHIR's remote terminology support
// (hapi_replay_test.go). This file holds the HTTP side they share.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// callerClient sends requests with one caller's fixed headers. Go's
// transport would ask for gzip and inflate it unseen; the callers ask for it
// themselves (okhttp, Apache HttpClient), so the client sets
// Accept-Encoding and inflates, which lets a test see the wire size.
type callerClient struct {
	base    string
	headers map[string]string
}

// callerAnswer is one answer: its status, headers, bytes on the wire and
// the decoded JSON.
type callerAnswer struct {
	status int
	header http.Header
	wire   int
	body   map[string]any
}

func (c *callerClient) do(t *testing.T, method, path string, body any, extra map[string]string) callerAnswer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, c.base+"/"+strings.TrimPrefix(path, "/"), rd)
	require.NoError(t, err)
	req.Header.Set("Accept-Encoding", "gzip")
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := callerAnswer{status: resp.StatusCode, header: resp.Header, wire: len(raw)}
	if resp.Header.Get("Content-Encoding") == "gzip" && len(raw) > 0 {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		require.NoError(t, err)
		raw, err = io.ReadAll(zr)
		require.NoError(t, err)
	}
	if method != http.MethodHead && len(raw) > 0 {
		require.NoError(t, json.Unmarshal(raw, &a.body), "%s %s: %s", method, path, raw)
	}
	return a
}

// parameters builds a Parameters resource from name/value pairs; a value
// is a parameter object without its name ({"valueUri": …}).
func parameters(ps ...any) map[string]any {
	var list []any
	for i := 0; i+1 < len(ps); i += 2 {
		p := map[string]any{"name": ps[i]}
		for k, v := range ps[i+1].(map[string]any) {
			p[k] = v
		}
		list = append(list, p)
	}
	return map[string]any{"resourceType": "Parameters", "parameter": list}
}

func val(typ string, v any) map[string]any { return map[string]any{"value" + typ: v} }

// params returns the parameters of a Parameters resource named name.
func params(body map[string]any, name string) []map[string]any {
	var out []map[string]any
	for _, p := range asArray(body["parameter"]) {
		if m, ok := p.(map[string]any); ok && m["name"] == name {
			out = append(out, m)
		}
	}
	return out
}

// primitiveValue is the value[x] of a parameter or part when it is a FHIR
// primitive, as Java's Type.primitiveValue() gives it; ok is false when the
// parameter has none, or a complex one.
func primitiveValue(p map[string]any) (s string, typ string, ok bool) {
	for k, v := range p {
		if !strings.HasPrefix(k, "value") {
			continue
		}
		typ = strings.TrimPrefix(k, "value")
		switch x := v.(type) {
		case string:
			return x, typ, true
		case bool:
			if x {
				return "true", typ, true
			}
			return "false", typ, true
		case float64:
			b, _ := json.Marshal(x)
			return string(b), typ, true
		}
		return "", typ, false
	}
	return "", "", false
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}
