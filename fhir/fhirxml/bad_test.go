package fhirxml_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="&lol9;"/></parameter></Parameters>`

// TestDecodeRefuses: each bad body is an *Error whose text names the
// problem (and its element, where there is one).
func TestDecodeRefuses(t *testing.T) {
	const p = `<Parameters xmlns="http://hl7.org/fhir">`
	deep := p + `<parameter>` + strings.Repeat(`<part>`, 120)
	for _, c := range []struct{ name, in, want string }{
		{"billion laughs", billionLaughs, "DOCTYPE"},
		{"external entity", `<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + p + `<parameter><name value="&x;"/></parameter></Parameters>`, "DOCTYPE"},
		{"undeclared entity", p + `<parameter><name value="&x;"/></parameter></Parameters>`, "malformed XML"},
		{"malformed", p + `<parameter><name value="x"></parameter></Parameters>`, "malformed XML"},
		{"truncated", p + `<parameter><name value="x"/>`, "malformed XML"},
		{"empty", ``, "no resource element"},
		{"no namespace", `<Parameters><parameter><name value="x"/></parameter></Parameters>`, "has no namespace"},
		{"wrong namespace", `<Parameters xmlns="http://hl7.org/fhir/wrong"/>`, "namespace http://hl7.org/fhir/wrong"},
		{"child in another namespace", p + `<parameter><x:name xmlns:x="urn:x" value="a"/></parameter></Parameters>`, "namespace urn:x"},
		{"unknown resource type", `<Patient xmlns="http://hl7.org/fhir"/>`, "resource type Patient"},
		{"unknown element", p + `<parameter><nome value="x"/></parameter></Parameters>`, "Parameters.parameter.nome: unknown element <nome>"},
		{"attribute as element", p + `<parameter><id value="x"/></parameter></Parameters>`, "unknown element <id>"},
		{"unknown attribute", p + `<parameter><name value="x" lang="en"/></parameter></Parameters>`, "unknown attribute lang"},
		{"text content", p + `<parameter>hello<name value="x"/></parameter></Parameters>`, `text content "hello"`},
		{"text in a primitive", p + `<parameter><name value="x">hi</name></parameter></Parameters>`, "text content"},
		{"text after the root", p + `</Parameters>trailing`, "text outside"},
		{"second root", p + `</Parameters>` + p + `</Parameters>`, "second root"},
		{"not a boolean", p + `<parameter><name value="x"/><valueBoolean value="yes"/></parameter></Parameters>`, "not a boolean"},
		{"not an integer", p + `<parameter><name value="x"/><valueInteger value="1.5"/></parameter></Parameters>`, "not a integer"},
		{"not a decimal", p + `<parameter><name value="x"/><valueDecimal value="1."/></parameter></Parameters>`, "not a decimal"},
		{"two choices", p + `<parameter><name value="x"/><valueString value="a"/><valueCode value="b"/></parameter></Parameters>`, "takes one type"},
		{"repeated single element", p + `<parameter><name value="x"/><name value="y"/></parameter></Parameters>`, "more than once"},
		{"empty primitive", p + `<parameter><name/></parameter></Parameters>`, "neither a value"},
		{"div outside XHTML", `<CodeSystem xmlns="http://hl7.org/fhir"><text><status value="generated"/><div><p/></div></text></CodeSystem>`, "XHTML namespace"},
		{"processing instruction", p + `<?php x?></Parameters>`, "processing instruction"},
		{"two nested resources", p + `<parameter><name value="r"/><resource><ValueSet/><ValueSet/></resource></parameter></Parameters>`, ""},
		{"too deep", deep, "nested deeper than 100"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := fhirxml.Decode(strings.NewReader(c.in))
			require.Error(t, err, "decoded into %s", got)
			var fe *fhirxml.Error
			require.True(t, errors.As(err, &fe), "%T %v", err, err)
			require.Contains(t, err.Error(), c.want)
		})
	}
}

