package connfront_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/connfront"
)

// fixture is a net/http server behind a connfront listener whose Answerer
// answers every GET of /hit/… on Host h.test exactly as the handler does.
type fixture struct {
	addr     string
	handled  atomic.Int64 // requests net/http served
	answered atomic.Int64 // requests the connection answered
	off      atomic.Bool
	release  chan struct{} // what /flush waits for after flushing
}

// answerer gives the handler's answer for what the real front would
// hold: only a valid target under /hit/ on one host.
type answerer struct{ f *fixture }

func hit(host, target string) bool {
	return host == "h.test" && strings.HasPrefix(target, "/hit/") &&
		!strings.ContainsFunc(target, func(r rune) bool { return !('a' <= r && r <= 'z' || r == '/' || r == '?' || r == '=') })
}

func hitBody(target string) string {
	if target == "/hit/big" {
		return bigBody
	}
	return "hit " + target
}

// bigBody is more than loopback's socket buffers hold.
var bigBody = strings.Repeat("0123456789abcdef", 2<<20)

func (a answerer) Answer(dst []byte, r *connfront.Request) ([]byte, []byte, bool) {
	target := string(r.Target)
	if !hit(string(r.Host), target) {
		return nil, nil, false
	}
	a.f.answered.Add(1)
	body := hitBody(target)
	dst = fmt.Appendf(dst, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Target: %s\r\nContent-Length: %d\r\nDate: %s\r\n\r\n",
		target, len(body), time.Now().UTC().Format(http.TimeFormat))
	return dst, []byte(body), true
}

type options struct {
	idle, header time.Duration
	plain        bool            // net/http alone, without the connection front
	conns        chan<- net.Conn // gets each new connection as net/http has it
}

func serve(t testing.TB, o options) *fixture {
	t.Helper()
	f := &fixture{release: make(chan struct{}, 1)}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f.handled.Add(1)
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if r.RequestURI == "/flush" {
				w.Header().Set("Content-Length", "7")
				_, _ = io.WriteString(w, "flushed")
				http.NewResponseController(w).Flush()
				<-f.release
				return
			}
			if r.Method == http.MethodGet && hit(r.Host, r.RequestURI) {
				w.Header().Set("Content-Type", "text/plain")
				w.Header().Set("X-Target", r.RequestURI)
				_, _ = io.WriteString(w, hitBody(r.RequestURI))
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprintf(w, "%s %s %q", r.Method, r.RequestURI, body)
		}),
		ConnState: func(c net.Conn, s http.ConnState) {
			if s == http.StateNew && o.conns != nil {
				o.conns <- c
			}
		},
		ReadHeaderTimeout: o.header,
		IdleTimeout:       o.idle,
		WriteTimeout:      time.Minute,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f.addr = ln.Addr().String()
	cfg := &connfront.Config{Answer: answerer{f}, Headers: []string{"Accept", "User-Agent", "X-Request-Id"}, Off: f.off.Load,
		HeaderTimeout: o.header, WriteTimeout: srv.WriteTimeout}
	var l net.Listener = connfront.Listener{Listener: ln, Config: cfg}
	if o.plain {
		l = ln
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return f
}

// client is one kept-alive connection, speaking raw HTTP/1.1.
type client struct {
	t  testing.TB
	c  net.Conn
	br *bufio.Reader
}

func dial(t testing.TB, f *fixture) *client {
	t.Helper()
	c, err := net.Dial("tcp", f.addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(20*time.Second)))
	return &client{t: t, c: c, br: bufio.NewReader(c)}
}

func (c *client) send(raw string) {
	c.t.Helper()
	_, err := io.WriteString(c.c, raw)
	require.NoError(c.t, err)
}

