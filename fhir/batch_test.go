package fhir_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir"
)

// The behaviour of ValueSet/$batch-validate-code follows the reference
// server, FHIRsmith tx/workers/batch-validate.js (BatchValidateWorker): the
// top-level parameters a validation does not give itself apply to it, each
// validation is answered as the single $validate-code would be (the
// ValueSet one when it has url or valueSet, else the CodeSystem one), and
// an error of one validation is its answer, as an OperationOutcome. The HL7
// validator sends the batch and reads the answers back by position
// (org.hl7.fhir.core BaseWorkerContext.validateCodeBatch / processBatch).

const batchPath = "/fhir/ValueSet/$batch-validate-code"

// validation is one validation parameter of a batch.
func validation(params ...string) string {
	return `{"name":"validation","resource":` + paramsBody(params...) + `}`
}

func coding(system, code, display string) string {
	c := `{"name":"coding","valueCoding":{"system":"` + system + `","code":"` + code + `"`
	if display != "" {
		c += `,"display":"` + display + `"`
	}
	return c + `}}`
}

// paramName is the name of a parameter written as JSON.
func paramName(t *testing.T, p string) string {
	t.Helper()
	var x struct{ Name string }
	require.NoError(t, json.Unmarshal([]byte(p), &x), p)
	return x.Name
}

// single is the body of the single $validate-code request a validation of
// the batch stands for: the top-level parameters it does not give itself,
// then its own.
func single(t *testing.T, top, own []string) string {
	t.Helper()
	given := map[string]bool{}
	for _, p := range own {
		given[paramName(t, p)] = true
	}
	var all []string
	for _, p := range top {
		if n := paramName(t, p); n == "tx-resource" || !given[n] {
			all = append(all, p)
		}
	}
	return paramsBody(append(all, own...)...)
}

// answers are the resources of the validation parameters of a batch answer.
func answers(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	m := decodeBody(t, body)
	require.Equal(t, "Parameters", m["resourceType"], "%s", body)
	var out []map[string]any
	for _, p := range m["parameter"].([]any) {
		pm := p.(map[string]any)
		require.Equal(t, "validation", pm["name"], "%s", body)
		out = append(out, pm["resource"].(map[string]any))
	}
	return out
}

// TestBatchValidate: every validation of a batch, valid or not, malformed
// or not, is answered in order exactly as the single operation answers it.
func TestBatchValidate(t *testing.T) {
	top := []string{
		`{"name":"tx-resource","resource":` + fruitCodeSystem("1.0") + `}`,
		`{"name":"tx-resource","resource":` + fruitValueSet + `}`,
		`{"name":"url","valueUri":"` + fruitVS + `"}`,
		`{"name":"lenient-display-validation","valueBoolean":true}`,
	}
	parts := []struct {
		name string
		own  []string
		path string // of the single operation
	}{
		{"valid", []string{coding(fruitURL, "bramley", "Bramley apple")}, "/fhir/ValueSet/$validate-code"},
		{"wrong display, lenient from the top", []string{coding(fruitURL, "apple", "Pear")}, "/fhir/ValueSet/$validate-code"},
		{"wrong display, not lenient", []string{coding(fruitURL, "apple", "Pear"), `{"name":"lenient-display-validation","valueBoolean":false}`}, "/fhir/ValueSet/$validate-code"},
		{"unknown code", []string{coding(fruitURL, "banana", "")}, "/fhir/ValueSet/$validate-code"},
		{"not in the value set", []string{coding(fruitURL, "quince", "")}, "/fhir/ValueSet/$validate-code"},
		{"hcpcs", []string{coding(hcpcsURL, "E0114", "")}, "/fhir/ValueSet/$validate-code"},
		{"no code", []string{`{"name":"codingX","valueCoding":{"system":"` + fruitURL + `","code":"apple"}}`}, "/fhir/ValueSet/$validate-code"},
		{"two codes", []string{coding(fruitURL, "apple", ""), `{"name":"code","valueCode":"apple"}`}, "/fhir/ValueSet/$validate-code"},
		{"ill-typed parameter", []string{coding(fruitURL, "apple", ""), `{"name":"date","valueBoolean":true}`}, "/fhir/ValueSet/$validate-code"},
		{"unknown value set", []string{`{"name":"url","valueUri":"http://example.org/none"}`, coding(fruitURL, "apple", "")}, "/fhir/ValueSet/$validate-code"},
		{"own tx-resource", []string{`{"name":"tx-resource","resource":` + strings.Replace(fruitCodeSystem("2.0"), `"display":"Apple"`, `"display":"Green apple"`, 1) + `}`, coding(fruitURL, "apple", "Green apple")}, "/fhir/ValueSet/$validate-code"},
		{"a top-level tx-resource again", []string{`{"name":"tx-resource","resource":` + fruitCodeSystem("1.0") + `}`, coding(fruitURL, "apple", "")}, "/fhir/ValueSet/$validate-code"},
		{"unknown supplement", []string{coding(fruitURL, "apple", ""), `{"name":"useSupplement","valueCanonical":"http://example.org/none"}`}, "/fhir/ValueSet/$validate-code"},
	}
	var batch []string
	batch = append(batch, top...)
	for _, p := range parts {
		batch = append(batch, validation(p.own...))
	}
	rec := doRequest(t, http.MethodPost, batchPath, paramsBody(batch...), nil)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	got := answers(t, rec.Body.Bytes())
	require.Len(t, got, len(parts))
	kinds := map[string]int{}
	for i, p := range parts {
		t.Run(p.name, func(t *testing.T) {
			one := doRequest(t, http.MethodPost, p.path, single(t, top, p.own), nil)
			want := decodeBody(t, one.Body.Bytes())
			require.Equal(t, want, got[i], "validation %d answers as the single request (HTTP %d) does", i, one.Code)
			kinds[want["resourceType"].(string)]++
		})
	}
	// The cases cover both kinds of answer, and the batch kept their order.
	require.Equal(t, map[string]int{"Parameters": 7, "OperationOutcome": 6}, kinds)
	require.Equal(t, "bramley", paramValue(t, got[0], "code"))
	require.Equal(t, "banana", paramValue(t, got[3], "code"))
	require.Equal(t, "E0114", paramValue(t, got[5], "code"))
	require.Equal(t, false, paramValue(t, got[2], "result"))
}

