package terminology

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// release202510 is the real 2025-10 release, the one the search-quality
// cases were written against.
func release202510(t testing.TB) *Snapshot {
	t.Helper()
	tt, ok := t.(*testing.T)
	if !ok {
		rs, err := LoadSources([]string{testenv.Release(t, "2025-10_quarterly")}, LoadOptions{})
		require.NoError(t, err)
		s, err := NewSnapshot(rs)
		require.NoError(t, err)
		return s
	}
	var rel *Release
	for _, r := range loadAll(tt) {
		if r.Version == "2025-10" {
			rel = r
		}
	}
	require.NotNil(t, rel, "2025-10 is loaded")
	s, err := NewSnapshot([]*Release{rel})
	require.NoError(t, err)
	return s
}

// wheelchairAccessories is a composed value set of the kind an IG
// publishes: a code range, a property filter and an exclude.
func wheelchairAccessories() *valueset.ValueSet {
	return &valueset.ValueSet{URL: "http://example.org/fhir/ValueSet/wheelchair-accessories", Compose: &valueset.Compose{
		Include: []valueset.ConceptSet{{System: SystemURL, Filters: []valueset.Filter{
			{Property: "code", Op: "in", Value: "E0950-E1298"}, {Property: "betos", Op: "=", Value: "D1D"}}}},
		Exclude: []valueset.ConceptSet{{System: SystemURL, Concepts: []valueset.ConceptReference{{Code: "E0950"}}}},
	}}
}

// BenchmarkExpand measures, on the real 2025-10 release, the work of one
// $expand in the domain (compile and expand; no JSON): a picker's filtered
// page of 20 (aim: under 50 µs), and every page of the 8,846-code
// expansion by 1,000.
func BenchmarkExpand(b *testing.B) {
	snap := release202510(b)
	res := snap.Resolver()
	all, err := res.ValueSet(AllCodesValueSet)
	require.NoError(b, err)
	for _, q := range []string{"wheelch", "crutch underarm", "oxygen concentrator", "e0"} {
		b.Run("filter-count-20/"+q, func(b *testing.B) {
			b.ReportAllocs()
			var exp *valueset.Expansion
			for b.Loop() {
				c, err := valueset.Compile(all, res, valueset.Options{ActiveOnly: true})
				if err != nil {
					b.Fatal(err)
				}
				if exp, err = c.Expand(valueset.ExpandRequest{Filter: q, Count: 20, HasCount: true}); err != nil {
					b.Fatal(err)
				}
			}
			require.NotEmpty(b, exp.Contains)
		})
	}
	b.Run("all-pages-by-1000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			seen := 0
			for offset := 0; ; offset += 1000 {
				c, err := valueset.Compile(all, res, valueset.Options{})
				if err != nil {
					b.Fatal(err)
				}
				exp, err := c.Expand(valueset.ExpandRequest{Offset: offset, Count: 1000, HasCount: true})
				if err != nil {
					b.Fatal(err)
				}
				seen += len(exp.Contains)
				if offset+1000 >= exp.Total {
					break
				}
			}
			if seen != 8846 {
				b.Fatalf("the pages cover %d codes", seen)
			}
		}
	})
}

// BenchmarkValidateInValueSet compares ValueSet/$validate-code in the
// domain against the implicit all-codes set and against a composed set
// (a range, a property filter; aim: no slower), both compiled once per
// snapshot as the server does; and the composed set compiled afresh, as an
// inline value set is.
func BenchmarkValidateInValueSet(b *testing.B) {
	snap := release202510(b)
	composed := SystemURL + "?fhir_vs=filter/code/in/E0950-E1298;filter/betos/=/D1D"
	validate := func(b *testing.B, c *valueset.Compiled) *ValidateResult {
		return snap.Validate(ValidateRequest{Codings: []Coding{{System: SystemURL, Code: "E0955"}}, ValueSet: c.ValueSet.URL, Members: c})
	}
	for _, tc := range []struct{ name, canonical string }{{"implicit", AllCodesValueSet}, {"composed", composed}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var r *ValidateResult
			for b.Loop() {
				c, err := snap.CompileValueSet(tc.canonical, valueset.Options{})
				if err != nil {
					b.Fatal(err)
				}
				r = validate(b, c)
			}
			require.True(b, r.Result, "%+v", r.Issues)
		})
	}
	b.Run("composed-inline", func(b *testing.B) {
		vs := wheelchairAccessories()
		b.ReportAllocs()
		var r *ValidateResult
		for b.Loop() {
			c, err := valueset.Compile(vs, snap.Resolver(), valueset.Options{})
			if err != nil {
				b.Fatal(err)
			}
			r = validate(b, c)
		}
		require.True(b, r.Result, "%+v", r.Issues)
	})
}
