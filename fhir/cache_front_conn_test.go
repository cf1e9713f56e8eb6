package fhir

import (
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/connfront"
)

// TestConnFrontAnswersAsTheFront: through net/http's own client, each of
// frontCases, once the front holds its answer (it remembers the engine's),
// sent again on a kept-alive connection is answered by the connection
// (internal/connfront) without reaching net/http, with the status, headers
// and body the handler front gives, a fresh request id or the client's,
// and counted as the front counts.
func TestConnFrontAnswersAsTheFront(t *testing.T) {
	for _, tc := range frontCases {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFrontServer(t, 1<<20, time.Hour)
			var atNetHTTP atomic.Int64
			// finished says when a handler has returned: net/http may send a
			// long answer before, and the front remembers it after.
			finished := make(chan struct{}, 8)
			answerer, headers, ok := fs.rc.ConnFront()
			require.True(t, ok)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				atNetHTTP.Add(1)
				fs.handler.ServeHTTP(w, r)
				finished <- struct{}{}
			})}
			go func() {
				_ = srv.Serve(connfront.Listener{Listener: ln, Config: &connfront.Config{Answer: answerer, Headers: headers}})
			}()
			t.Cleanup(func() { _ = srv.Close() })

			kept := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxConnsPerHost: 1}}
			fresh := &http.Client{Transport: &http.Transport{DisableCompression: true, DisableKeepAlives: true}}
			t.Cleanup(kept.CloseIdleConnections)
			// get reads the whole answer, so that the connection is reused.
			get := func(c *http.Client, headers ...string) answer {
				r, err := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+tc.target, nil)
				require.NoError(t, err)
				for i := 0; i+1 < len(headers); i += 2 {
					r.Header.Set(headers[i], headers[i+1])
				}
				resp, err := c.Do(r)
				require.NoError(t, err)
				return answerOf(t, resp)
			}
			first := get(kept, tc.headers...)
			require.Equal(t, tc.status, first.status)
			require.Equal(t, "miss", first.header.Get("X-Cache"))
			<-finished

			onConn := get(kept, tc.headers...)
			withID := get(kept, append([]string{"X-Request-Id", "client-id-7"}, tc.headers...)...)
			require.EqualValues(t, 1, atNetHTTP.Load(), "the connection answered both")
			require.EqualValues(t, 2, fs.served.Load(), "counted as the front's")
			require.EqualValues(t, 1, fs.reached.Load())
			// The new connection's own Connection: close stands for the
			// case's keep-alive.
			var noConnection []string
			for i := 0; i+1 < len(tc.headers); i += 2 {
				if tc.headers[i] != "Connection" {
					noConnection = append(noConnection, tc.headers[i], tc.headers[i+1])
				}
			}
			byFront := get(fresh, noConnection...)
			require.EqualValues(t, 2, atNetHTTP.Load(), "a new connection's first request is net/http's")
			require.EqualValues(t, 3, fs.served.Load(), "answered by the handler front")

			require.Equal(t, "hit-local", byFront.header.Get("X-Cache"))
			require.Regexp(t, requestIDPattern, onConn.header.Get("X-Request-Id"))
			require.NotEqual(t, byFront.header.Get("X-Request-Id"), onConn.header.Get("X-Request-Id"))
			require.Equal(t, "client-id-7", withID.header.Get("X-Request-Id"))
			date, err := http.ParseTime(onConn.header.Get("Date"))
			require.NoError(t, err)
			require.WithinDuration(t, time.Now(), date, time.Minute)
			require.Equal(t, byFront.without("Date", "X-Request-Id"), onConn.without("Date", "X-Request-Id"))
			require.Equal(t, byFront.without("Date", "X-Request-Id"), withID.without("Date", "X-Request-Id"))
		})
	}
}

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	length int64
	body   string
}

func answerOf(t *testing.T, resp *http.Response) answer {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	return answer{status: resp.StatusCode, header: resp.Header, length: resp.ContentLength, body: string(body)}
}

// without is a without the headers names.
func (a answer) without(names ...string) answer {
	a.header = a.header.Clone()
	for _, n := range names {
		a.header.Del(n)
	}
	return a
}
