package fhir_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A code system of our own for the tx.fhir.org expansion features: a
// hierarchy in German with English designations, a retired concept, a
// deprecated standards status, and a fragment.
const (
	plantURL = "http://example.org/fhir/CodeSystem/plant"
	plantVS  = "http://example.org/fhir/ValueSet/plant"
)

func plantCodeSystem(content string) string {
	return `{"resourceType":"CodeSystem","url":"` + plantURL + `","version":"2","name":"Plant","status":"active",
	"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status","valueCode":"deprecated"}],
	"content":"` + content + `","caseSensitive":true,"language":"de",
	"property":[{"code":"state","uri":"http://hl7.org/fhir/concept-properties#status","type":"code"}],
	"concept":[
	  {"code":"tree","display":"Baum","designation":[{"language":"en","value":"Tree"}],
	   "concept":[{"code":"oak","display":"Eiche","designation":[{"language":"en-GB","value":"Oak"}]},
	              {"code":"elm","display":"Ulme","property":[{"code":"state","valueCode":"retired"}]}]},
	  {"code":"moss","display":"Moos"}]}`
}

func plantValueSet(extra string) string {
	return `{"resourceType":"ValueSet","url":"` + plantVS + `","version":"1","status":"active"` + extra + `,
	"compose":{"include":[{"system":"` + plantURL + `"}]}}`
}

// entry is a contains entry as the tests read it.
type entry struct {
	Code, Display string
	Designation   []struct{ Language, Value string }
	Extension     []json.RawMessage
	Contains      []entry
}

type expansion struct {
	Language  string
	Expansion struct {
		Total     int
		Parameter []map[string]any
		Extension []struct{ URL string }
		Contains  []entry
	}
}

func expandPlant(t *testing.T, params string, headers map[string]string, resources ...string) expansion {
	t.Helper()
	rec := doRequest(t, http.MethodPost, "/fhir/ValueSet/$expand", txParams(params, resources...), headers)
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	var out expansion
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
	return out
}

