package conceptmap_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	cm "github.com/hcpcs-server/hcpcs-server/terminology/conceptmap"
)

// The semantics follow the R4 OperationDefinition ConceptMap-translate
// (https://hl7.org/fhir/R4/conceptmap-operation-translate.html) and, where
// it is silent, the reference server: FHIRsmith tx/workers/translate.js
// (HealthIntersections/FHIRsmith: translateUsingGroupsForwards,
// translateUsingGroupsReverse, translateUsingUnmapped, isPositiveMatch).

const (
	srcSys = "http://example.org/cs/source"
	tgtSys = "http://example.org/cs/target"
	altSys = "http://example.org/cs/alt"
)

func fixture() *cm.Map {
	return &cm.Map{URL: "http://example.org/cm/main", Version: "2.0", SourceScope: "http://example.org/vs/source", TargetScope: "http://example.org/vs/target",
		Groups: []cm.Group{
			{Source: srcSys, Target: tgtSys, Elements: []cm.Element{
				{Code: "eq", Targets: []cm.Target{{Code: "t-eq", Display: "T eq", Equivalence: cm.Equivalent}}},
				{Code: "wide", Targets: []cm.Target{{Code: "t-wide", Equivalence: cm.Wider, Comment: "broader"}}},
				{Code: "two", Targets: []cm.Target{{Code: "t-a", Equivalence: cm.Narrower}, {Code: "t-b", Equivalence: cm.Inexact}}},
				{Code: "none", Targets: []cm.Target{{Equivalence: cm.Unmatched}}},
				{Code: "dis", Targets: []cm.Target{{Code: "t-dis", Equivalence: cm.Disjoint}}},
				{Code: "dep", Targets: []cm.Target{
					{Code: "t-left", Equivalence: cm.Equivalent, DependsOn: []cm.OtherElement{{Property: "http://example.org/side", System: altSys, Value: "L"}}},
					{Code: "t-right", Equivalence: cm.Equivalent, DependsOn: []cm.OtherElement{{Property: "http://example.org/side", System: altSys, Value: "R"}},
						Product: []cm.OtherElement{{Property: "http://example.org/laterality", System: altSys, Value: "R"}}},
				}},
			}},
			// a second group from the same source to another system
			{Source: srcSys, SourceVersion: "1", Target: altSys, TargetVersion: "9", Elements: []cm.Element{
				{Code: "eq", Targets: []cm.Target{{Code: "alt-eq", Equivalence: cm.Equal}}},
			}},
		}}
}

func concept(system, code string) *cm.Coding { return &cm.Coding{System: system, Code: code} }

