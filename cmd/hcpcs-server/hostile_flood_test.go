package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/cache/redistest"
	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// floodConns is the number of keep-alive connections the flood uses.
const floodConns = 4

// maxFloodGrowth bounds how much the live heap (in use after a GC) may grow
// over the flood. An entry kept per junk URL would cost at least its key
// (the URL, ~100 bytes): 200,000 of them 20 MB, and with the answer (a
// $lookup is ~2 KB) hundreds of MB. 16 MiB leaves room for the pools,
// connection buffers and metrics the flood warms up, and catches any
// retention of 84 bytes a request or more.
const maxFloodGrowth = 16 << 20

// maxRedisKeys bounds the keys in Redis after the flood: the flood asks for
// two answers (a $lookup and a read), each of which may be kept in a few
// variants (encoding, format); 200,000 junk URLs must not add one.
const maxRedisKeys = 8

// TestHostileCacheFlood: 200,000 distinct junk URLs of two answers, sent
// over a few keep-alive connections, leave the live heap within
// maxFloodGrowth and put no junk key in Redis (the cache key ignores
// unknown parameters: fhir/cache_params.go). Not parallel: the heap of
// the test process is the server's, and other tests' servers must not run
// beside it.
func TestHostileCacheFlood(t *testing.T) {
	rs := redistest.Start(t)
	dir := t.TempDir()
	require.NoError(t, os.Symlink(testenv.Release(t, "2025-10_quarterly"), filepath.Join(dir, "2025-10_quarterly")))
	ctx, cancel := context.WithCancel(context.Background())
	ready, errc := make(chan string, 1), make(chan error, 1)
	args := []string{"--listen", "127.0.0.1:0", "--drain-delay", "0", "--data", dir, "--redis", rs.URL(), "--redis-ops", "read,lookup"}
	go func() { errc <- runServe(ctx, args, func(string) string { return "" }, io.Discard, io.Discard, ready) }()
	var base string
	select {
	case addr := <-ready:
		base = "http://" + addr
	case err := <-errc:
		cancel()
		t.Fatalf("serve stopped before it listened: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-errc)
	})
	client := &http.Client{Timeout: hostileTimeout, Transport: &http.Transport{MaxConnsPerHost: floodConns, MaxIdleConnsPerHost: floodConns}}
	defer client.CloseIdleConnections()

	lookup := base + "/fhir/CodeSystem/$lookup?system=" + url.QueryEscape(hcpcsSystem) + "&code=E0114"
	read := base + "/fhir/CodeSystem/hcpcs-2025-10"
	// Warm up: each answer once without junk, and the read's ETag, so
	// that the read is asked conditionally (304, not 15 MB each time).
	status, _ := floodGet(t, client, lookup, "")
	require.Equal(t, http.StatusOK, status)
	status, etag := floodGet(t, client, read, "")
	require.Equal(t, http.StatusOK, status)
	require.NotEmpty(t, etag)
	before := liveHeap(t, client, base)

	start := time.Now()
	var (
		next     atomic.Int64
		bad      sync.Map // status → a URL
		badCount atomic.Int64
		wg       sync.WaitGroup
	)
	for range floodConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= floodCount; i = next.Add(1) {
				target, want, inm := fmt.Sprintf("%s&junk=%d", lookup, i), http.StatusOK, ""
				if i%2 == 0 {
					target, want, inm = fmt.Sprintf("%s?x=%d", read, i), http.StatusNotModified, etag
				}
				if status, _ := floodGet(t, client, target, inm); status != want {
					badCount.Add(1)
					bad.LoadOrStore(status, target)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	t.Logf("%d junk URLs over %d connections in %v (%.0f requests/s)", floodCount, floodConns, took.Round(time.Millisecond), floodCount/took.Seconds())
	var lines []string
	bad.Range(func(k, v any) bool { lines = append(lines, fmt.Sprintf("status %v: %v", k, v)); return true })
	require.Zero(t, badCount.Load(), "answers other than 200 / 304:\n%s", strings.Join(lines, "\n"))

	after := liveHeap(t, client, base)
	t.Logf("live heap %d MiB before the flood, %d MiB after", before>>20, after>>20)
	require.Less(t, after-before, int64(maxFloodGrowth), "the flood grew the live heap by %d MiB", (after-before)>>20)

	// The answers themselves reach Redis (written in the background):
	// the tier is in use, and would show junk keys.
	var keys []string
	require.Eventually(t, func() bool {
		var err error
		keys, err = rs.Client().Keys(context.Background(), "*").Result()
		return err == nil && len(keys) >= 2
	}, time.Minute, 10*time.Millisecond, "the $lookup and the read are not in Redis")
	t.Logf("%d keys in Redis", len(keys))
	require.LessOrEqual(t, len(keys), maxRedisKeys, "junk reached Redis: %d keys, e.g. %.300v", len(keys), keys)
	for _, k := range keys {
		require.NotContains(t, k, "junk", "a junk parameter is in a Redis key")
	}
}

// floodGet sends one GET and drains its answer, so that the connection is
// kept alive; it returns the status and the ETag.
func floodGet(t *testing.T, client *http.Client, target, ifNoneMatch string) (int, string) {
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	if ifNoneMatch != "" {
		req.Header.Set("If-None-Match", ifNoneMatch)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Error(err)
	}
	return resp.StatusCode, resp.Header.Get("ETag")
}

// liveHeap collects the garbage of this process (the server runs in it)
// and reads go_memstats_heap_inuse_bytes from the server's /metrics.
func liveHeap(t *testing.T, client *http.Client, base string) int64 {
	t.Helper()
	runtime.GC()
	resp, err := client.Get(base + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_memstats_heap_inuse_bytes "); ok {
			f, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err)
			return int64(f)
		}
	}
	require.NoError(t, sc.Err())
	t.Fatal("no go_memstats_heap_inuse_bytes in /metrics")
	return 0
}
