package fhir_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir"
)

// ConceptMap/$translate over HTTP, with the self-written map of
// testdata/valuesets/equipment-map.json (loaded as --valuesets is) and maps
// given as tx-resource. Inputs and outputs follow the R4 OperationDefinition
// (https://hl7.org/fhir/R4/conceptmap-operation-translate.html) and, for
// the R5 input names, originMap and the reverse answer, the reference
// server: FHIRsmith tx/workers/translate.js (HealthIntersections/FHIRsmith,
// handleTypeLevelTranslate, translateUsingGroupsReverse, noMapsResponse).

const (
	equipmentMap = "http://example.org/fhir/ConceptMap/hcpcs-equipment"
	equipmentCS  = "http://example.org/fhir/CodeSystem/equipment"
	equipmentOM  = equipmentMap + "|1.0.0"
)

// translateAnswer is a $translate answer, read back.
type translateAnswer struct {
	Parameter []struct {
		Name         string
		ValueBoolean *bool
		ValueString  string
		Part         []translatePart
	}
}

type translatePart struct {
	Name           string
	ValueCode      string
	ValueCanonical string
	ValueUri       string
	ValueCoding    *struct{ System, Version, Code, Display string }
	Part           []translatePart
}

// summary: result, message, and each match as "equivalence concept [source] originMap +product/dependsOn".
func (a translateAnswer) summary() (result bool, message string, matches []string) {
	for _, p := range a.Parameter {
		switch p.Name {
		case "result":
			result = *p.ValueBoolean
		case "message":
			message = p.ValueString
		case "match":
			s := ""
			for _, part := range p.Part {
				switch {
				case part.ValueCode != "":
					s += part.Name + "=" + part.ValueCode + " "
				case part.ValueCanonical != "":
					s += part.Name + "=" + part.ValueCanonical + " "
				case part.ValueCoding != nil:
					c := part.ValueCoding
					s += part.Name + "=" + c.System + "|" + c.Version + "#" + c.Code
					if c.Display != "" {
						s += "(" + c.Display + ")"
					}
					s += " "
				default:
					s += part.Name + "["
					for _, sub := range part.Part {
						if sub.ValueCoding != nil {
							s += sub.Name + "=" + sub.ValueCoding.System + "#" + sub.ValueCoding.Code
						} else {
							s += sub.Name + "=" + sub.ValueUri + ","
						}
					}
					s += "] "
				}
			}
			matches = append(matches, s[:len(s)-1])
		}
	}
	return result, message, matches
}

func query(kv ...string) string {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}

