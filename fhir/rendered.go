package fhir

import (
	"bytes"
	"cmp"
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
// within the identityCache's budget, and is otherwise decompressed from the
// gzip form as it is sent: the same bytes, the same ETag.
type rendered struct {
	gzip         []byte
	size         int // bytes of the identity form
	etag         string
	lastModified time.Time
	rank         int // the identityCache keeps lower ranks first: 0 is the latest release

	inflating sync.Mutex // one decompression into the cache at a time
	identity  []byte     // the identity form while the identityCache keeps it; its mutex guards this
	xmlForm   keptXML    // made on the first XML read (rendered_xml.go)
}

// newRendered compresses and tags b. The gzip form is copied out of the
// compressor's buffer, so that it holds no slack for the process's life.
func newRendered(b []byte, lastModified time.Time, rank int) *rendered {
	sum := sha256.Sum256(b)
	return newRenderedTagged(b, lastModified, rank, `W/"`+hex.EncodeToString(sum[:12])+`"`)
}

// newRenderedTagged is newRendered with the ETag given: the XML of a
// rendering takes its JSON's, marked, rather than hashing 20 MB again.
func newRenderedTagged(b []byte, lastModified time.Time, rank int, etag string) *rendered {
	gz := bytes.NewBuffer(make([]byte, 0, len(b)/16+512))
	w, _ := gzip.NewWriterLevel(gz, gzip.BestSpeed)
	_, _ = w.Write(b)
	_ = w.Close()
	return &rendered{gzip: bytes.Clone(gz.Bytes()), size: len(b), etag: etag, lastModified: lastModified, rank: rank}
}

// inflate returns a reader of the identity form.
func (r *rendered) inflate() (io.Reader, error) {
	return gzip.NewReader(bytes.NewReader(r.gzip))
}

// DefaultKeptIdentityBytes is the default budget of identity renderings
// kept (Config.KeptIdentityBytes): one release (2025-10 is 15.6 MB), the
// latest, which most full reads without gzip ask for.
const DefaultKeptIdentityBytes = 16 << 20

// identityCache keeps the identity form of renderings, lowest rank first
// (the newest releases), up to a byte budget. The rest are decompressed as
// they are sent (about 37 ms for 15.6 MB), never into a buffer of their
// own: a slow client of an old release then pins a decompressor, not a
// 15 MB copy, and clients alternating between releases cannot make the
// cache copy one release after another. A rendering that ranks within the
// budget is decompressed into it on its first miss; it is dropped only for
// one of lower rank, so at most once per rendering per snapshot.
type identityCache struct {
	mu     sync.Mutex
	budget int
	used   int
	kept   []*rendered // by rank
}

// get returns r's identity form when the cache keeps it, or decompresses
// it into the cache when r ranks within the budget; ok is false when r is
// to be decompressed as it is sent.
func (c *identityCache) get(r *rendered) (b []byte, ok bool, err error) {
	if b, ok := c.lookup(r); b != nil || !ok {
		return b, b != nil, nil
	}
	r.inflating.Lock()
	defer r.inflating.Unlock()
	if b, ok := c.lookup(r); b != nil || !ok {
		return b, b != nil, nil
	}
	zr, err := r.inflate()
	if err != nil {
		return nil, false, err
	}
	b = make([]byte, r.size)
	if _, err := io.ReadFull(zr, b); err != nil {
		return nil, false, err
	}
	c.put(r, b)
	return b, true, nil
}

// bytes returns r's identity form, kept or decompressed for this caller
// alone (a subset or a pretty-printed copy, which is per request anyway).
func (c *identityCache) bytes(r *rendered) ([]byte, error) {
	b, ok, err := c.get(r)
	if ok || err != nil {
		return b, err
	}
	zr, err := r.inflate()
	if err != nil {
		return nil, err
	}
	b = make([]byte, r.size)
	_, err = io.ReadFull(zr, b)
	return b, err
}

// lookup returns r's kept identity form, or nil and whether r would be
// kept: whether it fits the budget beside the lower ranks kept.
func (c *identityCache) lookup(r *rendered) (b []byte, fits bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.identity != nil {
		return r.identity, true
	}
	return nil, c.fits(r)
}

// fits reports whether r fits the budget beside the lower ranks kept; c.mu
// is held.
func (c *identityCache) fits(r *rendered) bool {
	used := r.size
	for _, k := range c.kept {
		if k.rank < r.rank {
			used += k.size
		}
	}
	return used <= c.budget
}

// put offers b, r's identity form, to the cache: it is kept if it fits the
// budget beside the lower ranks kept, dropping higher ranks as needed.
func (c *identityCache) put(r *rendered, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.identity != nil || !c.fits(r) {
		return
	}
	i, _ := slices.BinarySearchFunc(c.kept, r.rank, func(k *rendered, rank int) int { return cmp.Compare(k.rank, rank) })
	c.kept = slices.Insert(c.kept, i, r)
	c.used += len(b)
	r.identity = b
	for c.used > c.budget {
		last := c.kept[len(c.kept)-1]
		c.used -= len(last.identity)
		last.identity, c.kept[len(c.kept)-1] = nil, nil
		c.kept = c.kept[:len(c.kept)-1]
	}
	if r.identity != nil && cap(b)-len(b) > len(b)/8 {
		r.identity = bytes.Clone(b) // kept: without the slack of the buffer it was built in
	}
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
	xmlIdentity identityCache // of the XML renderings (rendered_xml.go)
	afterRender func()        // Config.Rendered
}

type renderOnce struct {
	once sync.Once
	done atomic.Bool // rendered without error
	r    *rendered
	err  error
}

// get returns the rendering of id in snapshot s, rendering it on first
// use; the identity form just rendered is offered to the identity cache
// with the given rank.
func (rc *renderedCache) get(s *terminology.Snapshot, id string, rank int, render func() ([]byte, time.Time, error)) (*rendered, error) {
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
			e.r = newRendered(b, lastModified, rank)
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
func (rc *renderedCache) has(s *terminology.Snapshot, id string, f format) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[id]
	return ok && rc.snapshot == s && e.done.Load() && (f == formatJSON || e.r.xmlForm.done.Load())
}

// reset starts over for a new snapshot; rc.mu must be held.
func (rc *renderedCache) reset(s *terminology.Snapshot) {
	if rc.snapshot != s {
		rc.snapshot, rc.entries, rc.list = s, map[string]*renderOnce{}, nil
		rc.identity.clear()
		rc.xmlIdentity.clear()
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
