package fhirxml_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>`

// codecCases are hand-written pairs of FHIR JSON and the FHIR XML the spec
// gives for it (https://hl7.org/fhir/R4/xml.html), for the parts where the
// two formats differ most.
var codecCases = []struct {
	name, json, xml string
	// fhirJSDropsNulls: FHIR.js 4.12 drops the nulls of a repeating
	// primitive's value array, which then no longer lines up with _name
	// as the spec's JSON requires.
	fhirJSDropsNulls bool
}{
	{
		name: "resource id is an element; JSON order is not XML order",
		json: `{"status":"active","resourceType":"ValueSet","url":"http://x/vs","id":"vs1"}`,
		xml:  `<ValueSet xmlns="http://hl7.org/fhir"><id value="vs1"/><url value="http://x/vs"/><status value="active"/></ValueSet>`,
	},
	{
		name: "primitive id and extension from _field",
		json: `{"resourceType":"ValueSet","status":"active","_status":{"id":"s1","extension":[{"url":"http://x/e","valueCode":"c"}]}}`,
		xml:  `<ValueSet xmlns="http://hl7.org/fhir"><status id="s1" value="active"><extension url="http://x/e"><valueCode value="c"/></extension></status></ValueSet>`,
	},
	{
		name: "repeating primitive with nulls on either side",
		json: `{"resourceType":"ValueSet","status":"draft","compose":{"include":[{"valueSet":["http://x/a",null,"http://x/c"],"_valueSet":[null,{"extension":[{"url":"http://x/e","valueString":"only an extension"}]},{"id":"v3"}]}]}}`,
		xml: `<ValueSet xmlns="http://hl7.org/fhir"><status value="draft"/><compose><include>` +
			`<valueSet value="http://x/a"/><valueSet><extension url="http://x/e"><valueString value="only an extension"/></extension></valueSet><valueSet id="v3" value="http://x/c"/>` +
			`</include></compose></ValueSet>`,
		fhirJSDropsNulls: true,
	},
	{
		name: "narrative div as XHTML elements",
		json: `{"resourceType":"CodeSystem","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p class=\"x\">A &amp; <b>B</b></p></div>"},"status":"active","content":"not-present"}`,
		xml:  `<CodeSystem xmlns="http://hl7.org/fhir"><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p class="x">A &amp; <b>B</b></p></div></text><status value="active"/><content value="not-present"/></CodeSystem>`,
	},
	{
		name: "choice types, element id and Extension url attributes, decimal spelling",
		json: `{"resourceType":"Parameters","parameter":[` +
			`{"name":"coding","valueCoding":{"id":"c1","system":"http://x/s","code":"A"}},` +
			`{"name":"d","valueDecimal":1.50},{"name":"e","valueDecimal":-0.0020},{"name":"i","valueInteger":-7},{"name":"b","valueBoolean":false},` +
			`{"extension":[{"url":"http://x/e","valueUnsignedInt":0}],"name":"s","valueString":"tab\tline\nquote\" <&>"}]}`,
		xml: `<Parameters xmlns="http://hl7.org/fhir">` +
			`<parameter><name value="coding"/><valueCoding id="c1"><system value="http://x/s"/><code value="A"/></valueCoding></parameter>` +
			`<parameter><name value="d"/><valueDecimal value="1.50"/></parameter><parameter><name value="e"/><valueDecimal value="-0.0020"/></parameter>` +
			`<parameter><name value="i"/><valueInteger value="-7"/></parameter><parameter><name value="b"/><valueBoolean value="false"/></parameter>` +
			`<parameter><extension url="http://x/e"><valueUnsignedInt value="0"/></extension><name value="s"/><valueString value="tab&#x9;line&#xA;quote&quot; &lt;&amp;&gt;"/></parameter>` +
			`</Parameters>`,
	},
	{
		name: "contentReference: Parameters.parameter.part and a nested resource",
		json: `{"resourceType":"Parameters","parameter":[{"name":"outer","part":[{"name":"inner","part":[{"name":"leaf","valueCode":"x"}]},` +
			`{"name":"tx-resource","resource":{"resourceType":"CodeSystem","id":"cs","status":"draft","content":"complete","concept":[{"code":"a","concept":[{"code":"b"}]}]}}]}]}`,
		xml: `<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="outer"/>` +
			`<part><name value="inner"/><part><name value="leaf"/><valueCode value="x"/></part></part>` +
			`<part><name value="tx-resource"/><resource><CodeSystem xmlns="http://hl7.org/fhir"><id value="cs"/><status value="draft"/><content value="complete"/>` +
			`<concept><code value="a"/><concept><code value="b"/></concept></concept></CodeSystem></resource></part>` +
			`</parameter></Parameters>`,
	},
	{
		name: "contentReference: ValueSet.compose.exclude; expansion contains in contains",
		json: `{"resourceType":"ValueSet","status":"active","compose":{"exclude":[{"system":"http://x/s","concept":[{"code":"b"}]}],"include":[{"system":"http://x/s"}]},` +
			`"expansion":{"timestamp":"2025-10-01T00:00:00Z","total":2,"contains":[{"code":"a","contains":[{"system":"http://x/s","code":"b","abstract":true}]}]}}`,
		xml: `<ValueSet xmlns="http://hl7.org/fhir"><status value="active"/><compose>` +
			`<include><system value="http://x/s"/></include><exclude><system value="http://x/s"/><concept><code value="b"/></concept></exclude></compose>` +
			`<expansion><timestamp value="2025-10-01T00:00:00Z"/><total value="2"/><contains><code value="a"/><contains><system value="http://x/s"/><abstract value="true"/><code value="b"/></contains></contains></expansion>` +
			`</ValueSet>`,
	},
	{
		name: "Bundle entry resource and an OperationOutcome",
		json: `{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"fullUrl":"http://x/OperationOutcome/1","resource":{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found","details":{"text":"gone"},"expression":["CodeSystem.url"]}]},"search":{"mode":"match"}}]}`,
		xml: `<Bundle xmlns="http://hl7.org/fhir"><type value="searchset"/><total value="1"/><entry><fullUrl value="http://x/OperationOutcome/1"/>` +
			`<resource><OperationOutcome xmlns="http://hl7.org/fhir"><issue><severity value="error"/><code value="not-found"/><details><text value="gone"/></details><expression value="CodeSystem.url"/></issue></OperationOutcome></resource>` +
			`<search><mode value="match"/></search></entry></Bundle>`,
	},
	{
		// The encoder reads a resource's arrays of objects an item at a
		// time, dropping each item's values (and unescaped strings) once
		// written: the resource's own escaped string, written after them,
		// must survive that.
		name: "a resource's array of objects, with escapes inside and after it",
		json: `{"resourceType":"ValueSet","purpose":"why \"this\"","useContext":[{"code":{"code":"a\"b\\"},"valueCodeableConcept":{"text":"t\u00e9"}},{"code":{"code":"c&d"}}],"status":"active"}`,
		xml: `<ValueSet xmlns="http://hl7.org/fhir"><status value="active"/>` +
			`<useContext><code><code value="a&quot;b\"/></code><valueCodeableConcept><text value="té"/></valueCodeableConcept></useContext>` +
			`<useContext><code><code value="c&amp;d"/></code></useContext><purpose value="why &quot;this&quot;"/></ValueSet>`,
	},
	{
		name: "a repeating primitive's _name array of objects on the resource",
		json: `{"resourceType":"OperationDefinition","resource":["CodeSystem","ValueSet"],"_resource":[{"id":"r1"},{"extension":[{"url":"http://x/e","valueBoolean":true}]}],"status":"active"}`,
		xml: `<OperationDefinition xmlns="http://hl7.org/fhir"><status value="active"/><resource id="r1" value="CodeSystem"/>` +
			`<resource value="ValueSet"><extension url="http://x/e"><valueBoolean value="true"/></extension></resource></OperationDefinition>`,
	},
}

