package main

// TestTxSuite replays the HCPCS conformance suite in testdata/txsuite, which
// is written in the HL7 tx-ecosystem test format (test-cases.json, request
// Parameters, expected-response templates), against the server started
// in-process. The comparison follows the HL7 runner (TxTester and its
// CompareUtilities): both sides are scrubbed and sorted, then the expected
// template is matched with its placeholders and $optional$ markers.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// startSuiteServer runs `serve` in-process on a free port with the 2025-10
// and 2023-01 releases and returns the FHIR base URL. The server is stopped,
// and must stop cleanly, when the test ends.
func startSuiteServer(t *testing.T) string {
	t.Helper()
	data := testenv.Release(t, "2025-10_quarterly") + "," + testenv.Release(t, "2023-01_quarterly")
	valueSets := filepath.Join(testenv.RepoRoot(t), "fhir", "testdata", "valuesets")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	noEnv := func(string) string { return "" }
	go func() {
		done <- runServe(ctx, []string{"--listen", "127.0.0.1:0", "--data", data, "--valuesets", valueSets}, noEnv, io.Discard, io.Discard, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve stopped before it listened: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done, "serve did not shut down cleanly")
	})
	return "http://" + addr + "/fhir"
}

// txTestCases is test-cases.json of the tx-ecosystem format.
type txTestCases struct {
	Suites []struct {
		Name  string   `json:"name"`
		Mode  string   `json:"mode"`
		Setup []string `json:"setup"`
		Tests []txTest `json:"tests"`
	} `json:"suites"`
}

type txTest struct {
	Name      string `json:"name"`
	Operation string `json:"operation"`
	HTTPCode  string `json:"http-code"`
	Request   string `json:"request"`
	Response  string `json:"response"`
}

// txEndpoints maps the suite's operations to type-level endpoints.
var txEndpoints = map[string]string{
	"lookup":           "/CodeSystem/$lookup",
	"cs-validate-code": "/CodeSystem/$validate-code",
	"validate-code":    "/ValueSet/$validate-code",
}

func TestTxSuite(t *testing.T) {
	dir := filepath.Join(testenv.RepoRoot(t), "testdata", "txsuite")
	var cases txTestCases
	readJSONFile(t, filepath.Join(dir, "test-cases.json"), &cases)
	require.NotEmpty(t, cases.Suites, "test-cases.json has no suites")
	base := startSuiteServer(t)
	m := &txMatcher{modes: map[string]bool{"general": true, "hcpcs": true}, fhirVersion: "4.0"}
	for _, suite := range cases.Suites {
		require.Empty(t, suite.Setup, "suite %s: setup resources (tx-resource) are not supported by this runner", suite.Name)
		for _, tc := range suite.Tests {
			t.Run(tc.Name, func(t *testing.T) {
				t.Parallel()
				runTxTest(t, m, base, dir, suite.Name, tc)
			})
		}
	}
}

func runTxTest(t *testing.T, m *txMatcher, base, dir, suite string, tc txTest) {
	endpoint, ok := txEndpoints[tc.Operation]
	require.True(t, ok, "unknown operation %q", tc.Operation)
	body, err := os.ReadFile(filepath.Join(dir, tc.Request))
	require.NoError(t, err)
	var expected any
	readJSONFile(t, filepath.Join(dir, tc.Response), &expected)

	req, err := http.NewRequest(http.MethodPost, base+endpoint, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/fhir+json")
	req.Header.Set("Accept", "application/fhir+json; fhirVersion=4.0")
	req.Header.Set("X-Request-Id", "txTests:"+suite+"/"+tc.Name)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	require.Truef(t, statusMatches(tc.HTTPCode, resp.StatusCode), "POST %s: HTTP %d, want %s\n%s",
		endpoint, resp.StatusCode, orDefault(tc.HTTPCode, "200"), raw)
	require.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "application/fhir+json"),
		"Content-Type %q", resp.Header.Get("Content-Type"))
	actual, err := decodeJSON(raw)
	require.NoErrorf(t, err, "response is not JSON: %s", raw)

	scrubResource(actual)
	normalizeResource(expected)
	normalizeResource(actual)
	if diff := m.compare("$", expected, actual); diff != "" {
		t.Fatalf("%s\n--- expected (%s, normalised)\n%s\n--- actual (normalised)\n%s", diff, tc.Response, pretty(expected), pretty(actual))
	}
}

