package main

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// testServer is `serve` run in-process on a free port: every test that
// needs a real server over TCP starts one through startTestServer.
type testServer struct {
	base   string      // http://127.0.0.1:port
	logs   *syncBuffer // what it logged
	cancel context.CancelFunc
	exited chan struct{} // closed when runServe has returned
	err    error         // what it returned
	once   sync.Once
}

// startTestServer runs serve with args after "--listen 127.0.0.1:0
// --drain-delay 0 --redis ”" (later flags win) and the environment env. It
// is stopped, and must have stopped cleanly, when the test ends.
func startTestServer(t *testing.T, env map[string]string, args ...string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{logs: &syncBuffer{}, cancel: cancel, exited: make(chan struct{})}
	ready := make(chan string, 1)
	args = append([]string{"--listen", "127.0.0.1:0", "--drain-delay", "0", "--redis", ""}, args...)
	go func() {
		s.err = runServe(ctx, args, func(k string) string { return env[k] }, s.logs, s.logs, ready)
		close(s.exited)
	}()
	select {
	case addr := <-ready:
		s.base = "http://" + addr
	case <-s.exited:
		cancel()
		t.Fatalf("serve stopped before it listened: %v\n%s", s.err, s.logs)
	}
	t.Cleanup(func() { require.NoError(t, s.stop(), "serve did not shut down cleanly") })
	return s
}

// stop ends the server as SIGTERM does and returns what serve returned.
func (s *testServer) stop() error {
	s.once.Do(func() {
		s.cancel()
		<-s.exited
	})
	return s.err
}
