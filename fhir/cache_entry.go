package fhir

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// storedHeaders are the response headers kept with a cached body; the
// others (X-Request-Id, CORS, and Cache-Control, which the policy of
// this process sets on each answer) belong to each request.
var storedHeaders = []string{"Content-Type", "Content-Encoding", "ETag", "Last-Modified", "Vary", "Content-Location", "Location"}

// cachedResponse is one stored answer.
type cachedResponse struct {
	status int
	header [][2]string
	body   []byte
	// pinned is whether the answer is about one named release
	// (pinnedRelease), which picks its Cache-Control: a function of the
	// request's key, worked out once when the entry is made.
	pinned bool
	// prepared is set once the entry is kept in the local tier: from then
	// on it is shared, read-only, and served through canon and values,
	// header slices built once and never modified (net/http only reads
	// them), Content-Length among them.
	prepared bool
	canon    []string
	values   [][]string
}

// prepare builds the header slices serve writes; the entry must not change
// afterwards.
func (e *cachedResponse) prepare() {
	if e.prepared {
		return
	}
	e.canon = make([]string, 0, len(e.header)+1)
	e.values = make([][]string, 0, len(e.header)+1)
	for _, kv := range e.header {
		e.canon = append(e.canon, http.CanonicalHeaderKey(kv[0]))
		e.values = append(e.values, []string{kv[1]})
	}
	e.canon = append(e.canon, "Content-Length")
	e.values = append(e.values, []string{strconv.Itoa(len(e.body))})
	e.prepared = true
}

// writeHeaders sets the entry's headers, Content-Length included once
// prepared.
func (e *cachedResponse) writeHeaders(h http.Header) {
	if e.prepared {
		for i, k := range e.canon {
			h[k] = e.values[i]
		}
		return
	}
	for _, kv := range e.header {
		h.Set(kv[0], kv[1])
	}
}

// size is what the entry holds in memory, for the local tier's budget: the
// body's backing array (its capacity: a body encoded into a larger buffer
// keeps all of it) and the headers.
func (e *cachedResponse) size() int64 {
	n := int64(cap(e.body)) + 64
	for _, kv := range e.header {
		n += int64(len(kv[0])+len(kv[1])) + 2*16 + 24
	}
	return n
}

func (e *cachedResponse) get(k string) string {
	for _, kv := range e.header {
		if kv[0] == k {
			return kv[1]
		}
	}
	return ""
}

func (e *cachedResponse) set(k, v string) {
	for i := range e.header {
		if e.header[i][0] == k {
			e.header[i][1] = v
			return
		}
	}
	e.header = append(e.header, [2]string{k, v})
}

// addHTTPCaching gives a 200 the ETag (a hash of the body) and Vary that
// let clients and proxies cache it, where the handler did not set them;
// serve adds the Cache-Control of the policy.
func (e *cachedResponse) addHTTPCaching() {
	if e.get("ETag") == "" {
		sum := sha256.Sum256(e.body)
		e.set("ETag", `W/"`+hex.EncodeToString(sum[:12])+`"`)
	}
	if e.get("Vary") == "" {
		e.set("Vary", defaultVary)
	}
}

// An entry is encoded body first, so that encoding appends to the buffer
// the handler wrote into instead of copying the body:
//
//	body  n×(len:uint16 name len:uint16 value)  n:uint8  status:uint16  tail:uint32  "R2"
//
// where tail is the length of everything after the body up to and including
// status. Redis adds its own checksum around it (cache.frame); decodeEntry
// still checks every length, so that no stored value can make it panic.
const entryMagic = "R2"

var errBadEntry = errors.New("fhir: undecodable cache entry")

// encode appends the headers and status to the body and returns the whole;
// the body's spare capacity is used when there is enough.
func (e *cachedResponse) encode() []byte {
	b := e.body
	if b == nil {
		b = []byte{}
	}
	n := len(b)
	for _, kv := range e.header {
		b = binary.BigEndian.AppendUint16(b, uint16(len(kv[0])))
		b = append(b, kv[0]...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(kv[1])))
		b = append(b, kv[1]...)
	}
	b = append(b, byte(len(e.header)))
	b = binary.BigEndian.AppendUint16(b, uint16(e.status))
	b = binary.BigEndian.AppendUint32(b, uint32(len(b)-n))
	b = append(b, entryMagic...)
	e.body = b[:n:n] // the entry now shares the encoding's memory
	return b
}

