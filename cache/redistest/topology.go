package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// failoverTimeout bounds the setup of a topology and each wait for a
// failover: node timeouts of a second make one take a few seconds.
const failoverTimeout = 45 * time.Second

// nodeTimeout is the Cluster's cluster-node-timeout and the Sentinels'
// down-after-milliseconds: short, so that a failover takes seconds, but
// not so short that a loaded test machine fails over on its own.
const nodeTimeout = 1500 * time.Millisecond

// Cluster is a Redis Cluster of several masters, each owning an equal
// share of the hash slots and having one replica that takes over when it
// dies.
type Cluster struct {
	// Masters and Replicas as started: Replicas[i] replicates Masters[i].
	// After a failover the roles are swapped; Role tells.
	Masters, Replicas []*Server
}

// StartShardedCluster runs a Cluster of masters masters, each with one
// replica, and waits until every node sees the cluster as ok and every
// replica is in sync. Every process is killed when the test ends.
func StartShardedCluster(tb testing.TB, masters int) *Cluster {
	tb.Helper()
	dir := tb.TempDir()
	node := func() *Server {
		s := &Server{tb: tb, bin: Binary(tb)}
		s.args = func(port int) []string {
			if s.busPort == 0 { // chosen once, kept across restarts
				var err error
				s.busPort, err = freePort()
				require.NoError(tb, err)
			}
			return []string{"--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(s.busPort),
				"--cluster-config-file", filepath.Join(dir, fmt.Sprintf("nodes-%d.conf", port)),
				"--cluster-node-timeout", strconv.Itoa(int(nodeTimeout.Milliseconds())),
				// A replica takes over however long it was cut off.
				"--cluster-replica-validity-factor", "0"}
		}
		return start(tb, s)
	}
	c := &Cluster{}
	for range masters {
		c.Masters = append(c.Masters, node())
		c.Replicas = append(c.Replicas, node())
	}
	ctx := context.Background()
	first := c.Masters[0].Client()
	for i, m := range c.Masters {
		lo, hi := i*16384/masters, (i+1)*16384/masters-1
		require.NoError(tb, m.Client().Do(ctx, "CLUSTER", "ADDSLOTSRANGE", lo, hi).Err())
	}
	for _, s := range c.all()[1:] {
		host, port, _ := net.SplitHostPort(s.Addr)
		require.NoError(tb, first.Do(ctx, "CLUSTER", "MEET", host, port, s.busPort).Err())
	}
	n := len(c.all())
	require.Eventually(tb, func() bool {
		for _, s := range c.all() {
			nodes, err := s.Client().ClusterNodes(ctx).Result()
			if err != nil || strings.Count(strings.TrimSpace(nodes), "\n")+1 != n || strings.Contains(nodes, "handshake") {
				return false
			}
		}
		return true
	}, failoverTimeout, 20*time.Millisecond, "redistest: the cluster's nodes did not meet")
	for i, r := range c.Replicas {
		id := c.Masters[i].NodeID()
		require.NoError(tb, r.Client().Do(ctx, "CLUSTER", "REPLICATE", id).Err())
	}
	require.Eventually(tb, func() bool {
		for _, s := range c.all() {
			info, err := s.Client().ClusterInfo(ctx).Result()
			if err != nil || !strings.Contains(info, "cluster_state:ok") {
				return false
			}
		}
		for _, r := range c.Replicas {
			if r.Role() != "slave" || !strings.Contains(r.info("replication"), "master_link_status:up") {
				return false
			}
		}
		return true
	}, failoverTimeout, 20*time.Millisecond, "redistest: the cluster did not become ok with its replicas in sync")
	return c
}

func (c *Cluster) all() []*Server { return append(append([]*Server{}, c.Masters...), c.Replicas...) }

// Addrs are the masters' addresses, as a client's seed list.
func (c *Cluster) Addrs() []string {
	var out []string
	for _, m := range c.Masters {
		out = append(out, m.Addr)
	}
	return out
}

// WaitTakenOver waits until replica is a master and every node still
// running sees the cluster as ok: the failover after its master died.
func (c *Cluster) WaitTakenOver(replica *Server) {
	replica.tb.Helper()
	ctx := context.Background()
	require.Eventually(replica.tb, func() bool {
		if replica.Role() != "master" {
			return false
		}
		for _, s := range c.all() {
			if !s.running() {
				continue
			}
			info, err := s.Client().ClusterInfo(ctx).Result()
			if err != nil || !strings.Contains(info, "cluster_state:ok") {
				return false
			}
		}
		return true
	}, failoverTimeout, 20*time.Millisecond, "redistest: %s did not take over", replica.Addr)
}

// NodeID is the server's Cluster node id.
func (s *Server) NodeID() string {
	s.tb.Helper()
	id, err := s.Client().Do(context.Background(), "CLUSTER", "MYID").Text()
	require.NoError(s.tb, err)
	return id
}

