package valueset

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCompileMembers(t *testing.T) {
	acc := []string{"A101", "A1010", "A1011", "C400", "D500", "D501"}
	inactive := []string{"A1011", "B301"}
	f := func(p, op, v string) Filter { return Filter{p, op, v} }
	tests := []struct {
		name    string
		include []ConceptSet
		exclude []ConceptSet
		opts    Options
		want    []string
	}{
		{"whole system", []ConceptSet{sys(dmeURL)}, nil, Options{}, dmeCodes},
		{"concept list keeps its order", []ConceptSet{listed(dmeURL, "B200", "A100", "ZZZ", "A101", "B200")}, nil, Options{}, []string{"B200", "A100", "A101"}},
		{"exclude concepts", []ConceptSet{sys(dmeURL)}, []ConceptSet{listed(dmeURL, "A101", "B300")}, Options{}, without(dmeCodes, "A101", "B300")},
		{"exclude by filter", []ConceptSet{sys(dmeURL)}, []ConceptSet{sys(dmeURL, f("category", OpEqual, "ACC"))}, Options{}, without(dmeCodes, acc...)},
		{"code =", []ConceptSet{sys(dmeURL, f("code", OpEqual, "A100"))}, nil, Options{}, []string{"A100"}},
		{"code = is exact", []ConceptSet{sys(dmeURL, f("code", OpEqual, "a100"))}, nil, Options{}, []string{}},
		{"code in", []ConceptSet{sys(dmeURL, f("code", OpIn, "B200, A100 ,,"))}, nil, Options{}, []string{"A100", "B200"}},
		{"code not-in", []ConceptSet{sys(dmeURL, f("code", OpNotIn, "A100,B200"))}, nil, Options{}, without(dmeCodes, "A100", "B200")},
		{"concept is code", []ConceptSet{sys(dmeURL, f("concept", OpEqual, "C401"))}, nil, Options{}, []string{"C401"}},
		{"code regex whole value", []ConceptSet{sys(dmeURL, f("code", OpRegex, "A10."))}, nil, Options{}, []string{"A100", "A101"}},
		{"code regex is anchored", []ConceptSet{sys(dmeURL, f("code", OpRegex, "A10"))}, nil, Options{}, []string{}},
		{"code regex alternation anchored as a whole", []ConceptSet{sys(dmeURL, f("code", OpRegex, "A100|B2.*"))}, nil, Options{}, []string{"A100", "B200", "B201"}},
		{"code exists", []ConceptSet{sys(dmeURL, f("code", OpExists, "true"))}, nil, Options{}, dmeCodes},
		{"property =", []ConceptSet{sys(dmeURL, f("category", OpEqual, "ACC"))}, nil, Options{}, acc},
		{"property = on a second value", []ConceptSet{sys(dmeURL, f("category", OpEqual, "WC"))}, nil, Options{}, []string{"A100", "A101"}},
		{"property in", []ConceptSet{sys(dmeURL, f("category", OpIn, "WC,PWR"))}, nil, Options{}, []string{"A100", "A101", "B300", "B301"}},
		{"property not-in (any value in the list excludes; no value passes)", []ConceptSet{sys(dmeURL, f("category", OpNotIn, "WC, ACC"))}, nil, Options{}, []string{"B200", "B201", "B300", "B301", "C401"}},
		{"property exists true", []ConceptSet{sys(dmeURL, f("category", OpExists, "true"))}, nil, Options{}, without(dmeCodes, "C401")},
		{"property exists false", []ConceptSet{sys(dmeURL, f("category", OpExists, "false"))}, nil, Options{}, []string{"C401"}},
		{"string property =", []ConceptSet{sys(dmeURL, f("note", OpEqual, "gel"))}, nil, Options{}, []string{"A101", "D501"}},
		{"string property exists false", []ConceptSet{sys(dmeURL, f("note", OpExists, "false"))}, nil, Options{}, []string{"A1011", "B301", "C400", "D500"}},
		{"regex ab does not match abc", []ConceptSet{sys(dmeURL, f("note", OpRegex, "ab"))}, nil, Options{}, []string{"B200"}},
		{"regex ab.* matches both", []ConceptSet{sys(dmeURL, f("note", OpRegex, "ab.*"))}, nil, Options{}, []string{"B200", "B201"}},
		{"inactive = true", []ConceptSet{sys(dmeURL, f("inactive", OpEqual, "true"))}, nil, Options{}, inactive},
		{"inactive = false", []ConceptSet{sys(dmeURL, f("inactive", OpEqual, "false"))}, nil, Options{}, without(dmeCodes, inactive...)},
		{"filters are and-ed", []ConceptSet{sys(dmeURL, f("category", OpEqual, "ACC"), f("inactive", OpEqual, "false"))}, nil, Options{}, without(acc, "A1011")},
		{"import only: intersection of the imports", []ConceptSet{imports("acc", "noted")}, nil, Options{}, []string{"A101", "A1010", "D501"}},
		{"one import", []ConceptSet{imports("noted")}, nil, Options{}, []string{"A100", "A101", "A1010", "B200", "B201", "B300", "C401", "D501"}},
		{"system and import: intersection", []ConceptSet{{System: dmeURL, Filters: []Filter{f("code", OpRegex, "[AC].*")}, ValueSets: []string{vsBase + "noted"}}}, nil, Options{}, []string{"A100", "A101", "A1010", "C401"}},
		{"nested import", []ConceptSet{imports("acc-noted")}, nil, Options{}, []string{"A101", "A1010", "D501"}},
		{"two includes are a union, each code once", []ConceptSet{listed(dmeURL, "C401", "A100"), sys(dmeURL, f("code", OpRegex, "A.*"))}, nil, Options{}, []string{"C401", "A100", "A101", "A1010", "A1011"}},
		{"exclude of an import", []ConceptSet{sys(dmeURL)}, []ConceptSet{imports("acc")}, Options{}, without(dmeCodes, acc...)},
		{"activeOnly drops inactive", []ConceptSet{sys(dmeURL)}, nil, Options{ActiveOnly: true}, without(dmeCodes, inactive...)},
		{"activeOnly drops inactive listed codes", []ConceptSet{listed(dmeURL, "A1011", "A100")}, nil, Options{ActiveOnly: true}, []string{"A100"}},
		{"second system", []ConceptSet{sys(modURL)}, nil, Options{}, []string{"LT", "RT", "RP", "NU", "KX"}},
		{"second system pinned", []ConceptSet{{System: modURL, Version: "1"}}, nil, Options{}, []string{"LT", "RT", "RP", "NU"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newFixture(false)
			c := mustCompile(t, r, &ValueSet{URL: vsBase + "t", Compose: &Compose{Include: tc.include, Exclude: tc.exclude}}, tc.opts)
			require.Equal(t, tc.want, codes(expandAll(t, c, "")))
			for _, code := range dmeCodes {
				_, ok := c.Lookup(dmeURL, "", code)
				require.Equal(t, contains(tc.want, code), ok, "Lookup(%s)", code)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestComposeInactive(t *testing.T) {
	r := newFixture(false)
	c := mustCompile(t, r, mustVS(t, r, "active-compose"), Options{})
	require.Equal(t, without(dmeCodes, "A1011", "B301"), codes(expandAll(t, c, "")))
	_, ok := c.Lookup(dmeURL, "", "A1011")
	require.False(t, ok)

	vs := newVS("inactive-true", []ConceptSet{sys(dmeURL)})
	vs.Compose.Inactive = boolPtr(true)
	require.Equal(t, dmeCodes, codes(expandAll(t, mustCompile(t, r, vs, Options{}), "")))
}

func TestCompileConceptList(t *testing.T) {
	r := newFixture(false)
	des := []Designation{{Language: "fr", Value: "Fauteuil"}}
	vs := newVS("listed", []ConceptSet{{System: dmeURL, Concepts: []ConceptReference{
		{Code: "B200"}, {Code: "A100", Display: "Chair", Designations: des}, {Code: "ZZZ"}, {Code: "A101"}, {Code: "YYY"},
	}}})
	c := mustCompile(t, r, vs, Options{})
	ms := expandAll(t, c, "")
	require.Equal(t, []string{"B200", "A100", "A101"}, codes(ms))
	require.Equal(t, "Underarm crutch, wood", ms[0].Display)
	require.Equal(t, "Chair", ms[1].Display)
	require.Equal(t, des, ms[1].Designations)
	require.Equal(t, "Standard wheelchair", ms[1].Concept.Display, "the concept itself is not changed")
	require.Len(t, ms[1].Concept.Designations, 2)

	m, ok := c.Lookup(dmeURL, dmeVersion, "A100")
	require.True(t, ok)
	require.Equal(t, "Chair", m.Display)
	_, ok = c.Lookup(dmeURL, "", "ZZZ")
	require.False(t, ok)
	_, ok = c.Lookup(dmeURL, "other-version", "A100")
	require.False(t, ok)
	_, ok = c.Lookup(modURL, "", "A100")
	require.False(t, ok)
	require.Equal(t, []Coding{{System: dmeURL, Version: dmeVersion, Code: "ZZZ"}, {System: dmeURL, Version: dmeVersion, Code: "YYY"}}, c.UnknownCodes())

	whole := mustCompile(t, r, mustVS(t, r, "all"), Options{})
	require.Empty(t, whole.UnknownCodes())
}

func TestCompileErrors(t *testing.T) {
	dme := func(fs ...Filter) []ConceptSet { return []ConceptSet{sys(dmeURL, fs...)} }
	tests := []struct {
		name     string
		compose  *Compose
		kind     error
		path     string
		contains []string
	}{
		{"unknown property", &Compose{Include: dme(Filter{"colour", OpEqual, "red"})}, ErrInvalid,
			"ValueSet.compose.include[0].filter[0].property", []string{"colour", dmeURL, "code, inactive, category, note"}},
		{"unknown property in the second filter of an exclude", &Compose{Include: dme(), Exclude: dme(Filter{"code", OpEqual, "A100"}, Filter{"size", OpEqual, "L"})}, ErrInvalid,
			"ValueSet.compose.exclude[0].filter[1].property", []string{"size"}},
		{"unknown operator", &Compose{Include: dme(Filter{"code", "matches", "A.*"})}, ErrInvalid,
			"ValueSet.compose.include[0].filter[0].op", []string{"matches"}},
		{"no property", &Compose{Include: dme(Filter{"", OpEqual, "A100"})}, ErrInvalid,
			"ValueSet.compose.include[0].filter[0].property", nil},
		{"empty value", &Compose{Include: dme(Filter{"code", OpEqual, ""})}, ErrInvalid,
			"ValueSet.compose.include[0].filter[0]", []string{"filter with property = code, op = = has no value"}},
		{"regex that does not compile", &Compose{Include: dme(Filter{"code", OpRegex, "A(("})}, ErrInvalid,
			"ValueSet.compose.include[0].filter[0].value", []string{"A((", "does not compile"}},
		{"operator the property does not support", &Compose{Include: dme(Filter{"note", OpIn, "gel"})}, ErrInvalid,
			"ValueSet.compose.include[0].filter[0].op", []string{"supported: =, regex, exists"}},
		{"operator generic evaluation lacks", &Compose{Include: dme(Filter{"code", OpIsA, "A100"})}, ErrInvalid,
			"ValueSet.compose.include[0].filter[0].op", []string{"is-a"}},
		{"inactive with another operator", &Compose{Include: dme(Filter{"inactive", OpIn, "true"})}, ErrInvalid,
			"ValueSet.compose.include[0].filter[0].op", []string{"inactive"}},
		{"inactive not boolean", &Compose{Include: dme(Filter{"inactive", OpEqual, "yes"})}, ErrInvalid,
			"ValueSet.compose.include[0].filter[0].value", []string{"true or false", "yes"}},
		{"exists not boolean", &Compose{Include: dme(Filter{"category", OpExists, "maybe"})}, ErrInvalid,
			"ValueSet.compose.include[0].filter[0].value", []string{"maybe"}},
		{"concepts and filters together", &Compose{Include: []ConceptSet{{System: dmeURL, Concepts: []ConceptReference{{Code: "A100"}}, Filters: []Filter{{"code", OpEqual, "A100"}}}}}, ErrInvalid,
			"ValueSet.compose.include[0]", []string{"both concepts and filters"}},
		{"neither system nor valueSet", &Compose{Include: []ConceptSet{sys(dmeURL), {}}}, ErrInvalid,
			"ValueSet.compose.include[1]", []string{"neither a system nor a valueSet"}},
		{"filter without a system", &Compose{Include: []ConceptSet{{Filters: []Filter{{"code", OpEqual, "A"}}, ValueSets: []string{vsBase + "all"}}}}, ErrInvalid,
			"ValueSet.compose.include[0].system", nil},
		{"version without a system", &Compose{Include: []ConceptSet{{Version: "1", ValueSets: []string{vsBase + "all"}}}}, ErrInvalid,
			"ValueSet.compose.include[0].version", nil},
		{"listed concept without code", &Compose{Include: []ConceptSet{{System: dmeURL, Concepts: []ConceptReference{{Display: "x"}}}}}, ErrInvalid,
			"ValueSet.compose.include[0].concept[0].code", nil},
		{"no include", &Compose{Exclude: dme()}, ErrInvalid, "ValueSet.compose.include", nil},
		{"no compose", nil, ErrNotSupported, "ValueSet.compose", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(&ValueSet{URL: vsBase + "bad", Compose: tc.compose}, newFixture(false), Options{})
			require.Error(t, err)
			require.ErrorIs(t, err, tc.kind)
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tc.path, e.Path)
			for _, s := range tc.contains {
				require.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestCompileImportErrors(t *testing.T) {
	r := newFixture(false)
	_, err := Compile(mustVS(t, r, "cycle-a"), r, Options{})
	require.ErrorIs(t, err, ErrInvalid)
	require.Contains(t, err.Error(), vsBase+"cycle-a|1 → "+vsBase+"cycle-b|1 → "+vsBase+"cycle-a|1")

	_, err = Compile(mustVS(t, r, "self"), r, Options{})
	require.ErrorIs(t, err, ErrInvalid)
	require.Contains(t, err.Error(), "imports itself")

	_, err = Compile(mustVS(t, r, "broken-import"), r, Options{})
	var uv *UnknownValueSetError
	require.ErrorAs(t, err, &uv)
	require.Equal(t, vsBase+"missing", uv.Canonical)
	require.ErrorIs(t, err, ErrNotFound)

	var ui *UnknownImportError
	require.ErrorAs(t, err, &ui)
	require.Empty(t, ui.Version)
	require.Equal(t, uv.Error(), err.Error(), "an unpinned import keeps the resolver's words")

	// A pinned import that cannot be found is reported as such
	// (FHIRsmith tx/workers/expand.js, VS_EXP_IMPORT_UNK_PINNED; HL7 test
	// default-valueset-version/indirect-expand-zero-pinned-wrong).
	_, err = Compile(newVS("pinned", []ConceptSet{imports("acc")}), r, Options{ValueSetVersion: map[string]string{vsBase + "acc": "9"}})
	require.ErrorAs(t, err, &ui)
	require.Equal(t, UnknownImportError{URL: vsBase + "acc", Version: "9", Err: ui.Err}, *ui)
	require.Equal(t, "Unable to find included value set '"+vsBase+"acc' version '9'", err.Error())
	require.ErrorAs(t, err, &uv, "validation still finds the unknown value set")
	require.Equal(t, vsBase+"acc|9", uv.Canonical)
	require.ErrorIs(t, err, ErrNotFound)

	// A value set imported twice side by side is not a cycle.
	c := mustCompile(t, r, newVS("twice", []ConceptSet{imports("acc"), imports("acc", "acc")}), Options{})
	require.Equal(t, []string{"A101", "A1010", "A1011", "C400", "D500", "D501"}, codes(expandAll(t, c, "")))
}

func TestCompileUnknownSystem(t *testing.T) {
	r := newFixture(false)
	tests := []struct {
		name      string
		set       ConceptSet
		canonical string
		valid     []string
	}{
		{"unknown url", ConceptSet{System: "http://example.org/nope"}, "http://example.org/nope", nil},
		{"unknown version", ConceptSet{System: modURL, Version: "9"}, modURL + "|9", []string{"1", "2"}},
		{"unknown system in an exclude", ConceptSet{System: "http://example.org/nope", Version: "3"}, "http://example.org/nope|3", nil},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			compose := &Compose{Include: []ConceptSet{tc.set}}
			if i == 2 {
				compose = &Compose{Include: []ConceptSet{sys(dmeURL)}, Exclude: []ConceptSet{tc.set}}
			}
			_, err := Compile(&ValueSet{URL: vsBase + "x", Compose: compose}, r, Options{})
			var us *UnknownSystemError
			require.ErrorAs(t, err, &us)
			require.Equal(t, tc.canonical, us.Canonical())
			require.Equal(t, tc.valid, us.Valid)
			require.True(t, errors.Is(err, ErrNotFound))
			require.Contains(t, err.Error(), tc.set.System)
		})
	}
}

func TestCompileSystems(t *testing.T) {
	r := newFixture(false)
	vs := newVS("systems", []ConceptSet{
		sys(dmeURL, Filter{"code", OpEqual, "A100"}), imports("acc"), sys(modURL), listed(dmeURL, "B200"),
	}, ConceptSet{System: modURL, Version: "1", Concepts: []ConceptReference{{Code: "LT"}}}, imports("noted"))
	c := mustCompile(t, r, vs, Options{})
	var got []string
	for _, info := range c.Systems {
		got = append(got, info.Canonical())
	}
	require.Equal(t, []string{dmeURL + "|" + dmeVersion, modURL + "|2", modURL + "|1"}, got)
	require.Equal(t, []string{vsBase + "acc|1", vsBase + "noted|1"}, c.Imports)
	for _, info := range c.Systems {
		require.NotNil(t, c.System(info))
		require.Equal(t, info, c.System(info).Info())
	}
	require.Nil(t, c.System(Info{URL: "http://example.org/nope"}))
}

func TestCompileVersionOptions(t *testing.T) {
	r := newFixture(false)
	version := func(c *Compiled) string { return c.Systems[0].Version }
	unpinned := newVS("u", []ConceptSet{sys(modURL)})
	pinned := newVS("p", []ConceptSet{{System: modURL, Version: "2"}})

	require.Equal(t, "2", version(mustCompile(t, r, unpinned, Options{})))
	require.Equal(t, "1", version(mustCompile(t, r, unpinned, Options{SystemVersion: map[string]string{modURL: "1"}})))
	require.Equal(t, "2", version(mustCompile(t, r, pinned, Options{SystemVersion: map[string]string{modURL: "1"}})), "system-version does not override the compose")
	require.Equal(t, "1", version(mustCompile(t, r, pinned, Options{ForceVersion: map[string]string{modURL: "1"}})))

	_, err := Compile(pinned, r, Options{CheckVersion: map[string]string{modURL: "1"}})
	require.ErrorIs(t, err, ErrVersionCheck)
	require.Contains(t, err.Error(), "required to be '1' by a version-check parameter")
	mustCompile(t, r, pinned, Options{CheckVersion: map[string]string{modURL: "2"}})
	mustCompile(t, r, pinned, Options{CheckVersion: map[string]string{modURL: "x"}}) // a pattern
}

// filtererCS adds the Filterer capability: "size" natively, "bad" as a
// provider error with a relative path, everything else left to the engine.
type filtererCS struct{ *memCS }

func (cs *filtererCS) Filter(f Filter) (Predicate, error) {
	switch f.Property {
	case "size":
		return func(c *Concept) bool { return len(c.Code) == len(f.Value) }, nil
	case "bad":
		return nil, &Error{Kind: ErrInvalid, Path: ".value", Text: "bad value " + f.Value}
	case "absolute":
		return nil, &Error{Kind: ErrNotSupported, Path: "somewhere", Text: "absolute"}
	}
	return nil, ErrFilterNotHandled
}

func TestCompileFilterer(t *testing.T) {
	r := newFixture(false)
	r.systems[dmeURL] = []CodeSystem{&filtererCS{memCS: newMemCS(dmeURL, dmeVersion, dmeConcepts)}}
	expand := func(fs ...Filter) []string {
		return codes(expandAll(t, mustCompile(t, r, &ValueSet{URL: vsBase + "f", Compose: &Compose{Include: []ConceptSet{sys(dmeURL, fs...)}}}, Options{}), ""))
	}
	require.Equal(t, []string{"A1010", "A1011"}, expand(Filter{"size", OpEqual, "xxxxx"}))
	require.Equal(t, []string{"A1010", "A1011"}, expand(Filter{"size", OpEqual, "xxxxx"}, Filter{"category", OpEqual, "ACC"}), "the engine evaluates what the provider leaves")

	_, err := Compile(&ValueSet{URL: vsBase + "f", Compose: &Compose{Include: []ConceptSet{sys(dmeURL), sys(dmeURL, Filter{"code", OpEqual, "A100"}, Filter{"bad", OpEqual, "v"})}}}, r, Options{})
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "ValueSet.compose.include[1].filter[1].value", e.Path, "a provider's relative path is made absolute")
	require.ErrorIs(t, err, ErrInvalid)

	_, err = Compile(&ValueSet{URL: vsBase + "f", Compose: &Compose{Include: []ConceptSet{sys(dmeURL, Filter{"absolute", OpEqual, "v"})}}}, r, Options{})
	require.ErrorAs(t, err, &e)
	require.Equal(t, "somewhere", e.Path)
	require.ErrorIs(t, err, ErrNotSupported)

	// The engine's own checks come before the provider's.
	_, err = Compile(&ValueSet{URL: vsBase + "f", Compose: &Compose{Include: []ConceptSet{sys(dmeURL, Filter{"size", "like", "v"})}}}, r, Options{})
	require.ErrorAs(t, err, &e)
	require.Equal(t, "ValueSet.compose.include[0].filter[0].op", e.Path)
}

// FHIRsmith tx/workers/worker.js, pinValueSet: a default-valueset-version
// that decides an import's version is reported (foundParameters), one
// that decides nothing is not (HL7 test
// default-valueset-version/indirect-expand-zero-pinned).
func TestCompileValueSetDefaults(t *testing.T) {
	r := newFixture(false)
	pinnedAcc := vsBase + "acc|1"
	tests := []struct {
		name     string
		include  []ConceptSet
		defaults map[string]string
		want     []string
	}{
		{"applied", []ConceptSet{imports("acc")}, map[string]string{vsBase + "acc": "1"}, []string{pinnedAcc}},
		{"applied through an import", []ConceptSet{imports("acc-noted")}, map[string]string{vsBase + "acc": "1"}, []string{pinnedAcc}},
		{"the import names its version", []ConceptSet{{ValueSets: []string{pinnedAcc}}}, map[string]string{vsBase + "acc": "1"}, nil},
		{"for another value set", []ConceptSet{imports("acc")}, map[string]string{vsBase + "noted": "1"}, nil},
		{"reported once", []ConceptSet{imports("acc"), imports("acc")}, map[string]string{vsBase + "acc": "1"}, []string{pinnedAcc}},
	}
	for _, tc := range tests {
		c := mustCompile(t, r, newVS("d", tc.include), Options{ValueSetVersion: tc.defaults})
		require.Equal(t, tc.want, c.ValueSetDefaults, tc.name)
	}
}