func TestTranslate(t *testing.T) {
	const origin = "http://example.org/cm/main|2.0"
	cases := []struct {
		name       string
		q          cm.Query
		want       []cm.Match
		translated bool
	}{
		{"equivalent, both groups", cm.Query{Coding: cm.Coding{System: srcSys, Code: "eq"}}, []cm.Match{
			{Equivalence: cm.Equivalent, Map: origin, Concept: &cm.Coding{System: tgtSys, Code: "t-eq", Display: "T eq"}},
			{Equivalence: cm.Equal, Map: origin, Concept: &cm.Coding{System: altSys, Version: "9", Code: "alt-eq"}},
		}, true},
		{"target system picks the group", cm.Query{Coding: cm.Coding{System: srcSys, Code: "eq"}, ToSystem: altSys}, []cm.Match{
			{Equivalence: cm.Equal, Map: origin, Concept: &cm.Coding{System: altSys, Version: "9", Code: "alt-eq"}},
		}, true},
		{"a group's source version rules it out", cm.Query{Coding: cm.Coding{System: srcSys, Version: "2", Code: "eq"}}, []cm.Match{
			{Equivalence: cm.Equivalent, Map: origin, Concept: &cm.Coding{System: tgtSys, Code: "t-eq", Display: "T eq"}},
		}, true},
		{"wider, with its comment", cm.Query{Coding: cm.Coding{System: srcSys, Code: "wide"}, ToSystem: tgtSys}, []cm.Match{
			{Equivalence: cm.Wider, Map: origin, Concept: concept(tgtSys, "t-wide")},
		}, true},
		{"two targets", cm.Query{Coding: cm.Coding{System: srcSys, Code: "two"}, ToSystem: tgtSys}, []cm.Match{
			{Equivalence: cm.Narrower, Map: origin, Concept: concept(tgtSys, "t-a")},
			{Equivalence: cm.Inexact, Map: origin, Concept: concept(tgtSys, "t-b")},
		}, true},
		{"unmatched is a match but no translation", cm.Query{Coding: cm.Coding{System: srcSys, Code: "none"}, ToSystem: tgtSys}, []cm.Match{
			{Equivalence: cm.Unmatched, Map: origin},
		}, false},
		{"disjoint is a match but no translation", cm.Query{Coding: cm.Coding{System: srcSys, Code: "dis"}, ToSystem: tgtSys}, []cm.Match{
			{Equivalence: cm.Disjoint, Map: origin, Concept: concept(tgtSys, "t-dis")},
		}, false},
		{"unknown code, no unmapped", cm.Query{Coding: cm.Coding{System: srcSys, Code: "zzz"}}, nil, false},
		{"other system", cm.Query{Coding: cm.Coding{System: altSys, Code: "eq"}}, nil, false},
		{"no dependency: every target", cm.Query{Coding: cm.Coding{System: srcSys, Code: "dep"}, ToSystem: tgtSys}, []cm.Match{
			{Equivalence: cm.Equivalent, Map: origin, Concept: concept(tgtSys, "t-left"), DependsOn: []cm.OtherElement{{Property: "http://example.org/side", System: altSys, Value: "L"}}},
			{Equivalence: cm.Equivalent, Map: origin, Concept: concept(tgtSys, "t-right"), DependsOn: []cm.OtherElement{{Property: "http://example.org/side", System: altSys, Value: "R"}},
				Product: []cm.OtherElement{{Property: "http://example.org/laterality", System: altSys, Value: "R"}}},
		}, true},
		{"a dependency picks the target", cm.Query{Coding: cm.Coding{System: srcSys, Code: "dep"}, ToSystem: tgtSys,
			Dependencies: []cm.Dependency{{Element: "http://example.org/side", Codings: []cm.Coding{{System: altSys, Code: "R"}}}}}, []cm.Match{
			{Equivalence: cm.Equivalent, Map: origin, Concept: concept(tgtSys, "t-right"), DependsOn: []cm.OtherElement{{Property: "http://example.org/side", System: altSys, Value: "R"}},
				Product: []cm.OtherElement{{Property: "http://example.org/laterality", System: altSys, Value: "R"}}},
		}, true},
		{"reverse: the source concepts of a target code", cm.Query{Coding: cm.Coding{System: tgtSys, Code: "t-eq"}, Reverse: true}, []cm.Match{
			{Equivalence: cm.Equivalent, Map: origin, Concept: &cm.Coding{System: tgtSys, Code: "t-eq", Display: "T eq"}, Source: concept(srcSys, "eq")},
		}, true},
		{"reverse keeps the equivalence as the map states it", cm.Query{Coding: cm.Coding{System: tgtSys, Code: "t-wide"}, Reverse: true, ToSystem: srcSys}, []cm.Match{
			{Equivalence: cm.Wider, Map: origin, Concept: concept(tgtSys, "t-wide"), Source: concept(srcSys, "wide")},
		}, true},
		{"reverse from another source system finds nothing", cm.Query{Coding: cm.Coding{System: tgtSys, Code: "t-eq"}, Reverse: true, ToSystem: altSys}, nil, false},
		{"reverse of a version the group does not map", cm.Query{Coding: cm.Coding{System: altSys, Version: "8", Code: "alt-eq"}, Reverse: true}, nil, false},
	}
	maps := []*cm.Map{fixture()}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := cm.Translate(cm.Select(maps, c.q), c.q, nil)
			require.NoError(t, err)
			require.Equal(t, c.want, r.Matches)
			require.Equal(t, c.translated, r.Translated())
		})
	}
}

