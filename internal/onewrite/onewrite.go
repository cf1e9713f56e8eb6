package onewrite

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// fullBuffer is the size of net/http's connection write buffer: a write of
// exactly this size is, but for an answer of exactly that size, a buffer
// that filled in the middle of an answer.
const fullBuffer = 4 << 10

// maxHeld bounds what one connection keeps before sending it anyway.
const maxHeld = 64 << 10

// Listener wraps a listener so that its connections coalesce full-buffer
// writes with the write that follows.
type Listener struct {
	net.Listener
}

// Accept returns the next connection, wrapped.
func (l Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c}, nil
}

type conn struct {
	net.Conn
	// mu orders the calls that may send what is held. net/http makes them
	// all from the connection's goroutine; Close, which may come from
	// another (Server.Close) while a write waits on a slow client, takes no
	// lock.
	mu      sync.Mutex
	holding atomic.Bool // something is held: the calls that find it false skip the lock
	held    *[]byte     // what is held, from heldPool; nil while nothing is
	parts   [2][]byte   // what one writev sends: held, then the write that follows
	out     net.Buffers
}

// heldPool lends the buffers of what connections hold, so that an idle
// connection keeps none.
var heldPool = sync.Pool{New: func() any { b := make([]byte, 0, fullBuffer); return &b }}

func (c *conn) Write(p []byte) (int, error) {
	if len(p) != fullBuffer && !c.holding.Load() {
		return c.Conn.Write(p)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(p) == fullBuffer && (c.held == nil || len(*c.held)+len(p) <= maxHeld) {
		if c.held == nil {
			c.held = heldPool.Get().(*[]byte)
		}
		*c.held = append(*c.held, p...)
		c.holding.Store(true)
		return len(p), nil
	}
	if c.held == nil {
		return c.Conn.Write(p)
	}
	return c.sendHeld(p)
}

// sendHeld sends what is held followed by p in one write, and reports how
// much of p was sent.
func (c *conn) sendHeld(p []byte) (int, error) {
	held := len(*c.held)
	var sent int64
	var err error
	if tcp, ok := tcpConn(c.Conn); ok {
		c.parts = [2][]byte{*c.held, p}
		c.out = c.parts[:]
		sent, err = c.out.WriteTo(tcp) // one writev
		c.parts = [2][]byte{}
	} else {
		*c.held = append(*c.held, p...)
		var n int
		n, err = c.Conn.Write(*c.held)
		sent = int64(n)
	}
	if cap(*c.held) <= 2*fullBuffer {
		*c.held = (*c.held)[:0]
		heldPool.Put(c.held)
	}
	c.held = nil
	c.holding.Store(false)
	return max(int(sent)-held, 0), err
}

// writeThrough is a wrapped connection that passes writes unchanged to the
// one it returns (internal/connfront). Not NetConn: crypto/tls has one, and
// its writes are anything but unchanged.
type writeThrough interface{ WritesThrough() net.Conn }

// tcpConn finds the TCP socket under nc, through wrappers that pass writes
// through unchanged.
func tcpConn(nc net.Conn) (*net.TCPConn, bool) {
	for {
		switch c := nc.(type) {
		case *net.TCPConn:
			return c, true
		case writeThrough:
			nc = c.WritesThrough()
		default:
			return nil, false
		}
	}
}

// flush sends what is held. A connection that could not is closed: the
// answer it was part of is cut, and net/http, which was told the bytes
// were written, must not serve another answer on it.
func (c *conn) flush() error {
	if c.held == nil {
		return nil
	}
	if _, err := c.sendHeld(nil); err != nil {
		_ = c.Conn.Close()
		return err
	}
	return nil
}

// SetWriteDeadline is called by net/http after every response: what is
// held goes first, under the deadline it was written under.
func (c *conn) SetWriteDeadline(t time.Time) error {
	return c.flushThen(c.Conn.SetWriteDeadline, t)
}

func (c *conn) SetDeadline(t time.Time) error {
	return c.flushThen(c.Conn.SetDeadline, t)
}

// SetReadDeadline sends what is held too: net/http sets it before it waits
// for the next request, and when a handler takes the connection over.
func (c *conn) SetReadDeadline(t time.Time) error {
	return c.flushThen(c.Conn.SetReadDeadline, t)
}

// flushThen sends what is held, then sets a deadline.
func (c *conn) flushThen(set func(time.Time) error, t time.Time) error {
	if c.holding.Load() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if err := c.flush(); err != nil {
			return err
		}
	}
	return set(t)
}

// CloseWrite is what net/http calls to end a connection politely
// (closeWriteAndWait).
func (c *conn) CloseWrite() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.flush(); err != nil {
		return err
	}
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// Close drops what is held: net/http sends it first on every orderly
// close (after the response's SetWriteDeadline, or by CloseWrite), and a
// Close from elsewhere cuts the connection anyway.
func (c *conn) Close() error {
	return c.Conn.Close()
}
