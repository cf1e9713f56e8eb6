package fhir

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/hcpcs-server/hcpcs-server/internal/connfront"
)

// The front also answers on the connection, before net/http parses the
// request (internal/connfront): a request it is offered has the same key
// there as frontKey gives the request net/http would have read from the
// same bytes, so the answer is the one the handler front would give, with
// the same headers and one Content-Length.

// ConnFront returns the front as a connfront.Answerer, and the request
// headers, Host and Connection apart, that a request it answers may carry;
// ok is false without a front (Front not called, or disabled).
func (rc *ResponseCache) ConnFront() (answerer connfront.Answerer, headers []string, ok bool) {
	if rc.front == nil {
		return nil, nil, false
	}
	return rc.front, slices.Concat(frontKeyHeaders[:], frontInertHeaders), true
}

// Answer implements connfront.Answerer.
func (f *front) Answer(dst []byte, r *connfront.Request) (head, body []byte, ok bool) {
	// Only answers to requests of the FHIR API are remembered, under the
	// whole request URI, which frontKey bounds.
	if len(r.Target) > frontMaxURI {
		return nil, nil, false
	}
	var keyed [len(frontKeyHeaders)][]byte
	for i, name := range frontKeyHeaders {
		keyed[i], _ = r.Header(name)
	}
	var buf [512]byte
	start := f.rc.now()
	a := f.lookup(appendFrontKey(buf[:0], r.Host, r.Target, keyed), start)
	if a == nil {
		return nil, nil, false
	}
	sent, _ := r.Header("X-Request-Id")
	id := requestIDFrom(sent)
	dst = append(dst, a.wire...)
	dst = appendHeader(dst, "Date", httpDate()[0])
	dst = appendHeader(dst, "X-Request-Id", id)
	dst = append(dst, "\r\n"...)
	f.answered(a, id, start)
	return dst, a.body, true
}

// appendWire appends a's status line and headers as HTTP/1.1 sends them,
// with one Content-Length and without Date and X-Request-Id, which each
// answer adds; remember builds it once per answer kept.
func (a *frontAnswer) appendWire(dst []byte) []byte {
	dst = append(dst, "HTTP/1.1 "...)
	dst = strconv.AppendInt(dst, int64(a.status), 10)
	dst = append(dst, ' ')
	dst = append(dst, http.StatusText(a.status)...)
	dst = append(dst, "\r\n"...)
	for i, k := range a.canon {
		switch k {
		case "Content-Length", "Date", "Transfer-Encoding", "Connection":
			continue // written here, per answer, or net/http's to say
		}
		for _, v := range a.values[i] {
			dst = appendHeader(dst, k, v)
		}
	}
	return appendHeader(dst, "Content-Length", strconv.Itoa(len(a.body)))
}

func appendHeader(dst []byte, name, value string) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}
