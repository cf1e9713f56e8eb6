package terminology

import (
	"errors"
	"testing"
	"time"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// tinySnapshot is a snapshot of a few hand-made codes, for fuzzing.
func tinySnapshot(t testing.TB) *Snapshot {
	t.Helper()
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	concepts := []*Concept{
		{Code: "E0100", Kind: Procedure, LongDescription: "Cane, includes canes of all materials", ShortDescription: "Cane adjust/fixed with tip", BETOS: "D1A", Coverage: "C", AddedDate: day("1990-01-01")},
		{Code: "E0114", Kind: Procedure, LongDescription: "Crutches underarm, other than wood", ShortDescription: "Crutch underarm pair no wood", BETOS: "D1A", PricingIndicators: []string{"32"}},
		{Code: "A9155", Kind: Procedure, LongDescription: "Artificial saliva, 30 ml", ShortDescription: "Artificial saliva", TerminationDate: day("2025-03-31")},
		{Code: "LT", Kind: Modifier, LongDescription: "Left side", ShortDescription: "Left side"},
	}
	rel, err := NewRelease("2025-10", []string{"tiny.txt"}, concepts, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSnapshot([]*Release{rel})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// engineError reports whether err is one of the engine's classified errors
// (the fhir package maps each to a 4xx).
func engineError(err error) bool {
	var e *valueset.Error
	var us *valueset.UnknownSystemError
	var uv *valueset.UnknownValueSetError
	return errors.As(err, &e) || errors.As(err, &us) || errors.As(err, &uv)
}

// FuzzImplicitValueSet feeds arbitrary ?fhir_vs queries and text filters:
// parsing, compiling and expanding must never panic, and every failure
// must be an engine error that the API answers with a 4xx.
func FuzzImplicitValueSet(f *testing.F) {
	for _, seed := range [][2]string{
		{"fhir_vs", "cane"}, {"fhir_vs=filter/code/in/E0100-E0159", ""}, {"fhir_vs=filter/code/=/J*", "w/c"},
		{"fhir_vs=filter/betos/regex/D1.", "wheel-chair"}, {"fhir_vs=filter/kind/=/modifier;filter/inactive/=/false", "left"},
		{"fhir_vs=isa/E0100", ""}, {"fhir_vs=filter//=/x", ""}, {"fhir_vs=filter/code/regex/(", ""}, {"fhir_vs=", "--"},
	} {
		f.Add(seed[0], seed[1])
	}
	snap := tinySnapshot(f)
	f.Fuzz(func(t *testing.T, query, filter string) {
		vs, err := ImplicitValueSet(SystemURL, query)
		if err != nil {
			if !engineError(err) {
				t.Fatalf("unclassified error %T: %v", err, err)
			}
			return
		}
		c, err := valueset.Compile(vs, snap.Resolver(), valueset.Options{})
		if err != nil {
			if !engineError(err) {
				t.Fatalf("unclassified error %T: %v", err, err)
			}
			return
		}
		exp, err := c.Expand(valueset.ExpandRequest{Filter: filter, Count: 2, HasCount: true})
		if err != nil {
			t.Fatalf("expanding a compiled set failed: %v", err)
		}
		if exp.Total < len(exp.Contains) || exp.Total > 4 {
			t.Fatalf("total %d with %d on the page", exp.Total, len(exp.Contains))
		}
		for _, m := range exp.Contains {
			if _, ok := c.Lookup(SystemURL, "", m.Concept.Code); !ok {
				t.Fatalf("%s is expanded but not a member", m.Concept.Code)
			}
		}
	})
}