func (x expansion) param(name string) []any {
	var out []any
	for _, p := range x.Expansion.Parameter {
		if p["name"] == name {
			for k, v := range p {
				if strings.HasPrefix(k, "value") {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

func shapeOf(es []entry) string {
	var parts []string
	for _, e := range es {
		s := e.Code + "=" + e.Display
		if len(e.Contains) > 0 {
			s += "(" + shapeOf(e.Contains) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func find(es []entry, code string) *entry {
	for i := range es {
		if es[i].Code == code {
			return &es[i]
		}
		if e := find(es[i].Contains, code); e != nil {
			return e
		}
	}
	return nil
}

func TestExpandFeatures(t *testing.T) {
	url := `{"name":"url","valueUri":"` + plantVS + `"}`
	flat := `,{"name":"excludeNested","valueBoolean":true}`
	cs, vs := plantCodeSystem("complete"), plantValueSet("")
	tests := []struct {
		name      string
		params    string
		headers   map[string]string
		resources []string
		check     func(t *testing.T, x expansion)
	}{
		{"nested by default", url, nil, []string{cs, vs}, func(t *testing.T, x expansion) {
			require.Equal(t, "tree=Baum(oak=Eiche elm=Ulme) moss=Moos", shapeOf(x.Expansion.Contains))
			require.Equal(t, 4, x.Expansion.Total)
		}},
		{"flat on request", url + flat, nil, []string{cs, vs}, func(t *testing.T, x expansion) {
			require.Equal(t, "tree=Baum oak=Eiche elm=Ulme moss=Moos", shapeOf(x.Expansion.Contains))
		}},
		{"a status that is not active is a property", url + flat, nil, []string{cs, vs}, func(t *testing.T, x expansion) {
			require.Len(t, find(x.Expansion.Contains, "elm").Extension, 1)
			require.Contains(t, string(find(x.Expansion.Contains, "elm").Extension[0]), `"valueCode":"retired"`)
			require.Empty(t, find(x.Expansion.Contains, "oak").Extension)
			require.Len(t, x.Expansion.Extension, 1, "expansion.property declares status")
		}},
		{"displayLanguage picks the display", url + flat + `,{"name":"displayLanguage","valueCode":"en"},{"name":"includeDesignations","valueBoolean":true}`, nil, []string{cs, vs},
			func(t *testing.T, x expansion) {
				require.Equal(t, "tree=Tree oak=Oak elm=Ulme moss=Moos", shapeOf(x.Expansion.Contains))
				require.Equal(t, []any{"en"}, x.param("displayLanguage"))
				require.Equal(t, []struct{ Language, Value string }{{"de", "Baum"}}, find(x.Expansion.Contains, "tree").Designation,
					"the code system's display becomes a designation")
			}},
		{"no fallback with *;q=0", url + flat + `,{"name":"displayLanguage","valueCode":"en,*;q=0"}`, nil, []string{cs, vs}, func(t *testing.T, x expansion) {
			require.Equal(t, "tree=Tree oak=Oak elm= moss=", shapeOf(x.Expansion.Contains))
			require.Equal(t, []any{"en, *; q=0"}, x.param("displayLanguage"))
		}},
		{"Accept-Language", url + flat, map[string]string{"Accept-Language": "en"}, []string{cs, vs}, func(t *testing.T, x expansion) {
			require.Equal(t, "tree=Tree oak=Oak elm=Ulme moss=Moos", shapeOf(x.Expansion.Contains))
			require.Equal(t, []any{"en"}, x.param("displayLanguage"))
		}},
		{"designation by language", url + flat + `,{"name":"designation","valueString":"urn:ietf:bcp:47|en"}`, nil, []string{cs, vs}, func(t *testing.T, x expansion) {
			require.Len(t, find(x.Expansion.Contains, "tree").Designation, 1)
			require.Empty(t, find(x.Expansion.Contains, "oak").Designation, "en-GB is not en")
			require.Equal(t, []any{"urn:ietf:bcp:47|en"}, x.param("designation"))
		}},
		{"a deprecated code system is warned about", url, nil, []string{cs, vs}, func(t *testing.T, x expansion) {
			require.Equal(t, []any{plantURL + "|2"}, x.param("warning-deprecated"))
		}},
		{"a fragment", url, nil, []string{plantCodeSystem("fragment"), vs}, func(t *testing.T, x expansion) {
			require.Equal(t, []any{plantURL + "|2"}, x.param("used-fragment"))
			require.Equal(t, "http://hl7.org/fhir/StructureDefinition/valueset-unclosed", x.Expansion.Extension[0].URL)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, expandPlant(t, tc.params, tc.headers, tc.resources...))
		})
	}
}

// TestExpandComposeDefaults: a compose's expansion parameters are the
// defaults of a request, and ValueSet.language is kept.
func TestExpandComposeDefaults(t *testing.T) {
	vs := `{"resourceType":"ValueSet","url":"` + plantVS + `","version":"1","status":"active","language":"en",
	"compose":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter",
	  "extension":[{"url":"name","valueCode":"displayLanguage"},{"url":"value","valueCode":"en"}]}],
	"include":[{"system":"` + plantURL + `"}]}}`
	url := `{"name":"url","valueUri":"` + plantVS + `"},{"name":"excludeNested","valueBoolean":true}`
	x := expandPlant(t, url, nil, plantCodeSystem("complete"), vs)
	require.Equal(t, "en", x.Language)
	require.Equal(t, "tree=Tree oak=Oak elm=Ulme moss=Moos", shapeOf(x.Expansion.Contains))
	require.Equal(t, []any{"en"}, x.param("displayLanguage"))

	x = expandPlant(t, url+`,{"name":"displayLanguage","valueCode":"de"}`, nil, plantCodeSystem("complete"), vs)
	require.Equal(t, "tree=Baum oak=Eiche elm=Ulme moss=Moos", shapeOf(x.Expansion.Contains), "the request's own wins")
}
