package valueset

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVersionsMatch(t *testing.T) {
	v := func(version string) ConceptSet { return ConceptSet{System: modURL, Version: version} }
	param := func(value string) []Parameter { return []Parameter{{Name: "versionsMatch", Value: value}} }
	tests := []struct {
		name    string
		compose Compose
		want    bool
	}{
		{"no exclude", Compose{Include: []ConceptSet{v("1"), v("2")}}, false},
		{"another version excluded", Compose{Include: []ConceptSet{v("2")}, Exclude: []ConceptSet{v("1")}}, true},
		{"the same version excluded", Compose{Include: []ConceptSet{v("2")}, Exclude: []ConceptSet{v("2")}}, false},
		{"an unversioned include", Compose{Include: []ConceptSet{v("")}, Exclude: []ConceptSet{v("1")}}, false},
		{"said true", Compose{Include: []ConceptSet{v("1"), v("2")}, Parameters: param("true")}, true},
		{"said false", Compose{Include: []ConceptSet{v("2")}, Exclude: []ConceptSet{v("1")}, Parameters: param("false")}, false},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, versionsMatch(&tc.compose), tc.name)
	}
}

func TestExpandVersions(t *testing.T) {
	r := newFixture(false)
	v := func(version string) ConceptSet { return ConceptSet{System: modURL, Version: version} }
	tests := []struct {
		name    string
		compose Compose
		want    []string
	}{
		{"the newest version first", Compose{Include: []ConceptSet{v("1"), v("2")}},
			[]string{"2#LT", "2#RT", "2#RP", "2#NU", "2#KX", "1#LT", "1#RT", "1#RP", "1#NU"}},
		{"merged", Compose{Include: []ConceptSet{v("1"), v("2")}, Parameters: []Parameter{{Name: "versionsMatch", Value: "true"}}},
			[]string{"2#LT", "2#RT", "2#RP", "2#NU", "2#KX"}},
		{"an exclude of another version", Compose{Include: []ConceptSet{v("2")}, Exclude: []ConceptSet{v("1")}},
			[]string{"2#KX"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustCompile(t, r, &ValueSet{URL: vsBase + "versions", Compose: &tc.compose}, Options{})
			var got []string
			for _, m := range expandAll(t, c, "") {
				got = append(got, m.System.Version+"#"+m.Concept.Code)
			}
			require.Equal(t, tc.want, got)
		})
	}
}

// FHIRsmith tx/workers/expand.js, checkSource: a system named with two
// versions (or with and without one) makes every entry carry its version
// (HL7 test version/vs-expand-v-mixed-force).
func TestMixedVersions(t *testing.T) {
	v := func(version string) ConceptSet { return ConceptSet{System: modURL, Version: version} }
	tests := []struct {
		name    string
		compose Compose
		want    bool
	}{
		{"one version", Compose{Include: []ConceptSet{v("1"), v("1")}}, false},
		{"two versions", Compose{Include: []ConceptSet{v("1"), v("2")}}, true},
		{"with and without", Compose{Include: []ConceptSet{v(""), v("2")}}, true},
		{"an exclude of another version", Compose{Include: []ConceptSet{v("2")}, Exclude: []ConceptSet{v("1")}}, true},
		{"two systems", Compose{Include: []ConceptSet{v("1"), {System: dmeURL}}}, false},
		{"imports only", Compose{Include: []ConceptSet{imports("a"), imports("b")}}, false},
	}
	r := newFixture(false)
	for _, tc := range tests {
		require.Equal(t, tc.want, mixedVersions(&tc.compose), tc.name)
	}
	forced := mustCompile(t, r, &ValueSet{URL: vsBase + "m", Compose: &Compose{Include: []ConceptSet{v("1"), v("2")}}},
		Options{ForceVersion: map[string]string{modURL: "1"}})
	require.True(t, forced.MixedVersions(), "forcing one version keeps the versions on the entries")
	require.Len(t, forced.Systems, 1)
}

// recordingResolver remembers the versions it is asked for.
type recordingResolver struct {
	*fixtureResolver
	asked []string
}

func (r *recordingResolver) CodeSystem(ref SystemRef) (CodeSystem, error) {
	r.asked = append(r.asked, ref.Version)
	return r.fixtureResolver.CodeSystem(SystemRef{URL: ref.URL})
}

// FHIRsmith tx/workers/worker.js, determineVersionBase: system-version is
// the version of an include that names none; a pattern in the compose is
// resolved as it is (HL7 test version/vs-expand-v-w-default).
func TestSystemVersionLeavesAPatternAlone(t *testing.T) {
	tests := []struct {
		compose, def, want string
	}{
		{"1.x", "1.0", "1.x"},
		{"", "1.0", "1.0"},
		{"1.0", "2.0", "1.0"},
	}
	for _, tc := range tests {
		r := &recordingResolver{fixtureResolver: newFixture(false)}
		mustCompile(t, r, &ValueSet{URL: vsBase + "w", Compose: &Compose{Include: []ConceptSet{{System: modURL, Version: tc.compose}}}},
			Options{SystemVersion: map[string]string{modURL: tc.def}, DefaultsUnversionedOnly: true})
		require.Equal(t, []string{tc.want}, r.asked, tc.compose)
	}
	// Validation: SystemVersion is the coding's version, which a pattern
	// that allows it takes.
	r := &recordingResolver{fixtureResolver: newFixture(false)}
	mustCompile(t, r, &ValueSet{URL: vsBase + "w", Compose: &Compose{Include: []ConceptSet{{System: modURL, Version: "1.x"}}}},
		Options{SystemVersion: map[string]string{modURL: "1.0"}})
	require.Equal(t, []string{"1.0"}, r.asked)
}
