package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

const testAdminToken = "test-admin-token-0123456789abcdef"

// startServe runs `serve` on dir with env and flags; it returns the base
// URL and the server's log.
func startServe(t *testing.T, dir string, env map[string]string, flags ...string) (string, *syncBuffer) {
	t.Helper()
	s := startTestServer(t, env, append([]string{"--data", dir}, flags...)...)
	return s.base, s.logs
}

// postReload sends POST /admin/reload with the Authorization header auth
// (none when empty) and decodes the JSON answer.
func postReload(t *testing.T, base, auth string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/admin/reload", nil)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp, body
}

func readyFingerprint(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Fingerprint string `json:"fingerprint"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return body.Fingerprint
}

// metricsText is the /metrics page.
func metricsText(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// TestAdminReload: POST /admin/reload with the token rereads the sources
// and says what it loaded; without it, 401 and a Bearer challenge; a
// failed reload answers 500 with the reason and keeps the previous data.
// Reloads are counted by trigger and result; the token is never logged.
func TestAdminReload(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Symlink(testenv.Release(t, "2023-01_quarterly"), filepath.Join(dir, "2023-01_quarterly")))
	base, logs := startServe(t, dir, map[string]string{adminTokenEnv: " " + testAdminToken + "\n"}, "--access-log", "errors")

	for _, tc := range []struct {
		name, auth, challenge string
	}{
		{"no header", "", `Bearer realm="hcpcs-admin"`},
		{"another scheme", "Basic " + testAdminToken, `Bearer realm="hcpcs-admin"`},
		{"empty bearer", "Bearer ", `Bearer realm="hcpcs-admin"`},
		{"wrong token", "Bearer not-the-admin-token-at-all", `Bearer realm="hcpcs-admin", error="invalid_token"`},
		{"a prefix of the token", "Bearer " + testAdminToken[:20], `Bearer realm="hcpcs-admin", error="invalid_token"`},
		{"the token and more", "Bearer " + testAdminToken + "x", `Bearer realm="hcpcs-admin", error="invalid_token"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := postReload(t, base, tc.auth)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			require.Equal(t, tc.challenge, resp.Header.Get("WWW-Authenticate"))
			require.Equal(t, "unauthorized", body["status"])
		})
	}
	require.NotContains(t, logs.String(), "reloaded", "a refused request reloaded")

	// A new release appears: the reload answers what it loaded.
	require.NoError(t, os.Symlink(testenv.Release(t, "2025-10_quarterly"), filepath.Join(dir, "2025-10_quarterly")))
	resp, body := postReload(t, base, "bearer "+testAdminToken) // the scheme is case-insensitive
	require.Equal(t, http.StatusOK, resp.StatusCode, "%v", body)
	require.Equal(t, "reloaded", body["status"])
	require.Equal(t, []any{"2023-01", "2025-10"}, body["versions"])
	require.Equal(t, "2025-10", body["latest"])
	require.Equal(t, readyFingerprint(t, base), body["fingerprint"])
	require.Equal(t, []string{"2023-01", "2025-10"}, readyVersions(t, base))

	// A broken file: 500 naming it; both releases are still served.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "HCPC2024_JAN_ANWEB.txt"), []byte(orphanContinuation), 0o644))
	fp := readyFingerprint(t, base)
	resp, body = postReload(t, base, "Bearer "+testAdminToken)
	require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	require.Equal(t, "failed", body["status"])
	require.Contains(t, body["error"], "HCPC2024_JAN_ANWEB.txt")
	serving, ok := body["serving"].(map[string]any)
	require.True(t, ok, "%v", body)
	require.Equal(t, []any{"2023-01", "2025-10"}, serving["versions"])
	require.Equal(t, fp, serving["fingerprint"])
	require.Equal(t, fp, readyFingerprint(t, base))

	m := metricsText(t, base)
	require.Contains(t, m, `hcpcs_reloads_total{result="success",trigger="http"} 1`)
	require.Contains(t, m, `hcpcs_reloads_total{result="failure",trigger="http"} 1`)
	require.Contains(t, m, `hcpcs_reloads_total{result="success",trigger="signal"} 0`)

	out := logs.String()
	require.Contains(t, out, `"msg":"reloaded","trigger":"http"`)
	require.Contains(t, out, `"msg":"reload failed; still serving the previous data","trigger":"http"`)
	// The access log has every error, the 401s and the 500, and no success.
	require.Equal(t, 7, strings.Count(out, `"route":"/admin/reload"`), out)
	require.NotContains(t, out, testAdminToken[:20], "the token reached the log")
}

