package fhir_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir"
)

// A small code system and value set of our own, written for these tests:
// two top concepts, one with a child, and a retired one.
const (
	fruitURL = "http://example.org/fhir/CodeSystem/fruit"
	fruitVS  = "http://example.org/fhir/ValueSet/fruit-and-e0114"
)

func fruitCodeSystem(version string) string {
	return `{"resourceType":"CodeSystem","url":"` + fruitURL + `","version":"` + version + `","name":"Fruit","status":"active",
	"content":"complete","caseSensitive":true,"language":"en",
	"property":[{"code":"colour","type":"string"}],
	"concept":[
	  {"code":"apple","display":"Apple","definition":"A pome","property":[{"code":"colour","valueString":"red"}],
	   "concept":[{"code":"bramley","display":"Bramley apple"}]},
	  {"code":"quince","display":"Quince","property":[{"code":"status","valueCode":"retired"}]}]}`
}

// fruitValueSet mixes the request's own system and HCPCS.
const fruitValueSet = `{"resourceType":"ValueSet","url":"` + fruitVS + `","version":"1","status":"active","compose":{"include":[
  {"system":"` + fruitURL + `","filter":[{"property":"concept","op":"is-a","value":"apple"}]},
  {"system":"` + hcpcsURL + `","concept":[{"code":"E0114"}]}]}}`

func txParams(params string, resources ...string) string {
	var parts []string
	if params != "" {
		parts = append(parts, params)
	}
	for _, r := range resources {
		parts = append(parts, `{"name":"tx-resource","resource":`+r+`}`)
	}
	return `{"resourceType":"Parameters","parameter":[` + strings.Join(parts, ",") + `]}`
}

func decodeBody(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m), "%s", body)
	return m
}

// paramValue returns the value[x] of the first parameter called name.
func paramValue(t testing.TB, res map[string]any, name string) any {
	t.Helper()
	for _, p := range res["parameter"].([]any) {
		pm := p.(map[string]any)
		if pm["name"] == name {
			for k, v := range pm {
				if strings.HasPrefix(k, "value") {
					return v
				}
			}
		}
	}
	return nil
}

func outcomeText(t *testing.T, body []byte) string {
	t.Helper()
	m := decodeBody(t, body)
	require.Equal(t, "OperationOutcome", m["resourceType"], "%s", body)
	issue := m["issue"].([]any)[0].(map[string]any)
	return issue["details"].(map[string]any)["text"].(string)
}

// TestTxResourceNeverLeaks: a definition brought by one request is known to
// that request only; the same request without it does not know it.
func TestTxResourceNeverLeaks(t *testing.T) {
	lookup := `{"name":"system","valueUri":"` + fruitURL + `"},{"name":"code","valueCode":"bramley"}`
	rec := doRequest(t, http.MethodPost, "/fhir/CodeSystem/$lookup", txParams(lookup, fruitCodeSystem("1.0")), nil)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	res := decodeBody(t, rec.Body.Bytes())
	require.Equal(t, "Bramley apple", paramValue(t, res, "display"))
	require.Equal(t, "1.0", paramValue(t, res, "version"))

	rec = doRequest(t, http.MethodPost, "/fhir/CodeSystem/$lookup", txParams(lookup), nil)
	require.Equal(t, 404, rec.Code, rec.Body.String())
	require.Contains(t, outcomeText(t, rec.Body.Bytes()), fruitURL)

	// The value set, combining the request's system with HCPCS.
	validate := func(code, system string, resources ...string) *map[string]any {
		body := txParams(`{"name":"url","valueUri":"`+fruitVS+`"},{"name":"code","valueCode":"`+code+`"},{"name":"system","valueUri":"`+system+`"}`, resources...)
		rec := doRequest(t, http.MethodPost, "/fhir/ValueSet/$validate-code", body, nil)
		if rec.Code != 200 {
			require.Equal(t, 404, rec.Code, rec.Body.String())
			require.Contains(t, outcomeText(t, rec.Body.Bytes()), fruitVS)
			return nil
		}
		m := decodeBody(t, rec.Body.Bytes())
		return &m
	}
	both := []string{fruitCodeSystem("1.0"), fruitValueSet}
	for _, tc := range []struct {
		code, system string
		want         bool
	}{{"bramley", fruitURL, true}, {"apple", fruitURL, true}, {"quince", fruitURL, false}, {"E0114", hcpcsURL, true}, {"E0100", hcpcsURL, false}} {
		got := validate(tc.code, tc.system, both...)
		require.NotNil(t, got)
		require.Equal(t, tc.want, paramValue(t, *got, "result"), "%s#%s", tc.system, tc.code)
	}
	require.Nil(t, validate("E0114", hcpcsURL), "the value set is unknown without its tx-resource")

	// Without the code system, the value set names a system nobody has.
	got := validate("bramley", fruitURL, fruitValueSet)
	require.NotNil(t, got)
	require.Equal(t, false, paramValue(t, *got, "result"))
	require.Equal(t, fruitURL, paramValue(t, *got, "x-caused-by-unknown-system"))

	// $expand sees it; the expansion says which version it used.
	rec = doRequest(t, http.MethodPost, "/fhir/ValueSet/$expand", txParams(`{"name":"url","valueUri":"`+fruitVS+`"}`, both...), nil)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	for _, want := range []string{`"code":"apple"`, `"code":"bramley"`, `"code":"E0114"`, fruitURL + `|1.0`} {
		require.Contains(t, rec.Body.String(), want)
	}
	require.NotContains(t, rec.Body.String(), `"code":"quince"`)
	rec = doRequest(t, http.MethodPost, "/fhir/ValueSet/$expand", txParams(`{"name":"url","valueUri":"`+fruitVS+`"}`), nil)
	require.Equal(t, 404, rec.Code, rec.Body.String())
}

