package main

import (
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSetMemoryLimit: the Go heap is held to 80% of the container's memory
// unless GOMEMLIMIT says otherwise; no container limit, no soft limit.
func TestSetMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1)) // restore
	dir := t.TempDir()
	n := 0
	write := func(content string) string {
		n++
		p := filepath.Join(dir, "memory.max."+string(rune('0'+n)))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	noEnv := func(string) string { return "" }
	log := slog.New(slog.DiscardHandler)
	for _, tc := range []struct {
		file string
		env  func(string) string
		want int64
	}{
		{write("1073741824\n"), noEnv, 858993459},
		{write("max\n"), noEnv, 0},
		{filepath.Join(dir, "absent"), noEnv, 0},
		{write("1073741824\n"), func(k string) string {
			if k == "GOMEMLIMIT" {
				return "700MiB"
			}
			return ""
		}, 0},
	} {
		debug.SetMemoryLimit(math.MaxInt64)
		require.Equal(t, tc.want, setMemoryLimit(tc.env, tc.file, log), tc.file)
		if tc.want > 0 {
			require.Equal(t, tc.want, debug.SetMemoryLimit(-1))
		}
	}
}

// TestMemorySettler: pokes lead to a free after the delay, a later poke to
// another; stop cancels a pending free.
func TestMemorySettler(t *testing.T) {
	freed := make(chan struct{}, 10)
	m := newMemorySettler(time.Millisecond, func() { freed <- struct{}{} })
	for range 3 {
		m.poke()
	}
	<-freed
	m.poke()
	<-freed
	m.stop()

	never := newMemorySettler(time.Hour, func() { t.Error("freed after stop") })
	never.poke()
	never.stop()
	require.False(t, never.timer.Stop(), "the pending free was not cancelled")
}
