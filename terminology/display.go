package terminology

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// The display rules of a code system other than HCPCS, with languages, in
// the way the reference server (FHIRsmith tx/workers/validate.js,
// checkDisplays, and tx/library/designations.js) applies them and the HL7
// tx-ecosystem tests (validation, language2) pin them.

// display is one text a concept may be shown with, in a language ("" when
// unknown). shown is false for a designation of another use (a synonym, an
// old name): it is accepted as a display, but not named as a valid one.
// retired is the standards-status of a designation that is no longer a
// correct display (withdrawn, deprecated).
type display struct {
	lang, value string
	shown       bool
	retired     string
}

// displaysOf lists the concept's display (in the code system's language)
// and its designations.
func displaysOf(info valueset.Info, c *valueset.Concept) []display {
	var out []display
	if c.Display != "" {
		out = append(out, display{lang: info.Language, value: c.Display, shown: true})
	}
	for _, d := range c.Designations {
		if d.Value == "" || slices.ContainsFunc(out, func(x display) bool { return x.lang == d.Language && x.value == d.Value }) {
			continue
		}
		out = append(out, display{lang: d.Language, value: d.Value, shown: displayUse(d.Use), retired: d.StandardsStatus})
	}
	return out
}

// displayUse reports whether a designation of this use is a display: no
// use, preferredForLanguage, or SNOMED CT's preferred term
// (FHIRsmith tx/library/designations.js, isDisplay).
func displayUse(use *valueset.Coding) bool {
	if use == nil {
		return true
	}
	return (use.System == "http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra" && use.Code == "preferredForLanguage") ||
		(use.System == "http://snomed.info/sct" && use.Code == "900000000000548007")
}

// workingLanguages are the tags of displayLanguage (or Accept-Language),
// best first, as the expansion reads them (valueset.ParseLanguages); "*"
// and tags with q=0 add none.
func workingLanguages(spec string) []string {
	var out []string
	for _, l := range valueset.ParseLanguages(spec) {
		if l.Tag != "*" && l.Q > 0 {
			out = append(out, l.Tag)
		}
	}
	return out
}

// langMatches reports whether a display's language serves a wanted one:
// the same tag, or one is a region of the other (de, de-CH).
func langMatches(have, want string) bool {
	have, want = strings.ToLower(have), strings.ToLower(want)
	return have == want || strings.HasPrefix(have, want+"-") || strings.HasPrefix(want, have+"-")
}