// Role is "master" or "slave" (INFO replication), or "" when the server
// does not answer.
func (s *Server) Role() string {
	for _, line := range strings.Split(s.info("replication"), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "role:"); ok {
			return v
		}
	}
	return ""
}

func (s *Server) info(section string) string {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	v, _ := s.Client().Info(ctx, section).Result()
	return v
}

func (s *Server) running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd != nil
}

// SentinelGroup is a master, its replica, and three Sentinels watching
// them with a quorum of two: the smallest group that fails over on its own
// when the master dies.
type SentinelGroup struct {
	Name      string
	Master    *Server
	Replica   *Server
	Sentinels []*Server
}

// StartSentinelGroup runs the group under the master name name and waits
// until the replica is in sync and every Sentinel knows the replica and
// the other Sentinels (what a failover needs).
func StartSentinelGroup(tb testing.TB, name string) *SentinelGroup {
	tb.Helper()
	g := &SentinelGroup{Name: name, Master: Start(tb)}
	g.Replica = StartReplica(tb, g.Master)
	for range 3 {
		g.Sentinels = append(g.Sentinels, startSentinel(tb, g.Master, name, 2,
			fmt.Sprintf("sentinel down-after-milliseconds %s %d\nsentinel failover-timeout %s 10000\n", name, nodeTimeout.Milliseconds(), name)))
	}
	ctx := context.Background()
	require.Eventually(tb, func() bool {
		if !strings.Contains(g.Replica.info("replication"), "master_link_status:up") {
			return false
		}
		for _, s := range g.Sentinels {
			c := s.Client()
			others, err := c.Do(ctx, "SENTINEL", "SENTINELS", name).Slice()
			if err != nil || len(others) != len(g.Sentinels)-1 {
				return false
			}
			replicas, err := c.Do(ctx, "SENTINEL", "REPLICAS", name).Slice()
			if err != nil || len(replicas) != 1 {
				return false
			}
		}
		return true
	}, failoverTimeout, 20*time.Millisecond, "redistest: the Sentinels did not find each other and the replica")
	return g
}

// Addrs are the Sentinels' addresses.
func (g *SentinelGroup) Addrs() []string {
	var out []string
	for _, s := range g.Sentinels {
		out = append(out, s.Addr)
	}
	return out
}

// WaitPromoted waits until every Sentinel names the replica as the master
// and the replica has taken the role: the failover after the master died.
func (g *SentinelGroup) WaitPromoted() {
	tb := g.Replica.tb
	tb.Helper()
	ctx := context.Background()
	require.Eventually(tb, func() bool {
		if g.Replica.Role() != "master" {
			return false
		}
		for _, s := range g.Sentinels {
			addr, err := s.Client().Do(ctx, "SENTINEL", "get-master-addr-by-name", g.Name).StringSlice()
			if err != nil || len(addr) != 2 || net.JoinHostPort(addr[0], addr[1]) != g.Replica.Addr {
				return false
			}
		}
		return true
	}, failoverTimeout, 20*time.Millisecond, "redistest: the Sentinels did not promote %s", g.Replica.Addr)
}

// StartReplica runs a replica of master and waits until it is in sync.
func StartReplica(tb testing.TB, master *Server) *Server {
	tb.Helper()
	host, port, _ := net.SplitHostPort(master.Addr)
	s := &Server{tb: tb, bin: Binary(tb)}
	s.args = func(int) []string { return []string{"--replicaof", host, port} }
	s.ready = func(c *redis.Client) error {
		info, err := c.Info(context.Background(), "replication").Result()
		if err != nil || !strings.Contains(info, "master_link_status:up") {
			return fmt.Errorf("replica not in sync yet: %v", err)
		}
		return nil
	}
	return start(tb, s)
}

// startSentinel runs a Sentinel watching master under name with the given
// quorum and extra configuration lines, and waits until it knows the
// master's address.
func startSentinel(tb testing.TB, master *Server, name string, quorum int, extra string) *Server {
	tb.Helper()
	dir := tb.TempDir()
	s := &Server{tb: tb, bin: Binary(tb)}
	host, port, _ := net.SplitHostPort(master.Addr)
	s.args = func(p int) []string {
		// Sentinel rewrites its file (the others it found, the current
		// master), so the file is written once and kept across restarts.
		conf := filepath.Join(dir, fmt.Sprintf("sentinel-%d.conf", p))
		if _, err := os.Stat(conf); err != nil {
			body := fmt.Sprintf("port %d\nbind 127.0.0.1\nsentinel monitor %s %s %s %d\n%s", p, name, host, port, quorum, extra)
			require.NoError(tb, os.WriteFile(conf, []byte(body), 0o600))
		}
		return []string{conf, "--sentinel"}
	}
	s.ready = func(c *redis.Client) error {
		addr, err := c.Do(context.Background(), "SENTINEL", "get-master-addr-by-name", name).StringSlice()
		if err != nil || len(addr) != 2 {
			return fmt.Errorf("sentinel does not know %s yet: %v", name, err)
		}
		return nil
	}
	return start(tb, s)
}
