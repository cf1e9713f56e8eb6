package fhir

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// The front answers a GET that this process has already answered from its
// response cache, with the same status, headers and body, without running
// the engine. Under load, a local hit that went through gin's chain of
// middleware (request id, access log, CORS, recovery, negotiation, query
// checks, body limit, metrics, cache key, LRU) cost a quarter of the
// server's CPU per answer and, by the code and data it touched between two
// syscalls, made net/http's own work slower too: the same fixed answer cost
// 20–40% more CPU behind the chain than in front of it (docs/performance.md).
//
// A remembered answer is keyed by the request exactly as sent: the host,
// the request URI, and each request header that can change an answer
// (Accept, Accept-Encoding, Accept-Language, X-Too-Costly-Threshold). A
// request with any other header, other than a few that change nothing
// (frontKey), goes to the engine: CORS, conditionals, Prefer, sessions and
// forwarded hosts are all handled there. Because the engine's answer is a
// function of those inputs and the data, replaying it is exact; the front
// only adds a fresh X-Request-Id, and says hit-local. Answers are
// remembered only for requests whose every query parameter is one the
// cache key knows, so that junk parameters cannot fill the front, and the
// front's memory is bounded by its own budget, in two generations of half
// each: when the current one fills, it becomes the previous one, whose
// answers are still given and moved into the current one when asked for
// again, and the one before is dropped. Answers in use so survive a flood of
// distinct requests, which only the engine's cache then has to absorb. A
// reload (another snapshot) or the cache TTL empties both.

// FrontConfig configures ResponseCache.Front.
type FrontConfig struct {
	// Budget bounds the bytes the front keeps: keys, headers and bodies (a
	// body shared with the local tier counts again). 0 disables the front.
	Budget int64
	// TTL is how long a remembered answer is served, as the local tier's
	// entries are: the cache TTL. 0: until a reload or the budget's reset.
	TTL time.Duration
	// Series, when set, returns the recorder of the durations of the
	// requests of one route pattern, method and status, which the front
	// calls for each answer it gives, as the engine's metrics middleware
	// records the others. It is asked once per remembered answer.
	Series func(route, method string, status int) func(took time.Duration)
}

// frontAnswer is one remembered answer: what the engine wrote but the
// request id, header slices ready to be put in a response's map.
type frontAnswer struct {
	status int
	canon  []string
	values [][]string
	body   []byte
	wire   []byte                   // the status line and headers as Answer writes them, Date and X-Request-Id apart
	op     string                   // the cache operation, for CacheConfig.Observe
	route  string                   // gin's FullPath, for the metrics and the access log
	pathOp string                   // the access log's op
	size   int64                    // what it counts against the budget, with its key
	record func(took time.Duration) // FrontConfig.Series; nil: none
}

// frontTable holds the answers of one snapshot until it expires or fills:
// one generation.
type frontTable struct {
	snap    *terminology.Snapshot
	expires time.Time                  // zero: never
	prev    atomic.Pointer[frontTable] // the generation before this one; nil: none
	mu      sync.RWMutex
	m       map[string]*frontAnswer
	bytes   int64
}

// serves reports whether t holds answers of snap that have not expired.
func (t *frontTable) serves(snap *terminology.Snapshot, now time.Time) bool {
	return t != nil && t.snap == snap && (t.expires.IsZero() || now.Before(t.expires))
}

func (t *frontTable) get(key []byte) *frontAnswer {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.m[string(key)]
}

// put keeps a under key if it fits within budget and the key is new.
func (t *frontTable) put(key string, a *frontAnswer, budget int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m[key] == nil && t.bytes+a.size <= budget {
		t.m[key] = a
		t.bytes += a.size
	}
}

type front struct {
	rc    *ResponseCache
	next  http.Handler
	cfg   FrontConfig
	log   *accessLogger
	table atomic.Pointer[frontTable]
}

