package main

import (
	"net/http"
	"sync/atomic"

	"github.com/hcpcs-server/hcpcs-server/browse"
)

// withBrowser sends the code browser's paths (/, /browse, /browse/…) to
// the browser and everything else to the FHIR engine. The browser is
// mounted in front of the engine rather than inside it: the engine's
// content negotiation would refuse a browser's Accept header with 406,
// and its unknown routes answer with OperationOutcomes, where a person
// needs an HTML page. Its requests are counted in the same metrics, and
// close their connections while draining, as the engine's do.
//
// fhirFront is the engine behind the response cache's front
// (fhir.ResponseCache.Front); while draining, requests skip it, so that
// the engine closes their connections.
func withBrowser(browser http.Handler, fhirFront, engine http.Handler, metrics *httpMetrics, draining *atomic.Bool) http.Handler {
	counted := metrics.wrap(browser)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !browse.Owns(r.URL.Path) {
			if draining.Load() {
				engine.ServeHTTP(w, r)
				return
			}
			fhirFront.ServeHTTP(w, r)
			return
		}
		if draining.Load() {
			w.Header().Set("Connection", "close")
		}
		counted.ServeHTTP(w, r)
	})
}
