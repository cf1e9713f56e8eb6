package fhir_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir"
	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// Tests of FHIR XML over HTTP: every operation answers in XML what it
// answers in JSON, and reads XML bodies as it reads JSON ones.

func xmlToJSON(t *testing.T, body []byte) []byte {
	t.Helper()
	out, err := fhirxml.Decode(bytes.NewReader(body))
	require.NoError(t, err, "the answer is not FHIR XML: %s", body)
	return out
}

// meaning is a JSON body as compared: volatile values replaced.
func meaning(t *testing.T, body []byte) any {
	t.Helper()
	v, err := parseOrdered(body, false)
	require.NoError(t, err, "not JSON: %s", body)
	normalizeVolatile(t, v)
	return toPlain(t, v)
}

// xmlExtraCases are operations the golden cases do not cover.
var xmlExtraCases = []goldenCase{
	getCase("cs-read-full", "/fhir/CodeSystem/hcpcs-2025-10", 200),
	getCase("cs-read-summary", fhirPath("/CodeSystem/hcpcs-2025-10", "_summary", "true"), 200),
	getCase("vs-read", "/fhir/ValueSet/hcpcs-all", 200),
	getCase("vs-search", fhirPath("/ValueSet", "_count", "3"), 200),
	getCase("operation-definition", "/fhir/OperationDefinition/CodeSystem-lookup", 200),
	getCase("history-diff", fhirPath("/CodeSystem/$history", "kind", "terminated,property"), 200),
	getCase("history-code", fhirPath("/CodeSystem/$history", "code", "A9513"), 200),
	postCase("history-code-post", "/fhir/CodeSystem/$history", `{"resourceType":"Parameters","parameter":[{"name":"code","valueCode":"A9513"}]}`, 200),
	getCase("lookup-history", fhirPath(csLookup, "system", hcpcsURL, "code", "A9513", "property", "history"), 200),
	getCase("translate-get", fhirPath("/ConceptMap/$translate", "system", hcpcsURL, "code", "E0100"), 200),
	postCase("translate-tx-resource", "/fhir/ConceptMap/$translate", txParams(
		`{"name":"system","valueUri":"http://example.org/fhir/CodeSystem/local"},{"name":"code","valueCode":"stick"}`, ownMap), 200),
	postCase("lookup-tx-resource", fhirPath(csLookup), txParams(
		`{"name":"system","valueUri":"`+fruitURL+`"},{"name":"code","valueCode":"apple"}`, fruitCodeSystem("1.0")), 200),
	postCase("vs-validate-tx-resources", fhirPath(vsValidate), txParams(
		`{"name":"url","valueUri":"`+fruitVS+`"},{"name":"coding","valueCoding":{"system":"`+fruitURL+`","code":"bramley"}}`,
		fruitCodeSystem("1.0"), fruitValueSet), 200),
	postCase("batch-validate-code", batchPath, paramsBody(`{"name":"url","valueUri":"`+implicitVS+`"}`,
		validation(coding(hcpcsURL, "E0114", "")), validation(coding(hcpcsURL, unknownCode, "")),
		validation(`{"name":"codeableConcept","valueCodeableConcept":{"coding":[{"system":"`+hcpcsURL+`","code":"E0114"}]}}`)), 200),
}

