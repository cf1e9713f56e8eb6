package valueset

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func dmeIndex(opts IndexOptions) (*memCS, *TextIndex) {
	cs := newMemCS(dmeURL, dmeVersion, dmeConcepts)
	return cs, NewTextIndex(cs.Concepts(), opts)
}

// ranked renders matches as code:tier.
func ranked(cs *memCS, ms []Match) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s:%d", cs.concepts[m.Index].Code, m.Tier))
	}
	return out
}

func TestTextSearchRanking(t *testing.T) {
	const (
		exact  = TierExactCode
		prefix = TierCodePrefix
		desig  = TierDesignation
		disp   = TierDisplay
		spread = TierAnywhere
	)
	require.Less(t, exact, prefix)
	require.Less(t, prefix, desig)
	require.Less(t, desig, disp)
	require.Less(t, disp, spread)
	at := func(code string, tier Tier) string { return fmt.Sprintf("%s:%d", code, tier) }
	tests := []struct {
		query string
		want  []string
	}{
		// exact code, code prefixes, a designation naming it, a display naming a longer code
		{"a101", []string{at("A101", exact), at("A1010", prefix), at("A1011", prefix), at("D500", desig), at("D501", disp)}},
		{"A101", []string{at("A101", exact), at("A1010", prefix), at("A1011", prefix), at("D500", desig), at("D501", disp)}},
		{"  a1010  ", []string{at("A1010", exact), at("D501", disp)}},
		{"a10", []string{at("A100", prefix), at("A101", prefix), at("A1010", prefix), at("A1011", prefix), at("D500", desig), at("D501", disp)}},
		// designation before display, ties in index order
		{"cushion", []string{at("A101", desig), at("A1010", desig), at("A1011", disp), at("D500", disp)}},
		{"positioning pad", []string{at("A1011", desig)}},
		{"adjustable positioning", []string{at("A1011", disp)}},
		// words spread over display and designation, or code and designation
		{"cushion pad", []string{at("A1011", spread)}},
		{"a1011 pad", []string{at("A1011", spread)}},
		// every word is a prefix
		{"wheel cush", []string{at("A101", disp)}},
		{"skin prot", []string{at("A1010", desig)}},
		{"pos adj", []string{at("A1011", disp)}},
		// case
		{"WHEELCHAIR", []string{at("A100", desig), at("A101", disp), at("C400", disp)}},
		{"Silla", []string{at("A100", desig), at("C401", desig)}},
		// plurals
		{"crutches", []string{at("B200", desig), at("B201", desig)}},
		{"crutch", []string{at("B200", desig), at("B201", desig)}},
		{"batteries", []string{at("B300", desig), at("B301", disp)}},
		// hyphens, both ways
		{"wheel-chair", []string{at("A100", desig), at("A101", disp), at("C400", disp)}},
		{"wheelchair", []string{at("A100", desig), at("A101", disp), at("C400", disp)}},
		{"nonadjunctive", []string{at("A101", disp)}},
		{"adjunctive", []string{at("A101", disp)}},
		{"non-adjunctive", []string{at("A101", disp)}},
		// slash abbreviations are one token
		{"w/c", []string{at("A101", desig), at("B300", desig)}},
		{"W/C battery", []string{at("B300", desig)}},
		// no synonyms without the option
		{"wc", []string{}},
		// nothing
		{"zebra", []string{}},
		{"cushion zebra", []string{}},
	}
	cs, ix := dmeIndex(IndexOptions{})
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			require.Equal(t, tc.want, ranked(cs, ix.Search(tc.query)))
		})
	}
}

func TestTextSearchSynonyms(t *testing.T) {
	cs, ix := dmeIndex(IndexOptions{Synonyms: [][]string{{"Wheelchair", "w/c", "wc"}}})
	want := []string{"A100:2", "A101:2", "B300:2", "C400:3"}
	for _, q := range []string{"wc", "w/c", "wheelchair", "WC"} {
		require.Equal(t, want, ranked(cs, ix.Search(q)), q)
	}
	require.Equal(t, []string{"B300:2"}, ranked(cs, ix.Search("wc battery")))
}

func TestHasWords(t *testing.T) {
	for q, want := range map[string]bool{
		"":          false,
		"   ":       false,
		"--- ,; /":  false,
		"(*&^%$#@)": false,
		"a":         true,
		" w/c ":     true,
		"-a-":       true,
		"é":         true,
		"7":         true,
	} {
		require.Equal(t, want, HasWords(q), "%q", q)
		if !want {
			_, ix := dmeIndex(IndexOptions{})
			require.Empty(t, ix.Search(q), "%q", q)
		}
	}
}

