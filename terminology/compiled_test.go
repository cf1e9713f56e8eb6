package terminology

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// TestOptionsKey: every option that changes an evaluation is part of the
// key of the snapshot's cache of compiled value sets, so two requests that
// differ in one never share a compiled set.
func TestOptionsKey(t *testing.T) {
	m := func(k, v string) map[string]string { return map[string]string{k: v} }
	options := []valueset.Options{
		{},
		{Date: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ActiveOnly: true},
		{SystemVersion: m(SystemURL, "2025-10")},
		{ForceVersion: m(SystemURL, "2025-10")},
		{CheckVersion: m(SystemURL, "2025-10")},
		{ValueSetVersion: m("http://example.org/vs", "1")},
		{ValueSetVersion: m("http://example.org/vs", "2")},
		{SystemVersion: m(SystemURL, "2023-01")},
		{SystemVersion: m(SystemURL, "2023-01"), DefaultsUnversionedOnly: true},
	}
	seen := map[string]int{}
	for i, o := range options {
		k := optionsKey(o)
		prev, dup := seen[k]
		require.False(t, dup, "options %d and %d share the key %q", prev, i, k)
		seen[k] = i
	}
}
