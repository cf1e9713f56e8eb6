package fhir_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir"
)

// TestCacheIDSessions follows the HL7 validator's session protocol
// (org.hl7.fhir.core TerminologyClientContext.startCache, TxTester
// startSuiteCache): $cache-control?mode=start with the definitions, then
// requests that carry the id in X-Cache-Id instead of resending them.
func TestCacheIDSessions(t *testing.T) {
	e := fhirServer(t, fhir.Config{MaxSessions: 2})
	start := func(body string) string {
		t.Helper()
		rec := serve(e, http.MethodPost, "/fhir/$cache-control?mode=start", body, nil)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		id, ok := paramValue(t, decodeBody(t, rec.Body.Bytes()), "cache-id").(string)
		require.True(t, ok && len(id) == 32, "cache-id %v", id)
		return id
	}
	lookup := txParams(`{"name":"system","valueUri":"` + fruitURL + `"},{"name":"code","valueCode":"apple"}`)
	validate := txParams(`{"name":"url","valueUri":"` + fruitVS + `"},{"name":"code","valueCode":"E0114"},{"name":"system","valueUri":"` + hcpcsURL + `"}`)
	sealed := start(txParams("", fruitCodeSystem("1.0")))
	open := start(txParams(`{"name":"sealed","valueBoolean":false}`, fruitCodeSystem("1.0")))
	require.NotEqual(t, sealed, open)

	with := func(id string) map[string]string { return map[string]string{"X-Cache-Id": id} }
	require.Equal(t, 200, serve(e, http.MethodPost, "/fhir/CodeSystem/$lookup", lookup, with(sealed)).Code)
	require.Equal(t, 200, serve(e, http.MethodPost, "/fhir/CodeSystem/$lookup", lookup, with(open)).Code)
	require.Equal(t, 404, serve(e, http.MethodPost, "/fhir/CodeSystem/$lookup", lookup, nil).Code, "a session is seen only by the requests that name it")

	// A request may add to an open session, not to a sealed one.
	withVS := txParams(`{"name":"url","valueUri":"`+fruitVS+`"},{"name":"code","valueCode":"E0114"},{"name":"system","valueUri":"`+hcpcsURL+`"}`, fruitValueSet)
	for _, id := range []string{sealed, open} {
		rec := serve(e, http.MethodPost, "/fhir/ValueSet/$validate-code", withVS, with(id))
		require.Equal(t, 200, rec.Code, rec.Body.String())
		require.Equal(t, true, paramValue(t, decodeBody(t, rec.Body.Bytes()), "result"))
	}
	require.Equal(t, 404, serve(e, http.MethodPost, "/fhir/ValueSet/$validate-code", validate, with(sealed)).Code)
	rec := serve(e, http.MethodPost, "/fhir/ValueSet/$validate-code", validate, with(open))
	require.Equal(t, 200, rec.Code, rec.Body.String())
	require.Equal(t, true, paramValue(t, decodeBody(t, rec.Body.Bytes()), "result"))

	// The number of live sessions is bounded.
	rec = serve(e, http.MethodPost, "/fhir/$cache-control?mode=start", txParams(""), nil)
	require.Equal(t, 429, rec.Code, rec.Body.String())
	require.Contains(t, outcomeText(t, rec.Body.Bytes()), "limit")

	// Ending one frees its place; its id is then unknown.
	require.Equal(t, 200, serve(e, http.MethodPost, "/fhir/$cache-control?mode=end", txParams(""), with(sealed)).Code)
	rec = serve(e, http.MethodPost, "/fhir/CodeSystem/$lookup", lookup, with(sealed))
	require.Equal(t, 404, rec.Code, rec.Body.String())
	require.Contains(t, outcomeText(t, rec.Body.Bytes()), "cache-id '"+sealed+"' is unknown")
	require.Contains(t, rec.Body.String(), "cache-id-unknown")
	start(txParams(""))

	for _, tc := range []struct{ target, want string }{
		{"/fhir/$cache-control", "`mode` must be start or end"},
		{"/fhir/$cache-control?mode=pause", "`mode` must be start or end"},
		{"/fhir/$cache-control?mode=end", "X-Cache-Id"},
	} {
		rec := serve(e, http.MethodPost, tc.target, txParams(""), nil)
		require.Equal(t, 400, rec.Code, rec.Body.String())
		require.Contains(t, outcomeText(t, rec.Body.Bytes()), tc.want)
	}
}
