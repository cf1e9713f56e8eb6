package connfront

import (
	"errors"
	"net"
	"sync/atomic"
	"time"
)

// Answerer answers requests from what it already holds.
type Answerer interface {
	// Answer returns the complete answer to r: the status line and headers
	// (appended to dst, the blank line included) and the body, which the
	// connection writes and does not keep. ok is false to let net/http
	// answer r.
	Answer(dst []byte, r *Request) (head, body []byte, ok bool)
}

// Config configures a Listener.
type Config struct {
	Answer Answerer
	// Headers are the names of the headers, other than Host and
	// Connection, that a request may carry and still be offered.
	Headers []string
	// Off, when set and true, sends every request to net/http (while the
	// server drains, so that its answers close their connections).
	Off func() bool
	// The server's timeouts: ReadHeaderTimeout, for a head once its first
	// bytes arrived, and WriteTimeout, for each answer written here.
	HeaderTimeout, WriteTimeout time.Duration
	// MaxHeaderBytes is the server's (0: net/http's default): a head that
	// does not end within it and 4 KB more, which net/http refuses, is
	// net/http's.
	MaxHeaderBytes int

	// Answered counts the answers given on connections, for metrics.
	Answered atomic.Int64
}

// Listener wraps a listener so that its connections answer what they can.
type Listener struct {
	net.Listener
	Config *Config
}

// Accept returns the next connection, wrapped.
func (l Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, cfg: l.Config}, nil
}

// rearmEvery is how often a run of answers moves the deadlines forward.
const rearmEvery = time.Second

// conn is one connection. net/http calls it from the connection's
// goroutine, and Read also from the goroutine of its background read while
// a handler runs, which ends before the next call of the first (net/http's
// abortPendingRead); no lock is needed. Close may come from anywhere and
// touches only state.
type conn struct {
	net.Conn
	cfg *Config

	// buf[start:end] was read from the socket and not yet handed to
	// net/http (pending).
	buf        []byte
	start, end int
	err        error // a read error to give net/http once pending is handed

	// handing is what remains to hand net/http of the request it reads.
	handing int64
	// busy: net/http has a whole request and has not finished answering it.
	busy bool
	// answering: net/http waits for a request with nothing buffered, so the
	// connection may answer (false until net/http answered the first).
	answering bool
	// passing: the connection is net/http's for good.
	passing bool

	head      head
	out       []byte
	parts     [2][]byte
	buffers   net.Buffers
	idle      time.Duration // net/http's idle timeout, learnt from the deadline it set before it waited; 0: none
	readArm   time.Time     // when the read deadline was last moved
	writeArm  time.Time     // when the write deadline was last set for an answer
	headStart bool          // a head's first bytes came in while answering

	state atomic.Int32 // writing, closeAsked
}

// WritesThrough returns the socket, to which writes pass unchanged, so that
// a wrapper can write to it directly (internal/onewrite's writev).
func (c *conn) WritesThrough() net.Conn { return c.Conn }

func (c *conn) Read(p []byte) (int, error) {
	for {
		switch {
		case c.passing || c.handing > 0:
			return c.hand(p)
		case c.busy:
			if err := c.watch(); err != nil {
				return 0, err
			}
		default:
			if err := c.next(); err != nil {
				return 0, err
			}
		}
	}
}

