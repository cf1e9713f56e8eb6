package browse

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestHighlight(t *testing.T) {
	cases := []struct {
		text, query string
		want        string // marked runs in [brackets]
	}{
		{"Wheelchair seat cushion, general use", "wheelchair cushion", "[Wheelchair] seat [cushion], general use"},
		{"Crutches, underarm", "crutch", "[Crutches], underarm"},
		{"Crutch", "crutches", "[Crutch]"},                  // the same singular
		{"Batteries, each", "battery", "[Batteries], each"}, // ies → y
		{"Wheelchair", "", "Wheelchair"},
		{"Wheelchair", "!!", "Wheelchair"},
		{"J1100", "j11", "[J1100]"},
		{"Cane, quad", "cane quad", "[Cane], [quad]"},
		{"Non-emergency transportation", "emerg", "Non-[emergency] transportation"},
		{"Glass frames", "glass", "[Glass] frames"},
		{"Café crème", "CRÈME", "Café [crème]"},
		{"", "x", ""},
	}
	for _, tc := range cases {
		var b strings.Builder
		for _, s := range highlight(tc.text, tc.query) {
			if s.Mark {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		require.Equal(t, tc.want, b.String(), "%q in %q", tc.query, tc.text)
	}
}

func TestInlineScripts(t *testing.T) {
	require.Equal(t, 0, inlineScripts(`<script src="/a.js" defer></script>`))
	require.Equal(t, 1, inlineScripts(`<script>alert(1)</script>`))
	require.Equal(t, 2, inlineScripts(`<script src="/a.js"></script><script>x</script><script type="module">y</script>`))
}

func TestSearchURLRoundTrip(t *testing.T) {
	v, err := url.ParseQuery("q=wheel+chair&release=2024-01&active=true&kind=procedure&coverage=C&betos=D1D&page=3")
	require.NoError(t, err)
	q, err := parseSearch(v)
	require.NoError(t, err)
	require.Equal(t, searchQuery{Q: "wheel chair", Release: "2024-01", Active: true, Kind: "procedure", Coverage: "C", BETOS: "D1D", Page: 3}, q)
	require.Equal(t, "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets?fhir_vs=filter/kind/=/procedure;filter/coverage/=/C;filter/betos/=/D1D", q.valueSetURL())
	require.Equal(t, "/browse?active=true&betos=D1D&coverage=C&kind=procedure&page=2&q=wheel+chair&release=2024-01", q.url(2))
}

// checkParseError: every refusal is a 400 that says what is wrong.
func checkParseError(t *testing.T, err error) {
	var he *httpError
	require.True(t, errors.As(err, &he), "not an httpError: %v", err)
	require.Equal(t, http.StatusBadRequest, he.status)
	require.NotEmpty(t, he.msg)
}

// FuzzParseSearch: any query string is either refused with a 400 or read
// into a search whose own URL reads back to the same search.
func FuzzParseSearch(f *testing.F) {
	for _, seed := range []string{"", "q=cane", "q=%3Cscript%3E&release=2025-10", "active=on&kind=modifier", "betos=D1D&coverage=C&page=2",
		"release=2025-13", "page=-1", "q=" + strings.Repeat("x", 300), "q=%ff%fe", "kind=procedure&kind=modifier", "active=yes"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseSearch(v)
		if err != nil {
			checkParseError(t, err)
			return
		}
		require.GreaterOrEqual(t, q.Page, 1)
		require.True(t, utf8.ValidString(q.Q))
		require.LessOrEqual(t, utf8.RuneCountInString(q.Q), maxQueryLength)
		u, err := url.Parse(q.url(q.Page))
		require.NoError(t, err)
		again, err := parseSearch(u.Query())
		require.NoError(t, err)
		require.Equal(t, q, again)
	})
}

// FuzzParseReleaseQuery: the release page's kinds and page.
func FuzzParseReleaseQuery(f *testing.F) {
	for _, seed := range []string{"", "kind=added", "kind=added,removed&kind=property", "kind=bogus", "page=2", "page=x", "kind=", "kind=%00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseReleaseQuery(v)
		if err != nil {
			checkParseError(t, err)
			return
		}
		require.GreaterOrEqual(t, q.Page, 1)
		u, err := url.Parse(q.url("2024-07", q.Kinds, q.Page))
		require.NoError(t, err)
		again, err := parseReleaseQuery(u.Query())
		require.NoError(t, err)
		require.Equal(t, q, again)
	})
}

// FuzzHighlight: the marked runs put back together are the text.
func FuzzHighlight(f *testing.F) {
	f.Add("Wheelchair seat cushion", "wheel cush")
	f.Add("Non-emergency", "non-emerg")
	f.Add("\xff\xfe", "\xff")
	f.Fuzz(func(t *testing.T, text, query string) {
		var b strings.Builder
		for _, s := range highlight(text, query) {
			b.WriteString(s.Text)
		}
		require.Equal(t, text, b.String())
	})
}
