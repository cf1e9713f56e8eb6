package local

import (
	"errors"
	"sync"
	"testing"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
	"github.com/stretchr/testify/require"
)

func TestFilters(t *testing.T) {
	s := fixture(t)
	all := allCodes
	none := []string{}
	tests := []struct {
		property, op, value string
		want                []string
	}{
		// The hierarchy, on concept and code alike.
		{"concept", "is-a", "A", []string{"A", "A1", "A1a", "A1b", "A2", "E"}},
		{"code", "is-a", "a1", []string{"A1", "A1a", "A1b"}},
		{"concept", "is-a", "G", []string{"A1b", "G"}},
		{"concept", "is-a", "nope", none},
		{"concept", "descendent-of", "A", []string{"A1", "A1a", "A1b", "A2", "E"}},
		{"concept", "descendent-of", "A1b", none},
		{"concept", "descendent-of", "nope", none},
		{"concept", "is-not-a", "A", []string{"B", "C", "D", "F", "G"}},
		{"concept", "is-not-a", "A1", []string{"A", "A2", "B", "C", "D", "E", "F", "G"}},
		{"concept", "is-not-a", "nope", all},
		{"concept", "generalizes", "A1b", []string{"A", "A1", "A1b", "G"}},
		{"concept", "generalizes", "E", []string{"A", "A2", "E"}},
		{"concept", "generalizes", "nope", none},
		{"concept", "child-of", "A", []string{"A1", "A2"}},
		{"concept", "child-of", "A2", []string{"E"}},
		{"concept", "child-of", "B", none},
		{"concept", "descendent-leaf", "A", []string{"A1a", "A1b", "E"}},
		{"concept", "descendent-leaf", "A1a", none},
		{"concept", "descendent-leaf", "nope", none},
		// The code's value operators: comparisons ignore case here.
		{"code", "=", "a1a", []string{"A1a"}},
		{"concept", "=", "A1A", []string{"A1a"}},
		{"code", "=", "nope", none},
		{"code", "in", "a, b,C", []string{"A", "B", "C"}},
		{"code", "not-in", "A,b", []string{"A1", "A1a", "A1b", "A2", "C", "D", "E", "F", "G"}},
		{"code", "regex", "A1.*", []string{"A1", "A1a", "A1b"}},
		{"code", "regex", "a1.*", none}, // a regex applies as written
		{"code", "regex", "[A-C]", []string{"A", "B", "C"}},
		{"code", "exists", "true", all},
		{"code", "exists", "false", none},
		// A declared code property, which B has twice.
		{"color", "=", "black", []string{"B"}},
		{"color", "=", "Black", none},
		{"color", "in", "yellow,red", []string{"B"}},
		{"color", "not-in", "yellow", []string{"A", "A1", "A1a", "A1b", "A2", "C", "D", "E", "F", "G"}},
		{"color", "exists", "true", []string{"B"}},
		{"color", "exists", "false", []string{"A", "A1", "A1a", "A1b", "A2", "C", "D", "E", "F", "G"}},
		{"color", "regex", "bl.*", []string{"B"}},
		// A string, an integer and a Coding property.
		{"note", "=", "stings", []string{"B"}},
		{"note", "regex", "st.*", []string{"B"}},
		{"note", "regex", "st", none},
		{"weight", "=", "1", []string{"B"}},
		{"kind", "=", "insect", []string{"B"}},
		// The hierarchy as properties.
		{"parent", "=", "A", []string{"A1", "A2"}},
		{"parent", "=", "A1", []string{"A1a", "A1b"}},
		{"parent", "in", "A2,G", []string{"A1b", "E"}},
		{"parent", "exists", "false", []string{"A", "B", "C", "D", "F", "G"}},
		{"parent", "regex", "A.", []string{"A1a", "A1b", "E"}},
		{"child", "=", "A1b", []string{"A1", "G"}},
		{"child", "in", "A1,E", []string{"A", "A2"}},
		{"child", "exists", "true", []string{"A", "A1", "A2", "G"}},
		// The standard status properties, declared or not.
		{"status", "=", "retired", []string{"C"}},
		{"inactive", "=", "true", []string{"C", "F"}},
		{"inactive", "=", "false", []string{"A", "A1", "A1a", "A1b", "A2", "B", "D", "E", "G"}},
		{"inactive", "exists", "true", all},
		{"notSelectable", "=", "true", []string{"D"}},
		{"deprecated", "exists", "true", []string{"F"}},
	}
	for _, tt := range tests {
		f := valueset.Filter{Property: tt.property, Op: tt.op, Value: tt.value}
		p, err := s.Filter(f)
		require.NoError(t, err, "%s", f)
		require.Equal(t, tt.want, codes(s, p), "%s", f)
		require.False(t, p(&valueset.Concept{Code: "stranger", Index: 0}), "%s: a concept of another system", f)
	}
}

