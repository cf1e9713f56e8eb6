package cache

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache/redistest"
)

// TestRedisProbeClosesOnSlowRedis: a Redis that is up but slower than the
// call deadline opens the circuit, and the probe, whose own deadline
// covers dialling, the handshake and PING, closes it again (issue 9: above
// about 25 ms the circuit never closed, since the probe had the same 50 ms
// as a call).
func TestRedisProbeClosesOnSlowRedis(t *testing.T) {
	rs := redistest.Start(t)
	proxy := redistest.NewDelayProxy(t, rs.Addr)
	r, _ := newTestRedis(t, rs, func(c *Config) {
		c.URL = "redis://" + proxy.Addr
		c.Timeout = 50 * time.Millisecond
	})
	ctx := context.Background()
	require.NoError(t, r.Set(ctx, "k", []byte("v")))
	proxy.SetDelay(80 * time.Millisecond)
	for range DefaultFailureThreshold {
		_, err := r.Get(ctx, "k")
		require.Error(t, err)
	}
	require.False(t, r.State().Up)
	proxy.SetDelay(30 * time.Millisecond) // up, slower than dial+handshake+PING in 50 ms
	require.Eventually(t, func() bool { return r.State().Up }, 20*time.Second, 10*time.Millisecond)
	require.Zero(t, r.Latency(), "the average starts again once Redis is back")
	for range 2 { // the first round trip, which dials, is not counted
		_, err := r.Get(ctx, "k")
		require.NoError(t, err)
	}
	require.GreaterOrEqual(t, r.Latency(), 30*time.Millisecond)
}

// TestRedisSlowerThan: the moving average of round trips tells callers
// whether asking pays; once a second a caller is let through anyway, so
// that a Redis that became fast again is noticed.
func TestRedisSlowerThan(t *testing.T) {
	rs := redistest.Start(t)
	proxy := redistest.NewDelayProxy(t, rs.Addr)
	r, m := newTestRedis(t, rs, func(c *Config) { c.URL = "redis://" + proxy.Addr })
	ctx := context.Background()
	require.False(t, r.SlowerThan(time.Nanosecond), "no round trip yet: nothing is known")
	proxy.SetDelay(20 * time.Millisecond)
	for range 4 {
		_, err := r.Get(ctx, "absent")
		require.NoError(t, err)
	}
	require.GreaterOrEqual(t, r.Latency(), 20*time.Millisecond)
	require.False(t, r.SlowerThan(time.Second), "faster than a second of computing")
	require.False(t, r.SlowerThan(time.Millisecond), "the first slow verdict of a second is a sample")
	for range 10 {
		require.True(t, r.SlowerThan(time.Millisecond))
	}
	require.EqualValues(t, 10, value(t, m.redisSkipped.WithLabelValues("slow")))
	proxy.SetDelay(0)
	for range 40 {
		_, err := r.Get(ctx, "absent")
		require.NoError(t, err)
	}
	require.Less(t, r.Latency(), 5*time.Millisecond, "the average follows a Redis that is fast again")
}