// answer reads one response: status, body, and its headers but Date.
func (c *client) answer() string {
	c.t.Helper()
	resp, err := http.ReadResponse(c.br, nil)
	require.NoError(c.t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	resp.Header.Del("Date")
	var h strings.Builder
	require.NoError(c.t, resp.Header.Write(&h))
	return fmt.Sprintf("%d\n%s\n%s", resp.StatusCode, h.String(), body)
}

// closed requires the server to close the connection without another byte.
func (c *client) closed() {
	c.t.Helper()
	n, err := c.br.Read(make([]byte, 1))
	require.Zero(c.t, n)
	require.ErrorIs(c.t, err, io.EOF)
}

func get(target string, headers ...string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: h.test\r\n" + strings.Join(headers, "") + "\r\n"
}

func post(target, body string) string {
	return "POST " + target + " HTTP/1.1\r\nHost: h.test\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

// answering starts a server and a connection past its first request,
// which net/http answers: from then on the connection may answer. hitA is
// the answer to GET /hit/a.
func answering(t *testing.T, o options) (f *fixture, c *client, hitA string) {
	t.Helper()
	f = serve(t, o)
	c = dial(t, f)
	c.send(get("/hit/a"))
	return f, c, c.answer()
}

// want is what net/http itself answers to raw on a fresh connection.
func want(t *testing.T, f *fixture, raw string) string {
	t.Helper()
	c := dial(t, f)
	c.send(raw)
	return c.answer()
}

// TestAnswersAfterTheFirstRequest: the first request of a connection is
// net/http's; afterwards a request the Answerer holds is answered on the
// connection, with what net/http would have sent but Date.
func TestAnswersAfterTheFirstRequest(t *testing.T) {
	f := serve(t, options{})
	c := dial(t, f)
	wantA := want(t, f, get("/hit/a"))
	require.EqualValues(t, 1, f.handled.Load())
	for range 3 {
		c.send(get("/hit/a", "User-Agent: test\r\n", "accept: text/plain\r\n"))
		require.Equal(t, wantA, c.answer())
	}
	require.EqualValues(t, 2, f.handled.Load(), "the first request of the connection")
	require.EqualValues(t, 2, f.answered.Load())
}

// TestHandsOverWhatItDoesNotAnswer: every request the connection does not
// answer reaches net/http whole, bodies included, and answering resumes
// after each.
func TestHandsOverWhatItDoesNotAnswer(t *testing.T) {
	f, c, hitA := answering(t, options{})
	cases := []struct{ name, raw, want string }{
		{"a miss", get("/other"), want(t, f, get("/other"))},
		{"a POST with a body", post("/hit/a", "a body"), want(t, f, post("/hit/a", "a body"))},
		{"an empty POST", post("/hit/a", ""), want(t, f, post("/hit/a", ""))},
		{"a header it does not know", get("/hit/a", "If-None-Match: x\r\n"), hitA},
		{"another host", strings.Replace(get("/hit/a"), "h.test", "h2.test", 1), want(t, f, strings.Replace(get("/hit/a"), "h.test", "h2.test", 1))},
		{"a GET with a body", "GET /hit/a HTTP/1.1\r\nHost: h.test\r\nContent-Length: 3\r\n\r\nxyz", hitA},
		{"HTTP/1.0, kept alive", "GET /hit/a HTTP/1.0\r\nHost: h.test\r\nConnection: keep-alive\r\n\r\n", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, answered := f.handled.Load(), f.answered.Load()
			c.send(tc.raw)
			got := c.answer()
			if tc.want != "" {
				require.Equal(t, tc.want, got)
			}
			require.Equal(t, before+1, f.handled.Load(), "net/http answered")
			c.send(get("/hit/a"))
			require.Equal(t, hitA, c.answer())
			require.Equal(t, answered+1, f.answered.Load(), "then the connection answers again")
		})
	}
}

// TestPipelined: requests sent together are answered in order, whether
// the connection or net/http answers each; what arrives while net/http
// serves one is kept for after its answer.
func TestPipelined(t *testing.T) {
	f, c, hitA := answering(t, options{})
	hitB := want(t, f, get("/hit/b"))
	postA := want(t, f, post("/p", "xy"))
	miss := want(t, f, get("/miss"))
	handled := f.handled.Load()
	c.send(get("/hit/a") + get("/hit/b") + post("/p", "xy") + get("/hit/a") + get("/miss") + get("/hit/b"))
	for _, w := range []string{hitA, hitB, postA, hitA, miss, hitB} {
		require.Equal(t, w, c.answer())
	}
	require.EqualValues(t, 4, f.answered.Load())
	require.Equal(t, handled+2, f.handled.Load(), "the POST and the miss")
}

// TestAnswersAfterAFlush: a client that sends its next request as soon as
// a handler has flushed its answer, while the handler still runs, is
// answered in order, and the connection goes on answering.
func TestAnswersAfterAFlush(t *testing.T) {
	f, c, hitA := answering(t, options{})
	for range 20 {
		c.send(get("/flush"))
		require.Contains(t, c.answer(), "flushed")
		c.send(get("/hit/a"))
		f.release <- struct{}{}
		require.Equal(t, hitA, c.answer())
	}
	require.EqualValues(t, 20, f.answered.Load())
}

// TestLeavesToNetHTTPForGood: after a request it cannot delimit, the
// connection passes every byte to net/http, which answers as it would
// without it.
func TestLeavesToNetHTTPForGood(t *testing.T) {
	cases := []struct{ name, raw string }{
		{"chunked", "POST /p HTTP/1.1\r\nHost: h.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
		{"bare LF", "GET /hit/a HTTP/1.1\nHost: h.test\n\n"},
		{"a folded header", "GET /hit/a HTTP/1.1\r\nHost: h.test\r\nUser-Agent: a\r\n b\r\n\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, c, hitA := answering(t, options{})
			w := want(t, f, tc.raw)
			c.send(tc.raw)
			require.Equal(t, w, c.answer())
			c.send(get("/hit/a"))
			require.Equal(t, hitA, c.answer())
			require.Zero(t, f.answered.Load())
		})
	}
}

// TestRefusedAsNetHTTPRefuses: a head net/http refuses gets net/http's
// refusal, and the connection closes, as it does without the front.
func TestRefusedAsNetHTTPRefuses(t *testing.T) {
	for _, raw := range []string{
		"GET /hit/a HTTP/1.1\r\nHost: h.test\r\nUser-Agent: a\x01b\r\n\r\n",
		"GET /hit/a HTTP/1.1\r\nHost: h.test\r\nHost: h.test\r\n\r\n",
		"GET /hit/a HTTP/1.1\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: h.test\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
	} {
		f, c, _ := answering(t, options{})
		c.send(raw)
		resp, err := http.ReadResponse(c.br, nil)
		require.NoError(t, err, "%q", raw)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%q", raw)
		_, _ = io.Copy(io.Discard, resp.Body)
		c.closed()
		require.Zero(t, f.answered.Load())
	}
}

// TestOff: while Off reports true, net/http answers everything.
func TestOff(t *testing.T) {
	f, c, hitA := answering(t, options{})
	f.off.Store(true)
	c.send(get("/hit/a"))
	require.Equal(t, hitA, c.answer())
	require.Zero(t, f.answered.Load())
	require.EqualValues(t, 2, f.handled.Load())
	f.off.Store(false)
	c.send(get("/hit/a"))
	require.Equal(t, hitA, c.answer())
	require.EqualValues(t, 1, f.answered.Load())
}

// TestConnectionClose: a request asking to close is net/http's, which
// answers and closes.
func TestConnectionClose(t *testing.T) {
	f, c, _ := answering(t, options{})
	c.send(get("/hit/a", "Connection: close\r\n"))
	resp, err := http.ReadResponse(c.br, nil)
	require.NoError(t, err)
	require.True(t, resp.Close)
	_, _ = io.Copy(io.Discard, resp.Body)
	c.closed()
	require.Zero(t, f.answered.Load())
}

// TestIdleTimeout: a connection the front answered on still closes after
// net/http's idle timeout.
func TestIdleTimeout(t *testing.T) {
	f, c, _ := answering(t, options{idle: 200 * time.Millisecond})
	c.send(get("/hit/a"))
	c.answer()
	require.EqualValues(t, 1, f.answered.Load())
	c.closed()
}

// TestHeaderTimeout: once a head has begun after an answer, it must end
// within the header timeout, however long the idle timeout.
func TestHeaderTimeout(t *testing.T) {
	f, c, _ := answering(t, options{idle: time.Hour, header: 200 * time.Millisecond})
	c.send(get("/hit/a"))
	c.answer()
	require.EqualValues(t, 1, f.answered.Load())
	c.send("GET /hit/a HTTP/1.1\r\n")
	c.closed()
}

// FuzzMatchesNetHTTP: whatever bytes a client sends on a kept-alive
// connection, what comes back is what net/http alone sends back, but for
// Date and the order of headers.
func FuzzMatchesNetHTTP(f *testing.F) {
	for _, s := range []string{
		get("/hit/a") + get("/hit/b?x=y"),
		get("/hit/a") + post("/p", "body") + get("/hit/a"),
		get("/hit/a", "User-Agent: u\r\n") + get("/miss") + get("/hit/a"),
		get("/hit/a") + "GET /hit/a HTTP/1.1\r\nHost: h.test\r\nContent-Length: 2\r\n\r\nab" + get("/hit/a"),
		get("/hit/a") + "POST /p HTTP/1.1\r\nHost: h.test\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n" + get("/hit/a"),
		get("/hit/a") + "GET /hit/a HTTP/1.1\nHost: h.test\n\n",
		get("/hit/a") + "GET /hit/a HTTP/1.1\r\nHost: h.test\r\nUser-Agent: a\x01\r\n\r\n" + get("/hit/a"),
		get("/hit/a") + "GET /hit/a HTTP/1.1\r\nHost: h.te",
		get("/hit/a") + post("/p", "a long body that ends early")[:60],
		get("/hit/a", "Connection: close\r\n") + get("/hit/a"),
		"\r\n" + get("/hit/a"),
	} {
		f.Add([]byte(s))
	}
	with, without := serve(f, options{}), serve(f, options{plain: true})
	f.Fuzz(func(t *testing.T, stream []byte) {
		if len(stream) > 8<<10 {
			return
		}
		require.Equal(t, exchange(t, without, stream), exchange(t, with, stream))
	})
}

// exchange sends a first request, reads its answer, then sends stream and
// closes its side, and returns every answer that came back.
func exchange(t *testing.T, f *fixture, stream []byte) []string {
	c := dial(t, f)
	c.send(get("/hit/a"))
	answers := []string{c.answer()}
	_, err := c.c.Write(stream)
	require.NoError(t, err)
	require.NoError(t, c.c.(*net.TCPConn).CloseWrite())
	for {
		resp, err := http.ReadResponse(c.br, nil)
		if err != nil {
			rest, _ := io.ReadAll(c.br)
			return append(answers, fmt.Sprintf("end: %v %q", errors.Is(err, io.EOF), rest))
		}
		body, err := io.ReadAll(resp.Body)
		resp.Header.Del("Date")
		var h strings.Builder
		require.NoError(t, resp.Header.Write(&h))
		answers = append(answers, fmt.Sprintf("%d %v\n%s\n%s %v", resp.StatusCode, resp.Close, h.String(), body, err))
	}
}

// TestLongHeads: a head longer than net/http reads is net/http's, which
// refuses it (431); one just within is answered.
func TestLongHeads(t *testing.T) {
	f, c, hitA := answering(t, options{})
	long := "User-Agent: " + strings.Repeat("u", 60<<10) + "\r\n"
	c.send(get("/hit/a", long))
	require.Equal(t, hitA, c.answer())
	require.EqualValues(t, 1, f.answered.Load())
	c.send(get("/hit/a", strings.Repeat(long, 20)))
	resp, err := http.ReadResponse(c.br, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	require.EqualValues(t, 1, f.answered.Load())
}

// BenchmarkRoundTrip is one kept-alive round trip of a 10-byte answer:
// net/http's handler against the connection's answer.
func BenchmarkRoundTrip(b *testing.B) {
	for _, tc := range []struct {
		name  string
		plain bool
	}{{"net/http", true}, {"connfront", false}} {
		b.Run(tc.name, func(b *testing.B) {
			f := serve(b, options{plain: tc.plain})
			c := dial(b, f)
			req := get("/hit/a")
			c.send(req)
			c.answer()
			b.ReportAllocs()
			for b.Loop() {
				c.send(req)
				c.answer()
			}
		})
	}
}

// TestCloseLetsAnAnswerFinish: Server.Shutdown closes the connections
// net/http sees as idle, which one being answered here is; the answer
// still arrives whole, and then the connection closes.
func TestCloseLetsAnAnswerFinish(t *testing.T) {
	conns := make(chan net.Conn, 1)
	f, c, _ := answering(t, options{conns: conns})
	server := <-conns
	c.send(get("/hit/big"))
	status, err := c.br.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "HTTP/1.1 200 OK\r\n", status)
	require.NoError(t, server.Close(), "while the answer is being written")
	resp, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader(status), c.br)), nil)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, len(bigBody), len(body))
	require.EqualValues(t, 1, f.answered.Load())
	c.closed()
}
