package valueset

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseLanguages(t *testing.T) {
	tests := []struct {
		spec string
		want []LanguagePref
	}{
		{"", nil},
		{"de", []LanguagePref{{Tag: "de", Q: 1}, {Tag: "*", Q: 0.01, Implicit: true}}},
		{"de,*; q=0", []LanguagePref{{Tag: "de", Q: 1}, {Tag: "*", Q: 0}}},
		{"fr;q=0.5, en-US", []LanguagePref{{Tag: "en-US", Q: 1}, {Tag: "fr", Q: 0.5}, {Tag: "*", Q: 0.01, Implicit: true}}},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, ParseLanguages(tc.spec), tc.spec)
	}
}

func TestEchoLanguages(t *testing.T) {
	for spec, want := range map[string]string{
		"de":          "de",
		"de,*":        "de,*",
		"en,it,*":     "en,it,*",
		"de,*; q=0":   "de, *; q=0",
		"en, *; q=0":  "en, *; q=0",
		"fr;q=0.5,en": "en, fr; q=0.5",
	} {
		require.Equal(t, want, EchoLanguages(spec), spec)
	}
}

func TestPreferredDesignation(t *testing.T) {
	display := &UsePreferredForLanguage
	other := &Coding{System: "http://example.org/use", Code: "short"}
	ds := []Designation{
		{Language: "en", Use: display, Value: "Display 2"},
		{Language: "de-CH", Value: "Anzeige 2"},
		{Language: "es", Value: "Mostrar 2"},
		{Language: "fr", Use: other, Value: "Court"},
	}
	tests := []struct {
		spec string
		want int
	}{
		{"en", 0},
		{"de", 1},         // a regional designation serves the language
		{"de-CH", 1},      // exactly
		{"de-AT", 1},      // by language, when no region matches
		{"fr", 3},         // any designation in the language, failing a display
		{"it", 0},         // the implicit wildcard: the first display
		{"it,*; q=0", -1}, // no wildcard: nothing to show
		{"it;q=0.9, es", 2},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, PreferredDesignation(ds, ParseLanguages(tc.spec), "en"), tc.spec)
	}
	// A designation without a language is in the code system's.
	require.Equal(t, 0, PreferredDesignation([]Designation{{Value: "Shown"}}, ParseLanguages("de,*;q=0"), "de"))
	require.Equal(t, 0, PreferredDesignation([]Designation{{Value: "Shown"}}, ParseLanguages("de,*;q=0"), ""), "the last resort: a display without a language")
}

func TestValidLanguages(t *testing.T) {
	for spec, want := range map[string]bool{
		"": true, "en": true, "de-CH": true, "de,it,zh": true, "en, *; q=0": true, "de-CH, en;q=0.5": true, "*": true,
		"-": false, "de,,en": false, "d e": false, "en;x=1": false, "en;q=high": false, "toolonglanguage": false,
	} {
		require.Equal(t, want, ValidLanguages(spec), "%q", spec)
	}
}
