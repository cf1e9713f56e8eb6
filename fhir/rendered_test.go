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

// TestIdentityCache: the identity form is kept by rank (the newest release
// first) within the budget; what does not fit is decompressed for each
// caller and never kept; the bytes are the same either way.
func TestIdentityCache(t *testing.T) {
	body := func(c byte, n int) []byte { return []byte(`{"x":"` + strings.Repeat(string(c), n) + `"}`) }
	a, b, c := body('a', 90), body('b', 90), body('c', 90)
	// a is the latest release (rank 0), b the one before, c older still.
	ra, rb, rc := newRendered(a, time.Time{}, 0), newRendered(b, time.Time{}, 1), newRendered(c, time.Time{}, 2)
	require.Equal(t, a, gunzipped(t, ra.gzip))

	steps := []struct {
		name string
		do   func(ic *identityCache)
		kept []*rendered // by rank
	}{
		{"rendered: kept while they fit", func(ic *identityCache) { ic.put(rc, c); ic.put(rb, b) }, []*rendered{rb, rc}},
		{"a lower rank drops the highest", func(ic *identityCache) { ic.put(ra, a) }, []*rendered{ra, rb}},
		{"a rank beyond the budget is decompressed, not kept", func(ic *identityCache) {
			got, kept, err := ic.get(rc)
			require.NoError(t, err)
			require.False(t, kept)
			require.Nil(t, got)
			got, err = ic.bytes(rc)
			require.NoError(t, err)
			require.Equal(t, c, got)
		}, []*rendered{ra, rb}},
		{"a kept one is served as kept", func(ic *identityCache) {
			got, kept, err := ic.get(rb)
			require.NoError(t, err)
			require.True(t, kept)
			require.Equal(t, b, got)
		}, []*rendered{ra, rb}},
		{"a new snapshot drops all", func(ic *identityCache) { ic.clear() }, nil},
		{"a miss within the budget decompresses into the cache", func(ic *identityCache) {
			got, kept, err := ic.get(rb)
			require.NoError(t, err)
			require.True(t, kept)
			require.Equal(t, b, got)
		}, []*rendered{rb}},
		{"too large for the budget: not kept", func(ic *identityCache) {
			big := body('d', 300)
			rd := newRendered(big, time.Time{}, 0)
			ic.put(rd, big)
			got, err := ic.bytes(rd)
			require.NoError(t, err)
			require.Equal(t, big, got)
		}, []*rendered{rb}},
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
	require.Nil(t, rc.identity)
}

// TestIdentityCacheNone: a budget of 0 keeps nothing and still serves.
func TestIdentityCacheNone(t *testing.T) {
	a := []byte(`{"resourceType":"CodeSystem"}`)
	ic := &identityCache{}
	r := newRendered(a, time.Time{}, 0)
	ic.put(r, a)
	got, err := ic.bytes(r)
	require.NoError(t, err)
	require.Equal(t, a, got)
	require.Empty(t, ic.kept)
}

// BenchmarkReadIdentity reads the complete 2025-10 CodeSystem without gzip
// through the handler: kept within the identity budget (the default), and
// not kept (each read decompresses the gzip form as it is sent).
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

// TestKeptXML: the XML rendering is converted from the JSON once, tagged
// with the JSON's ETag marked as XML, kept gzip'd, and kept uncompressed
// only within the XML identity budget.
func TestKeptXML(t *testing.T) {
	json := []byte(`{"resourceType":"CodeSystem","url":"http://example.org/cs","status":"active","content":"complete","concept":[{"code":"a","display":"A"}]}`)
	for _, tc := range []struct {
		name   string
		budget int
		kept   bool
	}{
		{"within the budget", 1 << 20, true},
		{"no budget", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRendered(json, time.Time{}, 0)
			keep := &identityCache{budget: tc.budget}
			calls := 0
			identity := func(*rendered) ([]byte, error) { calls++; return json, nil }
			x, err := r.asXML(identity, keep)
			require.NoError(t, err)
			again, err := r.asXML(identity, keep)
			require.NoError(t, err)
			require.Same(t, x, again)
			require.Equal(t, 1, calls, "converted once")
			require.Equal(t, xmlETag(r.etag), x.etag)
			xml := gunzipped(t, x.gzip)
			require.Contains(t, string(xml), `<CodeSystem xmlns="http://hl7.org/fhir"><url value="http://example.org/cs"/>`)
			require.Equal(t, len(xml), x.size)
			got, kept, err := keep.get(x)
			require.NoError(t, err)
			require.Equal(t, tc.kept, kept)
			if kept {
				require.Equal(t, xml, got)
			}
		})
	}
}