func statusMatches(want string, got int) bool {
	switch want {
	case "":
		return got == http.StatusOK
	case "2xx", "3xx", "4xx", "5xx":
		return strconv.Itoa(got)[0] == want[0]
	}
	n, err := strconv.Atoi(want)
	return err == nil && got == n
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // the HL7 files start with a BOM
	if p, ok := v.(*any); ok {
		*p, err = decodeJSON(b)
	} else {
		err = json.Unmarshal(b, v)
	}
	require.NoErrorf(t, err, "%s", path)
}

// decodeJSON keeps numbers as json.Number, so that 1 and 1.0 stay distinct.
func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func pretty(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

// ---- scrubbing and sorting (TxTester) ----

// scrubResource removes what the HL7 runner ignores in a response: text,
// meta, and OperationOutcome issues that carry nothing but diagnostics.
func scrubResource(v any) {
	res, ok := v.(map[string]any)
	if !ok {
		return
	}
	delete(res, "text")
	delete(res, "meta")
	switch res["resourceType"] {
	case "Parameters":
		for _, p := range asArray(res["parameter"]) {
			if pm, ok := p.(map[string]any); ok {
				scrubResource(pm["resource"])
			}
		}
	case "OperationOutcome":
		var kept []any
		for _, is := range asArray(res["issue"]) {
			im, _ := is.(map[string]any)
			if _, hasDetails := im["details"]; !hasDetails && im["diagnostics"] != nil {
				continue
			}
			kept = append(kept, is)
		}
		res["issue"] = kept
	}
}

// normalizeResource sorts Parameters by name (property by code then value,
// designation by language then value), parts by name, OperationOutcome issues
// by severity, code, expression and text, and the "; "-separated parts of
// message.
func normalizeResource(v any) {
	res, ok := v.(map[string]any)
	if !ok {
		return
	}
	switch res["resourceType"] {
	case "Parameters":
		ps := asArray(res["parameter"])
		for _, p := range ps {
			pm, _ := p.(map[string]any)
			if pm == nil {
				continue
			}
			if parts := asArray(pm["part"]); parts != nil {
				sort.SliceStable(parts, func(i, j int) bool { return str(parts[i], "name") < str(parts[j], "name") })
			}
			if pm["name"] == "message" {
				if s, ok := pm["valueString"].(string); ok {
					pm["valueString"] = sortMessage(s)
				}
			}
			normalizeResource(pm["resource"])
		}
		sort.SliceStable(ps, func(i, j int) bool { return paramSortKey(ps[i]) < paramSortKey(ps[j]) })
	case "OperationOutcome":
		is := asArray(res["issue"])
		sort.SliceStable(is, func(i, j int) bool { return issueSortKey(is[i]) < issueSortKey(is[j]) })
	}
}

func sortMessage(s string) string {
	parts := strings.Split(s, "; ")
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

func paramSortKey(p any) string {
	pm, _ := p.(map[string]any)
	name := str(pm, "name")
	part := func(n string) string {
		for _, x := range asArray(pm["part"]) {
			if str(x, "name") == n {
				return primitiveText(x)
			}
		}
		return ""
	}
	switch name {
	case "property":
		return name + "\x00" + part("code") + "\x00" + part("value")
	case "designation":
		return name + "\x00" + part("language") + "\x00" + part("value")
	}
	return name + "\x00" + primitiveText(p)
}

var severityRank = map[string]string{"fatal": "0", "error": "1", "warning": "2", "information": "3"}

func issueSortKey(is any) string {
	im, _ := is.(map[string]any)
	var expr []string
	for _, e := range asArray(im["expression"]) {
		s, _ := e.(string)
		expr = append(expr, s)
	}
	d, _ := im["details"].(map[string]any)
	return severityRank[str(im, "severity")] + "\x00" + str(im, "code") + "\x00" + strings.Join(expr, ",") + "\x00" + str(d, "text")
}

// primitiveText is the value[x] of a parameter or part as text (the code of
// a Coding), for sorting.
func primitiveText(p any) string {
	pm, _ := p.(map[string]any)
	for k, v := range pm {
		if !strings.HasPrefix(k, "value") {
			continue
		}
		switch x := v.(type) {
		case string:
			return x
		case json.Number:
			return x.String()
		case bool:
			return strconv.FormatBool(x)
		case map[string]any:
			return str(x, "code")
		}
	}
	return ""
}

func str(v any, key string) string {
	m, _ := v.(map[string]any)
	s, _ := m[key].(string)
	return s
}

func asArray(v any) []any {
	a, _ := v.([]any)
	return a
}

// ---- the template matcher (CompareUtilities) ----

// txMatcher compares an expected template with an actual response.
//
// Strings in the template may be placeholders: $$ (anything), $string$,
// $id$, $uuid$, $url$, $token$, $date$, $instant$, $semver$, $version$,
// $choice:a|b$, $fragments:a|b$ (contains every fragment, ignoring case) and
// $external:N[:a|b]$ (without an externals file: any text, or the fragments).
// Objects may carry $optional$ (true, "warning:…", "version:N", "mode" or
// "!mode"), $optional-properties$ and $count-arrays$. Properties the template
// does not name are differences, as are extra array items. OperationOutcome
// issue arrays are matched in any order.
type txMatcher struct {
	modes       map[string]bool
	fhirVersion string
}

func (m *txMatcher) compare(path string, exp, act any) string {
	switch e := exp.(type) {
	case string:
		return m.compareString(path, e, act)
	case map[string]any:
		a, ok := act.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: expected an object, got %s", path, brief(act))
		}
		return m.compareObjects(path, e, a)
	case []any:
		a, ok := act.([]any)
		if !ok {
			return fmt.Sprintf("%s: expected an array, got %s", path, brief(act))
		}
		if strings.HasSuffix(path, ".issue") {
			return m.compareUnordered(path, e, a)
		}
		return m.compareArrays(path, e, a)
	case json.Number:
		if a, ok := act.(json.Number); !ok || a != e {
			return fmt.Sprintf("%s: expected %s, got %s", path, e, brief(act))
		}
	default: // bool, nil
		if exp != act {
			return fmt.Sprintf("%s: expected %s, got %s", path, brief(exp), brief(act))
		}
	}
	return ""
}

func (m *txMatcher) compareObjects(path string, exp, act map[string]any) string {
	optional := stringSet(exp["$optional-properties$"])
	countOnly := stringSet(exp["$count-arrays$"])
	for _, k := range sortedMapKeys(act) {
		ev, ok := exp[k]
		if !ok && optional[k] {
			continue // may be present or absent, with any value
		}
		if !ok || isMarker(k) {
			return fmt.Sprintf("%s: unexpected property %q: %s", path, k, brief(act[k]))
		}
		if countOnly[k] {
			if ea, aa := asArray(ev), asArray(act[k]); len(ea) != len(aa) {
				return fmt.Sprintf("%s.%s: expected %d items, got %d", path, k, len(ea), len(aa))
			}
			continue
		}
		if d := m.compare(path+"."+k, ev, act[k]); d != "" {
			return d
		}
	}
	for _, k := range sortedMapKeys(exp) {
		if isMarker(k) || optional[k] {
			continue
		}
		if _, ok := act[k]; !ok && !m.allOptional(exp[k]) {
			return fmt.Sprintf("%s: missing property %q (expected %s)", path, k, brief(exp[k]))
		}
	}
	return ""
}

// compareArrays matches in order; optional template items may be missing.
func (m *txMatcher) compareArrays(path string, exp, act []any) string {
	counts := fmt.Sprintf("(expected %d items, got %d)", len(exp), len(act))
	c := 0
	for i, e := range exp {
		if c >= len(act) {
			if m.optional(e) {
				continue
			}
			return fmt.Sprintf("%s[%d]: missing %s %s", path, i, brief(e), counts)
		}
		d := m.compare(fmt.Sprintf("%s[%d]", path, c), e, act[c])
		if d == "" {
			c++
		} else if !m.optional(e) {
			return d + " " + counts
		}
	}
	if c < len(act) {
		return fmt.Sprintf("%s[%d]: unexpected item %s %s", path, c, brief(act[c]), counts)
	}
	return ""
}

// compareUnordered pairs every actual item with a distinct template item;
// template items left over must be optional.
func (m *txMatcher) compareUnordered(path string, exp, act []any) string {
	used := make([]bool, len(exp))
	var assign func(i int) bool
	assign = func(i int) bool {
		if i == len(act) {
			for j, e := range exp {
				if !used[j] && !m.optional(e) {
					return false
				}
			}
			return true
		}
		for j, e := range exp {
			if !used[j] && m.compare(path, e, act[i]) == "" {
				used[j] = true
				if assign(i + 1) {
					return true
				}
				used[j] = false
			}
		}
		return false
	}
	if assign(0) {
		return ""
	}
	// Explain the first item that matches nothing, or the first template item nothing matched.
	for i, a := range act {
		found := false
		for _, e := range exp {
			if m.compare(path, e, a) == "" {
				found = true
				break
			}
		}
		if !found {
			closest := ""
			for _, e := range exp {
				if d := m.compare(fmt.Sprintf("%s[%d]", path, i), e, a); closest == "" || len(d) < len(closest) {
					closest = d
				}
			}
			return fmt.Sprintf("%s[%d]: no expected item matches %s (closest: %s)", path, i, brief(a), closest)
		}
	}
	for _, e := range exp {
		if m.optional(e) {
			continue
		}
		found := false
		for _, a := range act {
			if m.compare(path, e, a) == "" {
				found = true
				break
			}
		}
		if !found {
			return fmt.Sprintf("%s: no actual item matches the expected %s", path, brief(e))
		}
	}
	return fmt.Sprintf("%s: the items cannot be paired one to one", path)
}

func isMarker(k string) bool {
	return len(k) > 1 && strings.HasPrefix(k, "$") && strings.HasSuffix(k, "$")
}

// optional reports whether a template item may be absent.
func (m *txMatcher) optional(v any) bool {
	o, ok := v.(map[string]any)
	if !ok {
		return false
	}
	switch x := o["$optional$"].(type) {
	case bool:
		return x
	case string:
		switch {
		case strings.HasPrefix(x, "warning:"):
			return true
		case strings.HasPrefix(x, "version:"):
			return strings.HasPrefix(m.fhirVersion, strings.TrimPrefix(x, "version:"))
		case strings.HasPrefix(x, "!"):
			return !m.modes[x[1:]]
		default:
			return m.modes[x]
		}
	}
	return false
}

func (m *txMatcher) allOptional(v any) bool {
	if a, ok := v.([]any); ok {
		for _, e := range a {
			if !m.optional(e) {
				return false
			}
		}
		return true
	}
	return m.optional(v)
}

var templatePatterns = map[string]*regexp.Regexp{
	"$id$":      regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`),
	"$uuid$":    regexp.MustCompile(`^(urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`),
	"$url$":     regexp.MustCompile(`^(https?://|urn:)\S+$`),
	"$token$":   regexp.MustCompile(`^\S+$`),
	"$string$":  regexp.MustCompile(`(?s)^.+$`),
	"$date$":    regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$`),
	"$instant$": regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`),
	"$semver$":  regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.\-]+)?(\+[0-9A-Za-z.\-]+)?$`),
}

func (m *txMatcher) compareString(path, exp string, act any) string {
	var a string
	switch x := act.(type) {
	case string:
		a = x
	case json.Number, bool:
		if !strings.HasPrefix(exp, "$") {
			return fmt.Sprintf("%s: expected the string %q, got %s", path, exp, brief(act))
		}
		a = fmt.Sprint(x)
	default:
		return fmt.Sprintf("%s: expected %q, got %s", path, exp, brief(act))
	}
	if ok, isTemplate := matchTemplate(exp, a, m.fhirVersion); isTemplate {
		if !ok {
			return fmt.Sprintf("%s: %q does not match %q", path, a, exp)
		}
		return ""
	}
	if a != exp {
		return fmt.Sprintf("%s: expected %q, got %q", path, exp, a)
	}
	return ""
}

// matchTemplate matches a placeholder; isTemplate is false for plain text.
func matchTemplate(exp, act, fhirVersion string) (ok, isTemplate bool) {
	if len(exp) < 2 || exp[0] != '$' || exp[len(exp)-1] != '$' {
		return false, false
	}
	if exp == "$$" {
		return true, true
	}
	if re, found := templatePatterns[exp]; found {
		return re.MatchString(act), true
	}
	inner := exp[1 : len(exp)-1]
	switch {
	case exp == "$version$":
		return act == fhirVersion || strings.HasPrefix(act, fhirVersion+"."), true
	case strings.HasPrefix(inner, "choice:"):
		for _, c := range strings.Split(strings.TrimPrefix(inner, "choice:"), "|") {
			if act == c {
				return true, true
			}
		}
		return false, true
	case strings.HasPrefix(inner, "fragments:"):
		return containsFragments(act, strings.TrimPrefix(inner, "fragments:")), true
	case strings.HasPrefix(inner, "external:"):
		rest := strings.TrimPrefix(inner, "external:")
		if _, frags, has := strings.Cut(rest, ":"); has {
			return containsFragments(act, frags), true
		}
		return act != "", true
	}
	return false, false
}

func containsFragments(act, frags string) bool {
	la := strings.ToLower(act)
	for _, f := range strings.Split(frags, "|") {
		if !strings.Contains(la, strings.ToLower(f)) {
			return false
		}
	}
	return true
}

func stringSet(v any) map[string]bool {
	out := map[string]bool{}
	for _, x := range asArray(v) {
		if s, ok := x.(string); ok {
			out[s] = true
		}
	}
	return out
}

func sortedMapKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func brief(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// TestTxMatcher checks the matcher itself, so that a lenient matcher cannot
// make the suite pass by accident.
func TestTxMatcher(t *testing.T) {
	m := &txMatcher{modes: map[string]bool{"general": true}, fhirVersion: "4.0"}
	js := func(s string) any {
		v, err := decodeJSON([]byte(s))
		require.NoError(t, err)
		return v
	}
	for _, c := range []struct {
		name     string
		exp, act string
		ok       bool
	}{
		{"equal", `{"a":"x","b":true,"c":1}`, `{"a":"x","b":true,"c":1}`, true},
		{"extra property", `{"a":"x"}`, `{"a":"x","b":1}`, false},
		{"missing property", `{"a":"x","b":1}`, `{"a":"x"}`, false},
		{"optional property", `{"$optional-properties$":["b"],"a":"x","b":1}`, `{"a":"x"}`, true},
		{"optional property wrong", `{"$optional-properties$":["b"],"a":"x","b":1}`, `{"a":"x","b":2}`, false},
		{"optional property any", `{"$optional-properties$":["b"],"a":"x"}`, `{"a":"x","b":2}`, true},
		{"number type", `{"c":1}`, `{"c":"1"}`, false},
		{"optional item absent", `[{"$optional$":true,"a":1},{"a":2}]`, `[{"a":2}]`, true},
		{"optional item present", `[{"$optional$":true,"a":1},{"a":2}]`, `[{"a":1},{"a":2}]`, true},
		{"optional item wrong", `[{"$optional$":true,"a":1}]`, `[{"a":3}]`, false},
		{"extra item", `[{"a":1}]`, `[{"a":1},{"a":2}]`, false},
		{"optional not-mode", `[{"$optional$":"!tx.fhir.org","a":1}]`, `[]`, true},
		{"required in mode", `[{"$optional$":"!general","a":1}]`, `[]`, false},
		{"warning optional", `[{"$optional$":"warning:version","a":1}]`, `[]`, true},
		{"all optional array absent", `{"e":[{"$optional$":true,"a":1}]}`, `{}`, true},
		{"$$", `"$$"`, `"anything"`, true},
		{"$string$ empty", `"$string$"`, `""`, false},
		{"$fragments$", `"$fragments:Unknown|e0114$"`, `"unknown code 'E0114'"`, true},
		{"$fragments$ missing", `"$fragments:Unknown|X$"`, `"Unknown code"`, false},
		{"$choice$", `"$choice:a|b$"`, `"b"`, true},
		{"$choice$ no", `"$choice:a|b$"`, `"c"`, false},
		{"$date$", `"$date$"`, `"2025-10-01"`, true},
		{"$instant$", `"$instant$"`, `"2025-10-01"`, false},
		{"$url$", `"$url$"`, `"http://x.org/a"`, true},
		{"issues any order", `{"issue":[{"code":"a"},{"code":"b"}]}`, `{"issue":[{"code":"b"},{"code":"a"}]}`, true},
		{"issues optional", `{"issue":[{"$optional$":true,"code":"a"},{"code":"b"}]}`, `{"issue":[{"code":"b"}]}`, true},
		{"issues extra", `{"issue":[{"code":"b"}]}`, `{"issue":[{"code":"b"},{"code":"a"}]}`, false},
		{"issues missing", `{"issue":[{"code":"a"},{"code":"b"}]}`, `{"issue":[{"code":"b"}]}`, false},
	} {
		d := m.compare("$", js(c.exp), js(c.act))
		require.Equalf(t, c.ok, d == "", "%s: %s", c.name, d)
	}

	// Parameters are compared whatever their order; message parts too.
	exp := js(`{"resourceType":"Parameters","parameter":[{"name":"result","valueBoolean":false},{"name":"message","valueString":"b; a"},
		{"name":"property","part":[{"name":"code","valueCode":"y"},{"name":"value","valueString":"2"}]},
		{"name":"property","part":[{"name":"code","valueCode":"x"},{"name":"value","valueString":"1"}]}]}`)
	act := js(`{"resourceType":"Parameters","meta":{"versionId":"1"},"parameter":[
		{"name":"property","part":[{"name":"value","valueString":"1"},{"name":"code","valueCode":"x"}]},
		{"name":"message","valueString":"a; b"},
		{"name":"property","part":[{"name":"code","valueCode":"y"},{"name":"value","valueString":"2"}]},{"name":"result","valueBoolean":false}]}`)
	scrubResource(act)
	normalizeResource(exp)
	normalizeResource(act)
	require.Empty(t, m.compare("$", exp, act))
	require.True(t, statusMatches("4xx", 404))
	require.False(t, statusMatches("4xx", 200))
	require.False(t, statusMatches("", 201))
}
