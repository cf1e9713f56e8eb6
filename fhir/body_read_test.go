package fhir

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

func TestReadAll(t *testing.T) {
	body := func(n int) []byte { return bytes.Repeat([]byte("tx-resource "), n/12+1)[:n] }
	for _, tc := range []struct {
		name           string
		size           int
		announced      int64
		notRegrown     bool // fewer allocations than with no length announced
		maxCap         int  // 0: not checked
		oneByteReads   bool
		failAfterBytes int // 0: none
	}{
		{name: "nothing announced", size: 3000, announced: -1},
		{name: "an empty body", size: 0, announced: 0},
		{name: "announced: one buffer, never regrown", size: 53 << 10, announced: 53 << 10, notRegrown: true},
		{name: "announced in one-byte reads", size: 5000, announced: 5000, notRegrown: true, oneByteReads: true},
		{name: "more announced than sent", size: 100, announced: 4000},
		{name: "less announced than sent: grows", size: 9000, announced: 1000},
		{name: "a large announcement is not trusted with memory", size: 10, announced: 4 << 20, maxCap: 2 * maxBodyPrealloc},
		{name: "beyond the preallocation: grows", size: 200 << 10, announced: 200 << 10},
		{name: "a read error is returned with what came before", size: 5000, announced: 5000, failAfterBytes: 2048},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := body(tc.size)
			var r io.Reader = bytes.NewReader(want)
			if tc.oneByteReads {
				r = iotest.OneByteReader(r)
			}
			broken := errors.New("connection reset")
			if tc.failAfterBytes > 0 {
				r = io.MultiReader(io.LimitReader(r, int64(tc.failAfterBytes)), iotest.ErrReader(broken))
			}
			got, err := readAll(r, tc.announced)
			if tc.failAfterBytes > 0 {
				require.ErrorIs(t, err, broken)
				require.Equal(t, want[:tc.failAfterBytes], got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, len(want), len(got))
			require.True(t, bytes.Equal(want, got))
			if tc.maxCap > 0 {
				require.LessOrEqual(t, cap(got), tc.maxCap)
			}
			if tc.notRegrown {
				// Counted against the same read with no length announced, so
				// that what -race adds falls on both sides.
				br := bytes.NewReader(want)
				var r io.Reader = br
				if tc.oneByteReads {
					r = iotest.OneByteReader(br)
				}
				allocs := func(read func() ([]byte, error)) float64 {
					return testing.AllocsPerRun(10, func() { br.Reset(want); _, _ = read() })
				}
				sized := allocs(func() ([]byte, error) { return readAll(r, tc.announced) })
				grown := allocs(func() ([]byte, error) { return readAll(r, -1) })
				require.Less(t, sized, grown, "the buffer is sized once, not grown")
			}
		})
	}
}

// TestReadAllAsIoReadAll: the same bytes and errors as io.ReadAll for
// readers of every shape.
func TestReadAllAsIoReadAll(t *testing.T) {
	for _, s := range []string{"", "x", strings.Repeat("a", 511), strings.Repeat("b", 512), strings.Repeat("c", 70000)} {
		for _, announced := range []int64{-1, 0, 1, int64(len(s)), int64(len(s)) + 1, 1 << 30} {
			want, wantErr := io.ReadAll(iotest.HalfReader(strings.NewReader(s)))
			got, err := readAll(iotest.HalfReader(strings.NewReader(s)), announced)
			require.Equal(t, wantErr, err)
			require.Equal(t, want, got, "%d bytes announced as %d", len(s), announced)
		}
	}
}
