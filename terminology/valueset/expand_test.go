package valueset

import (
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExpandPaging(t *testing.T) {
	r := newFixture(false)
	tests := []struct {
		vs, filter string
		opts       Options
	}{
		{"all", "", Options{}},
		{"acc", "", Options{}},
		{"no-acc", "", Options{}},
		{"acc-noted", "", Options{}},
		{"mixed", "", Options{}},
		{"all", "", Options{ActiveOnly: true}},
		{"all", "cushion", Options{}},
		{"all", "a101", Options{}},
		{"mixed", "r", Options{}},
	}
	for _, tc := range tests {
		t.Run(tc.vs+"/"+tc.filter, func(t *testing.T) {
			c := mustCompile(t, r, mustVS(t, r, tc.vs), tc.opts)
			want := keys(expandAll(t, c, tc.filter))
			require.NotEmpty(t, want)
			for size := 1; size <= 5; size++ {
				var got []string
				for offset := 0; offset < len(want); offset += size {
					page, err := c.Expand(ExpandRequest{Filter: tc.filter, Offset: offset, Count: size, HasCount: true})
					require.NoError(t, err)
					require.Equal(t, len(want), page.Total, "size %d offset %d", size, offset)
					require.Equal(t, offset, page.Offset)
					require.Len(t, page.Contains, min(size, len(want)-offset))
					got = append(got, keys(page.Contains)...)
				}
				require.Equal(t, want, got, "pages of %d", size)
			}
		})
	}
}

func TestExpandCountAndOffset(t *testing.T) {
	r := newFixture(false)
	c := mustCompile(t, r, mustVS(t, r, "all"), Options{})

	exp, err := c.Expand(ExpandRequest{Count: 0, HasCount: true})
	require.NoError(t, err)
	require.Equal(t, 12, exp.Total)
	require.Empty(t, exp.Contains)

	exp, err = c.Expand(ExpandRequest{Offset: 12, Count: 3, HasCount: true})
	require.NoError(t, err, "an offset at the end is an empty page")
	require.Equal(t, 12, exp.Total)
	require.Empty(t, exp.Contains)

	exp, err = c.Expand(ExpandRequest{Offset: 10})
	require.NoError(t, err)
	require.Equal(t, []string{"D500", "D501"}, codes(exp.Contains))

	for _, req := range []ExpandRequest{
		{Offset: 13, Count: 1, HasCount: true},
		{Offset: 13},
		{Offset: -1},
		{Count: -1, HasCount: true},
		{Count: -1},
	} {
		_, err := c.Expand(req)
		require.ErrorIs(t, err, ErrInvalid, "%+v", req)
		var e *Error
		require.ErrorAs(t, err, &e)
		require.Contains(t, []string{"offset", "count"}, e.Path)
	}
	_, err = c.Expand(ExpandRequest{Offset: 13})
	require.Contains(t, err.Error(), "13")
}

func TestExpandLimit(t *testing.T) {
	r := newFixture(false)
	c := mustCompile(t, r, mustVS(t, r, "all"), Options{})

	_, err := c.Expand(ExpandRequest{Limit: 5})
	require.ErrorIs(t, err, ErrTooCostly)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Empty(t, e.Path, "tx.fhir.org names no element of a too-costly expansion")
	require.Contains(t, err.Error(), "count")
	require.Contains(t, err.Error(), "offset")
	require.Contains(t, err.Error(), "12")
	require.Contains(t, err.Error(), vsBase+"all|1")

	exp, err := c.Expand(ExpandRequest{Limit: 12})
	require.NoError(t, err, "the limit itself is allowed")
	require.Len(t, exp.Contains, 12)

	for _, req := range []ExpandRequest{
		{Limit: 5, HasCount: true, Count: 100},
		{Limit: 5, HasCount: true, Count: 12},
		{Limit: 1, HasCount: true, Count: 3, Offset: 9},
	} {
		exp, err := c.Expand(req)
		require.NoError(t, err, "%+v", req)
		require.Equal(t, 12, exp.Total)
		require.Len(t, exp.Contains, min(req.Count, 12-req.Offset))
	}

	exp, err = c.Expand(ExpandRequest{Limit: 5, Filter: "cushion"})
	require.NoError(t, err, "a filter narrows below the limit")
	require.Equal(t, 4, exp.Total)
}

func TestExpandExcludeHook(t *testing.T) {
	r := newFixture(false)
	c := mustCompile(t, r, mustVS(t, r, "mixed"), Options{})
	notMod := func(m *Member) bool { return m.System.URL == modURL }
	exp, err := c.Expand(ExpandRequest{Exclude: notMod})
	require.NoError(t, err)
	require.Equal(t, []string{"B200", "A100", "A101"}, codes(exp.Contains))
	require.Equal(t, 3, exp.Total)

	exp, err = c.Expand(ExpandRequest{Exclude: notMod, Offset: 1, Count: 1, HasCount: true})
	require.NoError(t, err)
	require.Equal(t, 3, exp.Total)
	require.Equal(t, []string{"A100"}, codes(exp.Contains))

	// The hook sees members as built, with the compose's display.
	var seen []string
	_, err = c.Expand(ExpandRequest{Filter: "side", Exclude: func(m *Member) bool {
		seen = append(seen, m.Concept.Code)
		return m.Concept.Code == "LT"
	}})
	require.NoError(t, err)
	require.Equal(t, []string{"LT", "RT"}, seen)

	// The hook applies before the limit.
	_, err = mustCompile(t, r, mustVS(t, r, "all"), Options{}).Expand(ExpandRequest{Limit: 2, Exclude: func(m *Member) bool { return m.Concept.Code != "A100" }})
	require.NoError(t, err)
}

// TestMembershipAgreesWithExpansion: for every concept of every system
// version, Lookup holds iff the unpaged expansion lists it.
func TestMembershipAgreesWithExpansion(t *testing.T) {
	for _, indexed := range []bool{false, true} {
		r := newFixture(indexed)
		tests := []struct {
			vs   string
			opts Options
		}{
			{"all", Options{}}, {"acc", Options{}}, {"noted", Options{}}, {"acc-noted", Options{}},
			{"acc-active", Options{}}, {"no-acc", Options{}}, {"mixed", Options{}}, {"mixed", Options{ActiveOnly: true}},
			{"active-compose", Options{}}, {"acc", Options{ActiveOnly: true}}, {"mod1", Options{}}, {"mod2", Options{}},
			{"mod2", Options{ForceVersion: map[string]string{modURL: "1"}}},
		}
		for _, tc := range tests {
			c := mustCompile(t, r, mustVS(t, r, tc.vs), tc.opts)
			checkAgreement(t, r, c, tc.vs)
		}
	}
}

func checkAgreement(t *testing.T, r *fixtureResolver, c *Compiled, name string) {
	t.Helper()
	ms := expandAll(t, c, "")
	byKey := map[string]*Member{}
	byCode := map[string]bool{}
	for _, m := range ms {
		k := m.System.Canonical() + "#" + m.Concept.Code
		require.NotContains(t, byKey, k, "%s lists %s twice", name, k)
		byKey[k] = m
		byCode[m.System.URL+"#"+m.Concept.Code] = true
	}
	for url, versions := range r.systems {
		for _, cs := range versions {
			info := cs.Info()
			for concept := range cs.Concepts() {
				m, ok := c.Lookup(url, info.Version, concept.Code)
				want, in := byKey[info.Canonical()+"#"+concept.Code]
				require.Equal(t, in, ok, "%s: Lookup(%s, %s, %s)", name, url, info.Version, concept.Code)
				if ok {
					require.Equal(t, want.Display, m.Display)
					require.Equal(t, want.System, m.System)
					require.Same(t, want.Concept, m.Concept)
				}
				_, ok = c.Lookup(url, "", concept.Code)
				require.Equal(t, byCode[url+"#"+concept.Code], ok, "%s: Lookup(%s, \"\", %s)", name, url, concept.Code)
			}
		}
	}
	// A text filter gives a subset of the expansion, every hit a member.
	for _, q := range []string{"cushion", "a1", "side", "w/c", "zebra"} {
		for _, m := range expandAll(t, c, q) {
			require.Contains(t, byKey, m.System.Canonical()+"#"+m.Concept.Code, "%s: filter %q", name, q)
		}
	}
}

// Lookup with version "" must judge excludes and imports against the
// version the include resolved, as the expansion does; it once matched
// them against any version, so the two disagreed when an exclude or an
// import named another version of the same system.
func TestMembershipAgreesAcrossVersions(t *testing.T) {
	r := newFixture(false)
	r.add(
		newVS("mod1-minus-mod2-lt", []ConceptSet{{System: modURL, Version: "1"}}, ConceptSet{System: modURL, Version: "2", Concepts: []ConceptReference{{Code: "LT"}}}),
		newVS("mod1-and-mod2", []ConceptSet{{System: modURL, Version: "1", ValueSets: []string{vsBase + "mod2"}}}),
		newVS("import-mod1-and-mod2", []ConceptSet{imports("mod1", "mod2")}),
	)
	for _, name := range []string{"mod1-minus-mod2-lt", "mod1-and-mod2", "import-mod1-and-mod2"} {
		t.Run(name, func(t *testing.T) {
			checkAgreement(t, r, mustCompile(t, r, mustVS(t, r, name), Options{}), name)
		})
	}
}

func TestExpandIndexedAgreesWithGeneric(t *testing.T) {
	plain, indexed := newFixture(false), newFixture(true)
	for _, name := range []string{"all", "acc", "acc-noted", "mixed", "no-acc"} {
		a := mustCompile(t, plain, mustVS(t, plain, name), Options{})
		b := mustCompile(t, indexed, mustVS(t, indexed, name), Options{})
		for _, q := range []string{"", "cushion", "a101", "crutches", "wheel-chair", "w/c", "side", "replacement", "r", "zebra"} {
			require.Equal(t, keys(expandAll(t, a, q)), keys(expandAll(t, b, q)), "%s %q", name, q)
		}
	}
}

func TestExpandFilterRanksAcrossSystems(t *testing.T) {
	r := newFixture(false)
	c := mustCompile(t, r, mustVS(t, r, "mixed"), Options{})
	// RP has "replacement" as its designation; no listed DME concept does.
	require.Equal(t, []string{"RP"}, codes(expandAll(t, c, "replacement")))

	vs := newVS("dme-then-mod", []ConceptSet{sys(dmeURL), sys(modURL)})
	c = mustCompile(t, r, vs, Options{})
	// B300 (first system) matches in its display only; RP (second) in its
	// designation, a better tier.
	require.Equal(t, []string{"RP", "B300"}, codes(expandAll(t, c, "replacement")))
	require.Equal(t, []string{"LT", "RT"}, codes(expandAll(t, c, "SIDE")))
	require.Empty(t, expandAll(t, c, "zebra"))
	// Punctuation only is no filter.
	require.Len(t, expandAll(t, c, " -/ "), 17)
}

// valueCS is a code system implemented as a plain struct value (not a
// pointer) holding slices: a legitimate CodeSystem, but not comparable.
type valueCS struct {
	info     Info
	concepts []*Concept
}

func (cs valueCS) Info() Info { return cs.info }
func (cs valueCS) Concept(code string) (*Concept, bool) {
	i := slices.IndexFunc(cs.concepts, func(c *Concept) bool { return c.Code == code })
	if i < 0 {
		return nil, false
	}
	return cs.concepts[i], true
}
func (cs valueCS) Concepts() iter.Seq[*Concept]              { return slices.Values(cs.concepts) }
func (cs valueCS) Properties(*Concept) []PropertyValue       { return nil }
func (cs valueCS) PropertyDefinitions() []PropertyDefinition { return nil }

// A provider whose dynamic type is not comparable (a struct value with a
// slice) must be searchable twice: a cache of ad-hoc indexes keyed by
// comparing CodeSystem values once panicked on it.
func TestExpandFilterOnValueTypedCodeSystem(t *testing.T) {
	cs := valueCS{info: Info{URL: "http://example.org/fhir/CodeSystem/value-typed", Version: "1"}}
	for i, d := range []string{"Alpha strip", "Beta strips", "Gamma"} {
		cs.concepts = append(cs.concepts, &Concept{Code: strings.ToUpper(d[:1]), Display: d, Index: i})
	}
	r := &fixtureResolver{systems: map[string][]CodeSystem{cs.info.URL: {cs}}, valueSets: map[string]*ValueSet{}}
	c := mustCompile(t, r, newVS("value-typed", []ConceptSet{sys(cs.info.URL)}), Options{})
	for range 2 {
		require.NotPanics(t, func() {
			exp, err := c.Expand(ExpandRequest{Filter: "strips"})
			require.NoError(t, err)
			require.Equal(t, []string{"A", "B"}, codes(exp.Contains))
		})
	}
}

func TestExpandConcurrent(t *testing.T) {
	r := newFixture(false)
	c := mustCompile(t, r, newVS("concurrent", []ConceptSet{sys(dmeURL), sys(modURL)}), Options{})
	want := map[string][]string{}
	queries := []string{"", "cushion", "replacement", "side", "a1"}
	for _, q := range queries {
		want[q] = keys(expandAll(t, c, q))
	}
	done := make(chan []string, 4*len(queries))
	for g := range 4 {
		go func() {
			for i := range queries {
				q := queries[(g+i)%len(queries)]
				exp, err := c.Expand(ExpandRequest{Filter: q})
				if err != nil {
					done <- []string{q, err.Error()}
					continue
				}
				done <- append([]string{q}, keys(exp.Contains)...)
			}
		}()
	}
	for range 4 * len(queries) {
		got := <-done
		require.Equal(t, want[got[0]], got[1:], "%q", got[0])
	}
}
