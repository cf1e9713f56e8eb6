package main

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// maxServedHeap bounds the live heap a server of the nine releases holds
// once every release has been downloaded, gzip and identity: the releases
// (about 70 MiB), their gzip renderings (7 MiB) and the identity
// renderings kept (fhir.DefaultKeptIdentityBytes, 16 MiB). Keeping every
// identity rendering, as the server did before, held 190 MiB.
const maxServedHeap = 128 << 20

// heapAfterGC is the heap in use after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestSteadyMemoryAfterRenders downloads every release's complete
// CodeSystem twice, gzip and identity, and asserts what the server then
// holds: under maxServedHeap, and no more after the second round (the
// identity forms decompressed on demand are not kept beyond the budget).
// It measures the heap of this process around the server, not the
// resident set, which the test binary's own pages blur.
func TestSteadyMemoryAfterRenders(t *testing.T) {
	dir := testenv.HCPCSData(t)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var versions []string
	for _, e := range entries {
		if m := regexp.MustCompile(`^(\d{4}-\d{2})_`).FindStringSubmatch(e.Name()); m != nil && e.IsDir() {
			versions = append(versions, m[1])
		}
	}
	require.Len(t, versions, 9)

	before := heapAfterGC()
	s := startTestServer(t, nil, "--data", dir)
	downloadAll := func() {
		for _, v := range versions {
			for _, enc := range []string{"gzip", "identity"} {
				req, err := http.NewRequest(http.MethodGet, s.base+"/fhir/CodeSystem/hcpcs-"+v, nil)
				require.NoError(t, err)
				req.Header.Set("Accept-Encoding", enc) // set: the transport then leaves gzip undecoded
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				n, err := io.Copy(io.Discard, resp.Body)
				require.NoError(t, err)
				require.NoError(t, resp.Body.Close())
				require.Equal(t, http.StatusOK, resp.StatusCode, v)
				require.Equal(t, enc == "gzip", resp.Header.Get("Content-Encoding") == "gzip", v)
				require.Greater(t, n, int64(100_000), v)
			}
		}
	}
	downloadAll()
	first := heapAfterGC()
	downloadAll()
	second := heapAfterGC()
	require.NoError(t, s.stop())
	http.DefaultClient.CloseIdleConnections()
	gone := heapAfterGC()
	// Measured both ways, growth from before the start and what the stop
	// frees, so that garbage of an earlier test freed meanwhile cannot hide
	// what this server holds.
	t.Logf("live heap held by the server: %d MiB after one round, %d MiB after two; %d MiB freed by its stop",
		int64(first-before)>>20, int64(second-before)>>20, int64(second-gone)>>20)
	require.Less(t, int64(first-before), int64(maxServedHeap))
	require.Less(t, int64(second-gone), int64(maxServedHeap))
	require.Less(t, int64(second-first), int64(8<<20), "the second round kept more")
}