func TestTranslateLoadedMap(t *testing.T) {
	cane := "concept=" + equipmentCS + "|3#cane(Cane)"
	cases := []struct {
		name    string
		method  string
		target  string
		body    string
		result  bool
		message string
		matches []string
	}{
		{"GET by system and code", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("system", hcpcsURL, "code", "E0100"), "",
			true, "", []string{"equivalence=equivalent " + cane + " originMap=" + equipmentOM}},
		{"GET by url, with targetsystem", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("url", equipmentMap, "system", hcpcsURL, "code", "E0105", "targetsystem", equipmentCS), "",
			true, "", []string{"equivalence=wider " + cane + " originMap=" + equipmentOM,
				"equivalence=equivalent concept=" + equipmentCS + "|3#cane-quad product[element=http://example.org/fhir/equipment-tip,concept=http://example.org/fhir/CodeSystem/tips#quad] originMap=" + equipmentOM}},
		{"instance level, url|version", http.MethodGet, "/fhir/ConceptMap/hcpcs-equipment/$translate?" + query("system", hcpcsURL, "code", "E0100"), "",
			true, "", []string{"equivalence=equivalent " + cane + " originMap=" + equipmentOM}},
		{"conceptMapVersion", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("url", equipmentMap, "conceptMapVersion", "1.0.0", "system", hcpcsURL, "code", "E0100"), "",
			true, "", []string{"equivalence=equivalent " + cane + " originMap=" + equipmentOM}},
		{"POST coding", http.MethodPost, "/fhir/ConceptMap/$translate",
			`{"resourceType":"Parameters","parameter":[{"name":"coding","valueCoding":{"system":"` + hcpcsURL + `","code":"E0100"}}]}`,
			true, "", []string{"equivalence=equivalent " + cane + " originMap=" + equipmentOM}},
		{"POST codeableConcept: every coding", http.MethodPost, "/fhir/ConceptMap/$translate",
			`{"resourceType":"Parameters","parameter":[{"name":"codeableConcept","valueCodeableConcept":{"coding":[{"system":"` + hcpcsURL + `","code":"E0100"},{"system":"http://example.org/x","code":"y"}]}}]}`,
			true, "", []string{"equivalence=equivalent " + cane + " originMap=" + equipmentOM}},
		{"R5 names", http.MethodPost, "/fhir/ConceptMap/$translate",
			`{"resourceType":"Parameters","parameter":[{"name":"sourceSystem","valueUri":"` + hcpcsURL + `"},{"name":"sourceCode","valueCode":"E0100"},{"name":"targetSystem","valueUri":"` + equipmentCS + `"}]}`,
			true, "", []string{"equivalence=equivalent " + cane + " originMap=" + equipmentOM}},
		{"source and target value sets the map declares", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("system", hcpcsURL, "code", "E0100", "source", "http://example.org/fhir/ValueSet/walking-aids", "target", "http://example.org/fhir/ValueSet/equipment"), "",
			true, "", []string{"equivalence=equivalent " + cane + " originMap=" + equipmentOM}},
		{"a target value set it does not declare", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("system", hcpcsURL, "code", "E0100", "target", "http://example.org/fhir/ValueSet/other"), "",
			false, "No ConceptMap is available to translate from '" + hcpcsURL + "' to 'http://example.org/fhir/ValueSet/other'", nil},
		{"dependsOn without a dependency: both targets", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("system", hcpcsURL, "code", "E0114"), "",
			true, "", []string{
				"equivalence=narrower concept=" + equipmentCS + "|3#crutch-left dependsOn[element=http://example.org/fhir/side,concept=http://example.org/fhir/CodeSystem/side#left] originMap=" + equipmentOM,
				"equivalence=narrower concept=" + equipmentCS + "|3#crutch-right dependsOn[element=http://example.org/fhir/side,concept=http://example.org/fhir/CodeSystem/side#right] originMap=" + equipmentOM}},
		{"a dependency picks one", http.MethodPost, "/fhir/ConceptMap/$translate",
			`{"resourceType":"Parameters","parameter":[{"name":"system","valueUri":"` + hcpcsURL + `"},{"name":"code","valueCode":"E0114"},
			  {"name":"dependency","part":[{"name":"element","valueUri":"http://example.org/fhir/side"},{"name":"concept","valueCodeableConcept":{"coding":[{"system":"http://example.org/fhir/CodeSystem/side","code":"right"}]}}]}]}`,
			true, "", []string{"equivalence=narrower concept=" + equipmentCS + "|3#crutch-right dependsOn[element=http://example.org/fhir/side,concept=http://example.org/fhir/CodeSystem/side#right] originMap=" + equipmentOM}},
		{"unmatched: a match, no translation", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("system", hcpcsURL, "code", "E0110"), "",
			false, "", []string{"equivalence=unmatched originMap=" + equipmentOM}},
		{"disjoint: a match, no translation", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("system", hcpcsURL, "code", "E0112"), "",
			false, "", []string{"equivalence=disjoint concept=" + equipmentCS + "|3#walker originMap=" + equipmentOM}},
		{"unmapped fixed", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("system", hcpcsURL, "code", "J1100"), "",
			true, "", []string{"concept=" + equipmentCS + "|3#other(Other equipment) originMap=" + equipmentOM}},
		{"reverse (R4)", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("system", equipmentCS, "code", "cane", "reverse", "true"), "",
			true, "", []string{
				"equivalence=equivalent concept=" + equipmentCS + "|#cane(Cane) source=" + hcpcsURL + "|#E0100 originMap=" + equipmentOM,
				"equivalence=wider concept=" + equipmentCS + "|#cane(Cane) source=" + hcpcsURL + "|#E0105 originMap=" + equipmentOM}},
		{"reverse (R5 targetCode), from a system with no map", http.MethodPost, "/fhir/ConceptMap/$translate",
			`{"resourceType":"Parameters","parameter":[{"name":"targetCode","valueCode":"cane"},{"name":"targetSystem","valueUri":"` + equipmentCS + `"},{"name":"sourceSystem","valueUri":"http://example.org/none"}]}`,
			false, "No ConceptMap is available to translate from 'http://example.org/none' to '" + equipmentCS + "'", nil},
		{"a code system no map has", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("system", "http://example.org/none", "code", "x"), "",
			false, "No ConceptMap is available to translate from 'http://example.org/none' to '(unspecified)'", nil},
		{"the map, but not the target system", http.MethodGet, "/fhir/ConceptMap/hcpcs-equipment/$translate?" + query("system", hcpcsURL, "code", "E0100", "targetsystem", "http://example.org/none"), "",
			false, "No translations found", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := doRequest(t, c.method, c.target, c.body, nil)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			var a translateAnswer
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a))
			result, message, matches := a.summary()
			require.Equal(t, c.result, result, rec.Body.String())
			require.Equal(t, c.message, message)
			require.Equal(t, c.matches, matches)
		})
	}
}

