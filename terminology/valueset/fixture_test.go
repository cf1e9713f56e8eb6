package valueset

import (
	"iter"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fixture: a small DME code system (12 concepts, designations in "en"
// and "es", two inactive concepts, a code-typed property "category" that
// one concept has twice and a string property "note"), a tiny modifier
// system in two versions, a Resolver over them and a set of value sets.

const (
	dmeURL     = "http://example.org/fhir/CodeSystem/dme"
	dmeVersion = "2024.1"
	modURL     = "http://example.org/fhir/CodeSystem/mod"
	vsBase     = "http://example.org/fhir/ValueSet/"
)

type fixtureConcept struct {
	code, display, en, es string
	inactive              bool
	category              []string
	note                  string
}

var dmeConcepts = []fixtureConcept{
	{"A100", "Standard wheelchair", "Std wheelchair", "Silla de ruedas", false, []string{"WC"}, "manual"},
	{"A101", "Wheelchair cushion, non-adjunctive", "W/c cushion", "Cojín", false, []string{"WC", "ACC"}, "gel"},
	{"A1010", "Skin protection cushion", "Skin prot cushion", "Cojín protector", false, []string{"ACC"}, "foam"},
	{"A1011", "Positioning cushion, adjustable", "Positioning pad", "Almohadilla", true, []string{"ACC"}, ""},
	{"B200", "Underarm crutch, wood", "Crutch underarm", "Muleta", false, []string{"AMB"}, "ab"},
	{"B201", "Forearm crutches, aluminum", "Crutches forearm", "Muletas", false, []string{"AMB"}, "abc"},
	{"B300", "Replacement battery for power w/c", "Power w/c battery", "Batería", false, []string{"PWR"}, "lithium"},
	{"B301", "Battery charger", "Charger", "Cargador", true, []string{"PWR"}, ""},
	{"C400", "Wheel-chair tray", "Tray", "Bandeja", false, []string{"ACC"}, ""},
	{"C401", "Shower chair", "Bath seat", "Silla de ducha", false, nil, "seat"},
	{"D500", "Cushion cover", "Cover for A101", "Funda", false, []string{"ACC"}, ""},
	{"D501", "Gel overlay, fits A1010", "Overlay", "Cubierta", false, []string{"ACC"}, "gel"},
}

// dmeCodes is every DME code in the system's order.
var dmeCodes = func() []string {
	var out []string
	for _, c := range dmeConcepts {
		out = append(out, c.code)
	}
	return out
}()

var modV1 = []fixtureConcept{
	{code: "LT", display: "Left side", en: "Left"},
	{code: "RT", display: "Right side", en: "Right"},
	{code: "RP", display: "Replacement and repair", en: "Replacement"},
	{code: "NU", display: "New equipment", en: "New"},
}

var modV2 = append(slices.Clone(modV1), fixtureConcept{code: "KX", display: "Requirements met", en: "Reqs met"})

// memCS is an in-memory code system with only the CodeSystem methods: no
// Filterer, no Indexed, no ConceptAter, so the generic paths run.
type memCS struct {
	info     Info
	concepts []*Concept
	byCode   map[string]*Concept
	defs     []PropertyDefinition
	props    [][]PropertyValue // by Concept.Index
}

func (cs *memCS) Info() Info { return cs.info }

func (cs *memCS) Concept(code string) (*Concept, bool) {
	c, ok := cs.byCode[code]
	return c, ok
}

func (cs *memCS) Concepts() iter.Seq[*Concept] { return slices.Values(cs.concepts) }

func (cs *memCS) Properties(c *Concept) []PropertyValue { return cs.props[c.Index] }

func (cs *memCS) PropertyDefinitions() []PropertyDefinition { return cs.defs }

// indexedCS is memCS with its own text index (the Indexed capability).
type indexedCS struct {
	*memCS
	ix *TextIndex
}

func (cs *indexedCS) TextIndex() *TextIndex { return cs.ix }

func newMemCS(url, version string, concepts []fixtureConcept) *memCS {
	cs := &memCS{
		info:   Info{URL: url, Version: version, Name: "Fixture", Status: "active", CaseSensitive: true, Content: "complete"},
		byCode: map[string]*Concept{},
		defs: []PropertyDefinition{
			{Code: "category", Type: TypeCode, Description: "equipment category"},
			{Code: "note", Type: TypeString, Operators: []string{OpEqual, OpRegex, OpExists}},
		},
	}
	for i, fc := range concepts {
		c := &Concept{Code: fc.code, Display: fc.display, Inactive: fc.inactive, Index: i}
		if fc.en != "" {
			c.Designations = append(c.Designations, Designation{Language: "en", Value: fc.en})
		}
		if fc.es != "" {
			c.Designations = append(c.Designations, Designation{Language: "es", Value: fc.es})
		}
		var pvs []PropertyValue
		for _, v := range fc.category {
			pvs = append(pvs, PropertyValue{Code: "category", Type: TypeCode, Value: v})
		}
		if fc.note != "" {
			pvs = append(pvs, PropertyValue{Code: "note", Type: TypeString, Value: fc.note})
		}
		cs.concepts = append(cs.concepts, c)
		cs.byCode[c.Code] = c
		cs.props = append(cs.props, pvs)
	}
	return cs
}

// fixtureResolver resolves the fixture's systems (by URL, oldest version
// first; an empty version is the newest) and value sets (by url and by
// url|version).
type fixtureResolver struct {
	systems   map[string][]CodeSystem
	valueSets map[string]*ValueSet
}

func (r *fixtureResolver) CodeSystem(ref SystemRef) (CodeSystem, error) {
	versions := r.systems[ref.URL]
	if len(versions) == 0 {
		return nil, &UnknownSystemError{URL: ref.URL, Version: ref.Version}
	}
	if ref.Version == "" {
		return versions[len(versions)-1], nil
	}
	var valid []string
	for _, cs := range versions {
		if cs.Info().Version == ref.Version {
			return cs, nil
		}
		valid = append(valid, cs.Info().Version)
	}
	return nil, &UnknownSystemError{URL: ref.URL, Version: ref.Version, Valid: valid}
}

func (r *fixtureResolver) ValueSet(canonical string) (*ValueSet, error) {
	if vs, ok := r.valueSets[canonical]; ok {
		return vs, nil
	}
	return nil, &UnknownValueSetError{Canonical: canonical}
}

func (r *fixtureResolver) add(vss ...*ValueSet) {
	for _, vs := range vss {
		r.valueSets[vs.URL] = vs
		r.valueSets[vs.Canonical()] = vs
	}
}

// newFixture builds the resolver; indexed wraps every system in indexedCS.
func newFixture(indexed bool) *fixtureResolver {
	wrap := func(cs *memCS) CodeSystem {
		if indexed {
			return &indexedCS{memCS: cs, ix: NewTextIndex(cs.Concepts(), IndexOptions{})}
		}
		return cs
	}
	r := &fixtureResolver{
		systems: map[string][]CodeSystem{
			dmeURL: {wrap(newMemCS(dmeURL, dmeVersion, dmeConcepts))},
			modURL: {wrap(newMemCS(modURL, "1", modV1)), wrap(newMemCS(modURL, "2", modV2))},
		},
		valueSets: map[string]*ValueSet{},
	}
	r.add(fixtureValueSets()...)
	return r
}

func boolPtr(b bool) *bool { return &b }

func sys(url string, filters ...Filter) ConceptSet { return ConceptSet{System: url, Filters: filters} }

func imports(names ...string) ConceptSet {
	var s ConceptSet
	for _, n := range names {
		s.ValueSets = append(s.ValueSets, vsBase+n)
	}
	return s
}

func listed(url string, codes ...string) ConceptSet {
	s := ConceptSet{System: url}
	for _, c := range codes {
		s.Concepts = append(s.Concepts, ConceptReference{Code: c})
	}
	return s
}

func newVS(name string, include []ConceptSet, exclude ...ConceptSet) *ValueSet {
	return &ValueSet{ID: name, URL: vsBase + name, Version: "1", Name: name, Status: "active",
		Compose: &Compose{Include: include, Exclude: exclude}}
}

// fixtureValueSets are the value sets the resolver serves.
func fixtureValueSets() []*ValueSet {
	activeCompose := newVS("active-compose", []ConceptSet{sys(dmeURL)})
	activeCompose.Compose.Inactive = boolPtr(false)
	return []*ValueSet{
		newVS("all", []ConceptSet{sys(dmeURL)}),
		newVS("acc", []ConceptSet{sys(dmeURL, Filter{"category", OpEqual, "ACC"})}),
		newVS("noted", []ConceptSet{sys(dmeURL, Filter{"note", OpExists, "true"})}),
		newVS("acc-noted", []ConceptSet{imports("acc", "noted")}),
		newVS("acc-active", []ConceptSet{{System: dmeURL, Filters: []Filter{{"inactive", OpEqual, "false"}}, ValueSets: []string{vsBase + "acc"}}}),
		newVS("no-acc", []ConceptSet{sys(dmeURL)}, sys(dmeURL, Filter{"category", OpEqual, "ACC"})),
		newVS("mixed", []ConceptSet{listed(dmeURL, "B200", "A100", "A101"), sys(modURL)}, listed(modURL, "NU")),
		activeCompose,
		newVS("cycle-a", []ConceptSet{imports("cycle-b")}),
		newVS("cycle-b", []ConceptSet{imports("cycle-a")}),
		newVS("self", []ConceptSet{imports("self")}),
		newVS("broken-import", []ConceptSet{imports("missing")}),
		newVS("mod1", []ConceptSet{{System: modURL, Version: "1"}}),
		newVS("mod2", []ConceptSet{{System: modURL, Version: "2"}}),
	}
}

func mustCompile(t testing.TB, r Resolver, vs *ValueSet, opts Options) *Compiled {
	t.Helper()
	c, err := Compile(vs, r, opts)
	require.NoError(t, err)
	return c
}

func mustVS(t testing.TB, r *fixtureResolver, name string) *ValueSet {
	t.Helper()
	vs, err := r.ValueSet(vsBase + name)
	require.NoError(t, err)
	return vs
}

// expandAll is the unpaged expansion, with no limit.
func expandAll(t testing.TB, c *Compiled, filter string) []*Member {
	t.Helper()
	exp, err := c.Expand(ExpandRequest{Filter: filter})
	require.NoError(t, err)
	require.Equal(t, len(exp.Contains), exp.Total)
	return exp.Contains
}

func codes(ms []*Member) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Concept.Code)
	}
	return out
}

// keys names members by system|version|code.
func keys(ms []*Member) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.System.Canonical()+"#"+m.Concept.Code)
	}
	return out
}

func without(all []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return slices.Contains(drop, s) })
}

func TestFixtureCapabilities(t *testing.T) {
	r := newFixture(false)
	for _, cs := range r.systems[dmeURL] {
		_, filterer := cs.(Filterer)
		_, indexed := cs.(Indexed)
		_, at := cs.(ConceptAter)
		require.False(t, filterer || indexed || at, "the plain fixture must take the generic paths")
	}
	ri := newFixture(true)
	_, indexed := ri.systems[dmeURL][0].(Indexed)
	require.True(t, indexed)
	_, filterer := ri.systems[dmeURL][0].(Filterer)
	require.False(t, filterer)
	require.Len(t, dmeConcepts, 12)
}