// TestBatchValidateCodeSystem: a validation with neither url nor valueSet
// is a CodeSystem/$validate-code, as in the reference.
func TestBatchValidateCodeSystem(t *testing.T) {
	top := []string{`{"name":"tx-resource","resource":` + fruitCodeSystem("1.0") + `}`}
	own := [][]string{
		{coding(fruitURL, "quince", "")},
		{`{"name":"system","valueUri":"` + hcpcsURL + `"}`, `{"name":"code","valueCode":"E0114"}`, `{"name":"display","valueString":"Wrong"}`},
	}
	body := paramsBody(append(top, validation(own[0]...), validation(own[1]...))...)
	rec := doRequest(t, http.MethodPost, batchPath, body, nil)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	got := answers(t, rec.Body.Bytes())
	require.Len(t, got, 2)
	for i := range own {
		one := doRequest(t, http.MethodPost, "/fhir/CodeSystem/$validate-code", single(t, top, own[i]), nil)
		require.Equal(t, http.StatusOK, one.Code, one.Body.String())
		require.Equal(t, decodeBody(t, one.Body.Bytes()), got[i])
	}
	require.Equal(t, true, paramValue(t, got[0], "result"), "quince is retired, but valid")
	require.Equal(t, false, paramValue(t, got[1], "result"))
}

// TestBatchValidateSession: the batch's definitions come from its cache-id
// session too, and its top-level tx-resources join an open session.
func TestBatchValidateSession(t *testing.T) {
	e := fhirServer(t, fhir.Config{})
	rec := serve(e, http.MethodPost, "/fhir/$cache-control?mode=start", paramsBody(`{"name":"sealed","valueBoolean":false}`), nil)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	id := paramValue(t, decodeBody(t, rec.Body.Bytes()), "cache-id").(string)
	session := map[string]string{"X-Cache-Id": id}
	ask := validation(`{"name":"system","valueUri":"`+fruitURL+`"}`, `{"name":"code","valueCode":"apple"}`)
	rec = serve(e, http.MethodPost, batchPath, paramsBody(`{"name":"tx-resource","resource":`+fruitCodeSystem("1.0")+`}`, ask), session)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	rec = serve(e, http.MethodPost, batchPath, paramsBody(ask), session)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	got := answers(t, rec.Body.Bytes())
	require.Equal(t, "Parameters", got[0]["resourceType"], "%v", got[0])
	require.Equal(t, true, paramValue(t, got[0], "result"), "the session kept the first batch's code system")
	rec = serve(e, http.MethodPost, batchPath, paramsBody(ask), map[string]string{"X-Cache-Id": "nope"})
	require.Equal(t, http.StatusNotFound, rec.Code, rec.Body.String())
}

