package fhir

import (
	"bytes"
	"io"
)

// maxBodyPrealloc bounds what readAll allocates on a request's word: a
// client that announces 4 MB and sends them slowly must not pin 4 MB per
// connection before it has sent them.
const maxBodyPrealloc = 64 << 10

// readAll reads r to its end, as io.ReadAll does, into a buffer first
// sized by the length the request announced (up to maxBodyPrealloc).
// io.ReadAll starts at 512 bytes and grows: a 53 KB body of tx-resources
// took a dozen reads of at most a few KB and as many copies, 35% of the
// server's CPU for a request its cache then answered (docs/performance.md).
func readAll(r io.Reader, announced int64) ([]byte, error) {
	var buf bytes.Buffer
	// ReadFrom wants MinRead bytes free before each read, the last one
	// (which finds the end) included.
	buf.Grow(int(min(max(announced, 0), maxBodyPrealloc)) + bytes.MinRead)
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}
