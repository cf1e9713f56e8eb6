package onewrite

import (
	"crypto/tls"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

// passThrough is a wrapper whose writes reach the connection it wraps
// unchanged (as internal/connfront's).
type passThrough struct{ net.Conn }

func (p passThrough) WritesThrough() net.Conn { return p.Conn }

// TestTCPConnThroughWrappers: the writev path finds the socket under
// wrappers that pass writes through unchanged, and never under one that
// does not, such as crypto/tls, whose NetConn it must not write to.
func TestTCPConnThroughWrappers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			defer c.Close()
			_, _ = c.Read(make([]byte, 1))
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	tcp := c.(*net.TCPConn)

	for _, tc := range []struct {
		name string
		conn net.Conn
		want bool
	}{
		{"the socket", tcp, true},
		{"one pass-through wrapper", passThrough{tcp}, true},
		{"two", passThrough{passThrough{tcp}}, true},
		{"TLS", tls.Client(tcp, &tls.Config{}), false},
		{"pass-through over TLS", passThrough{tls.Client(tcp, &tls.Config{})}, false},
	} {
		got, ok := tcpConn(tc.conn)
		require.Equal(t, tc.want, ok, tc.name)
		if ok {
			require.Same(t, tcp, got, tc.name)
		}
	}
}