// decodeEntry reads an encoded entry; the body shares b's memory.
func decodeEntry(b []byte) (*cachedResponse, error) {
	const fixed = 1 + 2 + 4 + len(entryMagic) // n, status, tail, magic
	if len(b) < fixed || string(b[len(b)-len(entryMagic):]) != entryMagic {
		return nil, errBadEntry
	}
	tail := int(binary.BigEndian.Uint32(b[len(b)-len(entryMagic)-4:]))
	if tail < 3 || tail > len(b)-len(entryMagic)-4 {
		return nil, errBadEntry
	}
	bodyLen := len(b) - len(entryMagic) - 4 - tail
	t := b[bodyLen : len(b)-len(entryMagic)-4]
	e := &cachedResponse{status: int(binary.BigEndian.Uint16(t[len(t)-2:])), body: b[:bodyLen:bodyLen]}
	if e.status < 100 || e.status > 599 {
		return nil, errBadEntry
	}
	n := int(t[len(t)-3])
	h := t[:len(t)-3]
	e.header = make([][2]string, n)
	for i := range n {
		for j := range 2 {
			if len(h) < 2 {
				return nil, errBadEntry
			}
			l := int(binary.BigEndian.Uint16(h))
			if len(h) < 2+l {
				return nil, errBadEntry
			}
			e.header[i][j], h = string(h[2:2+l]), h[2+l:]
		}
	}
	if len(h) != 0 {
		return nil, errBadEntry
	}
	return e, nil
}

// conditionals are a request's If-None-Match and If-Modified-Since. They
// are taken off the request before the handlers run, so that what is
// computed and stored is always the full answer, and applied to it here.
type conditionals struct{ ifNoneMatch, ifModifiedSince string }

func takeConditionals(r *http.Request) conditionals {
	c := conditionals{headerValue(r.Header, "If-None-Match"), headerValue(r.Header, "If-Modified-Since")}
	if c != (conditionals{}) {
		r.Header.Del("If-None-Match")
		r.Header.Del("If-Modified-Since")
	}
	return c
}

// notModified applies RFC 9110 §13.1: If-None-Match wins; without it,
// If-Modified-Since is compared with Last-Modified.
func (c conditionals) notModified(etag, lastModified string) bool {
	if c.ifNoneMatch != "" {
		return etag != "" && etagMatches(c.ifNoneMatch, etag)
	}
	if c.ifModifiedSince == "" || lastModified == "" {
		return false
	}
	ims, err1 := http.ParseTime(c.ifModifiedSince)
	lm, err2 := http.ParseTime(lastModified)
	return err1 == nil && err2 == nil && !lm.After(ims)
}

// captureWriter buffers a response instead of sending it. Headers go to
// the real writer's map, which the cache reads back.
type captureWriter struct {
	gin.ResponseWriter
	status  int
	written bool
	body    bytes.Buffer
}

func (w *captureWriter) WriteHeader(code int) {
	if code > 0 && !w.written {
		w.status = code
	}
}

func (w *captureWriter) WriteHeaderNow() { w.written = true }

func (w *captureWriter) Write(b []byte) (int, error) {
	if !w.written || w.body.Len() == 0 {
		// Room for the body and the entry's tail (encode), so that a
		// large body, written at once, is copied once.
		w.body.Grow(len(b) + 1024)
	}
	w.written = true
	return w.body.Write(b)
}

func (w *captureWriter) WriteString(s string) (int, error) {
	w.written = true
	return w.body.WriteString(s)
}

func (w *captureWriter) Status() int   { return w.status }
func (w *captureWriter) Written() bool { return w.written }
func (w *captureWriter) Flush()        {}

func (w *captureWriter) Size() int {
	if !w.written {
		return -1
	}
	return w.body.Len()
}
