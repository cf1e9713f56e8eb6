package fhir

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"

	"github.com/hcpcs-server/hcpcs-server/internal/movingavg"
	"github.com/hcpcs-server/hcpcs-server/internal/ratelog"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// SharedCache is the tier every replica shares (Redis: cache.Redis). Get
// returns (nil, nil) on a miss; an error is a miss as well. An
// implementation bounds its own latency, never fails loudly, and is safe for
// concurrent use. Values are opaque to it.
type SharedCache interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Set(ctx context.Context, key string, value []byte) error
}

// slowSharedCache is the optional capability of a SharedCache that knows
// its own latency (cache.Redis): SlowerThan(d) reports that a round trip
// is expected to take longer than d, so that asking does not pay.
type slowSharedCache interface {
	SlowerThan(d time.Duration) bool
}

// LocalCache is the in-process tier (cache.Local): bounded by the sizes
// its callers give, safe for concurrent use, and sharing values rather than
// copying them. The response cache keeps decoded entries in it, so that a
// hit decodes nothing.
type LocalCache interface {
	Get(key string) (any, bool)
	Set(key string, value any, size int64)
}

// CacheConfig configures the response cache. With neither tier set the
// middleware still adds ETag and Cache-Control and answers conditional
// requests; every cacheable response is then a miss.
type CacheConfig struct {
	Local  LocalCache  // nil: no in-process tier
	Shared SharedCache // nil: no Redis
	// Observe, when set, is told the outcome of every request: the
	// operation (lookup, validate-code, read, search, other) and the X-Cache
	// value. serve.go counts them.
	Observe func(op, xcache string)
	// MaxPendingWrites bounds the writes to Shared in flight; when Redis is
	// slow, writes beyond it are dropped rather than queued. Default 64.
	MaxPendingWrites int
	// SharedOps are the operations whose answers also go to Shared; nil
	// means DefaultSharedOps. Known: lookup, validate-code, read, search.
	// The others stay in process.
	SharedOps []string
	// RepublishEvery is how often a replica that serves a full read from
	// its own rendering writes it to Redis again, in case Redis lost it
	// (a restart, an eviction). Default DefaultRepublishEvery.
	RepublishEvery time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultRepublishEvery: a full read costs Redis 0.8–15 MB per variant, so
// a replica rewrites it at most this often.
const DefaultRepublishEvery = 10 * time.Minute

// DefaultSharedOps are the operations whose answers go to Redis by default.
// Measured (cache/doc.go): only the CodeSystem read, and only while this
// process has not rendered that release (a Redis hit of 1–20 ms against
// about 125 ms of rendering). $validate-code computes faster than a Redis
// hit even on loopback. $lookup computes in 90–125 µs, only 30–100 µs more
// than a loopback Redis hit: less than the round trip to a Redis across a
// network, so it too stays in process unless Redis is close (--redis-ops
// read,lookup).
var DefaultSharedOps = []string{opRead}

// CacheOps are the operation names of SharedOps and of Observe.
var CacheOps = []string{opLookup, opValidate, opRead, opSearch, opExpand, opHistory}

// OpOther is Observe's operation for the requests that are none of CacheOps.
const OpOther = "other"

// X-Cache values (docs/contract.md).
const (
	xCacheHitLocal = "hit-local"
	xCacheHitRedis = "hit-redis"
	xCacheMiss     = "miss"
	xCacheBypass   = "bypass"
)

// XCacheValues are the values of the X-Cache header.
var XCacheValues = []string{xCacheHitLocal, xCacheHitRedis, xCacheMiss, xCacheBypass}

// xCacheValues are the header values, built once: setting a header
// otherwise allocates its value slice on every response.
var xCacheValues = func() map[string][]string {
	m := make(map[string][]string, len(XCacheValues))
	for _, v := range XCacheValues {
		m[v] = []string{v}
	}
	return m
}()

// defaultVary is the Vary of cacheable 200 responses that do not set their
// own; their Cache-Control is the policy's (httpcaching.go).
const defaultVary = "Accept, Accept-Encoding, Origin"

// The operations the cache knows; "" is bypass.
const (
	opLookup   = "lookup"
	opValidate = "validate-code"
	opRead     = "read"
	opSearch   = "search"
	opExpand   = "expand"
	opHistory  = "history"
)

// policyFor classifies a request by its route: the cache operation, or ""
// for bypass. Bypassed: /metadata (it reports when this process loaded its
// data, which differs between replicas, and is cheap to build), $versions,
// $batch-validate-code (the key sorts a body's parameters, and a batch's
// answer follows their order), unknown operations, writes and unmatched
// routes.
func policyFor(c *gin.Context) string {
	get := c.Request.Method == http.MethodGet
	switch c.FullPath() {
	case "/fhir/CodeSystem/:id":
		switch id := c.Param("id"); {
		case id == "$lookup":
			return opLookup
		case id == "$validate-code":
			return opValidate
		case id == "$history":
			return opHistory
		case get && !strings.HasPrefix(id, "$"):
			return opRead
		}
	case "/fhir/CodeSystem/:id/:op":
		switch c.Param("op") {
		case "$lookup":
			return opLookup
		case "$validate-code":
			return opValidate
		case "$history":
			return opHistory
		}
	case "/fhir/ValueSet/:id":
		switch id := c.Param("id"); {
		case id == "$validate-code":
			return opValidate
		case id == "$expand":
			return opExpand
		case get && !strings.HasPrefix(id, "$"):
			return opSearch // a small resource built per request, like a search
		}
	case "/fhir/ValueSet/:id/:op":
		switch c.Param("op") {
		case "$validate-code":
			return opValidate
		case "$expand":
			return opExpand
		}
	case "/fhir/CodeSystem", "/fhir/CodeSystem/_search", "/fhir/ValueSet", "/fhir/ValueSet/_search":
		return opSearch
	}
	return ""
}

// ResponseCache is the two-tier response cache middleware. See
// cache/doc.go for the design.
//
// Keys hold the data fingerprint, so a reload never serves an answer from
// other data. Only 200 and 404 answers are stored: both are fully
// determined by the request and the data. 404 (an unknown code, version or
// resource) is kept in process only: it is cheap to compute, and keeping it
// out of Redis stops junk requests from filling the shared tier. 400, 405,
// 406, 413, 415, 422 depend on how a request is malformed, are cheap, and
// are not stored; 5xx never are.
//
// A request's Cache-Control (no-cache, no-store) is ignored: a cached
// answer is, by construction of the key, the one the handler would compute
// now, so revalidating it cannot give a fresher answer and would only let
// clients defeat the cache.
type ResponseCache struct {
	s       *Server
	cfg     CacheConfig
	shared  map[string]bool // operations that use cfg.Shared
	flights singleflight.Group
	writes  sync.WaitGroup
	pending chan struct{}
	errLog  *ratelog.Logger
	fp      atomic.Pointer[snapshotFingerprint]
	// bodies remembers the canonical digests of large POSTed bodies.
	bodies bodyDigests
	// computeCost is, per operation, a moving average of the time the
	// handlers took on the misses a Redis hit could have saved (ns).
	computeCost map[string]*movingavg.Duration
	// published holds the keys of full reads this process has put in (or
	// found in) Redis, with when. Keys embed the fingerprint, so it grows
	// only by a few keys per release and reload, and an entry older than
	// RepublishEvery no longer counts: a Redis that restarted empty or
	// evicted the entry gets it again.
	published sync.Map // key → time.Time
	// front, when set (Front), remembers the answers served from entries.
	front *front
}

type snapshotFingerprint struct {
	snap *terminology.Snapshot
	fp   string
}

// NewResponseCache returns the response cache of this API. Install its
// Handler with NewEngine.
func (s *Server) NewResponseCache(cfg CacheConfig) *ResponseCache {
	if cfg.MaxPendingWrites <= 0 {
		cfg.MaxPendingWrites = 64
	}
	if cfg.RepublishEvery <= 0 {
		cfg.RepublishEvery = DefaultRepublishEvery
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	ops := cfg.SharedOps
	if ops == nil {
		ops = DefaultSharedOps
	}
	rc := &ResponseCache{s: s, cfg: cfg, shared: map[string]bool{}, pending: make(chan struct{}, cfg.MaxPendingWrites),
		errLog: ratelog.New(s.log, 10*time.Second), computeCost: map[string]*movingavg.Duration{}}
	for _, op := range CacheOps {
		rc.computeCost[op] = new(movingavg.Duration)
	}
	if cfg.Shared != nil {
		for _, op := range ops {
			rc.shared[op] = true
		}
	}
	return rc
}

// Wait blocks until the writes to the shared tier started so far are done:
// at shutdown, and in tests.
func (rc *ResponseCache) Wait() { rc.writes.Wait() }

// Handler is the gin middleware.
func (rc *ResponseCache) Handler(c *gin.Context) {
	op := policyFor(c)
	if op == "" {
		rc.bypass(c, OpOther)
		return
	}
	if rc.cfg.Local == nil && rc.cfg.Shared == nil {
		// No tier to keep an answer in: a key (for a POST, the body in
		// canonical form) would be built for nothing.
		rc.bypass(c, op)
		return
	}
	snap := rc.s.cfg.Data.Snapshot()
	fp := rc.fingerprintOf(snap)
	key, ok := rc.key(c, op, fp)
	if !ok {
		rc.bypass(c, op)
		return
	}
	if op == opRead && fullRead(c) {
		// The handler keeps each CodeSystem it renders (Server.full) and
		// serves it in 1.5 µs, faster than a copy in the LRU: that kept
		// rendering is the in-process tier of full reads, and it answers
		// conditionals itself. Each variant still goes through the flight
		// once, to be published to Redis for the other replicas.
		rendered := rc.s.rendered.has(rc.s.cfg.Data.Snapshot(), c.Param("id"), formatOf(c))
		if rendered && (!rc.shared[op] || rc.isPublished(key.sharedKey())) {
			c.Header("X-Cache", xCacheHitLocal)
			rc.observe(op, xCacheHitLocal)
			c.Next()
			return
		}
		if !rc.shared[op] && rc.cfg.Local == nil {
			// Nothing would store this read: stream it rather than buffer 15 MB.
			c.Header("X-Cache", xCacheMiss)
			rc.observe(op, xCacheMiss)
			c.Next()
			return
		}
	}
	cond := takeConditionals(c.Request)
	// A local hit needs no flight. Misses go through one, which ends only
	// after storing its answer, so that identical concurrent misses are
	// computed once (a request that missed just before another's flight
	// stored the answer computes it again: rare, and still right).
	if e := rc.getLocal(key.local); e != nil {
		rc.serve(c, op, e, xCacheHitLocal, cond, snap)
		return
	}
	leader := false
	v, _, _ := rc.flights.Do(key.local, func() (any, error) {
		leader = true
		return rc.fill(c, op, &key, fp), nil
	})
	res := v.(*fillResult)
	if !leader && !res.stored {
		// The answer was not cacheable (an error); the leader's request may
		// differ in ways the key ignores, so this one is answered on its own.
		c.Header("X-Cache", xCacheMiss)
		rc.observe(op, xCacheMiss)
		c.Next()
		return
	}
	var stored *terminology.Snapshot
	if res.stored {
		stored = snap
	}
	rc.serve(c, op, res.entry, res.xcache, cond, stored)
}

func (rc *ResponseCache) bypass(c *gin.Context, op string) {
	c.Header("X-Cache", xCacheBypass)
	rc.observe(op, xCacheBypass)
	c.Next()
}

func (rc *ResponseCache) observe(op, xcache string) {
	if rc.cfg.Observe != nil {
		rc.cfg.Observe(op, xcache)
	}
}

// getLocal returns the local entry under key, if any.
func (rc *ResponseCache) getLocal(key string) *cachedResponse {
	if rc.cfg.Local == nil {
		return nil
	}
	v, ok := rc.cfg.Local.Get(key)
	if !ok {
		return nil
	}
	e, _ := v.(*cachedResponse)
	return e
}

// setLocal keeps an entry in the local tier, ready to serve. A body in a
// buffer much larger than itself (the handler's, grown while writing) is
// copied out, so that the entry holds what it is charged for.
func (rc *ResponseCache) setLocal(key string, e *cachedResponse) {
	if cap(e.body)-len(e.body) > len(e.body)/8+64 {
		e.body = bytes.Clone(e.body)
	}
	e.prepare()
	rc.cfg.Local.Set(key, e, e.size())
}

// fingerprint returns the current snapshot's fingerprint.
func (rc *ResponseCache) fingerprint() string {
	return rc.fingerprintOf(rc.s.cfg.Data.Snapshot())
}

// fingerprintOf returns snap's fingerprint, remembering the last one so
// that the hot path does not hash or look it up.
func (rc *ResponseCache) fingerprintOf(snap *terminology.Snapshot) string {
	if f := rc.fp.Load(); f != nil && f.snap == snap {
		return f.fp
	}
	f := &snapshotFingerprint{snap: snap, fp: snap.Fingerprint()}
	rc.fp.Store(f)
	return f.fp
}

// fillResult is what one computation (or Redis fetch) yields for every
// request waiting on the same key.
type fillResult struct {
	entry  *cachedResponse
	xcache string
	stored bool // cacheable: shared with the followers
}

// fill answers a request the local tier does not have: from Redis where
// that pays, else by running the handlers, storing what may be stored.
func (rc *ResponseCache) fill(c *gin.Context, op string, key *requestKey, fp string) *fillResult {
	// A subset of a read (_summary, _elements, _pretty) is cheap to build
	// from the kept rendering, and so is a read already rendered here:
	// neither is worth a Redis round trip.
	shared := rc.shared[op]
	if op == opRead && (!fullRead(c) || rc.s.rendered.has(rc.s.cfg.Data.Snapshot(), c.Param("id"), formatOf(c))) {
		shared = false
	}
	if shared && !rc.sharedTooSlow(op) {
		// Errors are counted and logged by the shared tier; any of them is
		// a miss. An entry that does not decode is overwritten below.
		if b, err := rc.cfg.Shared.Get(c.Request.Context(), key.sharedKey()); err == nil && b != nil {
			e, err := decodeEntry(b)
			if err == nil {
				e.pinned = pinnedRelease(c, op)
				if rc.cfg.Local != nil {
					rc.setLocal(key.local, e)
				}
				if op == opRead {
					rc.published.Store(key.sharedKey(), rc.now())
				}
				return &fillResult{entry: e, xcache: xCacheHitRedis, stored: true}
			}
			rc.errLog.Warn("undecodable shared cache entry; recomputing and overwriting it", "key", key.sharedKey(), "err", err)
		}
	}
	started := time.Now()
	e, written := rc.compute(c)
	e.pinned = pinnedRelease(c, op)
	if shared {
		rc.computeCost[op].Observe(time.Since(started))
	}
	res := &fillResult{entry: e, xcache: xCacheMiss}
	if !written || (e.status != http.StatusOK && e.status != http.StatusNotFound) || readForeign(c) {
		return res
	}
	res.stored = true
	if e.status == http.StatusOK {
		e.addHTTPCaching()
	}
	// A reload while the handler ran may have given it the new data: such
	// an answer is served but not stored under the old fingerprint.
	if rc.fingerprint() != fp {
		return res
	}
	// 404s stay in process: cheap to compute, and junk must not fill Redis.
	// A subset of a read is never read from Redis, so it is not written
	// there either; a full read rendered here is, for the other replicas.
	toShared := rc.shared[op] && e.status == http.StatusOK && !(op == opRead && !fullRead(c))
	if rc.cfg.Local == nil && !toShared {
		return res
	}
	// Encoded before the entry is shared: encode re-slices its body.
	var b []byte
	if toShared {
		b = e.encode()
	}
	// A computed full read is kept by the handler already; a second copy in
	// the LRU would only cost memory (15 MB per release).
	if rc.cfg.Local != nil && !(op == opRead && fullRead(c) && e.status == http.StatusOK) {
		rc.setLocal(key.local, e)
	}
	if toShared {
		rc.setShared(key.sharedKey(), b)
		if op == opRead {
			rc.published.Store(key.sharedKey(), rc.now())
		}
	}
	return res
}

func (rc *ResponseCache) now() time.Time { return rc.cfg.Now() }

// sharedTooSlow reports whether the shared tier is now slower than
// computing an answer of op: a Redis that answers within its deadline but
// slowly would otherwise be waited for on every request (issue 9: a Redis
// 10–20 ms slow cut throughput by 85–92%).
func (rc *ResponseCache) sharedTooSlow(op string) bool {
	slow, ok := rc.cfg.Shared.(slowSharedCache)
	if !ok {
		return false
	}
	cost := rc.computeCost[op].Load()
	// Under a few milliseconds the difference is not worth second-guessing
	// what --redis-ops asks for (a loopback Redis answers in tens of
	// microseconds, and a loaded machine makes that jitter).
	return cost > 0 && slow.SlowerThan(max(cost, minSlowRedis))
}

// minSlowRedis is the least Redis latency the cache routes around.
const minSlowRedis = 5 * time.Millisecond

func (rc *ResponseCache) isPublished(key string) bool {
	v, ok := rc.published.Load(key)
	if !ok {
		return false
	}
	if rc.now().Sub(v.(time.Time)) >= rc.cfg.RepublishEvery {
		rc.published.Delete(key)
		return false
	}
	return true
}

// fullRead reports whether a read asks for the whole resource as the
// handler keeps it rendered, rather than a subset or a pretty-printed copy.
// The XML of a read is kept beside the JSON (rendered_xml.go).
func fullRead(c *gin.Context) bool {
	q := c.Request.URL.Query()
	return q.Get("_summary") == "" && !q.Has("_elements") && q.Get("_pretty") != "true"
}

// setShared writes to the shared tier off the request path.
func (rc *ResponseCache) setShared(key string, b []byte) {
	select {
	case rc.pending <- struct{}{}:
	default:
		rc.errLog.Warn("shared cache writes are backed up; dropping one", "key", key)
		return
	}
	rc.writes.Add(1)
	go func() {
		defer rc.writes.Done()
		defer func() { <-rc.pending }()
		_ = rc.cfg.Shared.Set(context.Background(), key, b)
	}()
}

// compute runs the rest of the chain with the response captured.
func (rc *ResponseCache) compute(c *gin.Context) (e *cachedResponse, written bool) {
	orig := c.Writer
	cw := &captureWriter{ResponseWriter: orig, status: http.StatusOK}
	c.Writer = cw
	defer func() { c.Writer = orig }()
	c.Next()
	e = &cachedResponse{status: cw.status, body: cw.body.Bytes()}
	h := orig.Header()
	for _, k := range storedHeaders {
		if v := h.Get(k); v != "" {
			e.header = append(e.header, [2]string{k, v})
		}
	}
	return e, cw.written
}

// serve writes a response from an entry, or 304 when the request's
// conditionals match it. An entry of snap, the data the request's key was
// made from (nil for an answer that was not stored), is given to the
// front to remember while that data is still served.
func (rc *ResponseCache) serve(c *gin.Context, op string, e *cachedResponse, xcache string, cond conditionals, snap *terminology.Snapshot) {
	rc.observe(op, xcache)
	h := c.Writer.Header()
	e.writeHeaders(h)
	h["X-Cache"] = xCacheValues[xcache]
	if e.status == http.StatusOK {
		h["Cache-Control"] = rc.s.cachePolicy(e.pinned)
	}
	if e.status == http.StatusOK && cond.notModified(e.get("ETag"), e.get("Last-Modified")) {
		h.Del("Content-Type")
		h.Del("Content-Encoding")
		h.Del("Content-Length")
		c.Writer.WriteHeader(http.StatusNotModified)
		c.Writer.WriteHeaderNow()
		c.Abort()
		return
	}
	b := gzipLarge(c, e.body)
	writeEncoded(c, e.status, b)
	c.Abort()
	if rc.front != nil && snap != nil && cond == (conditionals{}) {
		rc.front.remember(c, op, e.status, b, snap)
	}
}
