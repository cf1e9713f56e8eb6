package fhir

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// TestCacheKeysCarryFormat: the same request asked in JSON and in XML is
// two entries, each served in its own format: a JSON answer is never
// served for XML, nor the other way round. An XML POST body is keyed on the
// JSON it converts to, so it shares the entry of the same Parameters in
// JSON.
func TestCacheKeysCarryFormat(t *testing.T) {
	reg := prometheus.NewRegistry()
	a := replica(t, defaultCacheStore(t), true, nil, cache.NewMetrics(reg), reg)
	xml := header("Accept", "application/fhir+xml")
	jsonMiss := a.get(t, lookupE0114, 200, "miss")
	xmlMiss := a.get(t, lookupE0114, 200, "miss", xml)
	jsonHit := a.get(t, lookupE0114, 200, "hit-local")
	xmlHit := a.get(t, lookupE0114, 200, "hit-local", xml)
	require.Equal(t, fhirJSON, jsonMiss.Header().Get("Content-Type"))
	require.Equal(t, fhirJSON, jsonHit.Header().Get("Content-Type"))
	require.Equal(t, fhirXML, xmlMiss.Header().Get("Content-Type"))
	require.Equal(t, fhirXML, xmlHit.Header().Get("Content-Type"))
	require.Equal(t, jsonMiss.Body.String(), jsonHit.Body.String())
	require.Equal(t, xmlMiss.Body.String(), xmlHit.Body.String())
	back, err := fhirxml.Decode(strings.NewReader(xmlHit.Body.String()))
	require.NoError(t, err)
	require.JSONEq(t, jsonHit.Body.String(), string(back))
	require.EqualValues(t, 2, a.computed.Load())

	// POST: the XML body and the JSON body of one Parameters share a key.
	const body = `{"resourceType":"Parameters","parameter":[{"name":"system","valueUri":"` + terminology.SystemURL + `"},{"name":"code","valueCode":"E0114"}]}`
	xmlBody, err := fhirxml.AppendXML(nil, []byte(body))
	require.NoError(t, err)
	post := func(b string, xcache string, opts ...reqOpt) {
		t.Helper()
		rec := a.do(t, http.MethodPost, "/fhir/CodeSystem/$lookup", b, opts...)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		require.Equal(t, xcache, rec.Header().Get("X-Cache"))
	}
	post(body, "miss")
	post(string(xmlBody), "hit-local", header("Content-Type", "application/fhir+xml"))
	post(string(xmlBody), "miss", header("Content-Type", "text/xml"), xml)
	post(body, "hit-local", xml)
	// A body that is not FHIR XML is not cached: the handler answers 400.
	rec := a.do(t, http.MethodPost, "/fhir/CodeSystem/$lookup", "<Parameters/>", header("Content-Type", "application/fhir+xml"), xml)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	require.Equal(t, "bypass", rec.Header().Get("X-Cache"))
	require.Equal(t, fhirXML, rec.Header().Get("Content-Type"))
}
