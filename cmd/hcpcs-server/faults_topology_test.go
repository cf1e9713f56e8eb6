package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache"
	"github.com/hcpcs-server/hcpcs-server/cache/redistest"
	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// The real Redis topologies of issue 9, §4: a Sentinel group and a
// three-master Cluster, each started from redis-server on loopback, lose
// their master under load. The server is configured with the README's own
// --redis line for the topology, so that the README is tested too.

// readmeRedisURL returns the README's example --redis '<scheme>://…' line's
// URL; there must be exactly one.
func readmeRedisURL(t *testing.T, scheme string) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "README.md"))
	require.NoError(t, err)
	m := regexp.MustCompile(`--redis '(`+regexp.QuoteMeta(scheme)+`://[^']+)'`).FindAllStringSubmatch(string(readme), -1)
	require.Len(t, m, 1, "README: one example of --redis '%s://…'", scheme)
	return m[0][1]
}

// withHosts replaces the hosts of a Redis URL, in order, by addrs, and
// keeps everything else (database, master name): the README's form with
// this test's processes.
func withHosts(t *testing.T, raw string, addrs []string) string {
	t.Helper()
	scheme, rest, _ := strings.Cut(raw, "://")
	hosts, tail := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		hosts, tail = rest[:i], rest[i:]
	}
	require.Len(t, strings.Split(hosts, ","), len(addrs), "the README's %s example names another number of hosts", scheme)
	return scheme + "://" + strings.Join(addrs, ",") + tail
}

// freshCodes returns n codes of 2025-10 that the load does not ask for:
// lookups that can only be answered from Redis once the server wrote them
// after the failover.
func freshCodes(t *testing.T, base string, n int) []string {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("%s/fhir/ValueSet/$expand?url=%s%%3Ffhir_vs&offset=1000&count=%d", base, hcpcsSystem, 2*n))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var vs struct {
		Expansion struct{ Contains []struct{ Code string } }
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&vs))
	var out []string
	for _, c := range vs.Expansion.Contains {
		if len(out) < n && !slices.Contains(loadCodes, c.Code) {
			out = append(out, c.Code)
		}
	}
	require.Len(t, out, n)
	return out
}

// sharedAgain asks for each code until every one is answered from Redis
// (X-Cache: hit-redis): the server wrote its answers after the failover and
// reads them back. The deadline is well under go-redis's own 60 s reload
// of a Cluster's slot map, which was all that made it find the new owner of
// a dead master's slots before the cache asked for a reload on failure.
func sharedAgain(t *testing.T, base string, codes []string) {
	t.Helper()
	left := slices.Clone(codes)
	var failed []string
	require.Eventually(t, func() bool {
		left = slices.DeleteFunc(left, func(code string) bool {
			resp, err := http.Get(fmt.Sprintf("%s/fhir/CodeSystem/$lookup?system=%s&code=%s", base, hcpcsSystem, code))
			if err != nil {
				failed = append(failed, err.Error())
				return false
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				failed = append(failed, code+": "+resp.Status)
			}
			return resp.Header.Get("X-Cache") == "hit-redis"
		})
		return len(left) == 0
	}, 20*time.Second, 50*time.Millisecond, "not shared again after the failover: %v", left)
	require.Empty(t, failed)
}

func keySet(t *testing.T, c *redis.Client) map[string]bool {
	t.Helper()
	keys, err := c.Keys(context.Background(), "hcpcs:*").Result()
	require.NoError(t, err)
	set := map[string]bool{}
	for _, k := range keys {
		set[k] = true
	}
	return set
}

// newKeys waits until c holds a key that was not in before: a write that
// reached it.
func newKeys(t *testing.T, c *redis.Client, before map[string]bool, what string) {
	t.Helper()
	require.Eventually(t, func() bool {
		for k := range keySet(t, c) {
			if !before[k] {
				return true
			}
		}
		return false
	}, time.Minute, 20*time.Millisecond, "no write reached %s", what)
}

// TestFaultSentinelFailover: the master of a Sentinel group (a replica,
// three Sentinels, quorum two) is killed under load; Sentinel promotes the
// replica and the server, configured with the README's Sentinel URL,
// follows it. Not one request fails, and what the server writes after the
// failover is on the new master.
func TestFaultSentinelFailover(t *testing.T) {
	form := readmeRedisURL(t, "redis-sentinel")
	opts, mode, err := cache.ParseURL(form)
	require.NoError(t, err)
	require.Equal(t, cache.Sentinel, mode)
	g := redistest.StartSentinelGroup(t, opts.MasterName)
	url := withHosts(t, form, g.Addrs())
	// No local tier, and lookups shared too: every request asks Redis.
	srv := startDrainServer(t, "--redis", url, "--cache-size", "0", "--redis-ops", "read,lookup")
	l := startLoad(t, srv.base+"/fhir", 4)
	l.requests(200)
	require.NotEmpty(t, keySet(t, g.Master.Client()), "the server wrote nothing to the first master")

	l.setPhase("during")
	g.Master.Stop()
	g.WaitPromoted()
	promoted := keySet(t, g.Replica.Client()) // what it had replicated
	l.setPhase("after")
	l.requests(200)
	codes := freshCodes(t, srv.base, 10)
	sharedAgain(t, srv.base, codes)
	newKeys(t, g.Replica.Client(), promoted, "the promoted master "+g.Replica.Addr)
	l.finish()
}

// TestFaultClusterFailover: one of the three masters of a Redis Cluster,
// each with a replica, is killed under load; its replica takes over its
// slots. The server, configured with the README's Cluster URL, keeps
// answering (fail-open while the slots have no owner): not one request
// fails, every answer is shared again afterwards, and writes reach the
// replica that took over.
func TestFaultClusterFailover(t *testing.T) {
	form := readmeRedisURL(t, "redis-cluster")
	_, mode, err := cache.ParseURL(form)
	require.NoError(t, err)
	require.Equal(t, cache.Cluster, mode)
	c := redistest.StartShardedCluster(t, 3)
	url := withHosts(t, form, c.Addrs())
	srv := startDrainServer(t, "--redis", url, "--cache-size", "0", "--redis-ops", "read,lookup")
	l := startLoad(t, srv.base+"/fhir", 4)
	l.requests(200)

	l.setPhase("during")
	c.Masters[1].Stop()
	c.WaitTakenOver(c.Replicas[1])
	promoted := keySet(t, c.Replicas[1].Client())
	l.setPhase("after")
	l.requests(200)
	// Thirty new answers: each lands on the new master's third of the
	// slots with odds of one in three, so some do.
	codes := freshCodes(t, srv.base, 30)
	sharedAgain(t, srv.base, codes)
	newKeys(t, c.Replicas[1].Client(), promoted, "the replica that took over "+c.Replicas[1].Addr)
	l.finish()
}