// watch is net/http's background read, which watches for the client
// going away while a handler runs, and ends when net/http, done with the
// handler, sets a read deadline in the past (abortPendingRead). What the
// client sends meanwhile (the next request: a client may send it as soon
// as it has the answer, which a handler can flush before it returns) is
// kept for after the answer, within the bounds of a head; beyond them, or
// when the client goes away after sending it, it is net/http's, as it
// would be without the connection front, and so is the connection.
func (c *conn) watch() error {
	if c.err != nil || c.end-c.start > c.maxHead() {
		c.passing = true
		return nil
	}
	err := c.fill()
	switch {
	case err == nil:
		return nil
	case c.start == c.end || isTimeout(err):
		return err
	default:
		c.err, c.passing = err, true
		return nil
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// hand gives net/http what is pending, then reads from the socket, never
// past the end of the request net/http reads unless the connection is
// net/http's.
func (c *conn) hand(p []byte) (n int, err error) {
	if !c.passing && int64(len(p)) > c.handing {
		p = p[:c.handing]
	}
	switch {
	case c.start < c.end:
		n = copy(p, c.buf[c.start:c.end])
		c.consume(n)
	case c.err != nil:
		err, c.err = c.err, nil
	default:
		n, err = c.Conn.Read(p)
	}
	if !c.passing {
		if c.handing -= int64(n); c.handing == 0 {
			c.busy = true
		}
	}
	return n, err
}

// next reads the next request head, answers it if it can and goes on, or
// sets the connection to hand it to net/http. It returns only a read error
// with nothing pending.
func (c *conn) next() error {
	for {
		kind := parseHead(c.buf[c.start:c.end], c.cfg.Headers, &c.head)
		switch kind {
		case headIncomplete:
			if c.end-c.start > c.maxHead() {
				c.passing = true
				return nil
			}
			if err := c.fill(); err != nil {
				if c.start == c.end {
					return err
				}
				c.err, c.passing = err, true
				return nil
			}
			continue
		case headUnknown:
			c.passing = true
			return nil
		case headOffered:
			if c.answering && (c.cfg.Off == nil || !c.cfg.Off()) {
				var body []byte
				var ok bool
				c.out, body, ok = c.cfg.Answer.Answer(c.out[:0], &c.head.req)
				if ok {
					c.cfg.Answered.Add(1)
					if err := c.write(body); err != nil {
						return err
					}
					c.consume(c.head.length)
					continue
				}
			}
		}
		// headDelimited, or an offered head not answered here.
		c.handing = int64(c.head.length) + c.head.body
		c.answering = false
		return nil
	}
}

// defaultMaxHeaderBytes is net/http's DefaultMaxHeaderBytes.
const defaultMaxHeaderBytes = 1 << 20

// maxHead is the most net/http reads of a head (server.go's
// initialReadLimitSize).
func (c *conn) maxHead() int {
	if c.cfg.MaxHeaderBytes > 0 {
		return c.cfg.MaxHeaderBytes + 4096
	}
	return defaultMaxHeaderBytes + 4096
}

// consume drops n pending bytes.
func (c *conn) consume(n int) {
	if c.start += n; c.start == c.end {
		c.start, c.end = 0, 0
		if cap(c.buf) > maxKeptBuffer {
			c.buf = nil
		}
	}
}

// maxKeptBuffer bounds the buffer a connection keeps between requests.
const maxKeptBuffer = 16 << 10

// fill reads more of a head from the socket.
func (c *conn) fill() error {
	if c.answering && c.start < c.end && !c.headStart && c.cfg.HeaderTimeout > 0 {
		// net/http gives a head its header timeout from its first bytes.
		c.headStart = true
		c.readArm = time.Time{}
		if err := c.Conn.SetReadDeadline(time.Now().Add(c.cfg.HeaderTimeout)); err != nil {
			return err
		}
	}
	if len(c.buf)-c.end < 1024 {
		if c.start > 0 && len(c.buf)-(c.end-c.start) >= 1024 {
			c.end = copy(c.buf, c.buf[c.start:c.end])
		} else {
			grown := make([]byte, max(2*len(c.buf), 4096))
			c.end = copy(grown, c.buf[c.start:c.end])
			c.buf = grown
		}
		c.start = 0
	}
	n, err := c.Conn.Read(c.buf[c.end:])
	c.end += n
	if n > 0 {
		return nil
	}
	return err
}

// write sends an answer: c.out, then body, in one write, under the write
// timeout; then the idle deadline net/http set before it waited starts
// again, at most once a second.
func (c *conn) write(body []byte) error {
	now := time.Now()
	if c.cfg.WriteTimeout > 0 && now.Sub(c.writeArm) > rearmEvery {
		c.writeArm = now
		if err := c.Conn.SetWriteDeadline(now.Add(c.cfg.WriteTimeout)); err != nil {
			return err
		}
	}
	if !c.state.CompareAndSwap(0, writing) {
		return net.ErrClosed
	}
	c.parts = [2][]byte{c.out, body}
	c.buffers = c.parts[:]
	_, err := c.buffers.WriteTo(c.Conn)
	c.parts = [2][]byte{}
	if !c.state.CompareAndSwap(writing, 0) {
		c.state.Store(closeAsked)
		_ = c.Conn.Close()
		return net.ErrClosed
	}
	if err != nil {
		return err
	}
	if c.headStart || c.idle > 0 && now.Sub(c.readArm) > rearmEvery {
		c.headStart = false
		c.readArm = now
		var deadline time.Time
		if c.idle > 0 {
			deadline = now.Add(c.idle)
		}
		if err := c.Conn.SetReadDeadline(deadline); err != nil {
			return err
		}
	}
	return nil
}

// SetWriteDeadline with the zero time is what net/http calls once it has
// answered a request (conn.serve, after finishRequest): if it read the
// whole request, it waits for the next with nothing buffered, and the
// connection may answer.
func (c *conn) SetWriteDeadline(t time.Time) error {
	if t.IsZero() && c.busy && !c.passing {
		c.busy, c.answering = false, true
	}
	c.writeArm = time.Time{} // the next answer sets its own
	return c.Conn.SetWriteDeadline(t)
}

// SetDeadline is not what net/http calls; the next answer sets its own
// deadlines.
func (c *conn) SetDeadline(t time.Time) error {
	c.writeArm, c.readArm = time.Time{}, time.Time{}
	return c.Conn.SetDeadline(t)
}

// SetReadDeadline learns the idle timeout: the deadline net/http sets
// before it waits for the next request.
func (c *conn) SetReadDeadline(t time.Time) error {
	if c.answering && !c.passing {
		c.readArm, c.idle = time.Now(), 0
		if !t.IsZero() {
			c.idle = t.Sub(c.readArm)
		}
	}
	return c.Conn.SetReadDeadline(t)
}

// The states of an answer's write and of Close.
const (
	writing    = 1 << iota // an answer is being written
	closeAsked             // Close was called
)

// Close closes the connection, but not under an answer being written: to
// net/http a connection waiting for its next request is idle, and
// Server.Shutdown closes idle connections. An answer it would cut is one
// net/http would have let finish; the write closes the connection once
// the answer is out (or its write deadline passed).
func (c *conn) Close() error {
	for {
		switch s := c.state.Load(); {
		case s&closeAsked != 0:
			return nil
		case s&writing != 0:
			if c.state.CompareAndSwap(s, s|closeAsked) {
				return nil
			}
		case c.state.CompareAndSwap(s, closeAsked):
			return c.Conn.Close()
		}
	}
}

// CloseWrite is what net/http calls to end a connection politely.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
