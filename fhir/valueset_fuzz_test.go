package fhir

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// FuzzParseValueSet feeds arbitrary bytes to the ValueSet reader used for
// loaded files and for the inline valueSet parameter: it must never panic,
// and a rejection must be an invalid-input engine error, which the API
// answers with a 400 naming the problem.
func FuzzParseValueSet(f *testing.F) {
	for _, seed := range []string{
		`{"resourceType":"ValueSet","url":"http://x/vs","status":"active","compose":{"include":[{"system":"http://s","concept":[{"code":"a","display":"A"}]}]}}`,
		`{"resourceType":"ValueSet","compose":{"lockedDate":"2023-02-01","inactive":false,"include":[{"valueSet":["http://x/other|1"]}],"exclude":[{"system":"s","filter":[{"property":"p","op":"=","value":"v"}]}]}}`,
		`{"resourceType":"ValueSet","status":"bogus"}`, `{"resourceType":"CodeSystem"}`, `{"resourceType":"ValueSet","compose":{"lockedDate":"soon"}}`,
		`[]`, `{`, ``, `{"resourceType":"ValueSet","compose":{"include":[{"concept":[{"code":1}]}]}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		vs, err := ParseValueSet(b, "fuzz")
		if err != nil {
			var e *valueset.Error
			if !errors.As(err, &e) || !errors.Is(err, valueset.ErrInvalid) || e.Text == "" {
				t.Fatalf("rejection is not an invalid-input engine error: %T %v", err, err)
			}
			return
		}
		// What a read serves of it is the resource as given.
		var res struct{ ResourceType string }
		if err := json.Unmarshal(valueSetResourceJSON(vs), &res); err != nil || res.ResourceType != "ValueSet" {
			t.Fatalf("an accepted ValueSet is served as %q (%v)", res.ResourceType, err)
		}
	})
}
