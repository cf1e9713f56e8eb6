package fhir

import (
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// TestParsedTxResourcesBound: the cache of built tx-resources keeps at
// most its bytes, oldest out first, and refuses a resource that would
// crowd out the rest.
func TestParsedTxResourcesBound(t *testing.T) {
	c := newParsedTxResources(100)
	key := func(s string) [sha256.Size]byte { return sha256.Sum256([]byte(s)) }
	entry := func(url string, size int) parsedTxResource {
		return parsedTxResource{valueSet: &valueset.ValueSet{URL: url}, size: size}
	}
	for _, k := range []string{"a", "b", "c", "d"} {
		c.put(key(k), entry(k, 25))
	}
	for _, k := range []string{"a", "b", "c", "d"} {
		p, ok := c.get(key(k))
		require.True(t, ok, k)
		require.Equal(t, k, p.valueSet.URL)
	}
	c.put(key("e"), entry("e", 25))
	_, ok := c.get(key("a"))
	require.False(t, ok, "the oldest went first")
	_, ok = c.get(key("e"))
	require.True(t, ok)
	require.LessOrEqual(t, c.bytes, 100)
	c.put(key("big"), entry("big", 26))
	_, ok = c.get(key("big"))
	require.False(t, ok, "more than a quarter of the bound is not kept")
	_, ok = c.get(key("nothing"))
	require.False(t, ok)
}
