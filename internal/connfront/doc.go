// Package connfront answers requests on a kept-alive HTTP/1.1 connection
// before net/http reads them: a net.Listener whose connections, between two
// requests that net/http serves, offer each request head to an Answerer
// and write its answer themselves when it has one.
//
// Why: under load the response cache's front (fhir.ResponseCache.Front)
// answers most GETs with bytes it already holds, and what is left of the
// cost of such an answer is net/http's own: parsing the request into an
// http.Request and its header map, the handler's header map, and writing
// the status line and headers (docs/performance.md). Here a hit costs a
// scan of the head, a table lookup and one write.
//
// The rule that keeps it exact: net/http sees a stream that it could have
// read from the socket itself. The connection delimits every request
// (head, then Content-Length bytes of body) and hands net/http one whole
// request at a time, nothing more; it answers only while net/http waits
// for the next request with nothing buffered, which it knows from
// net/http's calls: after every response net/http resets the write
// deadline (SetWriteDeadline with the zero time) and then reads. The
// first request of a connection always goes to net/http. What the client
// sends while net/http serves a request (a client may send its next
// request as soon as a handler has flushed its answer) is kept for after
// that answer. A request the connection cannot delimit for certain
// (Transfer-Encoding, several or malformed Content-Lengths, bare LF line
// ends, folded or malformed header lines, a head larger than net/http
// accepts), more than a head's worth of bytes sent while net/http serves
// one, a client going away after sending some, or a response ending with
// body bytes unread, turns the connection over to net/http for good: from
// then on it passes the bytes through untouched, as they came.
//
// Only a GET in HTTP/1.1 whose every header is one the Answerer named
// (Config.Headers), each at most once, with one Host and no body, is
// offered; Connection may only be keep-alive. Anything else, the first
// request, and every request while Config.Off reports true (draining),
// goes to net/http.
//
// Deadlines: while it waits for a request, the connection keeps the idle
// deadline net/http set, moved forward after each answer it gives (at
// most once a second); once the first bytes of a head arrive, the head
// must be complete within Config.HeaderTimeout; each answer it writes is
// bounded by Config.WriteTimeout.
//
// To net/http a connection waiting for its next request is idle, and
// Server.Shutdown closes idle connections: a Close that comes while an
// answer is being written here closes the connection once the answer is
// out, as net/http lets a request in flight finish.
//
// It imports only the standard library.
package connfront
