package fhir

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// Which request parameters an answer may depend on, per cache operation.
// A parameter outside these is left out of the cache key, so that a client
// cannot multiply the entries of one answer with junk (?x=1, ?_=<time>).
// Dropping a parameter the handler does read would make two answers share
// a key; the operations' handlers therefore note every name they look up
// outside operationParams (opParams.noteRead), and such an answer is
// served but never stored.

// operationParams are the input parameters of $lookup, $validate-code and
// $expand in FHIR R4 and R5 and the tx-ecosystem conventions (profile and
// version parameters, tx-resource), the names a handler may read.
var operationParams = setOf(
	// $lookup
	"code", "system", "version", "coding", "date", "displayLanguage", "property", "useSupplement",
	// $validate-code
	"url", "codeSystem", "display", "codeableConcept", "abstract", "context", "valueSet", "valueSetVersion",
	"systemVersion", "inferSystem", "activeOnly", "lenient-display-validation", "valueset-membership-only",
	// $expand
	"filter", "contextDirection", "offset", "count", "includeDesignations", "designation", "includeDefinition",
	"excludeNested", "excludeNotForUI", "excludePostCoordinated", "exclude-system", "system-version",
	"check-system-version", "force-system-version", "limitedExpansion", "incomplete-ok", "tx-resource",
	// $history (history.go)
	"from", "to", "kind",
	// profile parameters of the HL7 validator and the tx-ecosystem tests
	"default-to-latest-version", "default-valueset-version", "valueSetMode", "profile", "diagnostics",
	"mode", "cache-id", "includeAlternateCodes", "_incomplete", "__Accept-Language",
)

// readParams are the parameters a resource read answers to (besides
// _format, which the key holds as the negotiated format).
var readKeyParams = setOf("_summary", "_elements", "_pretty")

// searchKeyParams are those of a search, and of a ValueSet read, which the
// cache counts as one.
var searchKeyParams = setOf("_id", "url", "version", "name", "title", "status", "_summary", "_elements", "_pretty", "_count", "_offset")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// keyParam reports whether a query or body parameter of that name is part
// of the cache key of op. A search parameter may carry a modifier
// (name:exact).
func keyParam(op, name string) bool {
	switch op {
	case opRead:
		return readKeyParams[name]
	case opSearch:
		base, _, _ := strings.Cut(name, ":")
		return searchKeyParams[base]
	}
	return operationParams[name]
}

// foreignReadKey marks, in the gin context, a request whose handler looked
// up a parameter outside operationParams: its answer is not stored.
const foreignReadKey = "hcpcs.foreign-param-read"

// noteRead records that the handler looked up name.
func (p *opParams) noteRead(name string) {
	if p.ctx != nil && !operationParams[name] {
		p.ctx.Set(foreignReadKey, true)
	}
}

// readForeign reports whether the request's handler looked up a parameter
// the cache key leaves out.
func readForeign(c *gin.Context) bool {
	return c.GetBool(foreignReadKey)
}
