package onewrite

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// recordingConn is the connection under a conn: it records each write it
// is given, and the calls that must follow what is held.
type recordingConn struct {
	mu     sync.Mutex
	events []string // "write N", "deadline", "closewrite", "close"
	data   bytes.Buffer
	fail   error // returned by Write when set
}

func (r *recordingConn) log(e string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recordingConn) Write(p []byte) (int, error) {
	if r.fail != nil {
		return 0, r.fail
	}
	r.log(fmt.Sprintf("write %d", len(p)))
	r.mu.Lock()
	defer r.mu.Unlock()
	r.data.Write(p)
	return len(p), nil
}

func (r *recordingConn) Read([]byte) (int, error)           { return 0, io.EOF }
func (r *recordingConn) Close() error                       { r.log("close"); return nil }
func (r *recordingConn) CloseWrite() error                  { r.log("closewrite"); return nil }
func (r *recordingConn) LocalAddr() net.Addr                { return &net.TCPAddr{} }
func (r *recordingConn) RemoteAddr() net.Addr               { return &net.TCPAddr{} }
func (r *recordingConn) SetDeadline(time.Time) error        { r.log("deadline"); return nil }
func (r *recordingConn) SetReadDeadline(time.Time) error    { r.log("deadline"); return nil }
func (r *recordingConn) SetWriteDeadline(time.Time) error   { r.log("deadline"); return nil }
func (r *recordingConn) recorded() (events []string, n int) { return r.events, r.data.Len() }

// step is one call on a conn: a write of n bytes, or another call.
type step struct {
	write int
	call  string // "write-deadline", "read-deadline", "deadline", "closewrite"
}

func w(n int) step          { return step{write: n} }
func call(name string) step { return step{call: name} }
func writes(n ...int) []step {
	s := make([]step, len(n))
	for i, v := range n {
		s[i] = w(v)
	}
	return s
}

func (s step) do(t *testing.T, c *conn) {
	t.Helper()
	var err error
	switch s.call {
	case "":
		var n int
		n, err = c.Write(bytes.Repeat([]byte{'x'}, s.write))
		require.Equal(t, s.write, n)
	case "write-deadline":
		err = c.SetWriteDeadline(time.Time{})
	case "read-deadline":
		err = c.SetReadDeadline(time.Time{})
	case "deadline":
		err = c.SetDeadline(time.Time{})
	case "closewrite":
		err = c.CloseWrite()
	}
	require.NoError(t, err)
}

func TestConnCoalescesFullBuffers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []step
		want  []string
	}{
		{"a short answer is sent at once", writes(300), []string{"write 300"}},
		{"a full buffer waits for the rest of the answer", writes(4096, 310), []string{"write 4406"}},
		{"so do several", writes(4096, 4096, 4096, 20), []string{"write 12308"}},
		{"a long remainder goes with it", writes(4096, 70000), []string{"write 74096"}},
		{"an answer of exactly one buffer goes when net/http resets the write deadline",
			append(writes(4096), call("write-deadline")), []string{"write 4096", "deadline"}},
		{"or when it waits for the next request",
			append(writes(4096), call("read-deadline")), []string{"write 4096", "deadline"}},
		{"or on SetDeadline", append(writes(4096), call("deadline")), []string{"write 4096", "deadline"}},
		{"or before the connection is closed politely",
			append(writes(4096), call("closewrite")), []string{"write 4096", "closewrite"}},
		{"a deadline with nothing held is passed on", []step{call("write-deadline"), w(10)}, []string{"deadline", "write 10"}},
		{"what is held stays bounded",
			append(writes(4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096),
				call("write-deadline")),
			[]string{"write 69632", "write 4096", "deadline"}},
		{"and the next answer starts afresh",
			append(append(writes(4096, 5), call("write-deadline")), writes(4096, 6)...),
			[]string{"write 4101", "deadline", "write 4102"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inner := &recordingConn{}
			c := &conn{Conn: inner}
			total := 0
			for _, s := range tc.steps {
				s.do(t, c)
				total += s.write
			}
			events, n := inner.recorded()
			require.Equal(t, tc.want, events)
			require.Equal(t, total, n, "every byte written arrives")
		})
	}
}

func TestConnClosesWhenHeldBytesCannotBeSent(t *testing.T) {
	inner := &recordingConn{}
	c := &conn{Conn: inner}
	_, err := c.Write(make([]byte, fullBuffer))
	require.NoError(t, err)
	inner.fail = errors.New("broken pipe")
	require.ErrorContains(t, c.SetWriteDeadline(time.Time{}), "broken pipe")
	events, _ := inner.recorded()
	require.Equal(t, []string{"close"}, events, "an answer that was cut must end its connection")
}

// TestCloseDoesNotWaitForAWrite: Server.Close closes connections from its
// own goroutine while a write waits on a client that does not read.
func TestCloseDoesNotWaitForAWrite(t *testing.T) {
	server, client := net.Pipe() // a write blocks until it is read
	defer client.Close()
	c := &conn{Conn: server}
	within(t, "a full buffer is held, not written through", func() {
		_, err := c.Write(make([]byte, fullBuffer))
		require.NoError(t, err)
	})
	done := make(chan error, 1)
	go func() { _, err := c.Write([]byte("the rest")); done <- err }()
	// Read the first byte, so that the write has begun and holds the lock.
	_, err := client.Read(make([]byte, 1))
	require.NoError(t, err)
	within(t, "Close returns while a write waits", func() { require.NoError(t, c.Close()) })
	require.Error(t, <-done, "the write ends when the connection is closed")
}

