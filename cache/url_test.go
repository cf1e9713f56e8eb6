package cache_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url      string
		mode     cache.Mode
		addrs    []string
		db       int
		user     string
		pass     string
		master   string
		sentPass string
		tls      bool
	}{
		{url: "redis://localhost:6379/0", mode: cache.Single, addrs: []string{"localhost:6379"}},
		{url: "redis://cache.internal", mode: cache.Single, addrs: []string{"cache.internal:6379"}},
		{url: "redis://:s3cret@10.0.0.5:6380/2", mode: cache.Single, addrs: []string{"10.0.0.5:6380"}, db: 2, pass: "s3cret"},
		{url: "rediss://app:pw@redis.example.org:6380/1", mode: cache.Single, addrs: []string{"redis.example.org:6380"}, db: 1, user: "app", pass: "pw", tls: true},
		{url: "127.0.0.1:6379", mode: cache.Single, addrs: []string{"127.0.0.1:6379"}},
		{url: "redis://[::1]:6379", mode: cache.Single, addrs: []string{"[::1]:6379"}},
		{url: "redis-sentinel://s1:26379,s2,s3:26380/3?master=mymaster&sentinel_password=spw", mode: cache.Sentinel,
			addrs: []string{"s1:26379", "s2:26379", "s3:26380"}, db: 3, master: "mymaster", sentPass: "spw"},
		{url: "rediss-sentinel://:pw@s1?master=m", mode: cache.Sentinel, addrs: []string{"s1:26379"}, pass: "pw", master: "m", tls: true},
		{url: "redis-cluster://n1:7000", mode: cache.Cluster, addrs: []string{"n1:7000"}},
		{url: "rediss-cluster://u:p@n1:7000,n2:7001", mode: cache.Cluster, addrs: []string{"n1:7000", "n2:7001"}, user: "u", pass: "p", tls: true},
		{url: "redis://n1:7000,n2:7001", mode: cache.Cluster, addrs: []string{"n1:7000", "n2:7001"}},
		{url: "n1:7000, n2:7001,n3:7002", mode: cache.Cluster, addrs: []string{"n1:7000", "n2:7001", "n3:7002"}},
	} {
		t.Run(tc.url, func(t *testing.T) {
			o, mode, err := cache.ParseURL(tc.url)
			require.NoError(t, err)
			require.Equal(t, tc.mode, mode)
			require.Equal(t, tc.addrs, o.Addrs)
			require.Equal(t, tc.db, o.DB)
			require.Equal(t, tc.user, o.Username)
			require.Equal(t, tc.pass, o.Password)
			require.Equal(t, tc.master, o.MasterName)
			require.Equal(t, tc.sentPass, o.SentinelPassword)
			require.Equal(t, tc.tls, o.TLSConfig != nil)
			require.Equal(t, tc.mode == cache.Cluster, o.IsClusterMode)
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	for _, u := range []string{
		"",
		"http://localhost:6379",
		"redis://",
		"redis://localhost/abc",
		"redis-sentinel://s1:26379",         // no master
		"redis://localhost?master=m",        // master outside sentinel
		"redis://localhost?dial_timeout=3",  // unknown parameter
		"redis-cluster://n1:7000/1",         // cluster has only db 0
		"redis://:pw@localhost/x?unknown=1", // the password must not leak into the error
	} {
		_, _, err := cache.ParseURL(u)
		require.Error(t, err, u)
		require.NotContains(t, err.Error(), ":pw@", u)
	}
}

func TestRedact(t *testing.T) {
	require.Equal(t, "redis://user:xxxxx@host:6379/0", cache.Redact("redis://user:secret@host:6379/0"))
	require.Equal(t, "redis://:xxxxx@host", cache.Redact("redis://:secret@host"))
	require.Equal(t, "redis://host:6379", cache.Redact("redis://host:6379"))
}