// Front returns next (the engine) behind the front, and has the cache
// remember its answers for it. It must be called before the engine serves.
// Without a local tier or a budget, it returns next.
func (rc *ResponseCache) Front(next http.Handler, cfg FrontConfig) http.Handler {
	if cfg.Budget <= 0 || rc.cfg.Local == nil {
		return next
	}
	f := &front{rc: rc, next: next, cfg: cfg, log: rc.s.accessLogger()}
	rc.front = f
	return f
}

// Bounds of what the front keeps: a request URI longer than frontMaxURI is
// never remembered, nor a body larger than a sixty-fourth of the budget
// (full CodeSystem reads have their own kept renderings).
const frontMaxURI = 2048

func (f *front) maxBody() int { return int(max(f.cfg.Budget/64, 64<<10)) }

// generationBudget bounds each of the two generations: together, the budget.
func (f *front) generationBudget() int64 { return f.cfg.Budget / 2 }

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var buf [512]byte
	key, ok := frontKey(buf[:0], r)
	if !ok {
		f.next.ServeHTTP(w, r)
		return
	}
	start := f.rc.now()
	a := f.lookup(key, start)
	if a == nil {
		f.next.ServeHTTP(w, r)
		return
	}
	id := requestIDFor(r)
	h := w.Header()
	for i, k := range a.canon {
		h[k] = a.values[i]
	}
	h["X-Request-Id"] = []string{id}
	h["Date"] = httpDate()
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
	f.answered(a, id, start)
}

// answered counts an answer the front gave and logs it.
func (f *front) answered(a *frontAnswer, id string, start time.Time) {
	f.rc.observe(a.op, xCacheHitLocal)
	if a.record == nil && f.log == nil {
		return
	}
	took := f.rc.now().Sub(start)
	if a.record != nil {
		a.record(took)
	}
	if f.log != nil && f.log.logs(a.status) {
		f.log.write(accessLine{method: http.MethodGet, route: a.route, status: a.status, took: took, requestID: id,
			bytes: len(a.body), cache: xCacheHitLocal, op: a.pathOp})
	}
}

// lookup returns the answer remembered under key for the data served now.
func (f *front) lookup(key []byte, now time.Time) *frontAnswer {
	t, snap := f.table.Load(), f.rc.s.cfg.Data.Snapshot()
	if !t.serves(snap, now) {
		return nil
	}
	if a := t.get(key); a != nil {
		return a
	}
	prev := t.prev.Load()
	if !prev.serves(snap, now) {
		return nil
	}
	a := prev.get(key)
	if a != nil {
		t.put(string(key), a, f.generationBudget())
	}
	return a
}

// dateHeader is the Date of this second's answers, formatted once a
// second rather than by net/http for each answer (1.2 µs per answer
// under load; the map holds it within the eight entries a Go map keeps
// without growing).
type dateHeader struct {
	unix  int64
	value []string
}

var lastDate atomic.Pointer[dateHeader]

func httpDate() []string {
	now := time.Now()
	if d := lastDate.Load(); d != nil && d.unix == now.Unix() {
		return d.value
	}
	d := &dateHeader{unix: now.Unix(), value: []string{now.UTC().Format(http.TimeFormat)}}
	lastDate.Store(d)
	return d.value
}

// frontKeyHeaders are the request headers that are part of the front's
// key, and frontInertHeaders those a request may carry that change no
// answer: no handler reads them (a request's Cache-Control is ignored:
// ResponseCache).
var (
	frontKeyHeaders   = [...]string{"Accept", "Accept-Encoding", "Accept-Language", tooCostlyHeaderKey}
	frontInertHeaders = []string{"User-Agent", "Accept-Charset", "Cache-Control", "Pragma", "Referer", "X-Request-Id"}
)

