package fhir

import (
	"errors"
	"testing"

	"github.com/hcpcs-server/hcpcs-server/terminology/conceptmap"
)

// FuzzParseConceptMap feeds arbitrary bytes to the ConceptMap reader used
// for tx-resource, the conceptMap parameter and loaded packages: it must
// never panic, a rejection must be an invalid-input error with a text (the
// API answers it with a 400 naming the problem), and an accepted map must
// keep to Map.Check and be translatable.
func FuzzParseConceptMap(f *testing.F) {
	for _, seed := range []string{
		`{"resourceType":"ConceptMap","url":"http://x/cm","version":"1","status":"active","sourceUri":"http://x/vs1","targetCanonical":"http://x/vs2",
		  "group":[{"source":"http://s","target":"http://t","element":[{"code":"a","target":[{"code":"b","equivalence":"wider","dependsOn":[{"property":"p","value":"v"}],"product":[{"property":"q","system":"http://u","value":"w"}]}]}],
		  "unmapped":{"mode":"fixed","code":"z"}}]}`,
		`{"resourceType":"ConceptMap","sourceScopeUri":"http://x/vs","group":[{"source":"http://s|2","target":"http://t","element":[{"code":"a","noMap":true},{"code":"c","target":[{"code":"d","relationship":"source-is-broader-than-target"}]}],"unmapped":{"mode":"use-source-code"}}]}`,
		`{"resourceType":"ConceptMap","group":[{"unmapped":{"mode":"other-map","url":"http://x/other"}}]}`,
		`{"resourceType":"ConceptMap","group":[{"element":[{"code":"a","target":[{"code":"b","equivalence":"bogus"}]}]}]}`,
		`{"resourceType":"ConceptMap","group":[{"element":[{"code":"a","target":[{"code":"b","relationship":"bogus"}]}]}]}`,
		`{"resourceType":"ConceptMap","status":"final"}`, `{"resourceType":"ValueSet"}`, `{"resourceType":"ConceptMap","group":{}}`,
		`[]`, `{`, ``, `{"resourceType":"ConceptMap"} {}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseConceptMap(b, "fuzz")
		if err != nil {
			var e *conceptmap.Error
			if !errors.As(err, &e) || !errors.Is(err, conceptmap.ErrInvalid) || e.Text == "" || e.Path == "" {
				t.Fatalf("rejection is not an invalid-input error with a path: %T %v", err, err)
			}
			return
		}
		if err := m.Check(); err != nil {
			t.Fatalf("an accepted map breaks a rule: %v", err)
		}
		for _, g := range m.Groups {
			for _, e := range g.Elements {
				q := conceptmap.Query{Coding: conceptmap.Coding{System: g.Source, Code: e.Code}}
				if _, err := conceptmap.Translate([]*conceptmap.Map{m}, q, func(string) *conceptmap.Map { return m }); err != nil && !errors.Is(err, conceptmap.ErrBroken) {
					t.Fatalf("translating %s#%s: %v", g.Source, e.Code, err)
				}
			}
		}
	})
}
