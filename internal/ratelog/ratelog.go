package ratelog

import (
	"log/slog"
	"sync"
	"time"
)

// Logger is safe for concurrent use. The zero value is not usable: build it
// with New.
type Logger struct {
	log   *slog.Logger
	every time.Duration
	now   func() time.Time

	mu         sync.Mutex
	next       time.Time
	suppressed int
}

// New returns a Logger writing to log at most once per every.
func New(log *slog.Logger, every time.Duration) *Logger {
	return &Logger{log: log, every: every, now: time.Now}
}

// Warn logs msg unless a line was logged less than the interval ago; the
// next line written carries "suppressed" = the number held back.
func (l *Logger) Warn(msg string, args ...any) {
	l.mu.Lock()
	now := l.now()
	if now.Before(l.next) {
		l.suppressed++
		l.mu.Unlock()
		return
	}
	n := l.suppressed
	l.suppressed, l.next = 0, now.Add(l.every)
	l.mu.Unlock()
	if n > 0 {
		args = append(args, "suppressed", n)
	}
	l.log.Warn(msg, args...)
}
