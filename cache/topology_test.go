package cache_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/cache/redistest"
)

// TestTopologies runs the Redis tier against a real server, a real
// (one-node) Cluster and a real Sentinel, selected by URL alone.
func TestTopologies(t *testing.T) {
	single := redistest.Start(t)
	cluster := redistest.StartCluster(t)
	master := redistest.Start(t)
	sentinel := redistest.StartSentinel(t, master, "hcpcs")
	for _, tc := range []struct {
		url  string
		mode cache.Mode
	}{
		{"redis://" + single.Addr + "/3", cache.Single},
		{single.Addr, cache.Single},
		{"redis-cluster://" + cluster.Addr, cache.Cluster},
		{"redis-sentinel://" + sentinel.Addr + "/2?master=hcpcs", cache.Sentinel},
	} {
		t.Run(string(tc.mode)+" "+tc.url, func(t *testing.T) {
			r, err := cache.New(cache.Config{URL: tc.url, Prefix: "topo:", TTL: time.Minute, Timeout: time.Second,
				Logger: slog.New(slog.DiscardHandler)})
			require.NoError(t, err)
			defer r.Close()
			require.Equal(t, tc.mode, r.State().Mode)
			ctx := context.Background()
			require.NoError(t, r.Ping(ctx))
			require.NoError(t, r.Set(ctx, "k", []byte(tc.url)))
			v, err := r.Get(ctx, "k")
			require.NoError(t, err)
			require.Equal(t, []byte(tc.url), v)
		})
	}
	// The database of the URL is the one written to, through Sentinel too.
	for addr, db := range map[string]int{master.Addr: 2, single.Addr: 3} {
		c := redis.NewClient(&redis.Options{Addr: addr, DB: db, DisableIdentity: true})
		v, err := c.Get(context.Background(), "topo:k").Result()
		_ = c.Close()
		require.NoError(t, err, "%s db %d", addr, db)
		require.Contains(t, v, fmt.Sprintf("/%d", db))
	}
}
