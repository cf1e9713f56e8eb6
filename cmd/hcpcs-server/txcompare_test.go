package main

// The template comparison of the HL7 tx-ecosystem runner, written from
// org.hl7.fhir.r5/src/main/java/org/hl7/fhir/r5/test/utils/CompareUtilities.java
// (hapifhir/org.hl7.fhir.core): compareObjects, compareNodes, matches,
// isOptional, passesOptionalFilter, optionalCount, countExpectedMin,
// allOptional, listOptionals, listCountOnlys and the base64 fallback
// (sameBytes of unBase64). The regular expressions of the placeholders are
// those of org.hl7.fhir.utilities/.../regex/RegexConstants.java, $semver$ is
// VersionUtilities.isSemVer(v, false) over SemverParser.java.
//
// The expected side is the raw template; only the actual side has been
// converted, scrubbed and sorted (see txnormalise_test.go). Arrays are matched
// in order.

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// txComparer is one CompareUtilities instance: the runner's modes, the
// externals object of the response file (nil: no -externals file, the CLI
// default) and the variables (version = the FHIR version of the client,
// FhirPublication.R4.toCode() = "4.0.1").
type txComparer struct {
	modes     map[string]bool
	externals map[string]any
	vars      map[string]string
	// pattern is setPatternMode(true), used for metadata and term-caps: only
	// the expected properties and array items are looked for.
	pattern  bool
	warnings []string
	// notes are the strings that matched only through the base64 fallback
	// (unBase64 skips what is not in its alphabet and drops left-over
	// bits, so "Item (1.2)" equals "Item (1.0)"): reported, as
	// the verdict is the official one.
	notes []string
}

// compareObjects reports the first difference, "" when the actual object
// matches the template.
func (c *txComparer) compareObjects(path string, exp, act map[string]any) string {
	optionals := listOptionals(exp)
	countOnly := stringList(exp["$count-arrays$"])
	for _, n := range sortedMapKeys(act) {
		if n == "fhir_comments" {
			continue
		}
		if ev, ok := exp[n]; ok {
			if s := c.compareNodes(path+"."+n, ev, act[n], slices.Contains(countOnly, n)); s != "" {
				return s
			}
		} else if !c.pattern && !slices.Contains(optionals, n) {
			return "properties differ at " + path + ": unexpected property " + n
		}
	}
	for _, n := range sortedMapKeys(exp) {
		if n == "fhir_comments" || n == "$optional$" || slices.Contains(optionals, "*") || slices.Contains(optionals, n) {
			continue
		}
		if _, ok := act[n]; !ok && !allOptional(exp[n]) {
			return "properties differ at " + path + ": missing property " + n
		}
	}
	return ""
}

// listOptionals: with $optional-properties$, the listed names plus the two
// markers themselves.
func listOptionals(exp map[string]any) []string {
	if _, ok := exp["$optional-properties$"]; !ok {
		return nil
	}
	return append([]string{"$optional-properties$", "$count-arrays$"}, stringList(exp["$optional-properties$"])...)
}

