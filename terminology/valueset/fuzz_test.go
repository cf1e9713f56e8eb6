package valueset

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func FuzzTextSearch(f *testing.F) {
	for _, q := range []string{"", "a101", "A1", "cushion pad", "wheel-chair", "w/c", "crutches", "--", "a-b-c", "é/ü", "batteries,", "x/yy/z", "\xff"} {
		f.Add(q)
	}
	cs, ix := dmeIndex(IndexOptions{Synonyms: [][]string{{"wheelchair", "w/c", "wc"}}})
	f.Fuzz(func(t *testing.T, q string) {
		ms := ix.Search(q)
		if !HasWords(q) {
			require.Empty(t, ms)
		}
		seen := map[int]bool{}
		for i, m := range ms {
			require.GreaterOrEqual(t, m.Index, 0)
			require.Less(t, m.Index, len(cs.concepts))
			require.False(t, seen[m.Index], "concept %d twice", m.Index)
			seen[m.Index] = true
			require.GreaterOrEqual(t, m.Tier, TierExactCode)
			require.LessOrEqual(t, m.Tier, TierAnywhere)
			if i > 0 {
				prev := ms[i-1]
				require.LessOrEqual(t, prev.Tier, m.Tier, "tiers out of order")
				if prev.Tier == m.Tier {
					require.Less(t, prev.Index, m.Index, "ties out of index order")
				}
			}
		}
	})
}

func FuzzCompileFilter(f *testing.F) {
	for _, s := range [][3]string{
		{"code", "=", "A100"}, {"category", "in", "WC,ACC"}, {"category", "not-in", ","}, {"note", "regex", "ab"},
		{"note", "regex", "a(("}, {"inactive", "=", "true"}, {"code", "exists", "maybe"}, {"colour", "=", "red"},
		{"code", "is-a", "A"}, {"", "", ""}, {"code", "regex", `\Qabc`}, {"code", "regex", "x{1001}"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	r := newFixture(false)
	f.Fuzz(func(t *testing.T, property, op, value string) {
		vs := &ValueSet{URL: vsBase + "fuzz", Compose: &Compose{Include: []ConceptSet{sys(dmeURL, Filter{property, op, value})}}}
		c, err := Compile(vs, r, Options{})
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				require.True(t, strings.HasPrefix(e.Path, "ValueSet.compose.include[0].filter[0]"), "path %q", e.Path)
				require.NotEmpty(t, e.Error())
			}
			sentinel := false
			for _, s := range []error{ErrInvalid, ErrNotFound, ErrNotSupported, ErrTooCostly} {
				sentinel = sentinel || errors.Is(err, s)
			}
			require.True(t, sentinel, "%T %v wraps no sentinel", err, err)
			return
		}
		ms := expandAll(t, c, "")
		for _, m := range ms {
			_, ok := c.Lookup(dmeURL, "", m.Concept.Code)
			require.True(t, ok)
		}
	})
}
