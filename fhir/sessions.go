package fhir

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// The tx ecosystem's session protocol, as the HL7 validator speaks it
// (org.hl7.fhir.core, TerminologyClientContext.startCache and TxTester
// startSuiteCache): POST $cache-control?mode=start with tx-resource
// parameters (and sealed=false to let the session grow) returns a cache-id;
// later requests carry it in the X-Cache-Id header instead of resending the
// definitions; mode=end releases it. The server advertises the operation in
// its CapabilityStatement, which is how the client decides to use it.
const cacheIDHeader = "X-Cache-Id"

// Session limits, by default: how many live at once, how long an idle one
// lives, and how much JSON one may hold.
const (
	DefaultMaxSessions     = 256
	DefaultSessionIdle     = 30 * time.Minute
	DefaultMaxSessionBytes = 32 << 20
)

// session is one client's set of definitions, parsed once.
type session struct {
	mu     sync.Mutex
	defs   *definitions
	sealed bool // no definitions may be added after start
	// lastUsed is unix nanoseconds, atomic: the store's expiry reads it
	// under the store's lock alone, so the two locks are never nested.
	lastUsed atomic.Int64
}

// sessionStore holds the live sessions, bounded in number, idle time and
// size.
type sessionStore struct {
	mu       sync.Mutex
	m        map[string]*session
	max      int
	idle     time.Duration
	maxBytes int
	now      func() time.Time
}

func newSessionStore(max int, idle time.Duration, maxBytes int) *sessionStore {
	if max <= 0 {
		max = DefaultMaxSessions
	}
	if idle <= 0 {
		idle = DefaultSessionIdle
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxSessionBytes
	}
	return &sessionStore{m: map[string]*session{}, max: max, idle: idle, maxBytes: maxBytes, now: time.Now}
}

func (s *Server) sessions() *sessionStore {
	s.sessionsOnce.Do(func() {
		s.sessionStore = newSessionStore(s.cfg.MaxSessions, s.cfg.SessionIdle, s.cfg.MaxSessionBytes)
	})
	return s.sessionStore
}

// expireLocked drops the sessions idle for too long.
func (st *sessionStore) expireLocked(now time.Time) {
	for id, ss := range st.m {
		if now.Sub(time.Unix(0, ss.lastUsed.Load())) > st.idle {
			delete(st.m, id)
		}
	}
}

// start opens a session holding defs.
func (st *sessionStore) start(defs *definitions, sealed bool) (string, error) {
	if defs != nil && defs.bytes > st.maxBytes {
		return "", st.tooLarge(defs.bytes)
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b[:])
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	st.expireLocked(now)
	if len(st.m) >= st.max {
		return "", newRequestError(http.StatusTooManyRequests, "throttled", "", "",
			fmt.Sprintf("This server already holds %d cache-id sessions, its limit (--max-sessions). End one with $cache-control?mode=end, or wait until one has been idle for %s.", st.max, st.idle))
	}
	ss := &session{defs: defs, sealed: sealed}
	ss.lastUsed.Store(now.UnixNano())
	st.m[id] = ss
	return id, nil
}

// end releases a session.
func (st *sessionStore) end(id string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.m[id]; !ok {
		return unknownSession(id)
	}
	delete(st.m, id)
	return nil
}

// use returns the definitions a request of session id sees: the session's
// and its own. An open session keeps the request's own for later requests.
func (st *sessionStore) use(id string, own *definitions) (*definitions, error) {
	st.mu.Lock()
	now := st.now()
	ss, ok := st.m[id]
	if ok && now.Sub(time.Unix(0, ss.lastUsed.Load())) > st.idle {
		delete(st.m, id)
		ok = false
	}
	if ok {
		ss.lastUsed.Store(now.UnixNano())
	}
	st.mu.Unlock()
	if !ok {
		return nil, unknownSession(id)
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	all := ss.defs.merged(own)
	if own.empty() || ss.sealed {
		return all, nil
	}
	if all.bytes > st.maxBytes {
		return nil, st.tooLarge(all.bytes)
	}
	ss.defs = all
	return all, nil
}

func (st *sessionStore) tooLarge(n int) error {
	return newRequestError(http.StatusRequestEntityTooLarge, "too-costly", "", "tx-resource",
		fmt.Sprintf("The cache-id session would hold %d bytes of definitions; this server keeps at most %d per session (--max-session-bytes).", n, st.maxBytes))
}

func unknownSession(id string) error {
	e := newRequestError(http.StatusNotFound, "not-found", "", "", fmt.Sprintf("The cache-id '%s' is unknown to this server: it was never started, was ended, or expired. Start a new one with $cache-control?mode=start.", id))
	e.issue.MessageID = "cache-id-unknown"
	return e
}

// cacheControl implements $cache-control: mode=start opens a session with
// the body's tx-resource parameters; mode=end closes the X-Cache-Id one.
func (s *Server) cacheControl(c *gin.Context) error {
	p, err := readParams(c.Request, s.maxRequestBytes())
	if err != nil {
		return err
	}
	mode, _, err := p.nonEmptyText("mode", codeTypes)
	if err != nil {
		return err
	}
	switch mode {
	case "start":
		defs, err := s.parseTxResources(p.all("tx-resource"))
		if err != nil {
			return err
		}
		sealed := true // the protocol's default
		if p.has("sealed") {
			if sealed, err = p.boolean("sealed"); err != nil {
				return err
			}
		}
		id, err := s.sessions().start(defs, sealed)
		if err != nil {
			return err
		}
		out := newParametersOut()
		out.str("cache-id", id)
		s.write(c, http.StatusOK, out.p)
		return nil
	case "end":
		id := c.GetHeader(cacheIDHeader)
		if id == "" {
			return badRequest(cacheIDHeader, "mode=end needs the session's id in the X-Cache-Id header.")
		}
		if err := s.sessions().end(id); err != nil {
			return err
		}
		s.write(c, http.StatusOK, newOutcome(terminology.Issue{Severity: "information", Code: "informational", Text: "The cache-id session " + id + " is ended."}))
		return nil
	}
	return badRequest("mode", fmt.Sprintf("Parameter `mode` must be start or end, not %q.", mode))
}