// frontKey appends the front's key of r to dst; ok is false for a request
// the front does not answer: not a GET of the FHIR API, a body, TLS, a
// repeated header, or a header outside the few it knows. Go has taken Host
// out of the header map (r.Host).
func frontKey(dst []byte, r *http.Request) (key []byte, ok bool) {
	// A request made by a client rather than read by a server has no
	// RequestURI, which the key needs.
	if r.Method != http.MethodGet || r.ContentLength != 0 || r.TransferEncoding != nil || r.TLS != nil ||
		r.RequestURI == "" || len(r.RequestURI) > frontMaxURI || !strings.HasPrefix(r.URL.Path, "/fhir/") {
		return nil, false
	}
	var keyed [len(frontKeyHeaders)]string
	for name, v := range r.Header {
		if len(v) != 1 {
			return nil, false
		}
		if i := slices.Index(frontKeyHeaders[:], name); i >= 0 {
			keyed[i] = v[0]
		} else if name != "Connection" && !slices.Contains(frontInertHeaders, name) {
			// net/http handles Connection itself.
			return nil, false
		}
	}
	return appendFrontKey(dst, r.Host, r.RequestURI, keyed), true
}

// appendFrontKey appends the front's key of a request for host and
// request URI, with the values of frontKeyHeaders ("" for one not sent):
// the one encoding of the key, from net/http's request and from a raw
// head (Answer).
func appendFrontKey[S string | []byte](dst []byte, host, uri S, keyed [len(frontKeyHeaders)]S) []byte {
	dst = appendPart(appendPart(dst, host), uri)
	for _, part := range keyed {
		dst = appendPart(dst, part)
	}
	return dst
}

// remember keeps the answer the engine just wrote to c from a cache entry
// of snap (status, body as sent), when the front may replay it.
func (f *front) remember(c *gin.Context, op string, status int, body []byte, snap *terminology.Snapshot) {
	r := c.Request
	if status != http.StatusOK && status != http.StatusNotFound || len(body) > f.maxBody() ||
		snap != f.rc.s.cfg.Data.Snapshot() || !onlyKeyParams(op, r.URL.RawQuery) {
		return
	}
	var buf [512]byte
	key, ok := frontKey(buf[:0], r)
	if !ok {
		return
	}
	a := &frontAnswer{status: status, body: body, op: op, route: c.FullPath(), pathOp: pathOperation(c)}
	a.size = int64(len(key)+len(body)) + 256
	for k, v := range c.Writer.Header() {
		switch k {
		case "X-Request-Id", "Connection":
			continue
		case "X-Cache":
			v = xCacheValues[xCacheHitLocal]
		}
		a.canon = append(a.canon, k)
		a.values = append(a.values, v)
		a.size += int64(len(k)+len(v[0])) + 48
	}
	a.wire = a.appendWire(nil)
	a.size += int64(len(a.wire))
	budget := f.generationBudget()
	if a.size > budget {
		return
	}
	if f.cfg.Series != nil {
		a.record = f.cfg.Series(a.route, http.MethodGet, status)
	}
	now := f.rc.now()
	t := f.table.Load()
	if serves := t.serves(snap, now); !serves || t.full(a.size, budget) {
		fresh := &frontTable{snap: snap, m: map[string]*frontAnswer{}}
		if f.cfg.TTL > 0 {
			fresh.expires = now.Add(f.cfg.TTL)
		}
		if serves {
			fresh.prev.Store(t)
		}
		// Another request may have started one first: then use that one.
		if f.table.CompareAndSwap(t, fresh) && serves {
			t.prev.Store(nil) // the generation before t goes
		}
		t = f.table.Load()
	}
	if t.snap == snap {
		t.put(string(key), a, budget)
	}
}

func (t *frontTable) full(size, budget int64) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.bytes+size > budget
}

// onlyKeyParams reports whether every parameter of a raw query is one the
// cache key of op knows, or _format.
func onlyKeyParams(op, rawQuery string) bool {
	for rawQuery != "" {
		var p string
		p, rawQuery, _ = strings.Cut(rawQuery, "&")
		if p == "" {
			continue
		}
		if name := queryName(p); name != "_format" && !keyParam(op, name) {
			return false
		}
	}
	return true
}