// within fails the test when f has not returned after a long while: a
// watchdog against a hang, not a measure of speed.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("not done after 10 s: %s", what)
	}
}

// countingListener counts the writes its connections are given: it is
// what the kernel would see, one write per call.
type countingListener struct {
	net.Listener
	mu     sync.Mutex
	writes []int
}

type countingConn struct {
	net.Conn
	l *countingListener
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l}, nil
}

func (c countingConn) Write(p []byte) (int, error) {
	c.l.mu.Lock()
	c.l.writes = append(c.l.writes, len(p))
	c.l.mu.Unlock()
	return c.Conn.Write(p)
}

func (c countingConn) CloseWrite() error { return c.Conn.(*net.TCPConn).CloseWrite() }

func (l *countingListener) take() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.writes
	l.writes = nil
	return w
}

// sized answers GET /N with a body of N bytes, the way the server writes
// an answer: its length first, then the body in one write.
var sized = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Path[1:])
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(n))
	_, _ = w.Write(body(n))
})

func body(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

func serve(t *testing.T, ln net.Listener) string {
	t.Helper()
	srv := &http.Server{Handler: sized, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

func get(t *testing.T, client *http.Client, url string) []byte {
	t.Helper()
	resp, err := client.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return b
}

// TestAnswersLeaveInOneWrite serves answers through net/http: each one, up
// to 1 MB, leaves in one write, where net/http alone makes two of those
// longer than its buffer, and every answer arrives whole on a
// connection kept alive between them.
func TestAnswersLeaveInOneWrite(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	counting := &countingListener{Listener: tcp}
	base := serve(t, Listener{counting})
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	// Up to 1 MB: net/http writes the first full buffer, then the rest of
	// the body directly, and the two leave together.
	for _, n := range []int{0, 1, 2047, 2048, 3800, 3900, 4000, 4096, 4097, 8192, 8193, 12000, 40000, 60000, 70000, 1 << 20} {
		require.Equal(t, body(n), get(t, client, fmt.Sprintf("%s/%d", base, n)), "answer of %d bytes", n)
		ws := counting.take()
		require.Len(t, ws, 1, "answer of %d bytes: writes %v", n, ws)
	}
}

// TestNetHTTPWritesTwice is the premise: without the listener, an answer
// longer than net/http's buffer leaves in two writes, the first of exactly
// fullBuffer bytes. Should net/http change its buffer, this fails and says
// so.
func TestNetHTTPWritesTwice(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	counting := &countingListener{Listener: tcp}
	base := serve(t, counting)
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	get(t, client, base+"/4000")
	ws := counting.take()
	require.Len(t, ws, 2)
	require.Equal(t, fullBuffer, ws[0])
}

// TestAnswersOverTCP: on a TCP connection the held bytes and the rest
// leave by writev; every answer arrives whole, concurrent clients too.
func TestAnswersOverTCP(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := serve(t, Listener{tcp})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for _, n := range []int{100, 3900, 4096, 4097, 8193, 70000, 300000} {
				n += g
				if got := get(t, client, fmt.Sprintf("%s/%d", base, n)); !bytes.Equal(body(n), got) {
					t.Errorf("answer of %d bytes arrived as %d different bytes", n, len(got))
				}
			}
		})
	}
	wg.Wait()
}

// FuzzConnKeepsOrder: whatever the writes and calls, every byte arrives,
// in order, once the answer ends.
func FuzzConnKeepsOrder(f *testing.F) {
	f.Add([]byte{1, 0, 2, 0, 0, 3})
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4})
	f.Fuzz(func(t *testing.T, ops []byte) {
		// A few hundred calls reach every state; the fuzzer's longest
		// inputs would only make one input slow enough to be cut at
		// -fuzztime's deadline.
		ops = ops[:min(len(ops), 256)]
		inner := &recordingConn{}
		c := &conn{Conn: inner}
		var want bytes.Buffer
		for i, op := range ops {
			var err error
			switch op % 6 {
			case 0, 1: // a full buffer, or a write of another size
				n := fullBuffer
				if op%6 == 1 {
					n = int(op) * 37
				}
				p := bytes.Repeat([]byte{byte(i)}, n)
				want.Write(p)
				_, err = c.Write(p)
			case 2:
				err = c.SetWriteDeadline(time.Time{})
			case 3:
				err = c.SetReadDeadline(time.Time{})
			case 4:
				err = c.SetDeadline(time.Time{})
			case 5:
				err = c.CloseWrite()
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := c.SetWriteDeadline(time.Time{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.Bytes(), inner.data.Bytes()) {
			t.Fatalf("sent %d bytes, %d arrived or not in order", want.Len(), inner.data.Len())
		}
		if c.holding.Load() || c.held != nil {
			t.Fatal("something is still held after the answer ended")
		}
	})
}
