package terminology

import (
	"cmp"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// maxCompiled bounds the compiled value sets a snapshot keeps.
const maxCompiled = 4096

// CompiledCache keeps value sets compiled for a set of options, over one
// resolver: the compile of a composed set costs more than the membership
// question it serves. A snapshot keeps one for the value sets it holds (or
// names by an implicit URL); the API keeps one per cache-id session, over
// the session's definitions. The zero value is ready, and bounded by
// maxCompiled.
type CompiledCache struct {
	// Max bounds the sets kept; 0 means maxCompiled. A key holds the
	// canonical and the options, both from requests, so it is bounded
	// rather than trusted; when full it starts over.
	Max int

	mu sync.Mutex
	m  map[compiledKey]*valueset.Compiled
}

type compiledKey struct{ canonical, options string }

// Compile resolves a value set by canonical (url or url|version) through
// res and compiles it for opts, or returns the set it compiled before for
// the same canonical and options. Every call on c must pass a resolver
// that resolves alike: the same definitions over the same snapshot.
func (c *CompiledCache) Compile(canonical string, opts valueset.Options, res valueset.Resolver) (*valueset.Compiled, error) {
	key := compiledKey{canonical, optionsKey(opts)}
	c.mu.Lock()
	kept, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return kept, nil
	}
	vs, err := res.ValueSet(canonical)
	if err != nil {
		return nil, err
	}
	compiled, err := valueset.Compile(vs, res, opts)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if limit := cmp.Or(c.Max, maxCompiled); c.m == nil || len(c.m) >= limit {
		c.m = map[compiledKey]*valueset.Compiled{}
	}
	c.m[key] = compiled
	return compiled, nil
}

// Len is the number of sets kept.
func (c *CompiledCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// CompileValueSet resolves a value set by canonical (url or url|version)
// and compiles it for opts, keeping the result for the next request with
// the same canonical and options. Inline value sets are compiled with
// valueset.Compile directly: they are not the server's to keep.
func (s *Snapshot) CompileValueSet(canonical string, opts valueset.Options) (*valueset.Compiled, error) {
	return s.compiled.Compile(canonical, opts, s.Resolver())
}

// optionsKey spells the options unambiguously.
func optionsKey(o valueset.Options) string {
	if o.Date.IsZero() && !o.ActiveOnly && len(o.SystemVersion)+len(o.ForceVersion)+len(o.CheckVersion)+len(o.ValueSetVersion) == 0 {
		return "" // the common case, without an allocation
	}
	var b strings.Builder
	if !o.Date.IsZero() {
		b.WriteString(o.Date.UTC().Format("2006-01-02T15:04:05.999999999"))
	}
	fmt.Fprintf(&b, "\x00%t%t", o.ActiveOnly, o.DefaultsUnversionedOnly)
	for _, m := range []map[string]string{o.SystemVersion, o.ForceVersion, o.CheckVersion, o.ValueSetVersion} {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte(0)
		for _, k := range keys {
			fmt.Fprintf(&b, "%d:%s%d:%s", len(k), k, len(m[k]), m[k])
		}
	}
	return b.String()
}
