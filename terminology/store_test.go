package terminology_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestInEffectOn pins the date rule of the CMS layout: ADD DT and TERM DT
// (the last day of use) are both inclusive.
func TestInEffectOn(t *testing.T) {
	c := &terminology.Concept{Code: "A0001", AddedDate: day("2020-01-01"), TerminationDate: day("2022-12-31")}
	open := &terminology.Concept{Code: "A0002", AddedDate: day("2020-01-01")}
	for _, tc := range []struct {
		name string
		c    *terminology.Concept
		on   string
		want bool
	}{
		{"day before added", c, "2019-12-31", false},
		{"added day", c, "2020-01-01", true},
		{"middle", c, "2021-06-15", true},
		{"last day of use", c, "2022-12-31", true},
		{"day after termination", c, "2023-01-01", false},
		{"no termination, long after", open, "2030-01-01", true},
		{"no termination, before added", open, "2019-01-01", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.c.InEffectOn(day(tc.on)))
		})
	}
	// The time of day does not matter, only the calendar day.
	require.True(t, c.InEffectOn(day("2022-12-31").Add(23*time.Hour+59*time.Minute)))
	require.False(t, c.InactiveAsOf(day("2022-12-31")))
	require.True(t, c.InactiveAsOf(day("2023-01-01")))
	require.True(t, c.InactiveAsOf(time.Time{}), "terminated in the release")
	require.False(t, c.InactiveAsOf(day("2019-06-01")), "not yet added is not inactive")
}

func release(t *testing.T, version string, codes ...string) *terminology.Release {
	t.Helper()
	var cs []*terminology.Concept
	for _, code := range codes {
		cs = append(cs, &terminology.Concept{Code: code, Kind: terminology.Procedure, LongDescription: code + " long"})
	}
	r, err := terminology.NewRelease(version, []string{"HCPC_" + version + "_ANWEB.txt"}, cs, nil)
	require.NoError(t, err)
	return r
}

func TestSnapshotSelect(t *testing.T) {
	s, err := terminology.NewSnapshot([]*terminology.Release{
		release(t, "2025-10", "A0001"), release(t, "2023-01", "A0001"), release(t, "2025-01", "A0001"),
	})
	require.NoError(t, err)
	require.Equal(t, []string{"2023-01", "2025-01", "2025-10"}, s.Versions())
	require.Equal(t, "2025-10", s.Latest().Version)

	for _, tc := range []struct {
		name    string
		sel     terminology.Selector
		want    string
		wantErr error
	}{
		{"default is the latest", terminology.Selector{}, "2025-10", nil},
		{"version", terminology.Selector{Version: "2023-01"}, "2023-01", nil},
		{"version wins over date", terminology.Selector{Version: "2023-01", Date: day("2025-12-01")}, "2023-01", nil},
		{"first day of a release", terminology.Selector{Date: day("2025-01-01")}, "2025-01", nil},
		{"day before a release", terminology.Selector{Date: day("2024-12-31")}, "2023-01", nil},
		{"after the newest", terminology.Selector{Date: day("2026-06-01")}, "2025-10", nil},
		{"before the oldest", terminology.Selector{Date: day("2022-12-31")}, "", terminology.ErrNotFound},
		{"unknown version", terminology.Selector{Version: "2024-04"}, "", terminology.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := s.Select(tc.sel)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Version)
		})
	}

	_, err = s.Version("2024-04")
	var uv *terminology.UnknownVersionError
	require.True(t, errors.As(err, &uv))
	require.Equal(t, "A definition for CodeSystem 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets' version '2024-04' could not be found. Valid versions: 2023-01, 2025-01 or 2025-10", err.Error())
}

func TestSnapshotRejectsDuplicateVersions(t *testing.T) {
	_, err := terminology.NewSnapshot([]*terminology.Release{release(t, "2025-10", "A0001"), release(t, "2025-10", "A0002")})
	require.ErrorIs(t, err, terminology.ErrInvalid)
	require.ErrorContains(t, err, "version 2025-10 is given twice")
	_, err = terminology.NewSnapshot(nil)
	require.ErrorIs(t, err, terminology.ErrInvalid)
}

