package fhir

import (
	"bytes"
	"compress/gzip"
	"sync"

	"github.com/gin-gonic/gin"
)

// gzipMinBytes is the size from which an answer is gzip'd for a client that
// accepts it. Below it the answer fits a few packets and compressing costs
// more than it saves; above it, JSON shrinks five- to tenfold (a search
// Bundle of nine HCPCS releases: 115 KB, 12 KB gzip'd).
const gzipMinBytes = 8 << 10

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// gzipLarge returns the body to send: b gzip'd, with Content-Encoding set,
// when it is large and the client accepts gzip, else b. A body the handler
// encoded already (a CodeSystem read, a cached gzip entry) is left alone.
// Every large answer varies by Accept-Encoding, whichever way it went.
func gzipLarge(c *gin.Context, b []byte) []byte {
	h := c.Writer.Header()
	if len(b) < gzipMinBytes || headerValue(h, "Content-Encoding") != "" {
		return b
	}
	if len(h["Vary"]) == 0 {
		h["Vary"] = []string{defaultVary}
	}
	if !acceptsGzip(headerValue(c.Request.Header, "Accept-Encoding")) {
		return b
	}
	var buf bytes.Buffer
	buf.Grow(len(b) / 4)
	w := gzipPool.Get().(*gzip.Writer)
	w.Reset(&buf)
	_, _ = w.Write(b) // a bytes.Buffer does not fail
	_ = w.Close()
	gzipPool.Put(w)
	h.Set("Content-Encoding", "gzip")
	return buf.Bytes()
}
