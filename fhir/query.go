package fhir

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// checkQuery refuses a query string that net/url would read only in part:
// url.Query drops a pair with a bad %-escape or a raw ';' in silence, so a
// search, a read or /metadata would answer as if the parameter had not been
// sent (version=%zz would give the latest release). Every FHIR route gets a
// 400 that names the parameter instead. It runs before the response cache
// (NewEngine), whose key leaves unknown parameters out: a cached answer
// must not stand in for the 400 of a query that cannot be read.
func (s *Server) checkQuery(c *gin.Context) {
	if err := queryError(c.Request.URL.RawQuery); err != nil {
		s.fail(c, err)
		c.Abort()
		return
	}
	c.Next()
}

// maxQueryPairs is the most '&'-separated pairs net/url reads in a query
// string (its defaultMaxParams, counted as it counts them): beyond it,
// url.ParseQuery reads none at all, and a search would answer as if no
// parameter had been sent.
const maxQueryPairs = 10_000

// queryError is nil when every pair of raw reads whole, else a 400 naming
// the first pair that does not.
func queryError(raw string) error {
	if n := strings.Count(raw, "&") + 1; n > maxQueryPairs {
		return badRequest("", fmt.Sprintf("The query string has %d parameters; this server reads at most %d (send the parameters in a POSTed Parameters resource).", n, maxQueryPairs))
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		// The common case, every escape well formed and no ';', is checked
		// without unescaping anything: this runs on every request.
		if validEscapes(pair) && !strings.Contains(pair, ";") {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(name)
		if err != nil {
			return badRequest("", fmt.Sprintf("The name of the query parameter %q is not valid URL encoding: %v. Encode '%%' as %%25.", name, err))
		}
		if strings.Contains(pair, ";") {
			return badRequest(key, fmt.Sprintf("The query parameter %q contains a raw ';', which URL parsers drop: encode it as %%3B (a value set URL with ?fhir_vs=…;… must be URL-encoded).", key))
		}
		if _, err := url.QueryUnescape(value); err != nil {
			return badRequest(key, fmt.Sprintf("The value of the query parameter %q is not valid URL encoding: %v. Encode '%%' as %%25.", key, err))
		}
	}
	return nil
}

// validEscapes reports whether every '%' of s starts a %XX escape, which
// is all url.QueryUnescape can refuse in a query.
func validEscapes(s string) bool {
	for i := strings.IndexByte(s, '%'); i >= 0; {
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return false
		}
		next := strings.IndexByte(s[i+3:], '%')
		if next < 0 {
			break
		}
		i += 3 + next
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// limitBody refuses a body larger than the server takes before any handler
// reads it (a declared length over the limit is a 413 at once), and cuts
// one that turns out larger: a route that reads no body ($versions) must
// not take 100 MB either.
func (s *Server) limitBody(c *gin.Context) {
	if c.Request.ContentLength > s.maxRequestBytes() {
		s.fail(c, newRequestError(http.StatusRequestEntityTooLarge, "too-long", "", "",
			fmt.Sprintf("The request body is %d bytes; this server takes at most %d bytes (--max-request-size).", c.Request.ContentLength, s.maxRequestBytes())))
		c.Abort()
		return
	}
	if c.Request.Body != nil && c.Request.Body != http.NoBody {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.maxRequestBytes())
	}
	c.Next()
}
