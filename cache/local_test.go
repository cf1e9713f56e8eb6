package cache

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
)

// value reads a counter or gauge.
func value(tb testing.TB, m prometheus.Metric) float64 {
	tb.Helper()
	var d dto.Metric
	require.NoError(tb, m.Write(&d))
	if d.Counter != nil {
		return d.Counter.GetValue()
	}
	return d.Gauge.GetValue()
}

func TestLocalLRUByBytes(t *testing.T) {
	m := NewMetrics(nil)
	// Room for three entries of 100-byte values with 2-byte keys.
	const cost = 2 + 100 + entryOverhead
	l := NewLocal(3*cost, 0, m)
	val := func(c byte) []byte { return []byte(strings.Repeat(string(c), 100)) }
	l.Set("k1", val('a'), int64(len(val('a'))))
	l.Set("k2", val('b'), int64(len(val('b'))))
	l.Set("k3", val('c'), int64(len(val('c'))))
	require.Equal(t, 3, l.Len())
	require.EqualValues(t, 3*cost, l.Bytes())
	_, ok := l.Get("k1") // k1 is now the most recently used
	require.True(t, ok)
	l.Set("k4", val('d'), int64(len(val('d')))) // evicts k2, the least recently used
	_, ok = l.Get("k2")
	require.False(t, ok)
	for _, k := range []string{"k1", "k3", "k4"} {
		_, ok := l.Get(k)
		require.True(t, ok, k)
	}
	require.EqualValues(t, 1, value(t, m.evictions))
	require.EqualValues(t, 4, value(t, m.localHit))
	require.EqualValues(t, 1, value(t, m.localMiss))
	require.EqualValues(t, 3, value(t, m.localEntries))
	require.EqualValues(t, 3*cost, value(t, m.localBytes))

	// Replacing a key does not count it twice.
	l.Set("k4", val('e'), int64(len(val('e'))))
	v, _ := l.Get("k4")
	require.Equal(t, val('e'), v)
	require.EqualValues(t, 3*cost, l.Bytes())
}

func TestLocalRefusesValuesOverHalfTheBudget(t *testing.T) {
	l := NewLocal(1000, 0, nil)
	l.Set("small", make([]byte, 100), int64(len(make([]byte, 100))))
	l.Set("big", make([]byte, 600), int64(len(make([]byte, 600))))
	_, ok := l.Get("big")
	require.False(t, ok)
	_, ok = l.Get("small")
	require.True(t, ok, "a refused value evicts nothing")
}

func TestLocalTTL(t *testing.T) {
	now := time.Date(2025, 10, 1, 12, 0, 0, 0, time.UTC)
	l := NewLocal(1<<20, time.Minute, nil)
	l.now = func() time.Time { return now }
	l.Set("k", []byte("v"), int64(len([]byte("v"))))
	now = now.Add(59 * time.Second)
	_, ok := l.Get("k")
	require.True(t, ok)
	now = now.Add(time.Second)
	_, ok = l.Get("k")
	require.False(t, ok, "expired at exactly the TTL")
	require.Zero(t, l.Len(), "an expired entry is dropped when seen")
	require.Zero(t, l.Bytes())
}

func TestLocalConcurrent(t *testing.T) {
	l := NewLocal(64<<10, time.Hour, nil)
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 1000 {
				k := fmt.Sprintf("k%d", (g*1000+i)%300)
				if v, ok := l.Get(k); ok {
					require.Equal(t, k, string(v.([]byte)))
				} else {
					l.Set(k, []byte(k), int64(len([]byte(k))))
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	require.LessOrEqual(t, l.Bytes(), int64(64<<10))
}

// TestLocalCountsTheSizeGiven: the budget is what the caller says a value
// holds (a slice's capacity, a decoded response), not the length of some
// bytes: a small entry over a large buffer once cost 1 KB more than it
// was charged (issue 9).
func TestLocalCountsTheSizeGiven(t *testing.T) {
	l := NewLocal(10_000, 0, nil)
	big := make([]byte, 10, 4000)
	l.Set("a", big, int64(cap(big)))
	require.EqualValues(t, 1+4000+entryOverhead, l.Bytes())
	type decoded struct{ n int }
	l.Set("b", &decoded{7}, 100)
	v, ok := l.Get("b")
	require.True(t, ok)
	require.Equal(t, 7, v.(*decoded).n)
	require.EqualValues(t, 1+4000+1+100+2*entryOverhead, l.Bytes())
}