func TestQueryWords(t *testing.T) {
	tests := []struct {
		q    string
		want [][]string
	}{
		{"wheel-chair cushion", [][]string{{"wheel", "chair"}, {"cushion"}}},
		{"w/c", [][]string{{"w/c"}}},
		{"a,b;c", [][]string{{"a"}, {"b"}, {"c"}}},
		{"(gel)", [][]string{{"gel"}}},
		{"foo.bar", [][]string{{"foo"}, {"bar"}}},
		{"abc/def", [][]string{{"abc"}, {"def"}}},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, queryWords(tc.q), tc.q)
	}
}

func TestIndexTokens(t *testing.T) {
	require.Equal(t, []string{"non", "adjunctive", "nonadjunctive"}, indexTokens("Non-adjunctive"))
	require.Equal(t, []string{"w", "c", "w/c"}, indexTokens("W/c"))
	require.Equal(t, []string{"cushion"}, indexTokens("(cushion),"))
}

func TestStem(t *testing.T) {
	for in, want := range map[string]string{
		"crutches": "crutch", "batteries": "battery", "strips": "strip", "boxes": "box",
		"brushes": "brush", "glasses": "glass", "glass": "glass", "status": "status", "pelvis": "pelvis",
		"ies": "ies", "gas": "gas", "lies": "lie", "ties": "tie",
	} {
		require.Equal(t, want, stem(in), in)
	}
}

// The index built for a provider without one ranks as the provider's own,
// and is kept by the compiled value set for its next search.
func TestTextIndexGenericAgreesWithIndexed(t *testing.T) {
	plain := newMemCS(dmeURL+"/generic", dmeVersion, dmeConcepts)
	own := NewTextIndex(plain.Concepts(), IndexOptions{})
	c := &Compiled{}
	adhocIx := c.indexOf(plain)
	require.Same(t, adhocIx, c.indexOf(plain), "the compiled set keeps the index it built")
	withIx := &indexedCS{memCS: plain, ix: own}
	require.Same(t, own, c.indexOf(withIx))
	for _, q := range []string{"a101", "cushion", "crutches", "batteries", "wheel-chair", "w/c", "cushion pad", "zebra", "a"} {
		require.Equal(t, own.Search(q), adhocIx.Search(q), q)
	}

	// Another compiled value set builds its own.
	other := newMemCS(dmeURL+"/generic", dmeVersion, dmeConcepts[:2])
	require.NotSame(t, adhocIx, (&Compiled{}).indexOf(other))
	require.Len(t, (&Compiled{}).indexOf(other).Search("a"), 2)
}

func TestTextSearchConcurrent(t *testing.T) {
	cs, ix := dmeIndex(IndexOptions{})
	queries := []string{"a101", "cushion", "wheel-chair", "crutches", "w/c", "cushion pad", "zebra"}
	want := map[string][]string{}
	for _, q := range queries {
		want[q] = ranked(cs, ix.Search(q))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(queries)*20)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 * len(queries) {
				q := queries[(g+i)%len(queries)]
				if got := ranked(cs, ix.Search(q)); fmt.Sprint(got) != fmt.Sprint(want[q]) {
					errs <- fmt.Sprintf("%q: %v, want %v", q, got, want[q])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestTextIndexEmpty(t *testing.T) {
	ix := NewTextIndex(func(func(*Concept) bool) {}, IndexOptions{})
	require.Empty(t, ix.Search("anything"))
	require.Empty(t, ix.Search(""))
}

// A code typed with a trailing comma, period or in parentheses ("A101.",
// "(a101)") ranks as the code: the code tiers once compared the raw query
// and dropped it below other concepts' description matches.
func TestTextSearchCodeWithPunctuation(t *testing.T) {
	cs, ix := dmeIndex(IndexOptions{})
	tests := []struct{ query, first string }{
		{"A101.", "A101:0"},
		{"(a101)", "A101:0"},
		{"a101,", "A101:0"},
		{"a10,", "A100:1"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got := ranked(cs, ix.Search(tc.query))
			require.NotEmpty(t, got)
			require.Equal(t, tc.first, got[0], "%v", got)
		})
	}
}
