package fhir

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// AccessLogMode says which requests get an access log line.
type AccessLogMode int

const (
	// AccessLogOff logs no request (the zero value).
	AccessLogOff AccessLogMode = iota
	// AccessLogErrors logs the requests answered 4xx or 5xx.
	AccessLogErrors
	// AccessLogAll logs every error and a sample (AccessLog.Sample) of
	// the other requests.
	AccessLogAll
)

// AccessLogModes are the names ParseAccessLogMode takes.
var AccessLogModes = []string{"off", "errors", "all"}

// ParseAccessLogMode reads off, errors or all.
func ParseAccessLogMode(s string) (AccessLogMode, error) {
	for i, name := range AccessLogModes {
		if s == name {
			return AccessLogMode(i), nil
		}
	}
	return AccessLogOff, fmt.Errorf("unknown access log mode %q; known: %s", s, strings.Join(AccessLogModes, ", "))
}

func (m AccessLogMode) String() string {
	if m >= 0 && int(m) < len(AccessLogModes) {
		return AccessLogModes[m]
	}
	return fmt.Sprintf("AccessLogMode(%d)", int(m))
}

// AccessLog configures the access log: one line per logged request.
type AccessLog struct {
	Mode AccessLogMode
	// Sample is, in AccessLogAll, the share of the requests answered below
	// 400 that are logged: 1 logs every one, 0.01 one in a hundred. Errors
	// are always logged.
	Sample float64
	// Logger receives the lines; nil means Config.Logger.
	Logger *slog.Logger

	// rand draws the sampling decision; nil means math/rand/v2 (tests
	// replace it).
	rand func() float64
}

// accessLogger decides which requests are logged and writes their lines.
// The engine's middleware and the front (cache_front.go) share one, so
// that a request logs the same line whichever of them answers it.
type accessLogger struct {
	log    *slog.Logger
	sample float64
	draw   func() float64
}

// accessLogger returns the logger of the configured access log, or nil
// when nothing is logged.
func (s *Server) accessLogger() *accessLogger {
	cfg := s.cfg.AccessLog
	if cfg.Mode == AccessLogOff {
		return nil
	}
	l := &accessLogger{log: cfg.Logger, sample: cfg.Sample, draw: cfg.rand}
	if l.log == nil {
		l.log = s.log
	}
	if cfg.Mode == AccessLogErrors {
		l.sample = 0
	}
	if l.draw == nil {
		l.draw = rand.Float64
	}
	return l
}

// logs reports whether a request answered with status gets a line: every
// error, and a sample of the rest.
func (l *accessLogger) logs(status int) bool {
	return status >= 400 || l.sample >= 1 || l.sample > 0 && l.draw() < l.sample
}

// accessLine is what one line says about a request.
type accessLine struct {
	method, route string
	status        int
	took          time.Duration
	requestID     string
	bytes         int
	cache, op     string
}

// accessLog returns the middleware, or nil when nothing is logged.
//
// The line carries only what cannot leak what a client sent: the method,
// the route pattern (gin's FullPath, never the URL or its query), the
// operation named in the path ($lookup, …), the status, the duration, the
// request id, the bytes written and the X-Cache tier. A request that is not
// logged costs a clock reading and a comparison or a random draw; nothing
// is formatted or allocated for it.
func (s *Server) accessLog() gin.HandlerFunc {
	l := s.accessLogger()
	if l == nil {
		return nil
	}
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		if !l.logs(status) {
			return
		}
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		l.write(accessLine{method: c.Request.Method, route: route, status: status, took: time.Since(start),
			requestID: requestIDOf(c), bytes: max(c.Writer.Size(), 0), cache: c.Writer.Header().Get("X-Cache"), op: pathOperation(c)})
	}
}

// write logs one line: Info below 400, Warn for 4xx, Error for 5xx.
func (l *accessLogger) write(a accessLine) {
	level := slog.LevelInfo
	switch {
	case a.status >= 500:
		level = slog.LevelError
	case a.status >= 400:
		level = slog.LevelWarn
	}
	ctx := context.Background()
	if !l.log.Enabled(ctx, level) {
		return
	}
	attrs := [...]slog.Attr{
		slog.String("method", a.method),
		slog.String("route", a.route),
		slog.Int("status", a.status),
		slog.Float64("duration_ms", float64(a.took.Nanoseconds())/1e6),
		slog.String("request_id", a.requestID),
		slog.Int("bytes", a.bytes),
		slog.String("cache", a.cache),
		slog.String("op", a.op),
	}
	n := len(attrs)
	if a.op == "" {
		n--
	}
	l.log.LogAttrs(ctx, level, "request", attrs[:n]...)
}

// pathOperation is the $operation a FHIR route names in its path
// (CodeSystem/$lookup, ValueSet/{id}/$expand); "" for reads, searches and
// other routes. Only a name of letters and hyphens up to 40 long is
// logged, any other is "$other": the line never carries what a client
// made up.
func pathOperation(c *gin.Context) string {
	for _, p := range [...]string{"op", "id"} {
		if v := c.Param(p); strings.HasPrefix(v, "$") {
			if !operationName(v[1:]) {
				return "$other"
			}
			return v
		}
	}
	return ""
}

func operationName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b != '-' && (b < 'a' || b > 'z') && (b < 'A' || b > 'Z') {
			return false
		}
	}
	return true
}