// a map of the request's own, chained to the loaded one by other-map.
const ownMap = `{"resourceType":"ConceptMap","id":"own","url":"http://example.org/fhir/ConceptMap/own","version":"2",
  "group":[{"source":"http://example.org/fhir/CodeSystem/local","target":"` + hcpcsURL + `",
    "element":[{"code":"stick","target":[{"code":"E0100","equivalence":"equal"}]}],
    "unmapped":{"mode":"provided"}},
  {"source":"` + hcpcsURL + `","target":"` + equipmentCS + `","element":[{"code":"E0100","target":[{"code":"walking-stick","equivalence":"inexact"}]}],
    "unmapped":{"mode":"other-map","url":"` + equipmentMap + `"}}]}`

func TestTranslateRequestMaps(t *testing.T) {
	local := `{"name":"system","valueUri":"http://example.org/fhir/CodeSystem/local"}`
	hcpcs := `{"name":"system","valueUri":"` + hcpcsURL + `"}`
	code := func(c string) string { return `{"name":"code","valueCode":"` + c + `"}` }
	cases := []struct {
		name    string
		body    string
		result  bool
		matches []string
	}{
		{"tx-resource", txParams(local+","+code("stick"), ownMap),
			true, []string{"equivalence=equal concept=" + hcpcsURL + "|#E0100 originMap=http://example.org/fhir/ConceptMap/own|2"}},
		{"unmapped provided", txParams(local+","+code("E0999"), ownMap),
			true, []string{"concept=" + hcpcsURL + "|#E0999 originMap=http://example.org/fhir/ConceptMap/own|2"}},
		{"the request's map and the loaded one both answer", txParams(hcpcs+","+code("E0100"), ownMap),
			true, []string{"equivalence=inexact concept=" + equipmentCS + "|#walking-stick originMap=http://example.org/fhir/ConceptMap/own|2",
				"equivalence=equivalent concept=" + equipmentCS + "|3#cane(Cane) originMap=" + equipmentOM}},
		{"other-map into the loaded map, reported from where it started", txParams(`{"name":"url","valueUri":"http://example.org/fhir/ConceptMap/own"},`+hcpcs+","+code("E0105"), ownMap),
			true, []string{"equivalence=wider concept=" + equipmentCS + "|3#cane(Cane) originMap=http://example.org/fhir/ConceptMap/own|2",
				"equivalence=equivalent concept=" + equipmentCS + "|3#cane-quad product[element=http://example.org/fhir/equipment-tip,concept=http://example.org/fhir/CodeSystem/tips#quad] originMap=http://example.org/fhir/ConceptMap/own|2"}},
		{"inline conceptMap", `{"resourceType":"Parameters","parameter":[{"name":"conceptMap","resource":` + ownMap + `},` + local + "," + code("stick") + `]}`,
			true, []string{"equivalence=equal concept=" + hcpcsURL + "|#E0100 originMap=http://example.org/fhir/ConceptMap/own|2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := doRequest(t, http.MethodPost, "/fhir/ConceptMap/$translate", c.body, nil)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			var a translateAnswer
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a))
			result, _, matches := a.summary()
			require.Equal(t, c.result, result)
			require.Equal(t, c.matches, matches)
		})
	}

	t.Run("the request's map is its own", func(t *testing.T) {
		rec := doRequest(t, http.MethodPost, "/fhir/ConceptMap/$translate", txParams(local+","+code("stick")), nil)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var a translateAnswer
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a))
		result, message, _ := a.summary()
		require.False(t, result)
		require.Contains(t, message, "No ConceptMap is available")
	})

	t.Run("in a cache-id session", func(t *testing.T) {
		e := fhirServer(t, fhir.Config{})
		rec := serve(e, http.MethodPost, "/fhir/$cache-control?mode=start", txParams("", ownMap), nil)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		id, ok := paramValue(t, decodeBody(t, rec.Body.Bytes()), "cache-id").(string)
		require.True(t, ok)
		rec = serve(e, http.MethodGet, "/fhir/ConceptMap/own/$translate?"+query("system", "http://example.org/fhir/CodeSystem/local", "code", "stick"), "", map[string]string{"X-Cache-Id": id})
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var a translateAnswer
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a))
		result, _, matches := a.summary()
		require.True(t, result)
		require.Equal(t, []string{"equivalence=equal concept=" + hcpcsURL + "|#E0100 originMap=http://example.org/fhir/ConceptMap/own|2"}, matches)
	})
}