func TestTranslateUnmapped(t *testing.T) {
	withUnmapped := func(url string, u *cm.Unmapped) *cm.Map {
		return &cm.Map{URL: url, Groups: []cm.Group{{Source: srcSys, Target: tgtSys, Unmapped: u,
			Elements: []cm.Element{{Code: "known", Targets: []cm.Target{{Code: "t-known", Equivalence: cm.Equivalent}}}}}}}
	}
	other := &cm.Map{URL: "http://example.org/cm/other", Version: "1", Groups: []cm.Group{{Source: srcSys, Target: tgtSys,
		Elements: []cm.Element{{Code: "x", Targets: []cm.Target{{Code: "t-x", Equivalence: cm.Subsumes}}}}}}}
	loopA := withUnmapped("http://example.org/cm/a", &cm.Unmapped{Mode: cm.UnmappedOtherMap, URL: "http://example.org/cm/b"})
	loopB := withUnmapped("http://example.org/cm/b", &cm.Unmapped{Mode: cm.UnmappedOtherMap, URL: "http://example.org/cm/a"})
	known := []*cm.Map{other, loopA, loopB}
	resolve := func(ref string) *cm.Map { return cm.Find(known, ref, "") }
	cases := []struct {
		name    string
		m       *cm.Map
		code    string
		want    []cm.Match
		wantErr string
	}{
		{"provided: the same code", withUnmapped("u:p", &cm.Unmapped{Mode: cm.UnmappedProvided}), "x",
			[]cm.Match{{Map: "u:p", Concept: concept(tgtSys, "x")}}, ""},
		{"fixed: the code it names", withUnmapped("u:f", &cm.Unmapped{Mode: cm.UnmappedFixed, Code: "temp", Display: "Temporary"}), "x",
			[]cm.Match{{Map: "u:f", Concept: &cm.Coding{System: tgtSys, Code: "temp", Display: "Temporary"}}}, ""},
		{"an element wins over unmapped", withUnmapped("u:f", &cm.Unmapped{Mode: cm.UnmappedFixed, Code: "temp"}), "known",
			[]cm.Match{{Equivalence: cm.Equivalent, Map: "u:f", Concept: concept(tgtSys, "t-known")}}, ""},
		{"other-map: the other map's translation, reported from the first", withUnmapped("u:o", &cm.Unmapped{Mode: cm.UnmappedOtherMap, URL: "http://example.org/cm/other|1"}), "x",
			[]cm.Match{{Equivalence: cm.Subsumes, Map: "u:o", Concept: concept(tgtSys, "t-x")}}, ""},
		{"other-map missing", withUnmapped("u:m", &cm.Unmapped{Mode: cm.UnmappedOtherMap, URL: "http://example.org/cm/nowhere"}), "x",
			nil, "The ConceptMap http://example.org/cm/nowhere named in group.unmapped.url of u:m was not found"},
		{"other-map cycle", loopA, "x", nil, "The ConceptMap http://example.org/cm/b refers back to http://example.org/cm/a through group.unmapped.url, a cycle"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := cm.Query{Coding: cm.Coding{System: srcSys, Code: c.code}}
			r, err := cm.Translate([]*cm.Map{c.m}, q, resolve)
			if c.wantErr != "" {
				require.EqualError(t, err, c.wantErr)
				require.True(t, errors.Is(err, cm.ErrBroken))
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.want, r.Matches)
			require.True(t, r.Translated())
		})
	}
	t.Run("unmapped does not answer in reverse", func(t *testing.T) {
		m := withUnmapped("u:p", &cm.Unmapped{Mode: cm.UnmappedProvided})
		r, err := cm.Translate([]*cm.Map{m}, cm.Query{Coding: cm.Coding{System: tgtSys, Code: "x"}, Reverse: true}, nil)
		require.NoError(t, err)
		require.Empty(t, r.Matches)
	})
}

func TestSelectAndFind(t *testing.T) {
	v1 := &cm.Map{ID: "m1", URL: "http://example.org/cm/v", Version: "1.9", Groups: []cm.Group{{Source: srcSys, Target: tgtSys}}}
	v2 := &cm.Map{ID: "m2", URL: "http://example.org/cm/v", Version: "1.10", Groups: []cm.Group{{Source: srcSys, Target: tgtSys}}}
	main := fixture()
	maps := []*cm.Map{v1, v2, main}

	require.Same(t, v2, cm.Find(maps, "http://example.org/cm/v", ""), "the highest version, numerically")
	require.Same(t, v1, cm.Find(maps, "http://example.org/cm/v|1.9", ""))
	require.Same(t, v1, cm.Find(maps, "http://example.org/cm/v", "1.9"))
	require.Nil(t, cm.Find(maps, "http://example.org/cm/v", "3"))
	require.Nil(t, cm.Find(maps, "", ""))
	require.Same(t, v2, cm.FindID(maps, "m2"))
	require.Nil(t, cm.FindID(maps, "nope"))

	cases := []struct {
		name string
		q    cm.Query
		want []*cm.Map
	}{
		{"by source system", cm.Query{Coding: cm.Coding{System: srcSys, Code: "a"}}, []*cm.Map{v1, v2, main}},
		{"by target system", cm.Query{Coding: cm.Coding{System: srcSys, Code: "a"}, ToSystem: altSys}, []*cm.Map{main}},
		{"source scope declared and equal", cm.Query{Coding: cm.Coding{System: srcSys, Code: "a"}, FromScope: "http://example.org/vs/source|3"}, []*cm.Map{v1, v2, main}},
		{"source scope declared and other", cm.Query{Coding: cm.Coding{System: srcSys, Code: "a"}, FromScope: "http://example.org/vs/else"}, []*cm.Map{v1, v2}},
		{"target scope other", cm.Query{Coding: cm.Coding{System: srcSys, Code: "a"}, ToScope: "http://example.org/vs/source"}, []*cm.Map{v1, v2}},
		{"reverse swaps the scopes", cm.Query{Coding: cm.Coding{System: tgtSys, Code: "a"}, Reverse: true, FromScope: "http://example.org/vs/target", ToScope: "http://example.org/vs/source"}, []*cm.Map{v1, v2, main}},
		{"reverse by source system", cm.Query{Coding: cm.Coding{System: tgtSys, Code: "a"}, Reverse: true, ToSystem: altSys}, nil},
		{"no system", cm.Query{Coding: cm.Coding{Code: "a"}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, cm.Select(maps, c.q))
		})
	}
}

