package fhir

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNegotiateAllocatesNothing: negotiation runs on every request, the
// cache's local hits included (3 allocations in all): reading the Accept
// headers clients send, and a plain _format, allocates nothing (an escaped
// one, _format=application%2Ffhir%2Bjson, costs its unescaping).
func TestNegotiateAllocatesNothing(t *testing.T) {
	for _, c := range []struct{ query, accept string }{
		{"", ""},
		{"code=E0114", "application/fhir+json"},
		{"", "application/fhir+xml;q=1.0, application/fhir+json;q=1.0, application/xml+fhir;q=0.9, application/json+fhir;q=0.9"},
		{"", "application/fhir+json; fhirVersion=4.0"},
		{"", "*/*"},
		{"_format=json&code=E0114", ""},
		{"_format=xml", ""},
	} {
		r := httptest.NewRequest(http.MethodGet, "/fhir/metadata?"+c.query, nil)
		if c.accept != "" {
			r.Header["Accept"] = []string{c.accept}
		}
		f, err := negotiateFormat(r)
		require.NoError(t, err, "%+v", c)
		require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = negotiateFormat(r) }), "%+v gave %v", c, f)
	}
}
