package fhir

import (
	"log/slog"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// BenchmarkFormats measures answers in JSON next to XML through the
// handler, without the response cache: a $lookup, and the full 2025-10
// CodeSystem from its kept renderings, identity and gzip'd, and cold (the
// first read of a process: the JSON rendered, and for XML converted). The figures are in the report of the
// wiring step (issue 11).
func BenchmarkFormats(b *testing.B) {
	store := benchStore(b)
	lookup := "/fhir/CodeSystem/$lookup?system=" + url.QueryEscape(terminology.SystemURL) + "&code=E0114"
	for _, o := range []struct {
		name, target, acceptEncoding string
		cold                         bool
	}{
		{"lookup", lookup, "", false},
		{"read-identity", "/fhir/CodeSystem/hcpcs-2025-10", "", false},
		{"read-gzip", "/fhir/CodeSystem/hcpcs-2025-10", "gzip", false},
		{"read-cold", "/fhir/CodeSystem/hcpcs-2025-10", "gzip", true},
	} {
		for _, accept := range []string{"application/fhir+json", "application/fhir+xml"} {
			name := o.name + "/json"
			if accept == "application/fhir+xml" {
				name = o.name + "/xml"
			}
			b.Run(name, func(b *testing.B) {
				req, err := http.NewRequest(http.MethodGet, o.target, nil)
				require.NoError(b, err)
				req.Header.Set("Accept", accept)
				if o.acceptEncoding != "" {
					req.Header.Set("Accept-Encoding", o.acceptEncoding)
				}
				e := NewServer(Config{Data: store, Logger: slog.New(slog.DiscardHandler)}).NewEngine()
				w := &discardWriter{h: http.Header{}}
				serve := func() {
					clear(w.h)
					w.code, w.n = 0, 0
					e.ServeHTTP(w, req)
				}
				if o.cold {
					// The first read of a process: render (and convert) the release.
					b.ReportAllocs()
					for b.Loop() {
						e = NewServer(Config{Data: store, Logger: slog.New(slog.DiscardHandler)}).NewEngine()
						serve()
					}
					require.Equal(b, 200, w.code)
					return
				}
				serve() // warm: render the release once
				b.ReportAllocs()
				for b.Loop() {
					serve()
				}
				require.Equal(b, 200, w.code)
				b.ReportMetric(float64(w.n), "bytes/answer")
			})
		}
	}
}
