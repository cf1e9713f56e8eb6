package fhir

import (
	"net/url"
	"testing"
)

// FuzzQueryError: a query checkQuery lets through is one net/url reads
// whole, so no parameter can be dropped in silence after the check.
func FuzzQueryError(f *testing.F) {
	for _, s := range []string{"", "a=1&b=2", "url=%zz", "a=%E0%A4%A", "x;y=1", "&&a", "%=1", "a=%2", "fhir_vs=filter%2Fcode%2F%3D%2FA;b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		_, uerr := url.QueryUnescape(raw)
		if validEscapes(raw) != (uerr == nil) {
			t.Fatalf("validEscapes(%q) = %v, but url.QueryUnescape says %v", raw, validEscapes(raw), uerr)
		}
		if queryError(raw) != nil {
			return
		}
		if _, err := url.ParseQuery(raw); err != nil {
			t.Fatalf("queryError accepted %q, which url.ParseQuery refuses: %v", raw, err)
		}
	})
}
