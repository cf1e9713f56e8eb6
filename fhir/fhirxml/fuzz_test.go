package fhirxml_test

import (
	"bytes"
	"testing"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
)

// FuzzDecode: the XML reader never panics, and what it accepts round-trips:
// its JSON converts to XML that reads back into the same JSON, byte for
// byte (the decoder writes members in one canonical order).
func FuzzDecode(f *testing.F) {
	for _, c := range codecCases {
		f.Add([]byte(c.xml))
	}
	f.Add([]byte(billionLaughs))
	f.Add([]byte(`<Parameters xmlns="http://hl7.org/fhir"><parameter id="p"><name value="&amp;&#x41;"/><valueDecimal value="1e3"/></parameter></Parameters>`))
	f.Fuzz(func(t *testing.T, in []byte) {
		j1, err := fhirxml.Decode(bytes.NewReader(in))
		if err != nil {
			return
		}
		x, err := fhirxml.AppendXML(nil, j1)
		if err != nil {
			t.Fatalf("the decoder's JSON %s does not convert back: %v", j1, err)
		}
		j2, err := fhirxml.Decode(bytes.NewReader(x))
		if err != nil {
			t.Fatalf("the encoder's XML %s does not read back: %v", x, err)
		}
		if !bytes.Equal(j1, j2) {
			t.Fatalf("round trip changed the JSON:\n%s\n%s", j1, j2)
		}
	})
}

// FuzzAppendXML: the JSON reader and XML writer never panic, and the XML
// they write for JSON they accept is XML the decoder reads.
func FuzzAppendXML(f *testing.F) {
	for _, c := range codecCases {
		f.Add([]byte(c.json))
	}
	f.Add([]byte(`{"resourceType":"ValueSet","name":"\u00e9\ud83d\ude00\n","_name":{"id":"x"}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		x, err := fhirxml.AppendXML(nil, in)
		if err != nil {
			return
		}
		if _, err := fhirxml.Decode(bytes.NewReader(x)); err != nil {
			t.Fatalf("the encoder's XML %s does not read back: %v", x, err)
		}
	})
}