// TestXMLAnswersMatchJSON sends every golden case, and the operations they
// miss, in JSON, then asking for XML (GET and POST), then with its body in
// XML (answered in JSON and in XML): each answer, converted back, is the
// JSON answer by meaning, with the same status.
func TestXMLAnswersMatchJSON(t *testing.T) {
	xmlOut := map[string]string{"Accept": "application/fhir+xml"}
	for _, tc := range append(append([]goldenCase{}, goldenCases...), xmlExtraCases...) {
		if tc.xmlOut || tc.headers["Accept"] != "" || tc.headers["Content-Type"] != "" || strings.Contains(tc.path, "_format") {
			continue // the cases of negotiation itself
		}
		t.Run(tc.name, func(t *testing.T) {
			ref := doRequest(t, tc.method, tc.path, tc.body, tc.headers)
			require.Equal(t, fhirJSONContentType, ref.Header().Get("Content-Type"))
			want := meaning(t, ref.Body.Bytes())

			type variant struct {
				name    string
				body    string
				headers map[string]string
				xml     bool
			}
			variants := []variant{{"xml-out", tc.body, merge(tc.headers, xmlOut), true}}
			if tc.method == http.MethodPost {
				if x, err := fhirxml.AppendXML(nil, []byte(tc.body)); err == nil {
					xmlIn := map[string]string{"Content-Type": "application/fhir+xml"}
					variants = append(variants,
						variant{"xml-in", string(x), merge(tc.headers, xmlIn), false},
						variant{"xml-in-out", string(x), merge(tc.headers, merge(xmlIn, xmlOut)), true})
				}
			}
			for _, v := range variants {
				rec := doRequest(t, tc.method, tc.path, v.body, v.headers)
				require.Equal(t, ref.Code, rec.Code, "%s: %s", v.name, rec.Body.String())
				body := rec.Body.Bytes()
				if v.xml {
					require.Equal(t, fhirXMLContentType, rec.Header().Get("Content-Type"), v.name)
					body = xmlToJSON(t, body)
				} else {
					require.Equal(t, fhirJSONContentType, rec.Header().Get("Content-Type"), v.name)
				}
				require.Equal(t, want, meaning(t, body), "%s differs from the JSON answer", v.name)
			}
		})
	}
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestFormatNegotiation: _format wins over Accept; Accept picks the
// acceptable format of highest quality, JSON on a tie and for wildcards;
// what cannot be served is a 406 OperationOutcome, in XML when XML of
// another FHIR version was asked for.
func TestFormatNegotiation(t *testing.T) {
	const json, xml = fhirJSONContentType, fhirXMLContentType
	cases := []struct {
		format, accept string
		status         int
		contentType    string
	}{
		{"", "", 200, json},
		{"json", "", 200, json},
		{"xml", "", 200, xml},
		{"XML", "", 200, xml},
		{"application/fhir+json", "", 200, json},
		{"application/fhir+xml", "", 200, xml},
		{"application/fhir xml", "", 200, xml}, // a + the query decoded as a space
		{"application/json", "", 200, json},
		{"application/xml", "", 200, xml},
		{"text/xml", "", 200, xml},
		{"application/fhir+xml; fhirVersion=4.0", "", 200, xml},
		{"xml;fhirVersion=4.0.1", "", 200, xml},
		{"json;fhirVersion=5.0", "", 406, json},
		{"xml;fhirVersion=3.0", "", 406, xml},
		{"html", "", 406, json},
		{"text/turtle", "", 406, json},
		{"", "application/fhir+xml", 200, xml},
		{"", "application/xml", 200, xml},
		{"", "text/xml", 200, xml},
		{"", "application/fhir+json", 200, json},
		{"", "*/*", 200, json},
		{"", "application/*", 200, json},
		{"", "text/*", 200, xml},
		{"", "application/fhir+xml;q=0.9, application/fhir+json;q=0.8", 200, xml},
		{"", "application/fhir+xml;q=0.5, application/fhir+json", 200, json},
		{"", "application/fhir+xml, application/fhir+json", 200, json}, // a tie
		{"", "application/fhir+json;q=0, */*", 200, xml},
		{"", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", 200, xml}, // a browser
		{"", "application/fhir+xml;q=0, */*;q=0.1", 200, json},
		{"", "application/fhir+xml; fhirVersion=3.0, application/fhir+json", 200, json},
		{"", "application/fhir+xml; fhirVersion=3.0", 406, xml},
		{"", "application/fhir+json; fhirVersion=3.0", 406, json},
		{"", "application/fhir+json;q=0, application/fhir+xml;q=0", 406, xml},
		{"", "text/html", 406, json},
		{"", "image/*", 406, json},
		{"xml", "application/fhir+json", 200, xml},
		{"json", "application/fhir+xml", 200, json},
		{"text/html", "application/fhir+json", 406, json},
	}
	for _, c := range cases {
		t.Run(c.format+"|"+c.accept, func(t *testing.T) {
			path := "/fhir/$versions"
			if c.format != "" {
				path = fhirPath("/$versions", "_format", c.format)
			}
			var headers map[string]string
			if c.accept != "" {
				headers = map[string]string{"Accept": c.accept}
			}
			rec := doRequest(t, http.MethodGet, path, "", headers)
			require.Equal(t, c.status, rec.Code, rec.Body.String())
			require.Equal(t, c.contentType, rec.Header().Get("Content-Type"))
			body := rec.Body.Bytes()
			if c.contentType == xml {
				body = xmlToJSON(t, body)
			}
			want := "Parameters"
			if c.status != 200 {
				want = "OperationOutcome"
			}
			require.Equal(t, want, toPlain(t, mustParse(t, body)).(map[string]any)["resourceType"])
		})
	}
	// Routes outside the FHIR API are not negotiated.
	rec := doRequest(t, http.MethodGet, "/healthz", "", map[string]string{"Accept": "text/plain"})
	require.NotEqual(t, http.StatusNotAcceptable, rec.Code)
}

func mustParse(t *testing.T, body []byte) any {
	t.Helper()
	v, err := parseOrdered(body, false)
	require.NoError(t, err, "%s", body)
	return v
}

// billionLaughs declares entities that would expand to a gigabyte.
const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="code"/><valueCode value="&lol9;"/></parameter></Parameters>`

// TestXMLBadInput: an XML body that is not FHIR XML is a 4xx
// OperationOutcome naming the problem, in the format the client asked for.
func TestXMLBadInput(t *testing.T) {
	const p = `<Parameters xmlns="http://hl7.org/fhir">`
	small := fhirServer(t, fhir.Config{MaxRequestBytes: 512})
	oversized := p + strings.Repeat(`<parameter><name value="code"/><valueCode value="E0114"/></parameter>`, 20) + `</Parameters>`
	cases := []struct {
		name, body string
		engine     http.Handler
		status     int
		text       string
	}{
		{"malformed", p + `<parameter><name value="code"></parameter></Parameters>`, nil, 400, "malformed XML"},
		{"wrong namespace", `<Parameters xmlns="http://hl7.org/fhir/wrong"/>`, nil, 400, "namespace http://hl7.org/fhir/wrong"},
		{"no namespace", `<Parameters><parameter><name value="code"/></parameter></Parameters>`, nil, 400, "has no namespace"},
		{"unknown element", p + `<parameter><nome value="code"/></parameter></Parameters>`, nil, 400, "unknown element <nome>"},
		{"billion laughs", billionLaughs, nil, 400, "DOCTYPE"},
		{"not Parameters", `<OperationOutcome xmlns="http://hl7.org/fhir"/>`, nil, 400, "must be a Parameters resource"},
		{"oversized", oversized, small, 413, "at most 512 bytes"},
		{"oversized, length not declared", oversized, small, 413, "exceeds 512 bytes"},
		{"Content-Type text/plain", p + `</Parameters>`, nil, 415, "is not supported"},
	}
	for _, c := range cases {
		for _, accept := range []string{"application/fhir+xml", "application/fhir+json"} {
			t.Run(c.name+"/"+accept, func(t *testing.T) {
				e := c.engine
				if e == nil {
					e = testEngine(t)
				}
				req := httptest.NewRequest(http.MethodPost, "/fhir/CodeSystem/$lookup", strings.NewReader(c.body))
				req.Header.Set("Content-Type", "application/fhir+xml")
				if c.status == http.StatusUnsupportedMediaType {
					req.Header.Set("Content-Type", "text/plain")
				}
				req.Header.Set("Accept", accept)
				if strings.Contains(c.name, "not declared") {
					req.ContentLength = -1 // read until the limit cuts it
				}
				rec := httptest.NewRecorder()
				e.ServeHTTP(rec, req)
				require.Equal(t, c.status, rec.Code, rec.Body.String())
				body := rec.Body.Bytes()
				if accept == "application/fhir+xml" {
					require.Equal(t, fhirXMLContentType, rec.Header().Get("Content-Type"))
					body = xmlToJSON(t, body)
				} else {
					require.Equal(t, fhirJSONContentType, rec.Header().Get("Content-Type"))
				}
				v := toPlain(t, mustParse(t, body))
				assertOperationOutcome(t, v)
				issue := v.(map[string]any)["issue"].([]any)[0].(map[string]any)
				require.Contains(t, issue["details"].(map[string]any)["text"], c.text)
			})
		}
	}
}

// TestXMLFullRead: the full CodeSystem in XML is kept beside the JSON: its
// own ETag (the JSON one's, suffixed -xml) answers its conditionals and not
// the JSON's, gzip'd and identity bodies are the same XML, and _pretty
// changes nothing in XML.
func TestXMLFullRead(t *testing.T) {
	const read = "/fhir/CodeSystem/hcpcs-2025-10"
	xml := map[string]string{"Accept": "application/fhir+xml"}
	jsonRead := doRequest(t, http.MethodGet, read, "", nil)
	xmlRead := doRequest(t, http.MethodGet, read, "", xml)
	require.Equal(t, http.StatusOK, xmlRead.Code)
	require.Equal(t, fhirXMLContentType, xmlRead.Header().Get("Content-Type"))
	jsonETag, xmlETag := jsonRead.Header().Get("ETag"), xmlRead.Header().Get("ETag")
	require.Equal(t, strings.TrimSuffix(jsonETag, `"`)+`-xml"`, xmlETag)
	require.Equal(t, meaning(t, jsonRead.Body.Bytes()), meaning(t, xmlToJSON(t, xmlRead.Body.Bytes())))

	for _, c := range []struct {
		name    string
		headers map[string]string
		status  int
	}{
		{"XML validator, XML asked", map[string]string{"Accept": "application/fhir+xml", "If-None-Match": xmlETag}, http.StatusNotModified},
		{"JSON validator, XML asked", map[string]string{"Accept": "application/fhir+xml", "If-None-Match": jsonETag}, http.StatusOK},
		{"XML validator, JSON asked", map[string]string{"If-None-Match": xmlETag}, http.StatusOK},
	} {
		require.Equal(t, c.status, doRequest(t, http.MethodGet, read, "", c.headers).Code, c.name)
	}

	gz := doRequest(t, http.MethodGet, read, "", map[string]string{"Accept": "application/fhir+xml", "Accept-Encoding": "gzip"})
	require.Equal(t, "gzip", gz.Header().Get("Content-Encoding"))
	require.Equal(t, fhirXMLContentType, gz.Header().Get("Content-Type"))
	zr, err := gzip.NewReader(gz.Body)
	require.NoError(t, err)
	unzipped, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.Equal(t, xmlRead.Body.String(), string(unzipped))
	require.Equal(t, xmlRead.Body.String(), doRequest(t, http.MethodGet, read+"?_pretty=true", "", xml).Body.String())
}