// TestTxResourceVersions: two versions side by side; the newest is the
// default, a pinned one is used, an unknown one is named with the valid ones.
func TestTxResourceVersions(t *testing.T) {
	v2 := strings.Replace(fruitCodeSystem("2.0"), `"display":"Quince"`, `"display":"Quince (2.0)"`, 1)
	body := func(version string) string {
		p := `{"name":"url","valueUri":"` + fruitURL + `"},{"name":"code","valueCode":"quince"}`
		if version != "" {
			p += `,{"name":"version","valueString":"` + version + `"}`
		}
		return txParams(p, fruitCodeSystem("1.0"), v2)
	}
	for _, tc := range []struct{ version, display, result string }{
		{"", "Quince (2.0)", "2.0"}, {"1.0", "Quince", "1.0"}, {"2.0", "Quince (2.0)", "2.0"},
	} {
		rec := doRequest(t, http.MethodPost, "/fhir/CodeSystem/$validate-code", body(tc.version), nil)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		m := decodeBody(t, rec.Body.Bytes())
		require.Equal(t, tc.display, paramValue(t, m, "display"), "version %q", tc.version)
		require.Equal(t, tc.result, paramValue(t, m, "version"), "version %q", tc.version)
	}
	rec := doRequest(t, http.MethodPost, "/fhir/CodeSystem/$validate-code", body("3.0"), nil)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	m := decodeBody(t, rec.Body.Bytes())
	require.Equal(t, false, paramValue(t, m, "result"))
	require.Contains(t, paramValue(t, m, "message"), "Valid versions: 1.0 or 2.0")
}