func TestTranslateBadInput(t *testing.T) {
	cycle := func(from, to string) string {
		return `{"resourceType":"ConceptMap","url":"http://example.org/fhir/ConceptMap/` + from + `","group":[{"source":"http://example.org/s","target":"http://example.org/t",
		  "unmapped":{"mode":"other-map","url":"http://example.org/fhir/ConceptMap/` + to + `"}}]}`
	}
	sc := `{"name":"system","valueUri":"http://example.org/s"},{"name":"code","valueCode":"a"}`
	cases := []struct {
		name, method, target, body string
		status                     int
		code, expression, text     string
	}{
		{"no code", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("system", hcpcsURL), "",
			400, "invalid", "code", "Give the concept to translate"},
		{"code without system", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("code", "E0100"), "",
			400, "invalid", "system", "a code means nothing without its system"},
		{"two concepts", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("code", "E0100", "system", hcpcsURL, "coding", hcpcsURL+"|E0105"), "",
			400, "invalid", "coding", "Give the concept to translate once"},
		{"a coding without system", http.MethodPost, "/fhir/ConceptMap/$translate", `{"resourceType":"Parameters","parameter":[{"name":"coding","valueCoding":{"code":"E0100"}}]}`,
			400, "invalid", "coding", "needs both a system and a code"},
		{"reverse with targetCode", http.MethodPost, "/fhir/ConceptMap/$translate",
			`{"resourceType":"Parameters","parameter":[{"name":"targetCode","valueCode":"cane"},{"name":"targetSystem","valueUri":"` + equipmentCS + `"},{"name":"reverse","valueBoolean":true}]}`,
			400, "invalid", "reverse", "cannot be combined with `targetCode`"},
		{"reverse not a boolean", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("code", "E0100", "system", hcpcsURL, "reverse", "yes"), "",
			400, "invalid", "reverse", "must be true or false"},
		{"unknown url", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("url", "http://example.org/nope", "code", "E0100", "system", hcpcsURL), "",
			404, "not-found", "", "ConceptMap not found: http://example.org/nope."},
		{"unknown version", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("url", equipmentMap, "conceptMapVersion", "9", "code", "E0100", "system", hcpcsURL), "",
			404, "not-found", "", "ConceptMap not found: " + equipmentMap + " version 9."},
		{"version without url", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("conceptMapVersion", "9", "code", "E0100", "system", hcpcsURL), "",
			400, "invalid", "conceptMapVersion", "needs `url`"},
		{"unknown id", http.MethodGet, "/fhir/ConceptMap/nope/$translate?" + query("code", "E0100", "system", hcpcsURL), "",
			404, "not-found", "", "ConceptMap/nope is not known here"},
		{"malformed tx-resource", http.MethodPost, "/fhir/ConceptMap/$translate",
			txParams(sc, `{"resourceType":"ConceptMap","url":"http://example.org/cm","group":[{"element":[{"code":"a","target":[{"code":"b","equivalence":"same"}]}]}]}`),
			400, "invalid", "ConceptMap.group[0].element[0].target[0].equivalence", `The ConceptMap in tx-resource[0]: ConceptMap.group[0].element[0].target[0].equivalence "same" is not an R4 concept map equivalence`},
		{"tx-resource that is not JSON of a ConceptMap", http.MethodPost, "/fhir/ConceptMap/$translate",
			txParams(sc, `{"resourceType":"ConceptMap","group":{}}`),
			400, "invalid", "ConceptMap", "The ConceptMap in tx-resource[0] is not a valid FHIR ConceptMap"},
		{"tx-resource without url", http.MethodPost, "/fhir/ConceptMap/$translate",
			txParams(sc, `{"resourceType":"ConceptMap","status":"draft"}`),
			400, "invalid", "tx-resource", "has no url"},
		{"malformed inline map", http.MethodPost, "/fhir/ConceptMap/$translate",
			`{"resourceType":"Parameters","parameter":[` + sc + `,{"name":"conceptMap","resource":{"resourceType":"ConceptMap","group":[{"unmapped":{"mode":"fixed"}}]}}]}`,
			400, "invalid", "ConceptMap.group[0].unmapped.code", "The conceptMap parameter: ConceptMap.group[0].unmapped has mode fixed but no code"},
		{"url and inline map", http.MethodPost, "/fhir/ConceptMap/$translate",
			`{"resourceType":"Parameters","parameter":[` + sc + `,{"name":"url","valueUri":"` + equipmentMap + `"},{"name":"conceptMap","resource":` + ownMap + `}]}`,
			400, "invalid", "conceptMap", "either by url or as the conceptMap parameter"},
		{"other-map cycle", http.MethodPost, "/fhir/ConceptMap/$translate", txParams(sc, cycle("a", "b"), cycle("b", "a")),
			422, "business-rule", "ConceptMap.group.unmapped.url", "a cycle"},
		{"other-map missing", http.MethodPost, "/fhir/ConceptMap/$translate", txParams(sc, cycle("a", "nowhere")),
			422, "business-rule", "ConceptMap.group.unmapped.url", "http://example.org/fhir/ConceptMap/nowhere named in group.unmapped.url"},
		{"dependency without parts", http.MethodGet, "/fhir/ConceptMap/$translate?" + query("code", "E0100", "system", hcpcsURL, "dependency", "x"), "",
			400, "invalid", "dependency", "must have parts element and concept"},
		{"dependency without element", http.MethodPost, "/fhir/ConceptMap/$translate",
			`{"resourceType":"Parameters","parameter":[` + sc + `,{"name":"dependency","part":[{"name":"concept","valueCoding":{"code":"x"}}]}]}`,
			400, "invalid", "dependency", "has no element part"},
		{"another operation", http.MethodPost, "/fhir/ConceptMap/$closure", "",
			404, "not-supported", "", "supported: $translate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := doRequest(t, c.method, c.target, c.body, nil)
			require.Equal(t, c.status, rec.Code, rec.Body.String())
			var oo struct {
				ResourceType string
				Issue        []struct {
					Code       string
					Expression []string
					Details    struct{ Text string }
				}
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &oo))
			require.Equal(t, "OperationOutcome", oo.ResourceType)
			require.Len(t, oo.Issue, 1)
			require.Equal(t, c.code, oo.Issue[0].Code)
			if c.expression == "" {
				require.Empty(t, oo.Issue[0].Expression)
			} else {
				require.Equal(t, []string{c.expression}, oo.Issue[0].Expression)
			}
			require.Contains(t, oo.Issue[0].Details.Text, c.text)
		})
	}
}
