package fhir_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// HCPCS displays are English: a client asking for English (every browser
// sends Accept-Language en-US) gets the long description as the display,
// not the short description, which is only an English designation. Found
// by the code browser's search-as-you-type.
func TestExpandEnglishKeepsTheDisplay(t *testing.T) {
	testEngine(t)
	latest := fixture.store.Snapshot().Latest()
	want := map[string]string{}
	for _, code := range []string{"E2601", "E2602"} {
		c, ok := latest.Concept(code)
		require.True(t, ok)
		require.NotEqual(t, c.LongDescription, c.ShortDescription)
		want[code] = c.LongDescription
	}
	expand := "/fhir/ValueSet/$expand?url=" + url.QueryEscape(terminology.AllCodesValueSet) + "&filter=" + url.QueryEscape("wheelchair seat cushion general use") + "&count=2"
	for _, tc := range []struct{ query, acceptLanguage string }{
		{"", "en-US"},
		{"", "en"},
		{"", "de, en;q=0.5"},
		{"&displayLanguage=en", ""},
		{"&displayLanguage=en-GB", ""},
		{"", ""},
	} {
		headers := map[string]string{}
		if tc.acceptLanguage != "" {
			headers["Accept-Language"] = tc.acceptLanguage
		}
		rec := doRequest(t, http.MethodGet, expand+tc.query, "", headers)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var vs struct {
			Expansion struct {
				Contains []struct{ Code, Display string } `json:"contains"`
			} `json:"expansion"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &vs))
		require.Len(t, vs.Expansion.Contains, 2)
		for _, c := range vs.Expansion.Contains {
			require.Equal(t, want[c.Code], c.Display, "%s %q", tc.query, tc.acceptLanguage)
		}
	}
}
