package fhir

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func gunzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	out, err := io.ReadAll(zr)
	require.NoError(t, err)
	return out
}

// TestIdentityCache: the identity form is served from the budget while it
// fits, least recently read dropped first, and decompressed from the gzip
// form otherwise — the same bytes either way.
func TestIdentityCache(t *testing.T) {
	body := func(c byte, n int) []byte { return []byte(`{"x":"` + strings.Repeat(string(c), n) + `"}`) }
	a, b, c := body('a', 90), body('b', 90), body('c', 90)
	ra, rb, rc := newRendered(a, time.Time{}), newRendered(b, time.Time{}), newRendered(c, time.Time{})
	require.Equal(t, a, gunzipped(t, ra.gzip))

	steps := []struct {
		name string
		do   func(ic *identityCache)
		kept []*rendered // least recently read first
	}{
		{"offered within the budget", func(ic *identityCache) { ic.put(ra, a); ic.put(rb, b) }, []*rendered{ra, rb}},
		{"a read moves it last", func(ic *identityCache) { got, _ := ic.get(ra); require.Equal(t, a, got) }, []*rendered{rb, ra}},
		{"a miss decompresses and evicts the oldest", func(ic *identityCache) { got, _ := ic.get(rc); require.Equal(t, c, got) }, []*rendered{ra, rc}},
		{"too large for the budget: served, not kept", func(ic *identityCache) {
			big := body('d', 300)
			got, err := ic.get(newRendered(big, time.Time{}))
			require.NoError(t, err)
			require.Equal(t, big, got)
		}, []*rendered{ra, rc}},
		{"a new snapshot drops all", func(ic *identityCache) { ic.clear() }, nil},
	}
	ic := &identityCache{budget: 2*len(a) + 10}
	for _, s := range steps {
		s.do(ic)
		require.Equal(t, s.kept, ic.kept, s.name)
		used := 0
		for _, r := range ic.kept {
			used += len(r.identity)
		}
		require.Equal(t, used, ic.used, s.name)
		require.LessOrEqual(t, ic.used, ic.budget, s.name)
	}
	require.Nil(t, ra.identity)
	got, err := ic.get(rb)
	require.NoError(t, err)
	require.Equal(t, b, got)
}

// TestIdentityCacheNone: a budget of 0 keeps nothing and still serves.
func TestIdentityCacheNone(t *testing.T) {
	a := []byte(`{"resourceType":"CodeSystem"}`)
	ic := &identityCache{}
	r := newRendered(a, time.Time{})
	ic.put(r, a)
	got, err := ic.get(r)
	require.NoError(t, err)
	require.Equal(t, a, got)
	require.Empty(t, ic.kept)
}

// BenchmarkReadIdentity reads the complete 2025-10 CodeSystem without gzip
// through the handler: kept within the identity budget (the default), and
// not kept (each read decompresses the gzip form).
func BenchmarkReadIdentity(b *testing.B) {
	store := benchStore(b)
	req, err := http.NewRequest(http.MethodGet, "/fhir/CodeSystem/hcpcs-2025-10", nil)
	require.NoError(b, err)
	for _, c := range []struct {
		name string
		kept int
	}{{"kept", 0}, {"not-kept", -1}} {
		b.Run(c.name, func(b *testing.B) {
			e := NewServer(Config{Data: store, Logger: slog.New(slog.DiscardHandler), KeptIdentityBytes: c.kept}).NewEngine()
			w := &discardWriter{h: http.Header{}}
			e.ServeHTTP(w, req) // render
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				w.code, w.n = 0, 0
				e.ServeHTTP(w, req)
			}
			require.Equal(b, http.StatusOK, w.code)
			require.Equal(b, 15642570, w.n)
		})
	}
}