// TestTxResourceBadInput: every malformed or contradictory definition is a
// 4xx OperationOutcome that names the problem.
func TestTxResourceBadInput(t *testing.T) {
	lookup := `{"name":"system","valueUri":"` + fruitURL + `"},{"name":"code","valueCode":"apple"}`
	dupCodes := strings.Replace(fruitCodeSystem("1.0"), `"code":"quince"`, `"code":"apple"`, 1)
	cycle := `{"resourceType":"CodeSystem","url":"` + fruitURL + `","status":"active","content":"complete","concept":[
	  {"code":"a","property":[{"code":"parent","valueCode":"b"}]},{"code":"b","property":[{"code":"parent","valueCode":"a"}]}]}`
	supplement := `{"resourceType":"CodeSystem","url":"http://example.org/fhir/CodeSystem/fruit-nl","status":"active","content":"supplement",
	  "supplements":"http://example.org/fhir/CodeSystem/vegetables","concept":[{"code":"apple","designation":[{"language":"nl","value":"appel"}]}]}`
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"not a resource", `{"resourceType":"Parameters","parameter":[` + lookup + `,{"name":"tx-resource","valueString":"CodeSystem"}]}`, 400, "must be a resource"},
		{"wrong type", txParams(lookup, `{"resourceType":"Patient","id":"p"}`), 400, "is a Patient"},
		{"no resourceType", txParams(lookup, `{"url":"x"}`), 400, "resource without resourceType"},
		{"malformed", txParams(lookup, `{"resourceType":"CodeSystem","url":"`+fruitURL+`","status":"active","content":"complete","concept":{"code":"x"}}`), 400, "CodeSystem"},
		{"bad content", txParams(lookup, strings.Replace(fruitCodeSystem("1.0"), `"content":"complete"`, `"content":"most"`, 1)), 400, "content"},
		{"duplicate code", txParams(lookup, dupCodes), 400, "apple"},
		{"cycle", txParams(lookup, cycle), 400, "cycle"},
		{"same system twice", txParams(lookup, fruitCodeSystem("1.0"), fruitCodeSystem("1.0")), 400, "given twice"},
		{"value set without url", txParams(lookup, `{"resourceType":"ValueSet","status":"active","compose":{"include":[{"system":"`+fruitURL+`"}]}}`), 400, "no url"},
		{"supplement of a missing system", txParams(lookup+`,{"name":"useSupplement","valueCanonical":"http://example.org/fhir/CodeSystem/fruit-nl"}`, fruitCodeSystem("1.0"), supplement), 404, "vegetables"},
		{"supplement not given", txParams(lookup+`,{"name":"useSupplement","valueCanonical":"http://example.org/fhir/CodeSystem/none"}`, fruitCodeSystem("1.0")), 404, "Required supplement not found: http://example.org/fhir/CodeSystem/none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := doRequest(t, http.MethodPost, "/fhir/CodeSystem/$lookup", tc.body, nil)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			require.Contains(t, outcomeText(t, rec.Body.Bytes()), tc.want)
		})
	}
}

// TestTxResourceLimits: the number of tx-resources per request and the
// size of the body are bounded, and configurable.
func TestTxResourceLimits(t *testing.T) {
	e := fhirServer(t, fhir.Config{MaxTxResources: 2, MaxRequestBytes: 4096})
	lookup := `{"name":"system","valueUri":"` + fruitURL + `"},{"name":"code","valueCode":"apple"}`
	rec := serve(e, http.MethodPost, "/fhir/CodeSystem/$lookup", txParams(lookup, fruitCodeSystem("1.0"), fruitCodeSystem("2.0")), nil)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	rec = serve(e, http.MethodPost, "/fhir/CodeSystem/$lookup", txParams(lookup, fruitCodeSystem("1.0"), fruitCodeSystem("2.0"), fruitCodeSystem("3.0")), nil)
	require.Equal(t, 413, rec.Code, rec.Body.String())
	require.Contains(t, outcomeText(t, rec.Body.Bytes()), "at most 2")
	big := fmt.Sprintf(`{"resourceType":"ValueSet","url":"http://example.org/vs","status":"active","description":"%s","compose":{"include":[{"system":"%s"}]}}`, strings.Repeat("x", 5000), fruitURL)
	rec = serve(e, http.MethodPost, "/fhir/CodeSystem/$lookup", txParams(lookup, fruitCodeSystem("1.0"), big), nil)
	require.Equal(t, 413, rec.Code, rec.Body.String())
	require.Contains(t, outcomeText(t, rec.Body.Bytes()), "4096 bytes")
}

// TestLoadedCodeSystem: a CodeSystem of a loaded package is served beside
// HCPCS, to every request.
func TestLoadedCodeSystem(t *testing.T) {
	const local = "http://example.org/fhir/ig/CodeSystem/local"
	rec := doRequest(t, http.MethodGet, "/fhir/CodeSystem/$lookup?system="+local+"&code=a", "", nil)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	require.Equal(t, "a", paramValue(t, decodeBody(t, rec.Body.Bytes()), "code"))
	rec = doRequest(t, http.MethodGet, "/fhir/CodeSystem/$validate-code?url="+local+"&code=b", "", nil)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	m := decodeBody(t, rec.Body.Bytes())
	require.Equal(t, false, paramValue(t, m, "result"))
	require.Equal(t, "Unknown code 'b' in the CodeSystem '"+local+"'", paramValue(t, m, "message"))
	// A request's own version of it wins for that request.
	mine := `{"resourceType":"CodeSystem","url":"` + local + `","status":"draft","content":"complete","concept":[{"code":"b"}]}`
	rec = doRequest(t, http.MethodPost, "/fhir/CodeSystem/$validate-code", txParams(`{"name":"url","valueUri":"`+local+`"},{"name":"code","valueCode":"b"}`, mine), nil)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	require.Equal(t, true, paramValue(t, decodeBody(t, rec.Body.Bytes()), "result"))
}

