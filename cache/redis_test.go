package cache

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache/redistest"
)

func newTestRedis(t *testing.T, rs *redistest.Server, edit func(*Config)) (*Redis, *Metrics) {
	t.Helper()
	m := NewMetrics(nil)
	cfg := Config{URL: rs.URL(), Prefix: "test:" + t.Name() + ":", TTL: time.Hour, Timeout: time.Second,
		ProbeInterval: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler), Metrics: m}
	if edit != nil {
		edit(&cfg)
	}
	r, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, r.Close()) })
	return r, m
}

func TestRedisGetSet(t *testing.T) {
	rs := redistest.Start(t)
	client := rs.Client()
	ctx := context.Background()
	r, m := newTestRedis(t, rs, nil)

	v, err := r.Get(ctx, "k")
	require.NoError(t, err)
	require.Nil(t, v, "a miss is (nil, nil)")
	require.NoError(t, r.Set(ctx, "k", []byte("small value")))
	v, err = r.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, []byte("small value"), v)

	big := bytes.Repeat([]byte(`{"code":"E0114","display":"Crutches"},`), 10000)
	require.NoError(t, r.Set(ctx, "big", big))
	v, err = r.Get(ctx, "big")
	require.NoError(t, err)
	require.Equal(t, big, v)

	// Keys carry the prefix and the TTL.
	prefix := "test:" + t.Name() + ":"
	keys, err := client.Keys(ctx, prefix+"*").Result()
	require.NoError(t, err)
	require.ElementsMatch(t, []string{prefix + "k", prefix + "big"}, keys)
	stored, err := client.StrLen(ctx, prefix+"big").Result()
	require.NoError(t, err)
	require.Less(t, stored, int64(len(big)/4), "large values are stored compressed")
	ttl, err := client.TTL(ctx, prefix+"k").Result()
	require.NoError(t, err)
	require.Greater(t, ttl, 59*time.Minute)
	require.LessOrEqual(t, ttl, time.Hour)

	require.EqualValues(t, 2, value(t, m.redisHit))
	require.EqualValues(t, 1, value(t, m.redisMiss))
	require.True(t, r.State().Up)
	require.Equal(t, Single, r.State().Mode)
	require.Equal(t, []string{rs.Addr}, r.State().Addrs)
}

func TestRedisCorruptEntry(t *testing.T) {
	rs := redistest.Start(t)
	ctx := context.Background()
	r, m := newTestRedis(t, rs, nil)
	prefix := "test:" + t.Name() + ":"
	require.NoError(t, rs.Client().Set(ctx, prefix+"k", "garbage", 0).Err())
	v, err := r.Get(ctx, "k")
	require.ErrorIs(t, err, ErrCorrupt)
	require.Nil(t, v)
	require.EqualValues(t, 1, value(t, m.redisErrors.WithLabelValues("get", "corrupt")))
	require.True(t, r.State().Up, "garbage is not an outage")
	require.NoError(t, r.Set(ctx, "k", []byte("good")))
	v, err = r.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, []byte("good"), v)

	// A key of another type is an error reply, not an outage.
	require.NoError(t, rs.Client().RPush(ctx, prefix+"list", "x").Err())
	for range 5 {
		_, err = r.Get(ctx, "list")
		require.Error(t, err)
	}
	require.True(t, r.State().Up)
	require.NoError(t, r.Set(ctx, "list", []byte("overwritten")))
	v, err = r.Get(ctx, "list")
	require.NoError(t, err)
	require.Equal(t, []byte("overwritten"), v)
}

func TestRedisCircuitBreaker(t *testing.T) {
	rs := redistest.Start(t)
	ctx := context.Background()
	r, m := newTestRedis(t, rs, func(c *Config) { c.Timeout = 100 * time.Millisecond })
	require.NoError(t, r.Set(ctx, "k", []byte("v")))

	rs.Stop()
	for range DefaultFailureThreshold {
		_, err := r.Get(ctx, "k")
		require.Error(t, err)
		require.NotErrorIs(t, err, ErrUnavailable)
	}
	require.False(t, r.State().Up)
	require.NotEmpty(t, r.State().LastError)
	require.EqualValues(t, 1, value(t, m.circuitOpen))
	// Open: calls return at once without touching the network.
	start := time.Now()
	for range 100 {
		_, err := r.Get(ctx, "k")
		require.ErrorIs(t, err, ErrUnavailable)
		require.ErrorIs(t, r.Set(ctx, "k", []byte("v")), ErrUnavailable)
	}
	require.Less(t, time.Since(start), 100*time.Millisecond)
	require.EqualValues(t, 100, value(t, m.redisSkipped.WithLabelValues("get")))
	require.EqualValues(t, DefaultFailureThreshold, value(t, m.redisErrors.WithLabelValues("get", "error")))

	// The probe closes the circuit once Redis answers again.
	rs.Restart()
	require.Eventually(t, func() bool { return r.State().Up }, 10*time.Second, 5*time.Millisecond)
	require.EqualValues(t, 0, value(t, m.circuitOpen))
	require.NoError(t, r.Set(ctx, "k", []byte("again")))
	v, err := r.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, []byte("again"), v)
}

func TestRedisPingOpensCircuit(t *testing.T) {
	rs := redistest.Start(t)
	r, _ := newTestRedis(t, rs, nil)
	require.NoError(t, r.Ping(context.Background()))
	rs.Stop()
	require.Error(t, r.Ping(context.Background()))
	require.False(t, r.State().Up, "one failed Ping is enough")
	require.ErrorIs(t, r.Ping(context.Background()), ErrUnavailable)
	rs.Restart()
	require.Eventually(t, func() bool { return r.State().Up }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, r.Ping(context.Background()))
}

func TestRedisCallerCancellationIsNotAnOutage(t *testing.T) {
	rs := redistest.Start(t)
	r, m := newTestRedis(t, rs, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 2 * DefaultFailureThreshold {
		_, err := r.Get(ctx, "k")
		require.Error(t, err)
	}
	require.True(t, r.State().Up)
	require.Zero(t, value(t, m.redisErrors.WithLabelValues("get", "error")))
}

func TestRedisErrorLogIsRateLimited(t *testing.T) {
	rs := redistest.Start(t)
	var logs bytes.Buffer
	r, _ := newTestRedis(t, rs, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		c.FailureThreshold = 1000 // keep calling the dead Redis
		c.LogEvery = time.Hour
	})
	rs.Stop()
	for range 50 {
		_, _ = r.Get(context.Background(), "k")
	}
	// The count of held-back lines is internal/ratelog's to test.
	require.Equal(t, 1, strings.Count(logs.String(), "redis call failed"), logs.String())
}

func TestNewRejectsBadConfig(t *testing.T) {
	_, err := New(Config{URL: "redis://localhost:6379", TTL: 0})
	require.Error(t, err)
	_, err = New(Config{URL: "ftp://x", TTL: time.Hour})
	require.Error(t, err)
}