func TestNewReleaseRejects(t *testing.T) {
	for _, tc := range []struct {
		name, version string
		codes         []string
		want          string
	}{
		{"bad version", "2025-13", []string{"A0001"}, `version "2025-13" is not of the form YYYY-MM`},
		{"not a version", "2025", []string{"A0001"}, `version "2025" is not of the form YYYY-MM`},
		{"no concepts", "2025-10", nil, "release 2025-10 has no concepts"},
		{"duplicate code", "2025-10", []string{"A0001", "A0001"}, `release 2025-10 lists code "A0001" twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cs []*terminology.Concept
			for _, c := range tc.codes {
				cs = append(cs, &terminology.Concept{Code: c, Kind: terminology.Procedure})
			}
			_, err := terminology.NewRelease(tc.version, nil, cs, nil)
			require.ErrorIs(t, err, terminology.ErrInvalid)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestStoreSwap: a reload replaces the whole snapshot in one step; a reader
// holding the old snapshot keeps a consistent view.
func TestStoreSwap(t *testing.T) {
	old, err := terminology.NewSnapshot([]*terminology.Release{release(t, "2025-01", "A0001")})
	require.NoError(t, err)
	next, err := terminology.NewSnapshot([]*terminology.Release{release(t, "2025-01", "A0001"), release(t, "2025-04", "A0001", "A0002")})
	require.NoError(t, err)
	st := terminology.NewStore(old)
	held := st.Snapshot()
	require.Same(t, old, st.Swap(next))
	require.Same(t, next, st.Snapshot())
	require.Equal(t, []string{"2025-01"}, held.Versions())
	_, ok := st.Snapshot().Latest().Concept("A0002")
	require.True(t, ok)
}

func TestCaseHint(t *testing.T) {
	s, err := terminology.NewSnapshot([]*terminology.Release{release(t, "2025-10", "E0114")})
	require.NoError(t, err)
	_, err = s.Lookup("e0114", terminology.Selector{})
	var uc *terminology.UnknownCodeError
	require.True(t, errors.As(err, &uc))
	require.Equal(t, "E0114", uc.Hint)
	require.ErrorIs(t, err, terminology.ErrNotFound)
	_, err = s.Lookup("X9999", terminology.Selector{})
	require.True(t, errors.As(err, &uc))
	require.Empty(t, uc.Hint)
	require.Equal(t, "Unable to find code 'X9999' in http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets version '2025-10'", err.Error())
}

// TestValidateSupplementDisplay: the supplementary code systems check
// displays by the same rules as HCPCS itself.
func TestValidateSupplementDisplay(t *testing.T) {
	s, err := terminology.NewSnapshot([]*terminology.Release{release(t, "2025-10", "E0114")})
	require.NoError(t, err)
	coverage := terminology.SupplementURL("coverage")
	for _, tc := range []struct {
		display  string
		result   bool
		severity string
		text     string
	}{
		{"Not payable by Medicare", true, "", ""},
		{"Not  payable by Medicare", false, "error", "Wrong whitespace in Display Name 'Not  payable by Medicare' for " + coverage + "#I. Valid display is 'Not payable by Medicare' (en) (for the language(s) '--')"},
		{"not payable by medicare", true, "warning", "Display Name 'not payable by medicare' for " + coverage + "#I differs only in case from the valid display 'Not payable by Medicare' (en)"},
		{"Payable", false, "error", "Wrong Display Name 'Payable' for " + coverage + "#I. Valid display is 'Not payable by Medicare' (en) (for the language(s) '--')"},
	} {
		t.Run(tc.display, func(t *testing.T) {
			r := s.Validate(terminology.ValidateRequest{Form: terminology.FormCode,
				Codings: []terminology.Coding{{System: coverage, Code: "I", Display: tc.display}}})
			require.Equal(t, tc.result, r.Result)
			require.Equal(t, "Not payable by Medicare", r.Display)
			if tc.text == "" {
				require.Empty(t, r.Issues)
				return
			}
			require.Len(t, r.Issues, 1)
			require.Equal(t, tc.severity, r.Issues[0].Severity)
			require.Equal(t, "invalid-display", r.Issues[0].TxType)
			require.Equal(t, tc.text, r.Issues[0].Text)
		})
	}
}