func TestCheck(t *testing.T) {
	cases := []struct {
		name string
		g    cm.Group
		path string // "" when the map is fine
	}{
		{"fine", cm.Group{Source: srcSys, Elements: []cm.Element{{Code: "a", Targets: []cm.Target{{Code: "b", Equivalence: cm.RelatedTo}, {Equivalence: cm.Unmatched}}}},
			Unmapped: &cm.Unmapped{Mode: cm.UnmappedProvided}}, ""},
		{"element without code", cm.Group{Elements: []cm.Element{{Code: " "}}}, "ConceptMap.group[0].element[0].code"},
		{"R5 relationship code", cm.Group{Elements: []cm.Element{{Code: "a", Targets: []cm.Target{{Code: "b", Equivalence: "source-is-broader-than-target"}}}}}, "ConceptMap.group[0].element[0].target[0].equivalence"},
		{"no equivalence", cm.Group{Elements: []cm.Element{{Code: "a", Targets: []cm.Target{{Code: "b"}}}}}, "ConceptMap.group[0].element[0].target[0].equivalence"},
		{"target without code", cm.Group{Elements: []cm.Element{{Code: "a", Targets: []cm.Target{{Equivalence: cm.Disjoint}}}}}, "ConceptMap.group[0].element[0].target[0].code"},
		{"fixed without code", cm.Group{Unmapped: &cm.Unmapped{Mode: cm.UnmappedFixed}}, "ConceptMap.group[0].unmapped.code"},
		{"other-map without url", cm.Group{Unmapped: &cm.Unmapped{Mode: cm.UnmappedOtherMap}}, "ConceptMap.group[0].unmapped.url"},
		{"R5 unmapped mode", cm.Group{Unmapped: &cm.Unmapped{Mode: "use-source-code"}}, "ConceptMap.group[0].unmapped.mode"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := (&cm.Map{URL: "http://example.org/cm/c", Groups: []cm.Group{c.g}}).Check()
			if c.path == "" {
				require.NoError(t, err)
				return
			}
			var e *cm.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, c.path, e.Path)
			require.ErrorIs(t, err, cm.ErrInvalid)
			require.Contains(t, e.Text, "ConceptMap http://example.org/cm/c")
		})
	}
}

// TestTranslateSaysItOnce: two maps that give the same answer give one
// match, from the first (FHIRsmith hasMatch); other answers are kept.
func TestTranslateSaysItOnce(t *testing.T) {
	first, second := fixture(), fixture()
	second.URL = "http://example.org/cm/copy"
	second.Groups[0].Elements = append(second.Groups[0].Elements, cm.Element{Code: "eq", Targets: []cm.Target{{Code: "t-other", Equivalence: cm.RelatedTo}}})
	for _, c := range []struct {
		code string
		want []string
	}{
		{"eq", []string{"http://example.org/cm/main|2.0 t-eq", "http://example.org/cm/copy|2.0 t-other"}},
		{"none", []string{"http://example.org/cm/main|2.0 "}},
	} {
		q := cm.Query{Coding: cm.Coding{System: srcSys, Code: c.code}, ToSystem: tgtSys}
		r, err := cm.Translate([]*cm.Map{first, second}, q, nil)
		require.NoError(t, err)
		var got []string
		for _, m := range r.Matches {
			code := ""
			if m.Concept != nil {
				code = m.Concept.Code
			}
			got = append(got, m.Map+" "+code)
		}
		require.Equal(t, c.want, got, c.code)
	}
}
