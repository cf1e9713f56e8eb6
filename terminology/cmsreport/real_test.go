package cmsreport_test

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology/cmsreport"
)

// TestRealReports reads every change report in the shared data and checks
// what the package doc says of their layouts.
func TestRealReports(t *testing.T) {
	tests := []struct {
		release           string
		entries           int
		descriptions, key bool
		longWidth         int // the widest Long of a cut layout
	}{
		{"2017-01", 6498, false, false, 0},
		{"2018-01", 6558, false, false, 0},
		{"2019-01", 6800, true, false, 61},
		{"2020-01", 7079, true, false, 70},
		{"2020-04", 7097, true, true, 0},
		{"2020-07", 7158, true, true, 0},
		{"2020-10", 7196, true, true, 0},
	}
	reports := reportFolders(t)
	require.Len(t, reports, len(tests))
	for _, tt := range tests {
		t.Run(tt.release, func(t *testing.T) {
			rep := reports[tt.release]
			require.NotNil(t, rep)
			require.Len(t, rep.Entries, tt.entries)
			require.Equal(t, tt.descriptions, rep.HasDescriptions)
			require.Equal(t, tt.longWidth > 0, rep.LongCut)
			if tt.key {
				require.Len(t, rep.ActionCodes, 10, "A B C D F N P R S T")
			} else {
				require.Nil(t, rep.ActionCodes)
			}
			widest := 0
			for _, e := range rep.Entries {
				require.NotEmpty(t, e.Kinds)
				require.True(t, utf8.ValidString(e.Long) && utf8.ValidString(e.Short), e.Code)
				if tt.descriptions {
					require.NotEmpty(t, e.Short, e.Code)
					widest = max(widest, utf8.RuneCountInString(e.Long))
				}
			}
			if tt.longWidth > 0 {
				require.Equal(t, tt.longWidth, widest)
			}
			n := rep.Counts()
			require.Positive(t, n[cmsreport.Added])
			require.Positive(t, n[cmsreport.NoChange])
		})
	}
}
