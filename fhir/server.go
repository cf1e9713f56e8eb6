package fhir

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// DataSource gives the handlers the data currently served. One snapshot is
// taken per request, so a reload never mixes two data sets in one answer.
type DataSource interface {
	Snapshot() *terminology.Snapshot
}

// Config configures the FHIR API.
type Config struct {
	Data DataSource
	// BaseURL is the public base of the FHIR API (…/fhir), used for fullUrl
	// and links; empty means derived from each request.
	BaseURL string
	// MaxExpansion is the largest $expand answered without count; 0 means
	// DefaultMaxExpansion, negative means no limit.
	MaxExpansion int
	// MaxRequestBytes bounds a POSTed body, tx-resource parameters
	// included; 0 means maxBodyBytes (4 MiB).
	MaxRequestBytes int64
	// MaxTxResources bounds the tx-resource parameters of one request; 0
	// means DefaultMaxTxResources.
	MaxTxResources int
	// MaxBatch bounds the validation parameters of one
	// $batch-validate-code; 0 means DefaultMaxBatch.
	MaxBatch int
	// MaxSessions, SessionIdle and MaxSessionBytes bound the cache-id
	// sessions: how many live at once, how long an idle one lives, and how
	// much definition JSON one holds; 0 means the Default… constants.
	MaxSessions     int
	SessionIdle     time.Duration
	MaxSessionBytes int
	// HTTPCaching is the Cache-Control policy of cacheable answers; the
	// zero value is the default policy (httpcaching.go).
	HTTPCaching HTTPCaching
	// SoftwareVersion is reported in the CapabilityStatement.
	SoftwareVersion string
	// SoftwareReleaseDate is the build's date (YYYY-MM-DD); "" reports
	// the day the data were loaded.
	SoftwareReleaseDate string
	Logger              *slog.Logger
	// AccessLog says which requests NewEngine logs (accesslog.go); the
	// zero value logs none.
	AccessLog AccessLog
	// KeptIdentityBytes bounds the uncompressed CodeSystem renderings kept
	// for full reads without gzip (rendered.go); 0 means
	// DefaultKeptIdentityBytes, negative keeps none.
	KeptIdentityBytes int
	// KeptXMLIdentityBytes is the same for the XML renderings; 0 means
	// DefaultKeptXMLIdentityBytes, negative keeps none.
	KeptXMLIdentityBytes int
	// Rendered, when set, is called after each CodeSystem is rendered: a
	// rendering leaves tens of MB of garbage behind, which serve returns
	// to the system once the renderings settle.
	Rendered func()
}

// Server is the FHIR terminology API.
type Server struct {
	cfg      Config
	log      *slog.Logger
	rendered renderedCache

	sessionsOnce sync.Once
	sessionStore *sessionStore
	parsedOnce   sync.Once
	parsed       *parsedTxResources
	policy       [2][]string // Cache-Control values: latest, pinned (cachePolicy)
}

// NewServer builds the API.
func NewServer(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SoftwareVersion == "" {
		cfg.SoftwareVersion = "dev"
	}
	s := &Server{cfg: cfg, log: cfg.Logger}
	s.rendered.afterRender = cfg.Rendered
	s.rendered.identity.budget = keptBudget(cfg.KeptIdentityBytes, DefaultKeptIdentityBytes)
	s.rendered.xmlIdentity.budget = keptBudget(cfg.KeptXMLIdentityBytes, DefaultKeptXMLIdentityBytes)
	s.policy = cfg.HTTPCaching.headerValues()
	return s
}

// keptBudget reads a Kept…Bytes setting: 0 is the default, negative none.
func keptBudget(configured, def int) int {
	switch {
	case configured == 0:
		return def
	case configured < 0:
		return 0
	}
	return configured
}

func (s *Server) maxRequestBytes() int64 {
	if s.cfg.MaxRequestBytes > 0 {
		return s.cfg.MaxRequestBytes
	}
	return maxBodyBytes
}

// handlerFunc is a handler that returns its error; wrap renders it.
type handlerFunc func(c *gin.Context) error

