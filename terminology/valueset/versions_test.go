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
