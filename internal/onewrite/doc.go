// Package onewrite is a net.Listener whose connections send an HTTP answer
// longer than net/http's connection buffer in one write instead of two.
//
// net/http writes a response through a 4 KB bufio.Writer per connection
// (server.go: newBufioWriterSize(…, 4<<10)): an answer whose status line,
// headers and body come to more than 4 KB leaves in a full 4 KB write and
// then in a second write for the rest. On loopback each write is a trip
// through the TCP stack to the reader, and the reader wakes twice: the bare
// ceiling of docs/performance.md, answering 4.2 KB in all instead of
// 3.95 KB, spent 30% more CPU per answer and gave 22% fewer answers a
// second. A lookup of a long description, and a third of the $expand pages
// of `make load`, are longer than 4 KB.
//
// A connection of this listener holds a write of exactly one full buffer
// and sends it together with the next write (one writev on TCP), or when
// net/http resets the write deadline, which it does after every response,
// or on CloseWrite, SetDeadline or SetReadDeadline, whichever comes first:
// no byte is held past the end of its response. What one connection holds
// is bounded (maxHeld), and its buffer is pooled, so that an idle
// connection holds none. A Close drops what is held: net/http sends it
// before every orderly close, and any other Close cuts the answer anyway.
//
// The cost of that rule would fall on a handler that flushes a part of an
// answer (http.Flusher) and then waits: a part of exactly 4 KB would wait
// with it. No handler of hcpcs-server streams.
//
// It imports only the standard library.
package onewrite