// Register mounts the FHIR API under /fhir on an engine.
func (s *Server) Register(e *gin.Engine) {
	g := e.Group("/fhir", s.negotiate)
	g.GET("/metadata", s.wrap(s.metadata))
	g.GET("/$versions", s.wrap(s.versions))
	g.POST("/$versions", s.wrap(s.versions))
	g.POST("/$cache-control", s.wrap(s.cacheControl))
	g.GET("/CodeSystem", s.wrap(s.searchCodeSystems))
	g.POST("/CodeSystem/_search", s.wrap(s.searchCodeSystems))
	g.GET("/CodeSystem/:id", s.wrap(s.codeSystemOrOp))
	g.POST("/CodeSystem/:id", s.wrap(s.codeSystemOrOp))
	g.GET("/CodeSystem/:id/:op", s.wrap(s.codeSystemInstanceOp))
	g.POST("/CodeSystem/:id/:op", s.wrap(s.codeSystemInstanceOp))
	g.GET("/ValueSet", s.wrap(s.searchValueSets))
	g.POST("/ValueSet/_search", s.wrap(s.searchValueSets))
	g.GET("/ValueSet/:id", s.wrap(s.valueSetOrOp))
	g.POST("/ValueSet/:id", s.wrap(s.valueSetOrOp))
	g.GET("/ValueSet/:id/:op", s.wrap(s.valueSetInstanceOp))
	g.GET("/ConceptMap/:id", s.wrap(s.conceptMapOrOp))
	g.POST("/ConceptMap/:id", s.wrap(s.conceptMapOrOp))
	g.GET("/ConceptMap/:id/:op", s.wrap(s.conceptMapInstanceOp))
	g.POST("/ConceptMap/:id/:op", s.wrap(s.conceptMapInstanceOp))
	// HEAD of the readable resources: net/http drops the body.
	g.HEAD("/metadata", s.wrap(s.metadata))
	g.HEAD("/CodeSystem", s.wrap(s.searchCodeSystems))
	g.HEAD("/CodeSystem/:id", s.wrap(s.codeSystemOrOp))
	g.HEAD("/ValueSet", s.wrap(s.searchValueSets))
	g.HEAD("/ValueSet/:id", s.wrap(s.valueSetOrOp))
	g.POST("/ValueSet/:id/:op", s.wrap(s.valueSetInstanceOp))
	g.GET("/OperationDefinition/:id", s.wrap(s.readOperationDefinition))
	g.HEAD("/OperationDefinition/:id", s.wrap(s.readOperationDefinition))
}

// NewEngine returns a gin engine with the operational middleware and the
// FHIR API mounted: request ids, the access log, CORS, panic recovery into
// an OperationOutcome, content negotiation (negotiate: every later answer,
// errors included, is in its format), the checks of the query string
// (checkQuery) and of the body's size (limitBody), and OperationOutcomes
// for unknown routes and methods. Extra middleware (metrics, caching) runs
// after those, before the handlers. The access log runs outside the recovery, so that a
// request that panicked is logged with the 500 it was answered.
func (s *Server) NewEngine(middleware ...gin.HandlerFunc) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	// gin answers redirects with an HTML body; a FHIR client gets an
	// OperationOutcome (404) for a trailing slash instead.
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.Use(requestID)
	if log := s.accessLog(); log != nil {
		e.Use(log)
	}
	// The query is checked and the body bounded before the middleware: the
	// response cache keys by the parameters it can read, and would answer a
	// query that cannot be read from an entry (checkQuery), and it reads a
	// POSTed body to key it.
	e.Use(cors, s.recovery, s.negotiate, s.checkQuery, s.limitBody)
	e.Use(middleware...)
	s.Register(e)
	e.NoRoute(func(c *gin.Context) {
		text := fmt.Sprintf("There is no resource or operation at %s %s.", c.Request.Method, c.Request.URL.Path)
		if strings.Contains(c.Request.URL.Path, "/$") {
			s.fail(c, unknownOperation(text))
		} else {
			s.fail(c, notFound("not-found", text))
		}
	})
	e.NoMethod(func(c *gin.Context) {
		s.fail(c, newRequestError(http.StatusMethodNotAllowed, "not-supported", "", "",
			fmt.Sprintf("Method %s is not allowed on %s.", c.Request.Method, c.Request.URL.Path)))
	})
	return e
}

func (s *Server) wrap(h handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.fail(c, err)
		}
	}
}

// fail renders err as an OperationOutcome with the status errorResponse picks.
func (s *Server) fail(c *gin.Context, err error) {
	status, issue := errorResponse(err, s.log.With("request_id", requestIDOf(c)))
	var re *requestError
	if errors.As(err, &re) && re.allow != "" {
		c.Header("Allow", re.allow)
	}
	s.write(c, status, newOutcome(issue))
}

func (s *Server) recovery(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.log.Error("panic", "request_id", requestIDOf(c), "panic", r, "path", c.Request.URL.Path)
			if !c.Writer.Written() {
				s.fail(c, fmt.Errorf("panic: %v", r))
			}
			c.Abort()
		}
	}()
	c.Next()
}

// write marshals a resource and sends it in the negotiated format.
func (s *Server) write(c *gin.Context, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.log.Error("marshal", "err", err)
		status, b = http.StatusInternalServerError, internalErrorJSON()
	}
	s.writeResource(c, status, b)
}

func internalErrorJSON() []byte {
	return mustJSON(newOutcome(terminology.Issue{Severity: "error", Code: "exception", Text: "Internal error."}))
}

