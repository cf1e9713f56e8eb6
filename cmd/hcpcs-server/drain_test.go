package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// startDrainServer serves 2025-10 with the given flags.
func startDrainServer(t *testing.T, flags ...string) *testServer {
	t.Helper()
	return startReleaseServer(t, "2025-10_quarterly", flags...)
}

// startReleaseServer serves the one release of the test data folder
// release (e.g. 2020-01_annual) with the given flags.
func startReleaseServer(t *testing.T, release string, flags ...string) *testServer {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Symlink(testenv.Release(t, release), filepath.Join(dir, release)))
	return startTestServer(t, nil, append([]string{"--data", dir}, flags...)...)
}

// startDownload sends a GET of the complete 2025-10 CodeSystem (15 MB,
// identity) on a raw connection and reads only its status line, so that
// the request is in flight and the server blocks writing it.
func startDownload(t *testing.T, base string) (*bufio.Reader, net.Conn) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = io.WriteString(conn, "GET /fhir/CodeSystem/hcpcs-2025-10 HTTP/1.1\r\nHost: test\r\n\r\n")
	require.NoError(t, err)
	r := bufio.NewReaderSize(conn, 4096)
	status, err := r.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "HTTP/1.1 200 OK\r\n", status)
	return r, conn
}

// TestDrainOnSIGTERM: on SIGTERM /readyz answers 503 at once while
// requests are still served; a download in flight is answered whole, and
// the server exits cleanly (issue 9, §3: 12 requests were lost under load,
// and /readyz stayed 200).
func TestDrainOnSIGTERM(t *testing.T) {
	srv := startDrainServer(t, "--drain-delay", "1h", "--drain-timeout", "1m")
	base := srv.base
	const lookup = "/fhir/CodeSystem/$lookup?system=http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets&code=E0114"
	// Asked twice, the lookup is one the front answers from memory: it
	// must close its connection while draining too.
	for range 2 {
		resp, err := http.Get(base + lookup)
		require.NoError(t, err)
		resp.Body.Close()
		require.False(t, resp.Close)
	}
	body, _ := startDownload(t, base)
	srv.cancel()
	t.Cleanup(func() {
		// A failed check must not leave serve in its hour-long delay.
		select {
		case <-srv.exited:
		default:
			_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		}
	})
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable
	}, time.Minute, 10*time.Millisecond)
	// Still serving, but telling clients to reconnect.
	resp, err := http.Get(base + lookup)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, resp.Close, "a draining server closes each connection after its answer")
	// The download in flight completes.
	msg, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader("HTTP/1.1 200 OK\r\n"), body)), nil)
	require.NoError(t, err)
	var cs struct {
		Concept []json.RawMessage `json:"concept"`
	}
	require.NoError(t, json.NewDecoder(msg.Body).Decode(&cs))
	require.Len(t, cs.Concept, 8846)
	select {
	case <-srv.exited:
		t.Fatalf("serve returned during the drain delay: %v", srv.err)
	default:
	}
	// A second signal ends the delay; nothing is in flight, so it exits.
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	require.NoError(t, srv.stop())
}

// TestDrainTimeout: a request still running when the drain timeout ends
// (a client that stopped reading a download) has its connection closed,
// and the server still exits cleanly; before, it exited with status 1.
func TestDrainTimeout(t *testing.T) {
	srv := startDrainServer(t, "--drain-delay", "0", "--drain-timeout", "100ms")
	body, _ := startDownload(t, srv.base)
	require.NoError(t, srv.stop())
	msg, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader("HTTP/1.1 200 OK\r\n"), body)), nil)
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, msg.Body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "the stalled download's connection was closed")
}