// TestValidateDisplayLanguage: the display is checked in the languages
// asked for, by parameter or header; a displayLanguage that is not a
// language list is a 400 naming it.
func TestValidateDisplayLanguage(t *testing.T) {
	cs := strings.Replace(fruitCodeSystem("1.0"), `"display":"Apple",`, `"display":"Apple","designation":[{"language":"de","value":"Apfel"}],`, 1)
	body := func(display, lang string) string {
		p := `{"name":"url","valueUri":"` + fruitURL + `"},{"name":"code","valueCode":"apple"},{"name":"display","valueString":"` + display + `"}`
		if lang != "" {
			p += `,{"name":"displayLanguage","valueCode":"` + lang + `"}`
		}
		return txParams(p, cs)
	}
	for _, tc := range []struct {
		display, lang, header string
		result                bool
		shown                 string
	}{
		{"Apfel", "de", "", true, "Apfel"},
		{"Apple", "de", "", false, "Apfel"},
		{"Apfel", "", "de-CH, en;q=0.5", true, "Apfel"},
		{"Apfel", "", "", true, "Apple"}, // no language asked: every display counts
		{"Apple", "en", "", true, "Apple"},
	} {
		headers := map[string]string{}
		if tc.header != "" {
			headers["Accept-Language"] = tc.header
		}
		rec := doRequest(t, http.MethodPost, "/fhir/CodeSystem/$validate-code", body(tc.display, tc.lang), headers)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		m := decodeBody(t, rec.Body.Bytes())
		require.Equal(t, tc.result, paramValue(t, m, "result"), "%+v: %s", tc, rec.Body.String())
		require.Equal(t, tc.shown, paramValue(t, m, "display"), "%+v", tc)
	}
	for _, bad := range []string{"-", "de,,en", "d e"} {
		rec := doRequest(t, http.MethodPost, "/fhir/CodeSystem/$validate-code", body("Apple", bad), nil)
		require.Equal(t, 400, rec.Code, "%q: %s", bad, rec.Body.String())
		require.Equal(t, "Invalid displayLanguage: '"+bad+"'", outcomeText(t, rec.Body.Bytes()))
	}
}

// TestValidateDisplayNamesDisplays: a designation of another use (an old
// name) is accepted as a display, but the message of a wrong display names
// the displays only (FHIRsmith tx/library/designations.js, displayCount and
// present with displayOnly, as the HL7 test batch/batch-validate-bad pins).
func TestValidateDisplayNamesDisplays(t *testing.T) {
	cs := strings.Replace(fruitCodeSystem("1.0"), `"display":"Apple",`,
		`"display":"Apple","designation":[{"use":{"system":"http://example.org/uses","code":"old"},"value":"Pomme"},{"value":"Eating apple"}],`, 1)
	for _, tc := range []struct {
		display string
		result  bool
		message string
	}{
		{"Pomme", true, ""},
		{"Eating apple", true, ""},
		{"Pear", false, "Wrong Display Name 'Pear' for " + fruitURL + "#apple. Valid display is one of 2 choices: 'Apple' (en) or 'Eating apple' (for the language(s) '--')"},
	} {
		p := `{"name":"url","valueUri":"` + fruitURL + `"},{"name":"code","valueCode":"apple"},{"name":"display","valueString":"` + tc.display + `"}`
		rec := doRequest(t, http.MethodPost, "/fhir/CodeSystem/$validate-code", txParams(p, cs), nil)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		m := decodeBody(t, rec.Body.Bytes())
		require.Equal(t, tc.result, paramValue(t, m, "result"), "%s", rec.Body.String())
		if tc.message != "" {
			require.Equal(t, tc.message, paramValue(t, m, "message"))
		}
	}
}

// TestValidateInlineValueSetWithoutURL: a value set POSTed without a url
// is still a value set: a code outside it is not valid, and messages name
// it (unidentified), as tx.fhir.org does. (It once answered for the code
// system alone.)
func TestValidateInlineValueSetWithoutURL(t *testing.T) {
	vs := `{"resourceType":"ValueSet","status":"active","compose":{"include":[{"system":"` + fruitURL + `","concept":[{"code":"quince"}]}]}}`
	body := func(code string) string {
		return txParams(`{"name":"valueSet","resource":`+vs+`},{"name":"coding","valueCoding":{"system":"`+fruitURL+`","code":"`+code+`"}}`, fruitCodeSystem("1.0"))
	}
	rec := doRequest(t, http.MethodPost, "/fhir/ValueSet/$validate-code", body("apple"), nil)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	m := decodeBody(t, rec.Body.Bytes())
	require.Equal(t, false, paramValue(t, m, "result"))
	require.Equal(t, "The provided code '"+fruitURL+"#apple' was not found in the value set '(unidentified)'", paramValue(t, m, "message"))
	rec = doRequest(t, http.MethodPost, "/fhir/ValueSet/$validate-code", body("quince"), nil)
	require.Equal(t, true, paramValue(t, decodeBody(t, rec.Body.Bytes()), "result"), rec.Body.String())
}

