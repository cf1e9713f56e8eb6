package fhir

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzNegotiateFormat: whatever _format and Accept say, negotiation picks
// JSON or XML, or refuses with a 406; it never panics. A range that admits
// only one format, alone, picks that format; _format, when present, decides
// alone.
func FuzzNegotiateFormat(f *testing.F) {
	for _, s := range [][2]string{
		{"", ""}, {"xml", ""}, {"application/fhir+xml; fhirVersion=4.0", ""}, {"json;fhirVersion=5.0", ""},
		{"", "application/fhir+xml;q=0.9, application/fhir+json;q=0.8"}, {"", "*/*;q=0"}, {"", `text/*;q="0.5"`},
		{"", "application/fhir+json;;;q=1.5,,"}, {"", "application/fhir+xml; fhirVersion=3.0, */*"}, {"%zz", "text/xml"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, format, accept string) {
		r := httptest.NewRequest(http.MethodGet, "/fhir/metadata", nil)
		if format != "" {
			r.URL.RawQuery = "_format=" + url.QueryEscape(format)
		}
		r.Header["Accept"] = []string{accept}
		got, err := negotiateFormat(r)
		if got != formatJSON && got != formatXML {
			t.Fatalf("format %d", got)
		}
		var re *requestError
		if err != nil && (!errors.As(err, &re) || re.status != http.StatusNotAcceptable) {
			t.Fatalf("error %v is not a 406", err)
		}
		if format != "" {
			mt, version := splitMediaRange(format)
			want, known := formatNamed(mt)
			if (err == nil) != (known && fhirVersionOK(version)) || (err == nil && got != want) {
				t.Fatalf("_format=%q: got %v, %v", format, got, err)
			}
			return
		}
		if !strings.ContainsAny(accept, ",;") {
			want, known := formatNamed(strings.TrimSpace(accept))
			if known && strings.Contains(accept, "/") && (err != nil || got != want) {
				t.Fatalf("Accept: %q: got %v, %v", accept, got, err)
			}
		}
	})
}