// TestAdminReloadDisabled: without HCPCS_ADMIN_TOKEN there is no
// /admin/reload (404, an OperationOutcome as for any unknown route),
// whatever the request carries.
func TestAdminReloadDisabled(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Symlink(testenv.Release(t, "2023-01_quarterly"), filepath.Join(dir, "2023-01_quarterly")))
	base, _ := startServe(t, dir, nil)
	for _, auth := range []string{"", "Bearer " + testAdminToken, "Bearer "} {
		resp, body := postReload(t, base, auth)
		require.Equal(t, http.StatusNotFound, resp.StatusCode, auth)
		require.Equal(t, "OperationOutcome", body["resourceType"], auth)
		require.Empty(t, resp.Header.Get("WWW-Authenticate"), auth)
	}
	require.Contains(t, metricsText(t, base), `hcpcs_reloads_total{result="success",trigger="http"} 0`)
}

// TestReloadsAreSerialised: a POST /admin/reload that arrives while a
// SIGHUP reload runs waits for it, then reloads again; the two never load
// at the same time.
func TestReloadsAreSerialised(t *testing.T) {
	r, err := terminology.NewRelease("2025-01", []string{"HCPC_2025-01_test.txt"}, []*terminology.Concept{
		{Code: "E0114", Kind: terminology.Procedure, LongDescription: "Crutches underarm, other than wood, adjustable or fixed, pair",
			ShortDescription: "Crutch underarm pair no wood"},
	}, nil)
	require.NoError(t, err)
	snap, err := terminology.NewSnapshot([]*terminology.Release{r})
	require.NoError(t, err)

	var inflight, most atomic.Int32
	entered, release := make(chan struct{}, 2), make(chan struct{})
	load := func() (*terminology.Snapshot, error) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		entered <- struct{}{}
		<-release
		return snap, nil
	}
	logs := &syncBuffer{}
	reg := prometheus.NewRegistry()
	rl := newReloader(load, terminology.NewStore(snap), slog.New(slog.NewJSONHandler(logs, nil)), reg)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	rl.onSIGHUP(ctx)
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	engine.POST("/admin/reload", rl.handler(testAdminToken))
	srv := httptest.NewServer(engine)
	t.Cleanup(srv.Close)

	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	<-entered // the signal's reload is loading
	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/admin/reload", nil)
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), `"msg":"reload waiting for the one running","trigger":"http"`)
	},
		time.Minute, 5*time.Millisecond)
	require.Equal(t, int32(1), inflight.Load(), "the HTTP reload started while the signal's ran")
	require.Empty(t, answered)
	close(release)
	require.Equal(t, http.StatusOK, <-answered)
	require.Equal(t, int32(1), most.Load(), "two reloads loaded at once")
	for _, trigger := range []string{triggerSignal, triggerHTTP} {
		var m dto.Metric
		require.NoError(t, rl.total.WithLabelValues(trigger, "success").Write(&m))
		require.InDelta(t, 1, m.GetCounter().GetValue(), 0, trigger)
	}
}

// TestAdminTokenEnv: the token is trimmed; a short one is refused at
// start; none disables the route.
func TestAdminTokenEnv(t *testing.T) {
	for _, tc := range []struct {
		name, env, want string
		ok              bool
	}{
		{"unset", "", "", true},
		{"blank", "  \n", "", true},
		{"a secret file's newline", testAdminToken + "\n", testAdminToken, true},
		{"too short", "secret", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			cfg, err := parseServeFlags(nil, func(k string) string {
				if k == adminTokenEnv {
					return tc.env
				}
				return ""
			}, &stderr)
			if !tc.ok {
				require.ErrorIs(t, err, errUsage)
				require.Contains(t, stderr.String(), adminTokenEnv)
				require.NotContains(t, stderr.String(), tc.env, "the refused token was printed")
				return
			}
			require.NoError(t, err, stderr.String())
			require.Equal(t, tc.want, cfg.adminToken)
		})
	}
}
