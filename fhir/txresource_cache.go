package fhir

import (
	"crypto/sha256"
	"sync"

	"github.com/hcpcs-server/hcpcs-server/terminology/conceptmap"
	"github.com/hcpcs-server/hcpcs-server/terminology/local"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// parsedTxResources keeps what tx-resource JSON was built into, by the
// SHA-256 of its exact bytes. The HL7 validator sends the same code
// systems and value sets with request after request; building them again
// costs far more than the question (BenchmarkValidateWithTxResources).
// Sharing is safe: a request finds only what it sent itself, byte for
// byte, and what is kept is immutable (local.System, and value sets the
// engine only reads). Bounded by the bytes of JSON it stands for; the
// oldest go first.
type parsedTxResources struct {
	mu       sync.Mutex
	m        map[[sha256.Size]byte]parsedTxResource
	order    [][sha256.Size]byte
	bytes    int
	maxBytes int
}

// parsedTxResource is one built resource: a code system, a supplement
// (applied only when asked for), a value set or a concept map.
type parsedTxResource struct {
	system     valueset.CodeSystem
	supplement *local.Definition
	valueSet   *valueset.ValueSet
	conceptMap *conceptmap.Map
	size       int
}

// defaultParsedTxBytes bounds the cache by the JSON it stands for; the
// built structures take a few times that.
const defaultParsedTxBytes = 32 << 20

func newParsedTxResources(maxBytes int) *parsedTxResources {
	return &parsedTxResources{m: map[[sha256.Size]byte]parsedTxResource{}, maxBytes: maxBytes}
}

func (c *parsedTxResources) get(key [sha256.Size]byte) (parsedTxResource, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[key]
	return p, ok
}

func (c *parsedTxResources) put(key [sha256.Size]byte, p parsedTxResource) {
	if p.size > c.maxBytes/4 {
		return // one resource may not crowd out the rest
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; ok {
		return
	}
	for c.bytes+p.size > c.maxBytes && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		c.bytes -= c.m[old].size
		delete(c.m, old)
	}
	c.m[key] = p
	c.order = append(c.order, key)
	c.bytes += p.size
}

func (s *Server) parsedCache() *parsedTxResources {
	s.parsedOnce.Do(func() { s.parsed = newParsedTxResources(defaultParsedTxBytes) })
	return s.parsed
}
