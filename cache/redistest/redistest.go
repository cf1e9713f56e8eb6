package redistest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// startTimeout is how long a fresh redis-server may take to answer PING.
const startTimeout = 10 * time.Second

// Server is one redis-server process.
type Server struct {
	// Addr is host:port; it stays the same across Stop and Start.
	Addr string

	tb   testing.TB
	bin  string
	port int
	args func(port int) []string // extra arguments (cluster, sentinel)
	dir  string                  // its working directory
	// busPort is a Cluster node's cluster bus port, set by args: the
	// default, port+10000, may be taken or out of range.
	busPort int
	ready   func(*redis.Client) error

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan error    // receives cmd.Wait's result
	client *redis.Client // Client's, made once
}

// Binary returns the redis-server to run, failing tb when there is none.
func Binary(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("REDIS_SERVER"); p != "" {
		return p
	}
	p, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Fatalf("redistest: redis-server is not installed (not on PATH and $REDIS_SERVER unset): %v; "+
			"install it (apt-get install redis-server) — cache tests run against a real Redis and never skip", err)
	}
	return p
}

// Start runs a new redis-server on a free port and waits until it answers
// PING. It is killed when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	return start(tb, &Server{tb: tb, bin: Binary(tb)})
}

// StartCluster runs a one-node Redis Cluster that owns every hash slot:
// the smallest real cluster, enough to exercise the cluster client.
func StartCluster(tb testing.TB) *Server {
	tb.Helper()
	dir := tb.TempDir()
	s := &Server{tb: tb, bin: Binary(tb)}
	s.args = func(port int) []string {
		return []string{"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, fmt.Sprintf("nodes-%d.conf", port)), "--dir", dir}
	}
	s.ready = func(c *redis.Client) error {
		ctx := context.Background()
		if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil && !strings.Contains(err.Error(), "already busy") {
			return err
		}
		state, err := c.ClusterInfo(ctx).Result()
		if err != nil {
			return err
		}
		if !strings.Contains(state, "cluster_state:ok") {
			return fmt.Errorf("cluster not ready")
		}
		return nil
	}
	return start(tb, s)
}

// StartSentinel runs a Sentinel watching master under the name name, and
// waits until it knows the master's address. With one Sentinel (quorum 1)
// there is no failover: StartSentinelGroup has one.
func StartSentinel(tb testing.TB, master *Server, name string) *Server {
	tb.Helper()
	return startSentinel(tb, master, name, 1, "")
}

func start(tb testing.TB, s *Server) *Server {
	tb.Helper()
	s.dir = tb.TempDir()
	var err error
	for range 5 { // another process may take the free port before us
		s.port, err = freePort()
		require.NoError(tb, err)
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
		if err = s.start(); err == nil {
			break
		}
	}
	require.NoError(tb, err, "redistest: starting redis-server")
	tb.Cleanup(s.Stop)
	return s
}

// Stop kills the server; Stop on a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd, s.exited = nil, nil
}

// Restart starts the server again on the same port, empty, and waits until
// it answers.
func (s *Server) Restart() {
	s.tb.Helper()
	require.NoError(s.tb, s.start(), "redistest: restarting redis-server on %s", s.Addr)
}

// Client returns the go-redis client of the server, made on first use and
// closed when the test ends; it reconnects across Stop and Restart.
func (s *Server) Client() *redis.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client == nil {
		c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1, DisableIdentity: true})
		s.tb.Cleanup(func() { _ = c.Close() })
		s.client = c
	}
	return s.client
}

// URL is the redis:// URL of the server.
func (s *Server) URL() string { return "redis://" + s.Addr }

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return fmt.Errorf("already running")
	}
	out := &bytes.Buffer{}
	// --dir: a replica writes the data it syncs to dump.rdb there.
	args := []string{"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"}
	if s.args != nil {
		// A config file must come first; sentinel takes no persistence flags.
		extra := s.args(s.port)
		if len(extra) > 0 && strings.HasSuffix(extra[0], ".conf") {
			args = append(extra, "--loglevel", "warning")
		} else {
			args = append(args, extra...)
		}
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", s.bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Waiting for an external process to come up is inherent: poll PING
	// until a deadline.
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1, DisableIdentity: true, DialTimeout: time.Second})
	defer c.Close()
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("redis-server on port %d exited: %v\n%s", s.port, err, out)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil && s.ready != nil {
			err = s.ready(c)
		}
		if err == nil {
			s.cmd, s.exited = cmd, exited
			return nil
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server on port %d did not answer PING within %v: %v\n%s", s.port, startTimeout, err, out)
		}
		select {
		case err := <-exited:
			return fmt.Errorf("redis-server on port %d exited: %v\n%s", s.port, err, out)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