func TestFilterErrors(t *testing.T) {
	s := fixture(t)
	_, err := s.Filter(valueset.Filter{Property: "flavor", Op: "=", Value: "sweet"})
	require.ErrorIs(t, err, valueset.ErrFilterNotHandled)

	tests := []struct {
		property, op, value, want, path string
	}{
		{"color", "is-a", "black", "'is-a' is not supported for the property 'color'", ".op"},
		{"note", "descendent-leaf", "x", "'descendent-leaf' is not supported for the property 'note'", ".op"},
		{"parent", "is-a", "A", "'is-a' is not supported for the property 'parent'", ".op"},
		{"inactive", "generalizes", "true", "'generalizes' is not supported for the property 'inactive'", ".op"},
		{"code", "regex", "(", "does not compile", ".value"},
		{"code", "exists", "maybe", "true or false", ".value"},
		{"color", "exists", "", "true or false", ".value"},
		{"code", "like", "A", "not a FHIR filter operator", ".op"},
	}
	for _, tt := range tests {
		_, err := s.Filter(valueset.Filter{Property: tt.property, Op: tt.op, Value: tt.value})
		e := requireInvalid(t, err, tt.want)
		require.Equal(t, tt.path, e.Path, "%s %s", tt.property, tt.op)
	}

	d := fixtureDefinition()
	d.HierarchyMeaning = "sideways"
	odd, err := New(d)
	require.NoError(t, err)
	_, err = odd.Filter(valueset.Filter{Property: "concept", Op: "is-a", Value: "A"})
	requireInvalid(t, err, "hierarchyMeaning 'sideways'")
	for _, meaning := range []string{"", "part-of", "classified-with", "grouped-by"} {
		d.HierarchyMeaning = meaning
		other, err := New(d)
		require.NoError(t, err)
		p, err := other.Filter(valueset.Filter{Property: "concept", Op: "child-of", Value: "A"})
		require.NoError(t, err, meaning)
		require.Equal(t, []string{"A1", "A2"}, codes(other, p), meaning)
	}
}

// TestConcurrentUse runs predicates and the text index from many
// goroutines (under -race).
func TestConcurrentUse(t *testing.T) {
	s := fixture(t)
	p, err := s.Filter(valueset.Filter{Property: "concept", Op: "is-a", Value: "A1"})
	require.NoError(t, err)
	var wg sync.WaitGroup
	results := make([][]string, 8)
	indexes := make([]*valueset.TextIndex, 8)
	for i := range results {
		wg.Go(func() {
			results[i] = codes(s, p)
			indexes[i] = s.TextIndex()
		})
	}
	wg.Wait()
	for i := range results {
		require.Equal(t, []string{"A1", "A1a", "A1b"}, results[i])
		require.Same(t, indexes[0], indexes[i], "the index is built once")
	}
}

// isFilterError reports whether err is what Filter may return.
func isFilterError(err error) bool {
	var e *valueset.Error
	return errors.Is(err, valueset.ErrFilterNotHandled) || errors.As(err, &e)
}

func FuzzFilter(f *testing.F) {
	s := fixture(f)
	for _, seed := range [][3]string{
		{"concept", "is-a", "A"}, {"code", "regex", "A.*"}, {"code", "in", "a,,b"}, {"color", "exists", "true"},
		{"parent", "=", "A"}, {"child", "not-in", "x"}, {"inactive", "=", "true"}, {"note", "regex", "("},
		{"flavor", "=", "x"}, {"concept", "descendent-leaf", ""}, {"kind", "generalizes", "insect"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, property, op, value string) {
		p, err := s.Filter(valueset.Filter{Property: property, Op: op, Value: value})
		if err != nil {
			require.True(t, isFilterError(err), "%T %v", err, err)
			require.Nil(t, p)
			return
		}
		require.NotNil(t, p)
		for c := range s.Concepts() {
			p(c)
		}
		require.False(t, p(&valueset.Concept{Code: value, Index: len(allCodes)}))
	})
}