// TestValidateSupplementAsSystem: a coding may not name a supplement as
// its system, even one the request brought.
func TestValidateSupplementAsSystem(t *testing.T) {
	const supURL = "http://example.org/fhir/CodeSystem/fruit-nl"
	sup := `{"resourceType":"CodeSystem","url":"` + supURL + `","version":"2","status":"active","content":"supplement",
	  "supplements":"` + fruitURL + `","concept":[{"code":"apple","designation":[{"language":"nl","value":"appel"}]}]}`
	body := txParams(`{"name":"coding","valueCoding":{"system":"`+supURL+`","code":"apple"}}`, fruitCodeSystem("1.0"), sup)
	rec := doRequest(t, http.MethodPost, "/fhir/CodeSystem/$validate-code", body, nil)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	m := decodeBody(t, rec.Body.Bytes())
	require.Equal(t, false, paramValue(t, m, "result"))
	require.Equal(t, "CodeSystem "+supURL+"|2 is a supplement, so can't be used as a value in Coding.system", paramValue(t, m, "message"))
}

// TestValidateRetiredDesignation: a display that matches a designation the
// code system has withdrawn is accepted with a warning that names the
// current displays (INACTIVE_DISPLAY_FOUND), as FHIRsmith's checkDisplays
// in tx/workers/validate.js does; a current designation gets no issue.
func TestValidateRetiredDesignation(t *testing.T) {
	cs := strings.Replace(fruitCodeSystem("1.0"), `"display":"Apple",`, `"display":"Apple","designation":[
	  {"language":"en","value":"Eating apple","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status","valueCode":"withdrawn"}]},
	  {"language":"de","value":"Apfel"}],`, 1)
	for _, tc := range []struct {
		display string
		issue   string
	}{
		{"Eating apple", `'Eating apple' is no longer considered a correct display for code 'apple' (status = deprecated). The correct display is one of "Apple,Apfel".`},
		{"eating APPLE", `'eating APPLE' is no longer considered a correct display for code 'apple' (status = deprecated). The correct display is one of "Apple,Apfel".`},
		{"Apfel", ""},
	} {
		p := `{"name":"url","valueUri":"` + fruitURL + `"},{"name":"code","valueCode":"apple"},{"name":"display","valueString":"` + tc.display + `"}`
		rec := doRequest(t, http.MethodPost, "/fhir/CodeSystem/$validate-code", txParams(p, cs), nil)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		m := decodeBody(t, rec.Body.Bytes())
		require.Equal(t, true, paramValue(t, m, "result"), "%s", rec.Body.String())
		require.Nil(t, paramValue(t, m, "message"), "a warning about a display is not the message")
		issues, _ := paramResource(m, "issues")
		if tc.issue == "" {
			require.Nil(t, issues, "%s", rec.Body.String())
			continue
		}
		require.NotNil(t, issues, "%s", rec.Body.String())
		issue := issues["issue"].([]any)[0].(map[string]any)
		require.Equal(t, "warning", issue["severity"])
		require.Equal(t, tc.issue, issue["details"].(map[string]any)["text"])
		require.Equal(t, "display-comment", issue["details"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"])
		require.Equal(t, []any{"display"}, issue["expression"])
	}
}

// paramResource returns the resource of the first parameter called name.
func paramResource(res map[string]any, name string) (map[string]any, bool) {
	for _, p := range res["parameter"].([]any) {
		pm := p.(map[string]any)
		if pm["name"] == name {
			r, ok := pm["resource"].(map[string]any)
			return r, ok
		}
	}
	return nil, false
}

// TestValidateAgainstSeveralIncludedVersions: a value set that includes two
// versions of a system holds a versionless coding when either version does
// (code and display); the newest is tried first and answers when neither
// does. The overload suite of the HL7 tx-ecosystem pins this, and
// FHIRsmith's tx/workers/validate.js checks each include in turn.
func TestValidateAgainstSeveralIncludedVersions(t *testing.T) {
	v2 := strings.Replace(fruitCodeSystem("2.0"), `"display":"Quince"`, `"display":"Quince (2.0)"`, 1)
	v2 = strings.Replace(v2, `{"code":"bramley","display":"Bramley apple"}`, `{"code":"cox","display":"Cox"}`, 1)
	const vsURL = "http://example.org/fhir/ValueSet/fruit-both"
	vs := `{"resourceType":"ValueSet","url":"` + vsURL + `","status":"active","compose":{"include":[
	  {"system":"` + fruitURL + `","version":"1.0"},{"system":"` + fruitURL + `","version":"2.0"}]}}`
	for _, tc := range []struct {
		coding  string
		result  bool
		version string
	}{
		{`"code":"quince"`, true, "2.0"},
		{`"code":"quince","display":"Quince (2.0)"`, true, "2.0"},
		{`"code":"quince","display":"Quince"`, true, "1.0"}, // only 1.0 has that display
		{`"code":"bramley"`, true, "1.0"},                   // only in 1.0
		{`"code":"cox"`, true, "2.0"},
		{`"code":"quince","display":"Membrillo"`, false, "2.0"}, // neither: the newest answers
		{`"code":"pear"`, false, "2.0"},
		{`"code":"quince","version":"2.0","display":"Quince"`, false, "2.0"}, // the coding's version decides
	} {
		p := `{"name":"url","valueUri":"` + vsURL + `"},{"name":"coding","valueCoding":{"system":"` + fruitURL + `",` + tc.coding + `}}`
		rec := doRequest(t, http.MethodPost, "/fhir/ValueSet/$validate-code", txParams(p, fruitCodeSystem("1.0"), v2, vs), nil)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		m := decodeBody(t, rec.Body.Bytes())
		require.Equal(t, tc.result, paramValue(t, m, "result"), "%s: %s", tc.coding, rec.Body.String())
		require.Equal(t, tc.version, paramValue(t, m, "version"), "%s: %s", tc.coding, rec.Body.String())
	}
}

// TestValidateMembershipOnly: with valueset-membership-only only whether
// the code is in the value set counts: a wrong display or an unknown code
// adds no issue of its own, as in FHIRsmith's checker under membershipOnly
// (tx/workers/validate.js) and the HL7 test
// validation/validation-complex-codeableconcept-vsonly.
func TestValidateMembershipOnly(t *testing.T) {
	body := func(coding string, only bool) string {
		p := `{"name":"url","valueUri":"` + fruitVS + `"},{"name":"coding","valueCoding":{"system":"` + fruitURL + `",` + coding + `}}`
		if only {
			p += `,{"name":"valueset-membership-only","valueBoolean":true}`
		}
		return txParams(p, fruitCodeSystem("1.0"), fruitValueSet)
	}
	txTypes := func(m map[string]any) []string {
		var out []string
		if oo, ok := paramResource(m, "issues"); ok {
			for _, is := range oo["issue"].([]any) {
				out = append(out, is.(map[string]any)["details"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"].(string))
			}
		}
		return out
	}
	for _, tc := range []struct {
		coding string
		only   bool
		result bool
		issues []string
	}{
		{`"code":"apple","display":"Pear"`, false, false, []string{"invalid-display"}},
		{`"code":"apple","display":"Pear"`, true, true, nil},
		{`"code":"pear"`, false, false, []string{"not-in-vs", "invalid-code"}},
		{`"code":"pear"`, true, false, []string{"not-in-vs"}},
		{`"code":"quince"`, true, false, []string{"not-in-vs"}}, // in the system, not in the set
	} {
		rec := doRequest(t, http.MethodPost, "/fhir/ValueSet/$validate-code", body(tc.coding, tc.only), nil)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		m := decodeBody(t, rec.Body.Bytes())
		require.Equal(t, tc.result, paramValue(t, m, "result"), "%+v: %s", tc, rec.Body.String())
		require.Equal(t, tc.issues, txTypes(m), "%+v: %s", tc, rec.Body.String())
	}
	rec := doRequest(t, http.MethodPost, "/fhir/ValueSet/$validate-code", strings.Replace(body(`"code":"apple"`, true), `"valueBoolean":true`, `"valueBoolean":"yes"`, 1), nil)
	require.Equal(t, 400, rec.Code, rec.Body.String())
}
