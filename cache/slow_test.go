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
// as a call). The delays leave a call 70 ms of slack under -race beside
// the rest of make test (with 20 ms, a round trip that dialled missed its
// deadline there), while dialling, the handshake and PING, three round
// trips at least, still cannot fit in one call's deadline.
func TestRedisProbeClosesOnSlowRedis(t *testing.T) {
	const timeout, slow = 150 * time.Millisecond, 80 * time.Millisecond
	rs := redistest.Start(t)
	proxy := redistest.NewDelayProxy(t, rs.Addr)
	r, _ := newTestRedis(t, rs, func(c *Config) {
		c.URL = "redis://" + proxy.Addr
		c.Timeout = timeout
	})
	ctx := context.Background()
	require.NoError(t, r.Set(ctx, "k", []byte("v")))
	proxy.SetDelay(2 * timeout)
	for range DefaultFailureThreshold {
		_, err := r.Get(ctx, "k")
		require.Error(t, err)
	}
	require.False(t, r.State().Up)
	proxy.SetDelay(slow) // up, slower than dial+handshake+PING in one call's deadline
	require.Eventually(t, func() bool { return r.State().Up }, 20*time.Second, 10*time.Millisecond)
	require.Zero(t, r.Latency(), "the average starts again once Redis is back")
	for range 2 { // the first round trip, which dials, is not counted
		_, err := r.Get(ctx, "k")
		require.NoError(t, err)
	}
	require.GreaterOrEqual(t, r.Latency(), slow)
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

// TestRedisTimeoutsThatPass: calls that time out although Redis answers
// in time right after (a process starved of CPU, as at cold start while
// nine releases render) open the circuit only while a PING with a call's
// deadline has not answered; it closes again at once, unannounced. Calls
// that keep timing out are announced as an outage after ProbeTimeout.
// Before, any three timeouts opened the circuit until the next probe, a
// ProbeInterval later (here an hour).
func TestRedisTimeoutsThatPass(t *testing.T) {
	for _, tc := range []struct {
		name    string
		after   time.Duration // the delay once the calls have timed out
		outage  bool
		circuit float64
	}{
		{"answers in time again", 0, false, 0},
		{"still too slow", 80 * time.Millisecond, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := redistest.Start(t)
			proxy := redistest.NewDelayProxy(t, rs.Addr)
			r, m := newTestRedis(t, rs, func(c *Config) {
				c.URL = "redis://" + proxy.Addr
				c.Timeout = 50 * time.Millisecond
				c.ProbeInterval = time.Hour
				c.ProbeTimeout = 500 * time.Millisecond
			})
			ctx := context.Background()
			require.NoError(t, r.Set(ctx, "k", []byte("v")))
			proxy.SetDelay(80 * time.Millisecond)
			for range DefaultFailureThreshold {
				_, err := r.Get(ctx, "k")
				require.Error(t, err)
			}
			require.False(t, r.State().Up, "open while it is not known whether Redis answers in time")
			require.True(t, r.State().Checking, "checking, not announced")
			proxy.SetDelay(tc.after)
			if tc.outage {
				require.Eventually(t, func() bool { return value(t, m.circuitOpen) == 1 }, 20*time.Second, 5*time.Millisecond)
				require.False(t, r.State().Up)
				require.False(t, r.State().Checking, "an outage, announced")
				return
			}
			require.Eventually(t, func() bool { return r.State().Up }, 20*time.Second, 5*time.Millisecond)
			require.Zero(t, value(t, m.circuitOpen), "no outage was announced")
			require.False(t, r.State().Checking)
			v, err := r.Get(ctx, "k")
			require.NoError(t, err)
			require.Equal(t, []byte("v"), v)
		})
	}
}
