package fhir

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"
)

// TestHeaderNamesCanonical: headerValue reads the header map without
// canonicalising, so every name it is given must already be canonical.
func TestHeaderNamesCanonical(t *testing.T) {
	for _, name := range []string{cacheIDHeader, tooCostlyHeaderKey, "Accept", "Accept-Encoding", "Accept-Language",
		"Origin", "X-Request-Id", "If-None-Match", "If-Modified-Since", "Content-Encoding"} {
		require.Equal(t, textproto.CanonicalMIMEHeaderKey(name), name)
	}
	require.Equal(t, textproto.CanonicalMIMEHeaderKey(tooCostlyHeader), tooCostlyHeaderKey)
}

const keyTestFP = "0123456789abcdef0123456789abcdef-and-more"

func keyOf(t testing.TB, rc *ResponseCache, target string, header map[string]string) *requestKey {
	t.Helper()
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		c.Request.Header.Set(k, v)
	}
	k, ok := rc.key(c, opLookup, keyTestFP)
	require.True(t, ok, target)
	return &k
}

// TestRequestKeyForms: the local key is the fingerprint, the operation and
// the key's input; the shared key is the same prefix and the first 16
// bytes of the input's sha256, in hex. Parameter order, unknown parameters
// and _format spellings of JSON do not change either; a known parameter,
// the content coding and the language do.
func TestRequestKeyForms(t *testing.T) {
	rc := NewServer(Config{}).NewResponseCache(CacheConfig{})
	base := keyOf(t, rc, "/fhir/CodeSystem/$lookup?system=s&code=E0100", nil)
	prefix := keyTestFP[:32] + ":" + opLookup + ":"
	require.True(t, strings.HasPrefix(base.local, prefix))
	sum := sha256.Sum256([]byte(strings.TrimPrefix(base.local, prefix)))
	require.Equal(t, prefix+hex.EncodeToString(sum[:16]), base.sharedKey())
	require.Equal(t, base.sharedKey(), base.sharedKey(), "stable")

	for _, same := range []string{
		"/fhir/CodeSystem/$lookup?code=E0100&system=s",
		"/fhir/CodeSystem/$lookup?code=E0100&junk=1&system=s&",
		"/fhir/CodeSystem/$lookup?code=E0100&system=s&_format=json",
	} {
		k := keyOf(t, rc, same, nil)
		require.Equal(t, base.local, k.local, same)
		require.Equal(t, base.sharedKey(), k.sharedKey(), same)
	}
	for _, other := range []struct {
		target string
		header map[string]string
	}{
		{"/fhir/CodeSystem/$lookup?system=s&code=E0101", nil},
		{"/fhir/CodeSystem/$lookup?system=s&code=E0100&displayLanguage=de", nil},
		{"/fhir/CodeSystem/$lookup?system=s&code=E0100", map[string]string{"Accept-Encoding": "gzip"}},
		{"/fhir/CodeSystem/$lookup?system=s&code=E0100", map[string]string{"Accept-Language": "de"}},
		{"/fhir/CodeSystem/$lookup?system=s&code=E0100", map[string]string{tooCostlyHeader: "10"}},
	} {
		k := keyOf(t, rc, other.target, other.header)
		require.NotEqual(t, base.local, k.local, "%v", other)
		require.NotEqual(t, base.sharedKey(), k.sharedKey(), "%v", other)
	}
}

// BenchmarkRequestKey: the key of a $lookup, as the hot path of a local
// hit builds it (the shared form is not made).
func BenchmarkRequestKey(b *testing.B) {
	rc := NewServer(Config{}).NewResponseCache(CacheConfig{})
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet,
		"/fhir/CodeSystem/$lookup?system=http%3A%2F%2Fwww.cms.gov%2FMedicare%2FCoding%2FHCPCSReleaseCodeSets&code=E0114", nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := rc.key(c, opLookup, keyTestFP); !ok {
			b.Fatal("not keyed")
		}
	}
}
