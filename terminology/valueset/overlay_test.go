package valueset

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVersionMatches(t *testing.T) {
	for _, tc := range []struct {
		pattern, version string
		want             bool
	}{
		{"1.0.0", "1.0.0", true}, {"1.0.0", "1.0", false},
		{"1.x", "1.2.0", true}, {"1.x.x", "1.2.0", true}, {"1.x.x", "2.0.0", false},
		{"1.*", "1.0", true}, {"1.x.0", "1.4.0", true}, {"1.x.0", "1.4.1", false},
		{"x", "7", true}, {"1.x.x", "1.2", true}, {"1.2.x", "1.3.0", false},
	} {
		require.Equal(t, tc.want, VersionMatches(tc.pattern, tc.version), "%s ~ %s", tc.pattern, tc.version)
	}
	require.True(t, IsVersionPattern("1.x"))
	require.False(t, IsVersionPattern("1.0.x1"))
}

// TestOverlay: the request's definitions win over the base for their url;
// other urls, and versions the overlay lacks, go to the base.
func TestOverlay(t *testing.T) {
	base := newFixture(false)
	mine := newMemCS(modURL, "3", modV2)
	other := newMemCS("http://example.org/fhir/CodeSystem/mine", "1.2.0", dmeConcepts)
	older := newMemCS("http://example.org/fhir/CodeSystem/mine", "1.10.0", dmeConcepts)
	vs := newVS("mine", []ConceptSet{sys(other.info.URL)})
	o, err := NewOverlay(base, []CodeSystem{mine, other, older}, []*ValueSet{vs})
	require.NoError(t, err)
	require.False(t, o.Empty())

	got, err := o.CodeSystem(SystemRef{URL: modURL})
	require.NoError(t, err)
	require.Same(t, mine, got, "the overlay's version of a url the base also has is the default")
	got, err = o.CodeSystem(SystemRef{URL: modURL, Version: "1"})
	require.NoError(t, err)
	require.Equal(t, "1", got.Info().Version, "a version only the base has")
	got, err = o.CodeSystem(SystemRef{URL: dmeURL})
	require.NoError(t, err)
	require.Equal(t, dmeVersion, got.Info().Version)
	got, err = o.CodeSystem(SystemRef{URL: other.info.URL})
	require.NoError(t, err)
	require.Same(t, older, got, "1.10.0 is newer than 1.2.0")
	got, err = o.CodeSystem(SystemRef{URL: other.info.URL, Version: "1.x"})
	require.NoError(t, err)
	require.Same(t, older, got, "a pattern takes the newest match")
	_, err = o.CodeSystem(SystemRef{URL: other.info.URL, Version: "2.0"})
	var us *UnknownSystemError
	require.True(t, errors.As(err, &us), "%v", err)
	require.Equal(t, []string{"1.2.0", "1.10.0"}, us.Valid)

	got2, err := o.ValueSet(vs.URL)
	require.NoError(t, err)
	require.Same(t, vs, got2)
	_, err = o.ValueSet(vsBase + "no-such")
	require.Error(t, err)
	require.NotEmpty(t, o.ValueSets().All())

	_, err = NewOverlay(base, []CodeSystem{other, other}, nil)
	require.ErrorIs(t, err, ErrInvalid)
	_, err = NewOverlay(base, nil, []*ValueSet{vs, vs})
	require.ErrorIs(t, err, ErrInvalid)
	empty, err := NewOverlay(base, nil, nil)
	require.NoError(t, err)
	require.True(t, empty.Empty())
}
