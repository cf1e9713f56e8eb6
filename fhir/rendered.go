package fhir

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// rendered is a resource serialised once and served many times. Its gzip
// form is kept for as long as its snapshot is served; the identity form,
// twenty times larger (15.6 MB against 770 KB for 2025-10), is kept only
// within the identityCache's budget and is otherwise decompressed from the
// gzip form when asked for: the same bytes, the same ETag.
type rendered struct {
	gzip         []byte
	size         int // bytes of the identity form
	etag         string
	lastModified time.Time

	inflating sync.Mutex // one decompression of this rendering at a time
	identity  []byte     // the identity form while the identityCache keeps it; its mutex guards this
}

// newRendered compresses and tags b. The gzip form is copied out of the
// compressor's buffer, so that it holds no slack for the process's life.
func newRendered(b []byte, lastModified time.Time) *rendered {
	sum := sha256.Sum256(b)
	gz := bytes.NewBuffer(make([]byte, 0, len(b)/16+512))
	w, _ := gzip.NewWriterLevel(gz, gzip.BestSpeed)
	_, _ = w.Write(b)
	_ = w.Close()
	return &rendered{gzip: bytes.Clone(gz.Bytes()), size: len(b), etag: `W/"` + hex.EncodeToString(sum[:12]) + `"`, lastModified: lastModified}
}

// DefaultKeptIdentityBytes is the default budget of identity renderings
// kept (Config.KeptIdentityBytes): one release (2025-10 is 15.6 MB), so
// that the release read most, the latest, is served without decompression.
const DefaultKeptIdentityBytes = 16 << 20

// identityCache keeps the identity form of the renderings read most
// recently, up to a byte budget. A miss costs a decompression: 40–70 ms
// for 15.6 MB, against 125 ms and more to render again.
type identityCache struct {
	mu     sync.Mutex
	budget int
	used   int
	kept   []*rendered // least recently used first
}

// get returns r's identity form, decompressing it on a miss; concurrent
// misses on one rendering wait for one decompression.
func (c *identityCache) get(r *rendered) ([]byte, error) {
	if b := c.lookup(r); b != nil {
		return b, nil
	}
	r.inflating.Lock()
	defer r.inflating.Unlock()
	if b := c.lookup(r); b != nil {
		return b, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.gzip))
	if err != nil {
		return nil, err
	}
	b := make([]byte, r.size)
	if _, err := io.ReadFull(zr, b); err != nil {
		return nil, err
	}
	c.put(r, b)
	return b, nil
}

func (c *identityCache) lookup(r *rendered) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.identity == nil {
		return nil
	}
	if n := len(c.kept); c.kept[n-1] != r { // the usual case, the same release read again, moves nothing
		i := slices.Index(c.kept, r)
		copy(c.kept[i:], c.kept[i+1:])
		c.kept[n-1] = r
	}
	return r.identity
}

// put offers b, r's identity form, to the cache: it is kept if it fits
// the budget, after dropping the least recently read ones as needed.
func (c *identityCache) put(r *rendered, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.identity != nil || len(b) > c.budget {
		return
	}
	for c.used+len(b) > c.budget && len(c.kept) > 0 {
		old := c.kept[0]
		c.used -= len(old.identity)
		old.identity, c.kept[0] = nil, nil
		c.kept = c.kept[1:]
	}
	if cap(b)-len(b) > len(b)/8 {
		b = bytes.Clone(b) // kept: without the slack of the buffer it was built in
	}
	r.identity = b
	c.used += len(b)
	c.kept = append(c.kept, r)
}

// clear drops every kept identity form (a new snapshot).
func (c *identityCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.kept {
		r.identity = nil
	}
	c.kept, c.used = nil, 0
}

// renderedCache renders each resource of the current snapshot once, on
// first use, and keeps it (gzip for good, identity within a budget); a new
// snapshot starts a new cache.
type renderedCache struct {
	mu          sync.Mutex
	snapshot    *terminology.Snapshot
	entries     map[string]*renderOnce
	list        []codeSystemResource // codeSystems(snapshot), built once
	identity    identityCache
	afterRender func() // Config.Rendered
}

type renderOnce struct {
	once sync.Once
	done atomic.Bool // rendered without error
	r    *rendered
	err  error
}

// get returns the rendering of id in snapshot s, rendering it on first
// use; the identity form just rendered is offered to the identity cache.
func (rc *renderedCache) get(s *terminology.Snapshot, id string, render func() ([]byte, time.Time, error)) (*rendered, error) {
	rc.mu.Lock()
	rc.reset(s)
	e, ok := rc.entries[id]
	if !ok {
		e = &renderOnce{}
		rc.entries[id] = e
	}
	rc.mu.Unlock()
	e.once.Do(func() {
		b, lastModified, err := render()
		if e.err = err; err == nil {
			e.r = newRendered(b, lastModified)
			rc.identity.put(e.r, b)
			if rc.afterRender != nil {
				rc.afterRender()
			}
		}
		e.done.Store(e.err == nil)
	})
	return e.r, e.err
}

// has reports whether id is rendered (without error) for snapshot s. It
// never waits for a rendering in progress.
func (rc *renderedCache) has(s *terminology.Snapshot, id string) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[id]
	return ok && rc.snapshot == s && e.done.Load()
}

// reset starts over for a new snapshot; rc.mu must be held.
func (rc *renderedCache) reset(s *terminology.Snapshot) {
	if rc.snapshot != s {
		rc.snapshot, rc.entries, rc.list = s, map[string]*renderOnce{}, nil
		rc.identity.clear()
	}
}

// codeSystems returns the CodeSystem resources of s, built once per
// snapshot rather than on every read, search and instance operation.
func (rc *renderedCache) codeSystems(s *terminology.Snapshot) []codeSystemResource {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.reset(s)
	if rc.list == nil {
		rc.list = codeSystems(s)
	}
	return rc.list
}
