package redistest

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// DelayProxy is a TCP proxy on loopback that holds every chunk Redis sends
// back for a settable delay: a slow Redis, or a slow network to it, for
// fault tests. Requests pass at once, so the delay is one per round trip.
type DelayProxy struct {
	// Addr is the proxy's host:port, to connect to instead of Redis.
	Addr string

	target string
	delay  atomic.Int64 // nanoseconds
	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]bool
}

// NewDelayProxy proxies to target with no delay yet; it stops when the test
// ends.
func NewDelayProxy(tb testing.TB, target string) *DelayProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	p := &DelayProxy{Addr: ln.Addr().String(), target: target, ln: ln, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	tb.Cleanup(p.Close)
	return p
}

// SetDelay sets the delay of every later reply.
func (p *DelayProxy) SetDelay(d time.Duration) { p.delay.Store(int64(d)) }

// Close stops accepting and cuts every proxied connection.
func (p *DelayProxy) Close() {
	_ = p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *DelayProxy) track(c net.Conn, add bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		p.conns[c] = true
	} else {
		delete(p.conns, c)
	}
}

func (p *DelayProxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		p.track(client, true)
		p.track(server, true)
		p.wg.Add(2)
		go func() { // requests: at once
			defer p.wg.Done()
			_, _ = io.Copy(server, client)
			_ = server.Close()
			p.track(server, false)
		}()
		go func() { // replies: each chunk after the delay
			defer p.wg.Done()
			buf := make([]byte, 32<<10)
			for {
				n, err := server.Read(buf)
				if n > 0 {
					time.Sleep(time.Duration(p.delay.Load())) // the fault being simulated, not synchronisation
					if _, werr := client.Write(buf[:n]); werr != nil {
						break
					}
				}
				if err != nil {
					break
				}
			}
			_ = client.Close()
			p.track(client, false)
		}()
	}
}