// allOptional is true for an array whose object items all carry an
// $optional$ key, whatever its value; items that are not objects do not
// count, so an array of strings (or an empty one) is "all optional".
func allOptional(v any) bool {
	a, ok := v.([]any)
	if !ok {
		return false
	}
	for _, e := range a {
		if o, ok := e.(map[string]any); ok {
			if _, has := o["$optional$"]; !has {
				return false
			}
		}
	}
	return true
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

func isJSONPrimitive(v any) bool {
	k := jsonKind(v)
	return k != "object" && k != "array"
}

func (c *txComparer) notEqual(msg, path, exp, act string) string {
	return fmt.Sprintf("%s at %s: expected %s, actual %q", msg, path, c.presentExpected(exp), act)
}

func (c *txComparer) compareNodes(path string, exp, act any, countOnly bool) string {
	if !(isJSONPrimitive(exp) && isJSONPrimitive(act)) && jsonKind(exp) != jsonKind(act) {
		return fmt.Sprintf("properties differ at %s: expected a JSON %s, actual a JSON %s", path, jsonKind(exp), jsonKind(act))
	}
	switch a := act.(type) {
	case map[string]any:
		return c.compareObjects(path, exp.(map[string]any), a)
	case []any:
		return c.compareArrays(path, exp.([]any), a, countOnly)
	}
	switch {
	case jsonKind(act) == "boolean" && jsonKind(exp) == "boolean":
		if act != exp {
			return fmt.Sprintf("boolean property values differ at %s: expected %v, actual %v", path, exp, act)
		}
	case jsonKind(act) == "string" && jsonKind(exp) == "string":
		as, es := act.(string), exp.(string)
		if strings.Contains(as, "<div") && strings.Contains(es, "<div") {
			return "" // narrative is never compared
		}
		ok, err := c.matches(as, es)
		if err != "" {
			return path + ": " + err
		}
		if !ok {
			if !sameBytes(unBase64(as), unBase64(es)) {
				return c.notEqual("string property values differ", path, es, as)
			}
			c.notes = append(c.notes, fmt.Sprintf("%s: %q matched %q only through CompareUtilities' base64 fallback", path, as, es))
		}
	case jsonKind(act) == "number" && jsonKind(exp) == "number":
		if fmt.Sprint(act) != fmt.Sprint(exp) {
			return fmt.Sprintf("number property values differ at %s: expected %v, actual %v", path, exp, act)
		}
	case exp == nil:
		if act != nil {
			return fmt.Sprintf("null properties differ at %s: actual %v", path, act)
		}
	default:
		return fmt.Sprintf("property types differ at %s: expected %s %v, actual %s %v", path, jsonKind(exp), exp, jsonKind(act), act)
	}
	return ""
}

func (c *txComparer) compareArrays(path string, exp, act []any, countOnly bool) string {
	as, es := len(act), len(exp)
	if countOnly {
		if as != es {
			return fmt.Sprintf("array item count differs at %s: expected %d, actual %d", path, es, as)
		}
		return ""
	}
	if c.pattern {
		// Every expected item must be found, in order, among the actual ones.
		ai := 0
		for i, e := range exp {
			s := "Doesn't exist"
			var tried []string
			for s != "" && ai < as {
				s = c.compareNodes(fmt.Sprintf("%s[%d]", path, i), e, act[ai], false)
				if s != "" {
					tried = append(tried, s)
				}
				ai++
			}
			if s != "" {
				return fmt.Sprintf("The expected item at %s at index %d was not found: %s", path, i, strings.Join(tried, "; "))
			}
		}
		return ""
	}
	optCount := 0
	for _, e := range exp {
		if c.isOptional(e) {
			optCount++
		}
	}
	if expectedMin := es - optCount; as > es || as < expectedMin {
		return fmt.Sprintf("array item count differs at %s: expected %d (%d optional), actual %d", path, es, optCount, as)
	}
	ai := 0
	for i, e := range exp {
		if ai >= as {
			if i >= es-optCount && c.isOptional(e) {
				if w := optionalWarning(e); w != "" {
					c.warnings = append(c.warnings, w)
				}
				return "" // the rest of the template is not looked at
			}
			return fmt.Sprintf("One or more array items did not match at %s starting at index %d", path, i)
		}
		s := c.compareNodes(fmt.Sprintf("%s[%d]", path, i), e, act[ai], false)
		if s != "" && !c.isOptional(e) {
			return s
		}
		if s == "" {
			ai++
		}
	}
	if ai < as {
		return fmt.Sprintf("Unexpected Node found in array at '%s' at index %d", path, ai)
	}
	return ""
}

// isOptional: an object item whose $optional$ is true, or a string that
// passes the filter. Any other item is required.
func (c *txComparer) isOptional(e any) bool {
	o, ok := e.(map[string]any)
	if !ok {
		return false
	}
	switch x := o["$optional$"].(type) {
	case string:
		return c.passesOptionalFilter(x)
	case bool:
		return x
	}
	return false
}

func optionalWarning(e any) string {
	o, _ := e.(map[string]any)
	if s, ok := o["$optional$"].(string); ok && strings.HasPrefix(s, "warning:") {
		return strings.TrimPrefix(s, "warning:")
	}
	return ""
}

// passesOptionalFilter: "!mode" when the mode is off, "warning:…" always,
// "version:N" when the version variable starts with N, "mode" when it is on.
func (c *txComparer) passesOptionalFilter(token string) bool {
	switch {
	case strings.HasPrefix(token, "!"):
		return c.modes == nil || !c.modes[token[1:]]
	case strings.HasPrefix(token, "warning:"):
		return true
	case strings.HasPrefix(token, "version:"):
		v, ok := c.vars["version"]
		return ok && strings.HasPrefix(v, token[len("version:"):])
	}
	return c.modes != nil && c.modes[token]
}

// matches compares one string with its template; err is set where the Java
// code throws (an unknown $…$ template), which fails the test.
func (c *txComparer) matches(act, exp string) (ok bool, err string) {
	if !strings.HasPrefix(exp, "$") || !strings.HasSuffix(exp, "$") {
		if v, has := c.vars["version"]; has && strings.Contains(exp, "$version$") {
			exp = strings.ReplaceAll(exp, "$version$", v)
		}
		return act == exp, ""
	}
	switch {
	case strings.HasPrefix(exp, "$choice:"):
		return slices.Contains(javaSplit(exp[len("$choice:"):len(exp)-1], "|"), act), ""
	case strings.HasPrefix(exp, "$fragments:"):
		return containsAllFolded(act, javaSplit(exp[len("$fragments:"):len(exp)-1], "|")), ""
	case strings.HasPrefix(exp, "$external:"):
		cmd := javaSplit(exp[1:len(exp)-1], ":")
		switch {
		case c.externals != nil:
			if len(cmd) < 2 {
				return false, "no external key in " + exp
			}
			s, isString := c.externals[cmd[1]].(string)
			return isString && act == s, ""
		case len(cmd) <= 2:
			return true, ""
		default:
			return containsAllFolded(act, javaSplit(cmd[2], "|")), ""
		}
	}
	switch exp {
	case "$$":
		return true, ""
	case "$string$":
		return act == javaTrim(act), ""
	case "$semver$":
		return isSemVer(act), ""
	case "$version$":
		v, has := c.vars["version"]
		return !has || act == v, ""
	}
	if re, found := templateRegexps[exp]; found {
		return re.MatchString(act), ""
	}
	return false, "Unhandled template: " + exp
}

// templateRegexps are RegexConstants, anchored because Java's
// String.matches must match the whole string. URL_REGEX's trailing
// "[[:blank:|:blank:]]" is, in Java's syntax, the union of the characters
// ":blank|", which is what the Go class says.
var templateRegexps = map[string]*regexp.Regexp{
	"$id$": regexp.MustCompile(`^(?:[A-Za-z0-9\-.]{1,64})$`),
	"$instant$": regexp.MustCompile(`^(?:([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])` +
		`T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))$`),
	"$date$": regexp.MustCompile(`^(?:([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])` +
		`(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)$`),
	"$uuid$":  regexp.MustCompile(`^(?:urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`),
	"$url$":   regexp.MustCompile(`^(((https?)://)(%[0-9A-Fa-f]{2}|[-()_.!~*';/?:@&=+$,A-Za-z0-9])+)([).!';/?:,][|:abkln])?$`),
	"$token$": regexp.MustCompile(`^(?:[0-9a-zA-Z_][0-9a-zA-Z_.\-]*)$`),
}

// isSemVer is VersionUtilities.isSemVer(v, false): SemverParser without
// wildcards, and a numeric patch is required. Numeric identifiers have no
// leading zero; a pre-release identifier is numeric or has a non-digit.
var semverRe = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)` +
	`(-(0|[1-9][0-9]*|[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]*|[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*))*)?` +
	`(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

func isSemVer(v string) bool { return semverRe.MatchString(v) }

// presentExpected is CompareUtilities.presentExpected, for messages.
func (c *txComparer) presentExpected(exp string) string {
	if !strings.HasPrefix(exp, "$") || !strings.HasSuffix(exp, "$") || len(exp) < 2 {
		return fmt.Sprintf("%q", exp)
	}
	switch {
	case strings.HasPrefix(exp, "$choice:"):
		return fmt.Sprintf("one of %q", javaSplit(exp[len("$choice:"):len(exp)-1], "|"))
	case strings.HasPrefix(exp, "$fragments:"):
		return fmt.Sprintf("all of %q", javaSplit(exp[len("$fragments:"):len(exp)-1], "|"))
	case strings.HasPrefix(exp, "$external:"):
		cmd := javaSplit(exp[1:len(exp)-1], ":")
		if len(cmd) > 2 && c.externals == nil {
			return fmt.Sprintf("all of %q (no external string for %s)", javaSplit(cmd[2], "|"), cmd[1])
		}
	case exp == "$version$":
		return fmt.Sprintf("%q", c.vars["version"])
	}
	return exp
}

func containsAllFolded(act string, fragments []string) bool {
	la := strings.ToLower(act)
	for _, f := range fragments {
		if !strings.Contains(la, strings.ToLower(f)) {
			return false
		}
	}
	return true
}

// javaSplit is String.split with a literal separator: trailing empty
// strings are dropped, and "" splits into [""].
func javaSplit(s, sep string) []string {
	parts := strings.Split(s, sep)
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 1 && parts[0] == "" && s != "" {
		return nil // s was made of separators only
	}
	return parts
}

// javaTrim is String.trim: it removes the characters up to U+0020.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// unBase64 is commons-codec Base64.decodeBase64 (lenient): characters
// outside the (standard and URL-safe) alphabet are skipped, '=' ends the
// input, and left-over bits are dropped. The comparison falls back to it, so
// two strings whose alphabet characters decode to the same bytes are equal
// (e.g. ones that differ only in spaces or punctuation).
func unBase64(s string) []byte {
	var out []byte
	var acc, n uint
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b == '=' {
			break
		}
		v := base64Value(b)
		if v < 0 {
			continue
		}
		acc = acc<<6 | uint(v)
		n++
		if n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 2:
		out = append(out, byte(acc>>4))
	case 3:
		out = append(out, byte(acc>>10), byte(acc>>2))
	}
	return out
}

func base64Value(b byte) int {
	switch {
	case b >= 'A' && b <= 'Z':
		return int(b - 'A')
	case b >= 'a' && b <= 'z':
		return int(b-'a') + 26
	case b >= '0' && b <= '9':
		return int(b-'0') + 52
	case b == '+' || b == '-':
		return 62
	case b == '/' || b == '_':
		return 63
	}
	return -1
}

// sameBytes is false when either side is empty.
func sameBytes(a, b []byte) bool {
	return len(a) > 0 && len(b) > 0 && string(a) == string(b)
}

func stringList(v any) []string {
	var out []string
	a, _ := v.([]any)
	for _, x := range a {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
