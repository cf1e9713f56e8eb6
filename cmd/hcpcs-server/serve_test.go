package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir"
	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// orphanContinuation is a fixed-width file whose only record continues a
// code that has no first record: a broken release.
const orphanContinuation = "A0001002004orphan continuation\r\n"

// syncBuffer is a log sink the test can read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func readyVersions(t *testing.T, base string) []string {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var body struct {
		Versions []string `json:"versions"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return body.Versions
}

// TestReloadOnSIGHUP: SIGHUP swaps in what the sources hold now; a reload
// that fails keeps the previous data whole.
func TestReloadOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Symlink(testenv.Release(t, "2023-01_quarterly"), filepath.Join(dir, "2023-01_quarterly")))

	base, logs := startServe(t, dir, nil)
	require.Equal(t, []string{"2023-01"}, readyVersions(t, base))

	// A new release appears: the reload picks it up.
	require.NoError(t, os.Symlink(testenv.Release(t, "2025-10_quarterly"), filepath.Join(dir, "2025-10_quarterly")))
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	require.Eventually(t, func() bool { return len(readyVersions(t, base)) == 2 }, 60*time.Second, 50*time.Millisecond, "reload did not happen:\n%s", logs)
	require.Equal(t, []string{"2023-01", "2025-10"}, readyVersions(t, base))

	// A broken file: the reload fails, naming it, and both releases stay.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "HCPC2024_JAN_ANWEB.txt"), []byte(orphanContinuation), 0o644))
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "reload failed") }, 60*time.Second, 50*time.Millisecond)
	require.Contains(t, logs.String(), "HCPC2024_JAN_ANWEB.txt")
	require.Equal(t, []string{"2023-01", "2025-10"}, readyVersions(t, base))
}

// TestServeRefusesBadData: a source that cannot be read stops the server
// before it listens, naming the file.
func TestServeRefusesBadData(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "HCPC2024_JAN_ANWEB.txt")
	require.NoError(t, os.WriteFile(bad, []byte(orphanContinuation), 0o644))
	ready := make(chan string, 1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // never serve forever if it wrongly starts
	defer cancel()
	err := runServe(ctx, []string{"--listen", "127.0.0.1:0", "--data", dir}, func(string) string { return "" }, &bytes.Buffer{}, &bytes.Buffer{}, ready)
	require.Error(t, err)
	require.Contains(t, err.Error(), "HCPC2024_JAN_ANWEB.txt")
	require.Empty(t, ready, "the server must not listen on bad data")
}

// TestMaxBatchFlag: --max-batch, else HCPCS_MAX_BATCH, else the default,
// bounds the validations of a $batch-validate-code; a bound below one is
// refused.
func TestMaxBatchFlag(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  string
		want int
	}{
		{"default", nil, "", fhir.DefaultMaxBatch},
		{"env", nil, "7", 7},
		{"flag wins", []string{"--max-batch", "3"}, "7", 3},
		{"zero", []string{"--max-batch", "0"}, "", -1},
		{"env not a number", nil, "many", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == "HCPCS_MAX_BATCH" {
					return tc.env
				}
				return ""
			}
			var stderr bytes.Buffer
			cfg, err := parseServeFlags(tc.args, getenv, &stderr)
			if tc.want < 0 {
				require.ErrorIs(t, err, errUsage)
				require.NotEmpty(t, stderr.String())
				return
			}
			require.NoError(t, err, stderr.String())
			require.Equal(t, tc.want, cfg.maxBatch)
		})
	}
}

// TestAccessLogFlags: --access-log and --access-log-sample, else their
// environment variables, else all with a 1% sample.
func TestAccessLogFlags(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		env        map[string]string
		wantMode   fhir.AccessLogMode
		wantSample float64
		ok         bool
	}{
		{"default", nil, nil, fhir.AccessLogAll, 0.01, true},
		{"env", nil, map[string]string{"HCPCS_ACCESS_LOG": "errors", "HCPCS_ACCESS_LOG_SAMPLE": "0.5"}, fhir.AccessLogErrors, 0.5, true},
		{"flags win", []string{"--access-log", "off", "--access-log-sample", "1"},
			map[string]string{"HCPCS_ACCESS_LOG": "errors", "HCPCS_ACCESS_LOG_SAMPLE": "0.5"}, fhir.AccessLogOff, 1, true},
		{"every request", []string{"--access-log=all", "--access-log-sample=1"}, nil, fhir.AccessLogAll, 1, true},
		{"unknown mode", []string{"--access-log", "sampled"}, nil, 0, 0, false},
		{"unknown mode in env", nil, map[string]string{"HCPCS_ACCESS_LOG": "ALL"}, 0, 0, false},
		{"sample above 1", []string{"--access-log-sample", "2"}, nil, 0, 0, false},
		{"negative sample", []string{"--access-log-sample", "-0.1"}, nil, 0, 0, false},
		{"NaN sample", []string{"--access-log-sample", "NaN"}, nil, 0, 0, false},
		{"sample not a number in env", nil, map[string]string{"HCPCS_ACCESS_LOG_SAMPLE": "1%"}, 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			cfg, err := parseServeFlags(tc.args, func(k string) string { return tc.env[k] }, &stderr)
			if !tc.ok {
				require.ErrorIs(t, err, errUsage)
				require.NotEmpty(t, stderr.String())
				return
			}
			require.NoError(t, err, stderr.String())
			require.Equal(t, tc.wantMode, cfg.accessLog.Mode)
			require.InDelta(t, tc.wantSample, cfg.accessLog.Sample, 0)
		})
	}
}

// TestHTTPCachingFlags: --http-cache-latest and --http-cache-pinned, else
// their environment variables, else the defaults; an empty value or one
// with a control character (a header injection) is refused.
func TestHTTPCachingFlags(t *testing.T) {
	for _, tc := range []struct {
		name         string
		args         []string
		env          map[string]string
		latest, pinn string
		ok           bool
	}{
		{"default", nil, nil, fhir.DefaultCacheLatest, fhir.DefaultCachePinned, true},
		{"env", nil, map[string]string{"HCPCS_HTTP_CACHE_LATEST": "no-store", "HCPCS_HTTP_CACHE_PINNED": "public, max-age=60"}, "no-store", "public, max-age=60", true},
		{"flags win", []string{"--http-cache-latest", "private, no-cache", "--http-cache-pinned=public, max-age=31536000, immutable"},
			map[string]string{"HCPCS_HTTP_CACHE_LATEST": "no-store"}, "private, no-cache", "public, max-age=31536000, immutable", true},
		{"empty", []string{"--http-cache-latest", " "}, nil, "", "", false},
		{"header injection", []string{"--http-cache-pinned", "max-age=60\r\nSet-Cookie: a=b"}, nil, "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			cfg, err := parseServeFlags(tc.args, func(k string) string { return tc.env[k] }, &stderr)
			if !tc.ok {
				require.ErrorIs(t, err, errUsage)
				require.Contains(t, stderr.String(), "--http-cache-")
				return
			}
			require.NoError(t, err, stderr.String())
			require.Equal(t, fhir.HTTPCaching{Latest: tc.latest, Pinned: tc.pinn}, cfg.httpCaching)
		})
	}
}
