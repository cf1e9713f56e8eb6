package terminology

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// maxCompiled bounds the compiled value sets a snapshot keeps. A key holds
// the canonical and the options, both from requests, so it is bounded
// rather than trusted; when full it starts over.
const maxCompiled = 4096

// compiledCache keeps, per snapshot, the value sets the server holds (or
// names by an implicit URL) compiled for a set of options: the compile of
// a composed set costs more than the membership question it serves.
type compiledCache struct {
	mu sync.Mutex
	m  map[compiledKey]*valueset.Compiled
}

type compiledKey struct{ canonical, options string }

// CompileValueSet resolves a value set by canonical (url or url|version)
// and compiles it for opts, keeping the result for the next request with
// the same canonical and options. Inline value sets are compiled with
// valueset.Compile directly: they are not the server's to keep.
func (s *Snapshot) CompileValueSet(canonical string, opts valueset.Options) (*valueset.Compiled, error) {
	key := compiledKey{canonical, optionsKey(opts)}
	s.compiled.mu.Lock()
	c, ok := s.compiled.m[key]
	s.compiled.mu.Unlock()
	if ok {
		return c, nil
	}
	res := s.Resolver()
	vs, err := res.ValueSet(canonical)
	if err != nil {
		return nil, err
	}
	if c, err = valueset.Compile(vs, res, opts); err != nil {
		return nil, err
	}
	s.compiled.mu.Lock()
	if s.compiled.m == nil || len(s.compiled.m) >= maxCompiled {
		s.compiled.m = map[compiledKey]*valueset.Compiled{}
	}
	s.compiled.m[key] = c
	s.compiled.mu.Unlock()
	return c, nil
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