// TestBatchValidateRejected: what makes the batch itself unreadable is the
// whole request's 4xx, naming the problem.
func TestBatchValidateRejected(t *testing.T) {
	e := fhirServer(t, fhir.Config{MaxBatch: 2})
	ask := validation(coding(hcpcsURL, "E0114", ""))
	url := `{"name":"url","valueUri":"` + hcpcsURL + `?fhir_vs"}`
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"within the limit", http.MethodPost, batchPath, paramsBody(url, ask, ask), 200, ""},
		{"over the limit", http.MethodPost, batchPath, paramsBody(url, ask, ask, ask), 413, "at most 2 per request (--max-batch)"},
		{"empty", http.MethodPost, batchPath, paramsBody(url), 400, "no `validation` parameter"},
		{"GET", http.MethodGet, batchPath + "?url=x", "", 400, "no `validation` parameter"},
		{"validation in a URL", http.MethodGet, batchPath + "?validation=x", "", 400, "validation[0] must be a Parameters resource"},
		{"not a resource", http.MethodPost, batchPath, paramsBody(ask, `{"name":"validation","valueString":"code=E0114"}`), 400, "validation[1] must be a Parameters resource"},
		{"not Parameters", http.MethodPost, batchPath, paramsBody(ask, `{"name":"validation","resource":{"resourceType":"OperationOutcome"}}`), 400, "validation[1] is of type OperationOutcome"},
		{"no resourceType", http.MethodPost, batchPath, paramsBody(`{"name":"validation","resource":{"parameter":[]}}`), 400, "validation[0] has no resourceType"},
		{"not an object", http.MethodPost, batchPath, paramsBody(`{"name":"validation","resource":[1]}`), 400, "validation[0] is not a resource"},
		{"bad top-level tx-resource", http.MethodPost, batchPath, paramsBody(`{"name":"tx-resource","resource":{"resourceType":"Patient"}}`, ask), 400, "tx-resource takes CodeSystem, ValueSet and ConceptMap"},
		{"not a Parameters body", http.MethodPost, batchPath, `{"resourceType":"Bundle"}`, 400, "must be a Parameters resource"},
		{"instance level", http.MethodPost, "/fhir/ValueSet/hcpcs-all/$batch-validate-code", paramsBody(ask), 404, "$batch-validate-code is not supported on ValueSet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(e, tc.method, tc.path, tc.body, nil)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			if tc.want == "" {
				require.Len(t, answers(t, rec.Body.Bytes()), 2)
				return
			}
			require.Contains(t, outcomeText(t, rec.Body.Bytes()), tc.want)
		})
	}
}

// TestBatchValidateMalformedPart: a validation whose parameters cannot be
// read is answered, in its place, with the error a single request with
// that body gets; the others are answered as usual.
func TestBatchValidateMalformedPart(t *testing.T) {
	url := `{"name":"url","valueUri":"` + hcpcsURL + `?fhir_vs"}`
	bad := `{"name":"coding","valueCoding":{"code":"E0114"},"valueCode":"E0114"}`
	body := paramsBody(url, validation(coding(hcpcsURL, "E0114", "")), validation(bad), validation(`{"valueCode":"E0114"}`))
	rec := doRequest(t, http.MethodPost, batchPath, body, nil)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	got := answers(t, rec.Body.Bytes())
	require.Len(t, got, 3)
	require.Equal(t, true, paramValue(t, got[0], "result"))
	for i, own := range []string{bad, `{"valueCode":"E0114"}`} {
		one := doRequest(t, http.MethodPost, "/fhir/ValueSet/$validate-code", paramsBody(url, own), nil)
		require.Equal(t, http.StatusBadRequest, one.Code, one.Body.String())
		want := decodeBody(t, one.Body.Bytes())
		require.Equal(t, "OperationOutcome", got[i+1]["resourceType"])
		// The single request's parameter is the second of its body, the
		// batch's the first of its validation: the texts say so.
		require.Equal(t, strings.Replace(outcomeText(t, one.Body.Bytes()), "parameter[1]", "parameter[0]", 1),
			got[i+1]["issue"].([]any)[0].(map[string]any)["details"].(map[string]any)["text"], "%v", want)
	}
}

// BenchmarkBatchValidate: 100 validations against a request's own value
// set, in one batch and as 100 single requests, which resend the value set
// each time.
func BenchmarkBatchValidate(b *testing.B) {
	e := testEngine(b)
	vs := `{"name":"tx-resource","resource":` + fruitValueSet + `}`
	cs := `{"name":"tx-resource","resource":` + fruitCodeSystem("1.0") + `}`
	url := `{"name":"url","valueUri":"` + fruitVS + `"}`
	codes := []string{"E0114", "apple", "bramley", "quince", "A0021"}
	parts := []string{vs, cs, url}
	var singles []string
	for i := range 100 {
		c := coding(hcpcsURL, codes[i%len(codes)], "")
		if i%len(codes) != 0 && i%len(codes) != 4 {
			c = coding(fruitURL, codes[i%len(codes)], "")
		}
		parts = append(parts, validation(c))
		singles = append(singles, paramsBody(vs, cs, url, c))
	}
	batch := paramsBody(parts...)
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			if rec := serve(e, http.MethodPost, batchPath, batch, nil); rec.Code != http.StatusOK {
				b.Fatal(rec.Body.String())
			}
		}
	})
	b.Run("single", func(b *testing.B) {
		for b.Loop() {
			for _, s := range singles {
				if rec := serve(e, http.MethodPost, "/fhir/ValueSet/$validate-code", s, nil); rec.Code != http.StatusOK {
					b.Fatal(rec.Body.String())
				}
			}
		}
	})
}
