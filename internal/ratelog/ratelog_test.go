package ratelog

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestWarnIsRateLimited(t *testing.T) {
	var buf bytes.Buffer
	l := New(slog.New(slog.NewTextHandler(&buf, nil)), time.Minute)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return clock }

	for range 5 {
		l.Warn("redis down")
	}
	require.Equal(t, 1, strings.Count(buf.String(), "redis down"))
	require.NotContains(t, buf.String(), "suppressed")

	clock = clock.Add(time.Minute)
	l.Warn("redis down")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2)
	require.Contains(t, lines[1], "suppressed=4")
}
