package valueset

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewRegistry(t *testing.T) {
	mk := func(id, url, version, origin string) *ValueSet {
		return &ValueSet{ID: id, URL: url, Version: version, Origin: origin}
	}
	const u = "http://example.org/fhir/ValueSet/r"
	v12 := mk("r-12", u, "1.2", "a.json")
	v190 := mk("r-190", u, "1.9.0", "b.json")
	v1100 := mk("r-1100", u, "1.10.0", "c.json")
	dupVersion := mk("r-other", u, "1.9.0", "d.json")
	dupID := mk("r-12", u+"2", "1", "e.json")
	noURL := mk("x", "", "1", "f.json")
	unversioned := mk("", u+"3", "", "g.json")
	noID := mk("", u+"3", "2", "h.json")

	r, dropped := NewRegistry([]*ValueSet{v12, v190, v1100, dupVersion, dupID, noURL, unversioned, noID})
	require.Equal(t, []string{
		"d.json: " + u + "|1.9.0 is already loaded",
		"e.json: the id r-12 is already taken by " + u + "|1.2",
		"f.json: the value set has no url",
	}, dropped)
	require.Equal(t, []*ValueSet{v12, v190, v1100, unversioned, noID}, r.All())

	got, ok := r.Get(u, "")
	require.True(t, ok)
	require.Same(t, v1100, got, "1.10.0 is the newest")
	require.Equal(t, []string{"1.10.0", "1.9.0", "1.2"}, r.Versions(u))

	got, ok = r.Get(u, "1.9.0")
	require.True(t, ok)
	require.Same(t, v190, got, "the first one given wins")
	_, ok = r.Get(u, "9")
	require.False(t, ok)
	_, ok = r.Get(u+"2", "")
	require.False(t, ok, "a value set dropped for its id is not served by url either")
	_, ok = r.Get("http://example.org/nope", "")
	require.False(t, ok)

	got, ok = r.Get(u+"3", "")
	require.True(t, ok)
	require.Same(t, noID, got, "a version is newer than none")

	got, ok = r.ByID("r-190")
	require.True(t, ok)
	require.Same(t, v190, got)
	got, ok = r.ByID("r-12")
	require.True(t, ok)
	require.Same(t, v12, got)
	_, ok = r.ByID("r-other")
	require.False(t, ok, "a duplicate's id is not registered")
	_, ok = r.ByID("")
	require.False(t, ok)
}

func TestNilRegistry(t *testing.T) {
	var r *Registry
	require.Nil(t, r.All())
	_, ok := r.Get("u", "")
	require.False(t, ok)
	_, ok = r.ByID("x")
	require.False(t, ok)
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.10.0", "1.9.0", 1},
		{"1.9.0", "1.2", 1},
		{"1.10.0", "1.2", 1},
		{"1.2", "1.2", 0},
		{"1.2", "1.2.0", -1},
		{"2", "10", -1},
		{"1.01", "1.1", 0},
		{"2024.1", "2023.12", 1},
		{"1.0-beta", "1.0-alpha", 1},
		{"a", "b", -1},
		{"", "1", -1},
		{"", "", 0},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, CompareVersions(tc.a, tc.b), "%q vs %q", tc.a, tc.b)
		require.Equal(t, -tc.want, CompareVersions(tc.b, tc.a), "%q vs %q", tc.b, tc.a)
	}
}