// writeResource sends the FHIR JSON resource b in the negotiated format:
// as is (indented for _pretty=true), or converted to FHIR XML (never
// indented: _pretty is ignored for XML). Every answer of a handler comes
// through here.
func (s *Server) writeResource(c *gin.Context, status int, b []byte) {
	if formatOf(c) == formatXML {
		out, err := fhirxml.AppendXML(nil, b)
		if err != nil {
			// A resource the server built that FHIR does not define is a bug.
			s.log.Error("fhirxml", "request_id", requestIDOf(c), "err", err)
			status = http.StatusInternalServerError
			out, _ = fhirxml.AppendXML(nil, internalErrorJSON())
		}
		writeBody(c, status, fhirXML, out)
		return
	}
	if c.Query("_pretty") == "true" {
		var buf bytes.Buffer
		if json.Indent(&buf, b, "", "  ") == nil {
			b = buf.Bytes()
		}
	}
	writeBody(c, status, fhirJSON, b)
}

// lengthIs reports whether a Content-Length value says n, without
// allocating (a cached entry brings its own).
func lengthIs(v string, n int) bool {
	m, err := strconv.Atoi(v)
	return err == nil && m == n
}

// writeBody is the one place response bytes are written, already in
// their format (writeResource converts; a cached entry is stored as sent), with their
// Content-Length: without one, net/http sends a body over 2 KB chunked, in
// two writes (a $lookup answer is 3.5 KB). contentType "" keeps the one
// set. A large answer is gzip'd here for a client that accepts it.
func writeBody(c *gin.Context, status int, contentType string, b []byte) {
	h := c.Writer.Header()
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	writeEncoded(c, status, gzipLarge(c, b))
}

// writeEncoded writes b, already in its content coding, with its length.
func writeEncoded(c *gin.Context, status int, b []byte) {
	h := c.Writer.Header()
	if v := h["Content-Length"]; len(v) != 1 || !lengthIs(v[0], len(b)) {
		h.Set("Content-Length", strconv.Itoa(len(b)))
	}
	c.Writer.WriteHeader(status)
	_, _ = c.Writer.Write(b)
}

func requestID(c *gin.Context) {
	// The id lives in the response header only: c.Set would allocate
	// gin's Keys map on every request.
	c.Writer.Header()["X-Request-Id"] = []string{requestIDFor(c.Request)}
	c.Next()
}

// requestIDFor is the id of a request: the client's X-Request-Id when it
// sent a usable one, else a new one.
func requestIDFor(r *http.Request) string {
	return requestIDFrom(headerValue(r.Header, "X-Request-Id"))
}

// requestIDFrom is the id of a request whose X-Request-Id is sent ("" for
// none): the client's when usable, else a new one.
func requestIDFrom[S string | []byte](sent S) string {
	if len(sent) == 0 || len(sent) > 128 {
		return newRequestID()
	}
	return string(sent)
}

// requestIDOf is the id requestID gave the request ("" outside NewEngine).
func requestIDOf(c *gin.Context) string {
	if v := c.Writer.Header()["X-Request-Id"]; len(v) == 1 {
		return v[0]
	}
	return ""
}

// Request ids are 16 hex digits: 32 random bits per process, then a
// counter; unique (within 2³² requests of one process), and without a call
// for randomness on every request.
var (
	requestIDPrefix = func() [4]byte {
		var b [4]byte
		_, _ = rand.Read(b[:])
		return b
	}()
	requestIDCounter atomic.Uint32
)

func newRequestID() string {
	var raw [8]byte
	copy(raw[:4], requestIDPrefix[:])
	binary.BigEndian.PutUint32(raw[4:], requestIDCounter.Add(1))
	var out [16]byte
	hex.Encode(out[:], raw[:])
	return string(out[:])
}

// CORS header values, built once: h.Set allocates its value slice on every
// response.
var (
	corsAllowOrigin   = []string{"*"}
	corsExposeHeaders = []string{"ETag, Last-Modified, Location, X-Request-Id, X-Cache, Content-Location"}
)

// cors lets browser clients (SMART apps, FHIR viewers) call the API. Only a
// cross-origin request, which always carries Origin, gets the CORS headers
// (the answers that can be cached say Vary: Origin): two headers fewer keep
// an answer's header map within the eight entries a Go map holds without
// growing, which cost two allocations of 700 bytes per request.
func cors(c *gin.Context) {
	if headerValue(c.Request.Header, "Origin") == "" {
		c.Next()
		return
	}
	h := c.Writer.Header()
	h["Access-Control-Allow-Origin"] = corsAllowOrigin
	h["Access-Control-Expose-Headers"] = corsExposeHeaders
	if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Accept, Accept-Encoding, Authorization, Content-Type, If-None-Match, If-Modified-Since, Prefer, X-Request-Id")
		h.Set("Access-Control-Max-Age", "86400")
		c.AbortWithStatus(http.StatusNoContent)
		return
	}
	c.Next()
}

// baseURL is the public FHIR base, configured or derived from the request.
func (s *Server) baseURL(c *gin.Context) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimSuffix(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	host := c.Request.Host
	if fh := c.GetHeader("X-Forwarded-Host"); fh != "" {
		host = fh
	}
	return scheme + "://" + host + "/fhir"
}