// TestEncodeCases: the XML is exactly the spec's, and reads back into the
// same JSON by meaning.
func TestEncodeCases(t *testing.T) {
	for _, c := range codecCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := fhirxml.AppendXML(nil, []byte(c.json))
			require.NoError(t, err)
			require.Equal(t, xmlDecl+c.xml, string(got))
			back, err := fhirxml.Decode(strings.NewReader(c.xml))
			require.NoError(t, err)
			require.Equal(t, meaning(t, []byte(c.json)), meaning(t, back))
		})
	}
}

// TestDecodeLayout: whitespace, comments, an XML declaration, prefixed
// namespaces and xsi:schemaLocation are not content.
func TestDecodeLayout(t *testing.T) {
	in := `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<f:Parameters xmlns:f="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://hl7.org/fhir fhir-all.xsd">
  <f:parameter>
    <f:name value="x"/>  <!-- why -->
    <f:valueInteger value="3"/>
  </f:parameter>
</f:Parameters>
`
	got, err := fhirxml.Decode(strings.NewReader(in))
	require.NoError(t, err)
	require.Equal(t, `{"resourceType":"Parameters","parameter":[{"name":"x","valueInteger":3}]}`, string(got))
}

// TestEncodeWriter: Encode writes the same bytes as AppendXML, and nothing
// when the resource cannot be converted.
func TestEncodeWriter(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, fhirxml.Encode(&buf, []byte(codecCases[0].json)))
	require.Equal(t, xmlDecl+codecCases[0].xml, buf.String())
	buf.Reset()
	require.Error(t, fhirxml.Encode(&buf, []byte(`{"resourceType":"ValueSet","bogus":1}`)))
	require.Zero(t, buf.Len())
}
