package fhir

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// FHIR's search handling (R4 http.html#prefer, search.html#errors): a
// search parameter the server does not know is ignored and left out of the
// self link, unless the client asks for Prefer: handling=strict, which
// makes it a 400.

// searchControls are the result parameters a search reads besides the
// search parameters themselves.
var searchControls = []string{"_summary", "_elements", "_count", "_offset", "_format", "_pretty"}

// strictHandling reports whether the request carries Prefer: handling=strict.
func strictHandling(r *http.Request) bool {
	for _, v := range r.Header["Prefer"] { // canonical: Values would canonicalise on every request
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
			name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
			if strings.EqualFold(strings.TrimSpace(name), "handling") &&
				strings.EqualFold(strings.Trim(strings.TrimSpace(value), `"`), "strict") {
				return true
			}
		}
	}
	return false
}

// refuseUnknownSearchParams is the 400 of strict handling: it names every
// parameter of q that is neither a search parameter nor a control.
func refuseUnknownSearchParams(q url.Values) error {
	var unknown []string
	for k := range q {
		base, _, _ := strings.Cut(k, ":")
		if !contains(searchParams, base) && !contains(searchControls, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return badRequest(unknown[0], fmt.Sprintf("Unknown search parameter(s) %s (Prefer: handling=strict); this server searches by %s.",
		strings.Join(unknown, ", "), strings.Join(searchParams, ", ")))
}
