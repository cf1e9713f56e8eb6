package valueset

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The choice of a concept's display by language, in the way tx.fhir.org's
// reference server makes it (FHIRsmith library/languages.js and
// tx/library/designations.js, preferredDesignation): the request's
// languages in order of preference, each matched first exactly, then by
// language and region, then by language alone.

// LanguagePref is one entry of a displayLanguage parameter or an
// Accept-Language header.
type LanguagePref struct {
	Tag string // a BCP 47 tag, or "*"
	Q   float64
	// Implicit: the wildcard the server adds when the list has none, so
	// that a concept without a display in the language keeps its own.
	Implicit bool
}

// languageTag is a BCP 47 tag as far as a language list needs one, or *.
var languageTag = regexp.MustCompile(`^([A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*|\*)$`)

// ValidLanguages reports whether spec is a language list ParseLanguages
// reads as meant: tags or *, each with an optional q value; empty is none.
func ValidLanguages(spec string) bool {
	if strings.TrimSpace(spec) == "" {
		return true
	}
	for _, part := range strings.Split(spec, ",") {
		tag, params, hasParams := strings.Cut(part, ";")
		if !languageTag.MatchString(strings.TrimSpace(tag)) {
			return false
		}
		if hasParams {
			k, v, ok := strings.Cut(params, "=")
			if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); !ok || strings.TrimSpace(k) != "q" || err != nil {
				return false
			}
		}
	}
	return true
}

// ParseLanguages reads an Accept-Language style list ("de-CH, de;q=0.8,
// *;q=0"), best first. Unless the list names "*" itself, an implicit
// wildcard of the lowest quality ends it.
func ParseLanguages(spec string) []LanguagePref {
	var out []LanguagePref
	wildcard := false
	for _, part := range strings.Split(spec, ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.TrimSpace(tag)
		if tag == "" {
			continue
		}
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		wildcard = wildcard || tag == "*"
		out = append(out, LanguagePref{Tag: tag, Q: q})
	}
	if len(out) == 0 {
		return nil
	}
	if !wildcard {
		out = append(out, LanguagePref{Tag: "*", Q: 0.01, Implicit: true})
	}
	slices.SortStableFunc(out, func(a, b LanguagePref) int {
		switch {
		case a.Q > b.Q:
			return -1
		case a.Q < b.Q:
			return 1
		}
		return 0
	})
	return out
}

// EchoLanguages is the form an expansion echoes a language list in: as
// given when every quality is 1, else each entry with its quality, as
// tx.fhir.org writes them ("de, *; q=0").
func EchoLanguages(spec string) string {
	prefs := ParseLanguages(spec)
	if !slices.ContainsFunc(prefs, func(p LanguagePref) bool { return !p.Implicit && p.Q != 1 }) {
		return strings.TrimSpace(spec)
	}
	var parts []string
	for _, p := range prefs {
		if p.Implicit {
			continue
		}
		s := p.Tag
		if p.Q != 1 {
			s += "; q=" + strconv.FormatFloat(p.Q, 'f', -1, 64)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// langTag is a BCP 47 tag in the parts a match compares.
type langTag struct {
	language, extlang, script, region, rest string
}

func parseTag(tag string) langTag {
	parts := strings.Split(strings.ToLower(tag), "-")
	t := langTag{language: parts[0]}
	i := 1
	for ; i < len(parts) && len(parts[i]) == 3 && isAlpha(parts[i]) && t.script == "" && t.region == ""; i++ {
		t.extlang += "-" + parts[i]
	}
	if i < len(parts) && len(parts[i]) == 4 && isAlpha(parts[i]) {
		t.script = parts[i]
		i++
	}
	if i < len(parts) && (len(parts[i]) == 2 && isAlpha(parts[i]) || len(parts[i]) == 3 && isDigits(parts[i])) {
		t.region = parts[i]
		i++
	}
	t.rest = strings.Join(parts[i:], "-")
	return t
}

func isAlpha(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) < 0
}

func isDigits(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// matchDepth is how much of two tags must agree.
type matchDepth int

const (
	matchFull       matchDepth = iota // every part
	matchLangRegion                   // language, script and region
	matchLang                         // the language
)

func (p LanguagePref) matches(lang string, depth matchDepth) bool {
	if p.Q <= 0 {
		return false
	}
	if p.Tag == "*" {
		return true
	}
	if lang == "" {
		return false
	}
	a, b := parseTag(p.Tag), parseTag(lang)
	switch depth {
	case matchFull:
		return a == b
	case matchLangRegion:
		return a.language == b.language && a.extlang == b.extlang && a.script == b.script && a.region == b.region
	}
	return a.language == b.language
}

// The designation uses that mark a display.
var (
	// UsePreferredForLanguage is the use of a concept's display when it is
	// listed among its designations.
	UsePreferredForLanguage = Coding{System: "http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra", Code: "preferredForLanguage", Display: "Preferred For Language"}
	snomedPreferred         = Coding{System: "http://snomed.info/sct", Code: "900000000000548007"}
	snomedSynonym           = Coding{System: "http://snomed.info/sct", Code: "900000000000013009"}
)

func usedAs(d Designation, uses ...Coding) bool {
	return slices.ContainsFunc(uses, func(u Coding) bool { return d.Use.System == u.System && d.Use.Code == u.Code })
}

// isDisplay: a designation without a use, or one used as the display.
func isDisplay(d Designation) bool {
	return d.Use == nil || usedAs(d, UsePreferredForLanguage, snomedPreferred)
}

// isPreferred: a display, or a SNOMED CT synonym.
func isPreferred(d Designation) bool {
	return isDisplay(d) || usedAs(d, snomedSynonym)
}

// PreferredDesignation picks the designation to display for the languages
// (best first): for each language, one that is a preferred term, else a
// display, else any, matched exactly, then by language and region, then by
// language; failing all, a display without a language. It returns the
// index in ds, or -1. A designation without a language is in base, the
// code system's language.
func PreferredDesignation(ds []Designation, langs []LanguagePref, base string) int {
	lang := func(d Designation) string {
		if d.Language == "" {
			return base
		}
		return d.Language
	}
	for _, l := range langs {
		if l.Q <= 0 {
			continue
		}
		for _, depth := range []matchDepth{matchFull, matchLangRegion, matchLang} {
			for _, kind := range []func(Designation) bool{isPreferred, isDisplay, func(Designation) bool { return true }} {
				for i, d := range ds {
					if d.Value != "" && kind(d) && l.matches(lang(d), depth) {
						return i
					}
				}
			}
		}
	}
	for i, d := range ds {
		if d.Language == "" && d.Value != "" && isDisplay(d) {
			return i
		}
	}
	return -1
}
