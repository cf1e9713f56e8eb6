package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// The hostile-input corpus (issue 9 §5): hundreds of malformed or hostile
// requests, sent over real TCP to the real server, each of which must be
// answered with a 4xx FHIR OperationOutcome. The cases are generated in
// hostile_cases_test.go; what net/http answers before the application
// (and so in plain text) is in hostile_nethttp_test.go, and the cache
// flood in hostile_flood_test.go.

// hostileCase is one request of the corpus.
type hostileCase struct {
	category string
	method   string
	// target is the request-target, sent as is (no cleaning, no
	// escaping): "/fhir/../etc/passwd" reaches the server as written.
	target string
	header map[string]string
	// body makes the request body; nil: none. size is its length, -1 when
	// it is sent chunked.
	body func() io.Reader
	size int64
	// want is the exact status expected; 0: any 4xx.
	want int
	// stopsReading: the server must stop reading the body at its limit,
	// so that the client cannot send all of it (the body's reader must
	// tell what it had left: bodyLeft).
	stopsReading bool
	// within bounds the whole exchange; 0: hostileTimeout.
	within time.Duration
}

// hostileTimeout bounds each exchange: a server that does not answer in
// time hangs, and fails the case.
const hostileTimeout = 30 * time.Second

// hostileAnswer is what came back for a case.
type hostileAnswer struct {
	status      int
	contentType string
	body        []byte
	took        time.Duration
	// unsent is what the body's reader had left when the exchange ended,
	// for a body that can tell (bodyLeft); -1 otherwise.
	unsent int64
}

// bodyLeft is a request body that can tell how much of it was not read.
type bodyLeft interface {
	io.Reader
	Left() int64
}

// sendRaw sends c on its own connection and reads the answer. The body is
// written by a goroutine while the answer is read, so that a server which
// answers 413 before the body is all sent is heard at once, and the rest
// of the body is never made.
func sendRaw(addr string, c hostileCase) (hostileAnswer, error) {
	within := c.within
	if within == 0 {
		within = hostileTimeout
	}
	start := time.Now()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return hostileAnswer{}, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(start.Add(within)); err != nil {
		return hostileAnswer{}, err
	}
	req := &http.Request{Method: c.method, URL: &url.URL{Opaque: c.target}, Host: addr, Header: http.Header{},
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Close: true}
	for k, v := range c.header {
		req.Header[k] = []string{v}
	}
	if c.body != nil {
		req.Body = unwrapNopCloser{c.body()}
		req.ContentLength = c.size
		if c.size < 0 {
			req.ContentLength = 0
			req.TransferEncoding = []string{"chunked"}
		}
	}
	unsent := func() int64 {
		if b, ok := req.Body.(interface{ Unwrap() io.Reader }); ok {
			if l, ok := b.Unwrap().(bodyLeft); ok {
				return l.Left()
			}
		}
		return -1
	}
	wrote := make(chan error, 1)
	go func() { wrote <- req.Write(conn) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		conn.Close()
		if werr := <-wrote; werr != nil {
			return hostileAnswer{}, fmt.Errorf("%v (writing: %v)", err, werr)
		}
		return hostileAnswer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	conn.Close() // stops a body the server did not want
	<-wrote
	if err != nil {
		return hostileAnswer{}, fmt.Errorf("reading the answer: %v", err)
	}
	return hostileAnswer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: body, took: time.Since(start), unsent: unsent()}, nil
}

// unwrapNopCloser is io.NopCloser that lets sendRaw reach the body's
// reader.
type unwrapNopCloser struct{ r io.Reader }

func (b unwrapNopCloser) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b unwrapNopCloser) Close() error               { return nil }
func (b unwrapNopCloser) Unwrap() io.Reader          { return b.r }