// inLanguages are the displays in the wanted languages, in order of the
// languages; all of them when none is wanted. A display whose language is
// unknown serves any language.
func inLanguages(ds []display, langs []string) []display {
	if len(langs) == 0 {
		return ds
	}
	var out []display
	for _, l := range langs {
		for _, d := range ds {
			if (d.lang == "" || langMatches(d.lang, l)) && !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// preferredDisplay is the display to answer with: the first one in the
// wanted languages, else the concept's own.
func preferredDisplay(info valueset.Info, c *valueset.Concept, langs []string) string {
	if in := inLanguages(displaysOf(info, c), langs); len(langs) > 0 && len(in) > 0 {
		return in[0].value
	}
	return c.Display
}

// checkDisplayIn compares the client's display with the concept's displays
// in the wanted languages.
func checkDisplayIn(o *codingOutcome, req ValidateRequest, c Coding, info valueset.Info, concept *valueset.Concept, prefix string) {
	langs := workingLanguages(req.DisplayLanguage)
	all := displaysOf(info, concept)
	valid := inLanguages(all, langs)
	var retired *display
	for i, d := range valid {
		if !strings.EqualFold(d.value, c.Display) {
			continue
		}
		if d.retired == "" {
			return
		}
		if retired == nil {
			retired = &valid[i]
		}
	}
	if retired != nil {
		// A designation that is no longer correct (its standards-status says
		// so) is still the concept's: a warning naming the current displays,
		// as FHIRsmith's checkDisplays (INACTIVE_DISPLAY_FOUND) and the
		// extensions/validate-code-inactive-display test have it. The
		// reference reports such a designation's status as deprecated.
		var current []string
		for _, d := range all {
			if d.retired == "" && d.shown && !slices.Contains(current, d.value) {
				current = append(current, d.value)
			}
		}
		o.add("warning", "invalid", "display-comment", "INACTIVE_DISPLAY_FOUND", prefix+"display",
			"'%s' is no longer considered a correct display for code '%s' (status = deprecated). The correct display is one of \"%s\".",
			c.Display, c.Code, strings.Join(current, ","))
		return
	}
	summary := strings.Join(langs, ",")
	if summary == "" {
		summary = "--"
	}
	sev := "error"
	if req.LenientDisplay {
		sev = "warning"
	}
	expr := prefix + "display"
	if len(valid) == 0 {
		for _, d := range all {
			if strings.EqualFold(d.value, c.Display) {
				o.add("information", "invalid", "invalid-display", "NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_OK", expr,
					"There are no valid display names found for the code %s#%s for language(s) '%s'. The display is '%s' which is a valid display for the default language",
					c.System, c.Code, summary, c.Display)
				o.issues[len(o.issues)-1].InMessage = true
				return
			}
		}
		if concept.Display == "" {
			o.add(sev, "invalid", "invalid-display", "NO_VALID_DISPLAY_AT_ALL", expr,
				"Cannot validate display Name '%s' for %s#%s: No displays are known", c.Display, c.System, c.Code)
		} else {
			o.add(sev, "invalid", "invalid-display", "NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_ERR", expr,
				"Wrong Display Name '%s' for %s#%s. There are no valid display names found for language(s) '%s'. Default display is '%s'",
				c.Display, c.System, c.Code, summary, concept.Display)
		}
		o.issues[len(o.issues)-1].InMessage = true
		return
	}
	id, what := "Display_Name_for__should_be_one_of__instead_of", "Wrong Display Name"
	for _, d := range valid {
		if normaliseSpace(d.value) == normaliseSpace(c.Display) {
			id, what = "Display_Name_WS_for__should_be_one_of__instead_of", "Wrong whitespace in Display Name"
			break
		}
	}
	// The message names the displays, not the other designations.
	named := slices.DeleteFunc(slices.Clone(valid), func(d display) bool { return !d.shown })
	if len(named) == 0 {
		named = valid
	}
	quoted := make([]string, len(named))
	for i, d := range named {
		quoted[i] = "'" + d.value + "'"
		if d.lang != "" {
			quoted[i] += " (" + d.lang + ")"
		}
	}
	choices := "Valid display is " + quoted[0]
	if len(named) > 1 {
		choices = fmt.Sprintf("Valid display is one of %d choices: %s", len(named), strings.Join(quoted, " or "))
	}
	o.add(sev, "invalid", "invalid-display", id, expr, "%s '%s' for %s#%s. %s (for the language(s) '%s')",
		what, c.Display, c.System, c.Code, choices, summary)
	o.issues[len(o.issues)-1].InMessage = true
}

// checkDisplay compares the client's display with the valid ones of a
// code of system: exact, else a whitespace-only or case-only difference,
// else wrong, in the tx.fhir.org wording.
func checkDisplay(o *codingOutcome, req ValidateRequest, c Coding, system string, valid []string, prefix string) {
	defer o.inMessageFrom(len(o.issues))
	for _, v := range valid {
		if c.Display == v {
			return
		}
	}
	lang := req.DisplayLanguage
	if lang == "" {
		lang = "--"
	}
	sev := "error"
	if req.LenientDisplay {
		sev = "warning"
	}
	for _, v := range valid {
		if normaliseSpace(c.Display) == normaliseSpace(v) {
			o.add(sev, "invalid", "invalid-display", "Display_Name_WS_for__should_be_one_of__instead_of", prefix+"display",
				"Wrong whitespace in Display Name '%s' for %s#%s. Valid display is '%s' (en) (for the language(s) '%s')",
				c.Display, system, c.Code, v, lang)
			return
		}
	}
	for _, v := range valid {
		if strings.EqualFold(normaliseSpace(c.Display), normaliseSpace(v)) {
			o.add("warning", "invalid", "invalid-display", "HCPCS_DISPLAY_CASE", prefix+"display",
				"Display Name '%s' for %s#%s differs only in case from the valid display '%s' (en)",
				c.Display, system, c.Code, v)
			return
		}
	}
	if len(valid) == 1 {
		o.add(sev, "invalid", "invalid-display", "Display_Name_for__should_be_one_of__instead_of", prefix+"display",
			"Wrong Display Name '%s' for %s#%s. Valid display is '%s' (en) (for the language(s) '%s')",
			c.Display, system, c.Code, valid[0], lang)
		return
	}
	quoted := make([]string, len(valid))
	for i, v := range valid {
		quoted[i] = fmt.Sprintf("'%s' (en)", v)
	}
	o.add(sev, "invalid", "invalid-display", "Display_Name_for__should_be_one_of__instead_of", prefix+"display",
		"Wrong Display Name '%s' for %s#%s. Valid display is one of %d choices: %s (for the language(s) '%s')",
		c.Display, system, c.Code, len(valid), strings.Join(quoted, " or "), lang)
}

func normaliseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// OrList joins values the way the tx.fhir.org messages list them:
// "a, b or c".
func OrList(vs []string) string {
	switch len(vs) {
	case 0:
		return ""
	case 1:
		return vs[0]
	}
	return strings.Join(vs[:len(vs)-1], ", ") + " or " + vs[len(vs)-1]
}
