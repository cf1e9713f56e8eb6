package fhir

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// HTTPCaching is the Cache-Control policy of the answers that clients and
// proxies may cache (200s of reads, searches and GET operations; each
// carries an ETag and answers If-None-Match with 304).
//
// A reload changes what "no version given" means, so an answer that
// depends on what is loaded must not be kept for an hour by a proxy after
// a new release is loaded: it is stored but revalidated on every use,
// which costs the client a 304 while nothing changed. An answer about one
// named release does not change with a reload and may be kept long.
type HTTPCaching struct {
	// Latest is the Cache-Control of an answer that depends on what is
	// loaded: the latest release (no version given), the loaded value sets
	// and code systems, a search. Default DefaultCacheLatest.
	Latest string
	// Pinned is the Cache-Control of an answer about one named HCPCS
	// release: a read of CodeSystem/hcpcs-YYYY-MM, an operation on that
	// instance, and a CodeSystem $lookup or $validate-code of HCPCS given
	// a version (version=, or system|version / url|version). Default
	// DefaultCachePinned.
	Pinned string
}

// The default policy: revalidate what depends on the latest release; keep
// an answer about a named release for a day.
const (
	DefaultCacheLatest = "public, no-cache"
	DefaultCachePinned = "public, max-age=86400"
)

// cacheControlFor is the Cache-Control of a cacheable 200 answer to c.
func (s *Server) cacheControlFor(c *gin.Context, op string) string {
	return s.cachePolicy(pinnedRelease(c, op))[0]
}

// cachePolicy is the Cache-Control header value of an answer, as the slice
// the header map holds: built once, in NewServer, so that setting it
// allocates nothing.
func (s *Server) cachePolicy(pinned bool) []string {
	if pinned {
		return s.policy[1]
	}
	return s.policy[0]
}

// headerValues is the policy with the defaults filled in: latest, pinned.
func (p HTTPCaching) headerValues() [2][]string {
	latest, pinned := p.Latest, p.Pinned
	if latest == "" {
		latest = DefaultCacheLatest
	}
	if pinned == "" {
		pinned = DefaultCachePinned
	}
	return [2][]string{{latest}, {pinned}}
}

// pinnedRelease reports whether a request's answer is about one named HCPCS
// release, whatever else is loaded. Only GETs and HEADs count: proxies do
// not reuse the answer to a POST.
func pinnedRelease(c *gin.Context, op string) bool {
	if m := c.Request.Method; m != http.MethodGet && m != http.MethodHead {
		return false
	}
	switch op {
	case opRead:
		return isReleaseID(c.Param("id"))
	case opLookup, opValidate:
		if c.FullPath() == "/fhir/CodeSystem/:id/:op" {
			return isReleaseID(c.Param("id"))
		}
		if c.FullPath() != "/fhir/CodeSystem/:id" {
			return false // ValueSet/$validate-code: the value set may change
		}
		system := c.Query("system")
		if system == "" {
			system = c.Query("url")
		}
		system, version, hasVersion := strings.Cut(system, "|")
		if !hasVersion {
			version = c.Query("version")
		}
		return version != "" && terminology.IsHCPCSSystem(system)
	}
	return false
}

// isReleaseID reports whether id names one HCPCS release (hcpcs-YYYY-MM).
func isReleaseID(id string) bool {
	v, ok := strings.CutPrefix(id, "hcpcs-")
	if !ok {
		return false
	}
	_, err := terminology.ParseVersion(v)
	return err == nil
}