// checkOutcome says what is wrong with an answer to c; "" when it is a 4xx
// FHIR OperationOutcome (with the status c wants, if any).
func checkOutcome(c hostileCase, a hostileAnswer) string {
	switch {
	case c.want != 0 && a.status != c.want:
		return fmt.Sprintf("status %d, want %d", a.status, c.want)
	case a.status < 400 || a.status > 499:
		return fmt.Sprintf("status %d, want 4xx", a.status)
	case c.method == http.MethodHead:
		return "" // no body to check
	case strings.HasPrefix(a.contentType, "application/fhir+xml"):
		// An OperationOutcome in XML, for a client that asked for XML.
		b, err := fhirxml.Decode(bytes.NewReader(a.body))
		if err != nil {
			return fmt.Sprintf("body is not FHIR XML (%v): %.200q", err, a.body)
		}
		a.body = b
	case !strings.HasPrefix(a.contentType, "application/fhir+json"):
		return fmt.Sprintf("Content-Type %q, want application/fhir+json or application/fhir+xml", a.contentType)
	}
	var oo struct {
		ResourceType string            `json:"resourceType"`
		Issue        []json.RawMessage `json:"issue"`
	}
	if err := json.Unmarshal(a.body, &oo); err != nil {
		return fmt.Sprintf("body is not JSON (%v): %.200q", err, a.body)
	}
	if oo.ResourceType != "OperationOutcome" || len(oo.Issue) == 0 {
		return fmt.Sprintf("body is not an OperationOutcome with an issue: %.200q", a.body)
	}
	if strings.Contains(string(a.body), "root:") {
		return "body shows a file of the host"
	}
	return ""
}

// runHostile sends every case, a few at a time, and returns one line per
// case that failed, naming the request.
func runHostile(t *testing.T, addr string, cases []hostileCase, check func(hostileCase, hostileAnswer) string) []string {
	t.Helper()
	var (
		mu       sync.Mutex
		failures []string
		wg       sync.WaitGroup
	)
	next := make(chan hostileCase)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				a, err := sendRaw(addr, c)
				why := ""
				switch {
				case err != nil:
					why = err.Error()
				case c.within != 0 && a.took > c.within:
					why = fmt.Sprintf("took %v, want under %v", a.took, c.within)
				case c.stopsReading && a.unsent <= 0:
					why = fmt.Sprintf("the server read the whole body (%d bytes left unsent), where it should stop at its limit", a.unsent)
				default:
					why = check(c, a)
				}
				if why != "" {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("[%s] %s %.160s: %s", c.category, c.method, c.target, why))
					mu.Unlock()
				}
			}
		}()
	}
	for _, c := range cases {
		next <- c
	}
	close(next)
	wg.Wait()
	return failures
}

// TestHostileInput: every request of the corpus is answered with a 4xx
// OperationOutcome; no 5xx, panic, hang, HTML or plain text. Then, on
// the same server, the requests answered otherwise.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	base := startServerWith(t)
	addr := strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/fhir")
	cases := hostileCases()
	counts := map[string]int{}
	for _, c := range cases {
		counts[c.category]++
	}
	start := time.Now()
	failures := runHostile(t, addr, cases, checkOutcome)
	t.Logf("%d hostile requests in %v: %v", len(cases), time.Since(start).Round(time.Millisecond), counts)
	require.GreaterOrEqual(t, len(cases), 300, "the corpus has at least 300 requests")
	require.Empty(t, failures, "%d of %d requests were not answered with a 4xx OperationOutcome:\n%s",
		len(failures), len(cases), strings.Join(failures, "\n"))

	// The same server, for what is not a 4xx OperationOutcome
	// (hostile_nethttp_test.go).
	t.Run("answered by net/http", func(t *testing.T) { hostileNetHTTP(t, addr) })
	t.Run("CORS preflight", func(t *testing.T) { hostileCORSPreflight(t, addr) })
	t.Run("HEAD", func(t *testing.T) { hostileHead(t, addr) })
	t.Run("codings in a batch", func(t *testing.T) { hostileBatchCodings(t, addr) })
}