// TestEncodeRefuses: JSON the codec cannot write is an *Error naming the
// path of the member at fault.
func TestEncodeRefuses(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"unknown element", `{"resourceType":"Parameters","parameter":[{"name":"a"},{"name":"b","valueFoo":1}]}`, `Parameters.parameter[1]: unknown element "valueFoo"`},
		{"unknown in _field", `{"resourceType":"ValueSet","_status":{"foo":1}}`, `ValueSet.status: unknown element "foo" in _status`},
		{"unknown resource", `{"resourceType":"Patient"}`, `resource type "Patient"`},
		{"no resourceType", `{"id":"x"}`, "without resourceType"},
		{"not an object", `[1]`, "JSON object"},
		{"malformed JSON", `{"resourceType":"ValueSet",}`, "JSON at byte"},
		{"duplicate member", `{"resourceType":"ValueSet","id":"a","id":"b"}`, "repeats"},
		{"boolean as string", `{"resourceType":"ValueSet","experimental":"true"}`, "ValueSet.experimental: a boolean value must be a JSON boolean"},
		{"integer as decimal", `{"resourceType":"ValueSet","expansion":{"total":1.5}}`, "ValueSet.expansion.total: a integer value must be a JSON integer number"},
		{"string as number", `{"resourceType":"ValueSet","version":1}`, "must be a JSON string"},
		{"array for a single element", `{"resourceType":"ValueSet","status":["active"]}`, "must be a JSON string"},
		{"object for an array", `{"resourceType":"ValueSet","identifier":{"value":"x"}}`, "ValueSet.identifier: must be an array"},
		{"two value[x]", `{"resourceType":"Parameters","parameter":[{"name":"a","valueString":"x","valueCode":"y"}]}`, "more than one value[x]"},
		{"mismatched _array", `{"resourceType":"ValueSet","compose":{"include":[{"valueSet":["a","b"],"_valueSet":[null]}]}}`, "2 values but 1 items"},
		{"null both sides", `{"resourceType":"ValueSet","compose":{"include":[{"valueSet":[null],"_valueSet":[null]}]}}`, "neither a value nor an extension"},
		{"control character", `{"resourceType":"ValueSet","name":"a\u0001b"}`, "control character"},
		{"div not XHTML", `{"resourceType":"ValueSet","text":{"status":"generated","div":"<div>x</div>"}}`, "XHTML namespace"},
		{"div with a DOCTYPE", `{"resourceType":"ValueSet","text":{"status":"generated","div":"<!DOCTYPE x><div xmlns=\"http://www.w3.org/1999/xhtml\"/>"}}`, "declaration"},
		{"div malformed", `{"resourceType":"ValueSet","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p></div>"}}`, "not well-formed"},
		// A resource's arrays of objects are read an item at a time
		// (jsontree.go: each); what they hold is checked as strictly.
		{"malformed item in a resource's array", `{"resourceType":"CodeSystem","concept":[{"code":"a"},{"code":}]}`, "JSON at byte"},
		{"unterminated string in a resource's array", `{"resourceType":"CodeSystem","concept":[{"code":"a\"}]}`, "JSON at byte"},
		{"brackets crossed in a resource's array", `{"resourceType":"CodeSystem","concept":[{"code":"a"]}}`, "JSON at byte"},
		{"no comma between items", `{"resourceType":"CodeSystem","concept":[{"code":"a"}{"code":"b"}]}`, "JSON at byte"},
		{"data after a resource's array", `{"resourceType":"CodeSystem","concept":[{"code":"a"}] x}`, "JSON at byte"},
		{"control character in a resource's array", "{\"resourceType\":\"CodeSystem\",\"concept\":[{\"code\":\"a\x01\"}]}", "control character in a string"},
		{"duplicate member in a resource's array", `{"resourceType":"CodeSystem","concept":[{"code":"a","code":"b"}]}`, "repeats"},
		{"too deep in a resource's array", `{"resourceType":"CodeSystem","concept":` + strings.Repeat(`[{"concept":`, 60) + `[]` + strings.Repeat(`}]`, 60) + `}`, "nested deeper than 100"},
		{"unknown element in a resource's array", `{"resourceType":"CodeSystem","concept":[{"code":"a"},{"cod":"b"}]}`, `CodeSystem.concept[1]: unknown element "cod"`},
		{"malformed _name array on the resource", `{"resourceType":"OperationDefinition","resource":["CodeSystem"],"_resource":[{"id":}]}`, "JSON at byte"},
		{"nested resource unknown", `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"}}]}`, `Bundle.entry[0].resource: the resource type "Patient"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := fhirxml.AppendXML([]byte("kept"), []byte(c.in))
			require.Error(t, err)
			require.Equal(t, "kept", string(got), "dst as it was given")
			var fe *fhirxml.Error
			require.True(t, errors.As(err, &fe), "%T %v", err, err)
			require.Contains(t, err.Error(), c.want)
		})
	}
}
