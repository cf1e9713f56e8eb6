package terminology

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// searchTop expands the all-codes value set of 2025-10 with a text filter,
// active codes only, and returns the first n codes.
func searchTop(t testing.TB, snap *Snapshot, query string, n int) []string {
	t.Helper()
	vs, err := snap.Resolver().ValueSet(AllCodesValueSet)
	require.NoError(t, err)
	c, err := valueset.Compile(vs, snap.Resolver(), valueset.Options{ActiveOnly: true})
	require.NoError(t, err)
	exp, err := c.Expand(valueset.ExpandRequest{Filter: query, Count: n, HasCount: true})
	require.NoError(t, err)
	codes := make([]string, len(exp.Contains))
	for i, m := range exp.Contains {
		codes[i] = m.Concept.Code
	}
	return codes
}

func TestSearchQuality(t *testing.T) {
	snap := release202510(t)
	require.GreaterOrEqual(t, len(searchQualityCases), 25, "the issue asks for at least 25 queries")
	for _, tc := range searchQualityCases {
		require.NotEmpty(t, tc.top10, "%q: a case names the codes that must come first", tc.query)
		t.Run(tc.query, func(t *testing.T) {
			top := searchTop(t, snap, tc.query, 10)
			for _, want := range tc.top10 {
				require.Contains(t, top, want, "%q: %s must be among the first 10, got %v", tc.query, want, top)
			}
			for _, not := range tc.notTop10 {
				require.NotContains(t, top, not, "%q: %s must not be among the first 10, got %v", tc.query, not, top)
			}
		})
	}
}
