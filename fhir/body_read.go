package fhir

import "io"

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
	size := 512
	if announced > 0 {
		size = int(min(announced, maxBodyPrealloc)) + 1 // the read that finds the end needs room
	}
	b := make([]byte, 0, size)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow, as append does
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF { // as io.ReadAll: a reader's own end, not a wrapped one
				err = nil
			}
			return b, err
		}
	}
}
