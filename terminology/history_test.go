package terminology

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func realHistory(t testing.TB) *History {
	t.Helper()
	snap, err := NewSnapshot(loadAll(t))
	require.NoError(t, err)
	return snap.History()
}

func day0(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// Known changes of the real data, each checked by hand in the CMS files:
// the 2020-01 ANWEB .txt lines and the 2020-04 anweb.xlsx rows.
func TestHistoryKnownChanges(t *testing.T) {
	h := realHistory(t)
	tests := []struct {
		name     string
		from, to string
		code     string
		want     []Change
	}{
		{"added in a quarterly release", "2020-01", "2020-04", "C9056", []Change{
			{Code: "C9056", Kind: ChangeAdded, New: "Injection, givosiran, 0.5 mg", ActionCode: "A", ActionEffective: day0("2020-04-01")},
		}},
		{"added by an interim update before the quarter (ACT EFF DT 2020-02-04)", "2020-01", "2020-04", "U0001", []Change{
			{Code: "U0001", Kind: ChangeAdded, New: "Cdc 2019 novel coronavirus (2019-ncov) real-time rt-pcr diagnostic panel", ActionCode: "A", ActionEffective: day0("2020-02-04")},
		}},
		{"terminated (TERM DT is the last day of use)", "2020-01", "2020-04", "G1000", []Change{
			{Code: "G1000", Kind: ChangeTerminated, New: "2020-03-31", ActionCode: "D", ActionEffective: day0("2020-04-01")},
		}},
		{"long description revised", "2020-01", "2020-04", "G2061", []Change{
			{Code: "G2061", Kind: ChangeLongDescription,
				Old:        "Qualified nonphysician healthcare professional online assessment, for an established patient, for up to seven days, cumulative time during the 7 days; 5-10 minutes",
				New:        "Qualified nonphysician healthcare professional online assessment and management service, for an established patient, for up to seven days, cumulative time during the 7 days; 5-10 minutes",
				ActionCode: "C", ActionEffective: day0("2020-04-01")},
		}},
		{"modifier repurposed: both descriptions", "2020-01", "2020-04", "CS", []Change{
			{Code: "CS", Kind: ChangeLongDescription,
				Old:        "Item or service related, in whole or in part, to an illness, injury, or condition that was caused by or exacerbated by the effects, direct or indirect, of the 2010 oil spill in the gulf of mexico, including but not limited to subsequent clean-up activities",
				New:        "Cost-sharing for specified covid-19 testing-related services that result in an order for or administration of a covid-19 test",
				ActionCode: "C", ActionEffective: day0("2020-03-01")},
			{Code: "CS", Kind: ChangeShortDescription, Old: "Gulf oil 2010 spill related", New: "Covid-19 testing related svc", ActionCode: "C", ActionEffective: day0("2020-03-01")},
		}},
		{"whitespace only: CMS says no change (N), the display still differs", "2020-01", "2020-04", "G0417", []Change{
			{Code: "G0417", Kind: ChangeLongDescription, WhitespaceOnly: true,
				Old:        "Surgical pathology, gross and microscopic examination, for prostate needle biopsy, any method, 21-40 specimens",
				New:        "Surgical pathology, gross and microscopic examination, for prostate needle  biopsy, any method, 21-40 specimens",
				ActionCode: "N", ActionEffective: day0("2015-01-01")},
		}},
		{"dropped from the file", "2018-01", "2019-01", "G9976", []Change{
			{Code: "G9976", Kind: ChangeRemoved, Old: "Documentation of patient reason(s) for not performing a dilated macular examination"},
		}},
		{"back in the file a year after it was dropped", "2019-01", "2020-01", "DA", []Change{
			{Code: "DA", Kind: ChangeAdded, New: "Oral health assessment by a licensed health professional other than a dentist", ActionCode: "N", ActionEffective: day0("2011-01-01")},
		}},
		{"property changed", "2023-01", "2025-10", "A9513", []Change{
			{Code: "A9513", Kind: ChangeProperty, Property: "asc-effective-date", Old: "2019-01-01", New: "2025-01-01", ActionCode: "N", ActionEffective: day0("2025-01-01")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := h.Diff(tt.from, tt.to)
			require.NoError(t, err)
			var got []Change
			for _, c := range d.Changes {
				if c.Code == tt.code {
					got = append(got, c)
				}
			}
			require.Equal(t, tt.want, got)
			// The code's own history shows the same changes under the newer release.
			ch, ok := h.Code(tt.code)
			require.True(t, ok)
			for _, r := range ch.Releases {
				if r.Version == tt.to {
					require.Equal(t, tt.want, r.Changes)
				}
			}
		})
	}
}

func TestHistoryOfOneCode(t *testing.T) {
	h := realHistory(t)
	ch, ok := h.Code("G1000")
	require.True(t, ok)
	type row struct {
		version  string
		status   CodeStatus
		kinds    []ChangeKind
		unloaded []string
	}
	var got []row
	for _, r := range ch.Releases {
		var kinds []ChangeKind
		for _, c := range r.Changes {
			kinds = append(kinds, c.Kind)
		}
		got = append(got, row{r.Version, r.Status, kinds, r.Unloaded})
		require.Equal(t, r.Status == StatusAbsent, r.Concept == nil, r.Version)
	}
	require.Equal(t, []row{
		{"2017-01", StatusAbsent, nil, nil},
		{"2018-01", StatusAbsent, nil, []string{"2017-04", "2017-07", "2017-10"}},
		{"2019-01", StatusAbsent, nil, []string{"2018-04", "2018-07", "2018-10"}},
		{"2020-01", StatusActive, []ChangeKind{ChangeAdded}, []string{"2019-04", "2019-07", "2019-10"}},
		{"2020-04", StatusTerminated, []ChangeKind{ChangeTerminated}, nil},
		{"2020-07", StatusTerminated, nil, nil},
		{"2020-10", StatusTerminated, nil, nil},
		{"2023-01", StatusTerminated, nil, []string{"2021-01", "2021-04", "2021-07", "2021-10", "2022-01", "2022-04", "2022-07", "2022-10"}},
		{"2025-10", StatusTerminated, nil, []string{"2023-04", "2023-07", "2023-10", "2024-01", "2024-04", "2024-07", "2024-10", "2025-01", "2025-04", "2025-07"}},
	}, got)

	_, ok = h.Code("ZZZZZ")
	require.False(t, ok, "a code no release lists has no history")
}

// The counts of SOURCES.md §3, which were made by a separate reading of the
// files, agree with the diffs. Its "long desc changed" column ignores
// whitespace-only differences; it counts one more in 2020-04 and in
// 2025-10, by a comparison it does not describe. The agreement with CMS's
// own change reports, code by code, is checked in terminology/cmsreport.
func TestHistoryAgreesWithSourcesCounts(t *testing.T) {
	h := realHistory(t)
	type counts struct{ added, removed, terminated, longDesc int }
	want := map[string]counts{
		"2018-01": {168, 107, 29, 59},
		"2019-01": {244, 3, 33, 114},
		"2020-01": {279, 0, 89, 70},
		"2020-04": {18, 0, 1, 15 - 1},
		"2020-07": {61, 0, 9, 4},
		"2020-10": {38, 0, 4, 7},
		"2023-01": {589, 0, 275, 225},
		"2025-10": {1061, 0, 216, 183 - 1},
	}
	got := map[string]counts{}
	for _, d := range h.Consecutive() {
		n := d.Counts()
		long := 0
		for _, c := range d.Filter(ChangeLongDescription) {
			if !c.WhitespaceOnly {
				long++
			}
		}
		// SOURCES counts the codes of both releases that became
		// terminated; a code added already terminated is not among them.
		added := d.Codes(ChangeAdded)
		terminated := 0
		for _, code := range d.Codes(ChangeTerminated) {
			if !slices.Contains(added, code) {
				terminated++
			}
		}
		got[d.To] = counts{n[ChangeAdded], n[ChangeRemoved], terminated, long}
	}
	require.Equal(t, want, got)
}

func fixtureRelease(t *testing.T, version string, concepts ...*Concept) *Release {
	t.Helper()
	r, err := NewRelease(version, []string{"fixture"}, concepts, nil)
	require.NoError(t, err)
	return r
}

func TestCompareReleases(t *testing.T) {
	bu := func(n int) *int { return &n }
	older := fixtureRelease(t, "2024-01",
		&Concept{Code: "A0001", Kind: Procedure, LongDescription: "Ambulance", ShortDescription: "Amb", BETOS: "O1A", TypesOfService: []string{"D"}},
		&Concept{Code: "A0002", Kind: Procedure, LongDescription: "Gone", TerminationDate: day0("2020-12-31")},
		&Concept{Code: "A0003", Kind: Procedure, LongDescription: "Back", TerminationDate: day0("2023-12-31")},
		&Concept{Code: "A0004", Kind: Procedure, LongDescription: "Moved end", TerminationDate: day0("2024-06-30"), AnesthesiaBaseUnits: bu(0)},
		&Concept{Code: "AA", Kind: Modifier, LongDescription: "Same", ProcessingNote: "0000"},
	)
	newer := fixtureRelease(t, "2024-07",
		&Concept{Code: "A0001", Kind: Procedure, LongDescription: "Ambulance service", ShortDescription: "Amb", BETOS: "O1B", TypesOfService: []string{"D", "1"}, ActionCode: "C", ActionEffectiveDate: day0("2024-07-01")},
		&Concept{Code: "A0003", Kind: Procedure, LongDescription: "Back", ActionCode: "R"},
		&Concept{Code: "A0004", Kind: Procedure, LongDescription: "Moved end", TerminationDate: day0("2024-09-30")},
		&Concept{Code: "AA", Kind: Modifier, LongDescription: "Same", ActionCode: "N"},
		&Concept{Code: "A0005", Kind: Procedure, LongDescription: "New", ActionCode: "A"},
		&Concept{Code: "A0006", Kind: Procedure, LongDescription: "Short-lived", TerminationDate: day0("2024-05-31"), ActionCode: "D"},
	)
	d := compareReleases(older, newer)
	require.Equal(t, "2024-01", d.From)
	require.Equal(t, "2024-07", d.To)
	require.Equal(t, []string{"2024-04"}, d.Unloaded)
	cA0001 := func(kind ChangeKind, prop, o, n string) Change {
		return Change{Code: "A0001", Kind: kind, Property: prop, Old: o, New: n, ActionCode: "C", ActionEffective: day0("2024-07-01")}
	}
	require.Equal(t, []Change{
		cA0001(ChangeLongDescription, "", "Ambulance", "Ambulance service"),
		cA0001(ChangeProperty, "betos", "O1A", "O1B"),
		cA0001(ChangeProperty, "type-of-service", "D", "D, 1"),
		{Code: "A0002", Kind: ChangeRemoved, Old: "Gone"},
		{Code: "A0003", Kind: ChangeReinstated, Old: "2023-12-31", ActionCode: "R"},
		{Code: "A0004", Kind: ChangeProperty, Property: "anesthesia-base-units", Old: "0"},
		{Code: "A0004", Kind: ChangeProperty, Property: "termination-date", Old: "2024-06-30", New: "2024-09-30"},
		{Code: "A0005", Kind: ChangeAdded, New: "New", ActionCode: "A"},
		{Code: "A0006", Kind: ChangeAdded, New: "Short-lived", ActionCode: "D"},
		{Code: "A0006", Kind: ChangeTerminated, New: "2024-05-31", ActionCode: "D"},
	}, d.Changes, "a processing note of 0000 is no note; action columns are not compared; a code added already terminated is both")

	require.Equal(t, []string{"A0001", "A0004"}, d.Codes(ChangeProperty))
	require.Equal(t, map[ChangeKind]int{ChangeLongDescription: 1, ChangeProperty: 4, ChangeRemoved: 1, ChangeReinstated: 1, ChangeAdded: 2, ChangeTerminated: 1}, d.Counts())
	require.Len(t, d.Filter(), len(d.Changes))
	require.Equal(t, []Change{{Code: "A0002", Kind: ChangeRemoved, Old: "Gone"}}, d.Filter(ChangeRemoved))
}

func TestHistoryDiffAcrossReleases(t *testing.T) {
	a := fixtureRelease(t, "2024-01", &Concept{Code: "A0001", Kind: Procedure, LongDescription: "One"})
	b := fixtureRelease(t, "2024-04", &Concept{Code: "A0001", Kind: Procedure, LongDescription: "Two"})
	c := fixtureRelease(t, "2025-01", &Concept{Code: "A0001", Kind: Procedure, LongDescription: "One"})
	h := newHistory([]*Release{a, b, c})
	require.Len(t, h.Consecutive(), 2)

	d, err := h.Diff("2024-01", "2025-01")
	require.NoError(t, err)
	require.Empty(t, d.Changes, "changed and changed back: no change between the two ends")
	require.Equal(t, []string{"2024-04", "2024-07", "2024-10"}, d.Unloaded,
		"a loaded release in between is still a quarter the direct diff skips")

	d, err = h.Diff("2024-04", "2025-01")
	require.NoError(t, err)
	require.Same(t, h.Consecutive()[1], d)
	require.Equal(t, []string{"2024-07", "2024-10"}, d.Unloaded)

	prev, err := h.Previous("2024-04")
	require.NoError(t, err)
	require.Equal(t, "2024-01", prev)
	prev, err = h.Previous("2024-01")
	require.NoError(t, err)
	require.Empty(t, prev)

	for _, bad := range [][2]string{{"2025-01", "2024-01"}, {"2024-01", "2024-01"}} {
		_, err := h.Diff(bad[0], bad[1])
		require.ErrorIs(t, err, ErrInvalid, bad)
	}
	_, err = h.Diff("2023-01", "2024-01")
	var uv *UnknownVersionError
	require.ErrorAs(t, err, &uv)
	require.ErrorIs(t, err, ErrNotFound)
	require.Equal(t, []string{"2024-01", "2024-04", "2025-01"}, uv.Valid)
	_, err = h.Previous("1999-01")
	require.ErrorIs(t, err, ErrNotFound)

	one := newHistory([]*Release{a})
	require.Empty(t, one.Consecutive())
	ch, ok := one.Code("A0001")
	require.True(t, ok)
	require.Equal(t, []CodeInRelease{{Version: "2024-01", Status: StatusActive, Concept: a.Concepts[0]}}, ch.Releases)
}

func TestParseChangeKind(t *testing.T) {
	for _, k := range ChangeKinds {
		got, err := ParseChangeKind(string(k))
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	for _, bad := range []string{"", "Added", "deleted", "property "} {
		_, err := ParseChangeKind(bad)
		require.ErrorIs(t, err, ErrInvalid, bad)
		require.Contains(t, err.Error(), "long-description", "the error lists the known kinds")
	}
	require.False(t, errors.Is(nil, ErrInvalid))
}

func TestUnloadedBetween(t *testing.T) {
	tests := []struct {
		older, newer string
		want         []string
	}{
		{"2020-01", "2020-04", nil},
		{"2020-01", "2020-02", nil},
		{"2019-12", "2020-02", []string{"2020-01"}},
		{"2017-01", "2018-01", []string{"2017-04", "2017-07", "2017-10"}},
		{"2020-10", "2021-04", []string{"2021-01"}},
	}
	for _, tt := range tests {
		a := fixtureRelease(t, tt.older, &Concept{Code: "A0001", Kind: Procedure})
		b := fixtureRelease(t, tt.newer, &Concept{Code: "A0001", Kind: Procedure})
		assert.Equal(t, tt.want, unloadedBetween(a, b), "%s → %s", tt.older, tt.newer)
	}
}

// BenchmarkHistory: building the history of nine releases, one code's
// history, a precomputed consecutive diff, and a diff computed across
// releases (2020-10 → 2025-10, 3,400 changes).
func BenchmarkHistory(b *testing.B) {
	releases := loadAll(b)
	h := newHistory(releases)
	b.Run("build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			newHistory(releases)
		}
	})
	b.Run("code", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := h.Code("G1000"); !ok {
				b.Fatal("G1000 has no history")
			}
		}
	})
	b.Run("diff-consecutive", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := h.Diff("2023-01", "2025-10"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("diff-across", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := h.Diff("2020-10", "2025-10"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
