package fhir

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"testing"
)

// FuzzReadParams feeds arbitrary POST bodies to the Parameters reader: it
// must never panic, and every rejection must be a 4xx request error.
func FuzzReadParams(f *testing.F) {
	for _, seed := range []string{
		`{"resourceType":"Parameters","parameter":[{"name":"code","valueCode":"E0114"},{"name":"system","valueUri":"http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"}]}`,
		`{"resourceType":"Parameters","parameter":[{"name":"coding","valueCoding":{"system":"x","code":"y"}}]}`,
		`{"resourceType":"Parameters","parameter":[{"name":"codeableConcept","valueCodeableConcept":{"coding":[{"code":"A"}]}}]}`,
		`{"resourceType":"Parameters","parameter":[{"name":"abstract","valueBoolean":true},{"name":"n","valueInteger":3}]}`,
		`{"resourceType":"Parameters","parameter":[{"name":"x","part":[{"name":"y","valueString":"z"}]}]}`,
		`{"resourceType":"Patient"}`, `[]`, `{`, ``, `{"resourceType":"Parameters","parameter":[{"valueCode":"A"}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/fhir/CodeSystem/$lookup", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/fhir+json")
		p, err := readParams(req, maxBodyBytes)
		if err != nil {
			var re *requestError
			if !errors.As(err, &re) || re.status < 400 || re.status > 499 {
				t.Fatalf("rejection is not a 4xx request error: %v", err)
			}
			return
		}
		for _, x := range p.list {
			if x.name == "" {
				t.Fatalf("accepted a parameter without a name: %q", body)
			}
		}
	})
}
