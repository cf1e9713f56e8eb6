package fhir_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir"
)

// benchDefinitions are three tx-resources of the size the HL7 validator
// sends while validating an implementation guide: a code system of 200
// concepts with a definition, a designation and a property each, one of 40
// concepts, and a value set drawing on both and on HCPCS (about 60 KB).
func benchDefinitions() []string {
	concepts := func(prefix string, n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"code":"%s%03d","display":"%s concept number %d","definition":"The %d-th concept of the %s system, for benchmarks",`+
				`"designation":[{"language":"de","value":"%s Konzept %d"}],"property":[{"code":"group","valueCode":"g%d"}]}`,
				prefix, i, prefix, i, i, prefix, prefix, i, i%7)
		}
		return b.String()
	}
	cs := func(url, prefix string, n int) string {
		return `{"resourceType":"CodeSystem","url":"` + url + `","version":"1.0.0","name":"Bench","status":"active","content":"complete",` +
			`"caseSensitive":true,"language":"en","property":[{"code":"group","type":"code"}],"concept":[` + concepts(prefix, n) + `]}`
	}
	vs := `{"resourceType":"ValueSet","url":"http://example.org/fhir/ValueSet/bench","version":"1.0.0","status":"active","compose":{"include":[` +
		`{"system":"http://example.org/fhir/CodeSystem/bench-a","filter":[{"property":"group","op":"=","value":"g3"}]},` +
		`{"system":"http://example.org/fhir/CodeSystem/bench-b"},` +
		`{"system":"` + hcpcsURL + `","concept":[{"code":"E0114"},{"code":"E0100"}]}]}}`
	return []string{cs("http://example.org/fhir/CodeSystem/bench-a", "A", 200), cs("http://example.org/fhir/CodeSystem/bench-b", "B", 40), vs}
}

// BenchmarkValidateWithTxResources measures a ValueSet/$validate-code
// whose value set and code systems come with the request: parsed and built
// on every request inline, once per session with a cache-id.
func BenchmarkValidateWithTxResources(b *testing.B) {
	e := fhirServer(b, fhir.Config{})
	defs := benchDefinitions()
	question := `{"name":"url","valueUri":"http://example.org/fhir/ValueSet/bench"},` +
		`{"name":"coding","valueCoding":{"system":"http://example.org/fhir/CodeSystem/bench-a","code":"A010","display":"A concept number 10"}}`
	inline := txParams(question, defs...)
	bare := txParams(question)
	size := 0
	for _, d := range defs {
		size += len(d)
	}
	check := func(b *testing.B, body string, headers map[string]string) {
		rec := serve(e, http.MethodPost, "/fhir/ValueSet/$validate-code", body, headers)
		require.Equal(b, 200, rec.Code, rec.Body.String())
		var res map[string]any
		require.NoError(b, json.Unmarshal(rec.Body.Bytes(), &res))
		require.Equal(b, true, paramValue(b, res, "result"), rec.Body.String())
	}
	b.Run("inline", func(b *testing.B) {
		b.SetBytes(int64(len(inline)))
		check(b, inline, nil)
		b.ReportMetric(float64(size), "tx-resource-bytes")
		for b.Loop() {
			serve(e, http.MethodPost, "/fhir/ValueSet/$validate-code", inline, nil)
		}
	})
	b.Run("cache-id", func(b *testing.B) {
		rec := serve(e, http.MethodPost, "/fhir/$cache-control?mode=start", txParams("", defs...), nil)
		require.Equal(b, 200, rec.Code, rec.Body.String())
		var started map[string]any
		require.NoError(b, json.Unmarshal(rec.Body.Bytes(), &started))
		id := paramValue(b, started, "cache-id").(string)
		headers := map[string]string{"X-Cache-Id": id}
		b.SetBytes(int64(len(bare)))
		check(b, bare, headers)
		for b.Loop() {
			serve(e, http.MethodPost, "/fhir/ValueSet/$validate-code", bare, headers)
		}
	})
	b.Run("no-tx-resource", func(b *testing.B) { // baseline: a loaded value set, HCPCS
		body := `{"resourceType":"Parameters","parameter":[{"name":"url","valueUri":"http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets?fhir_vs"},` +
			`{"name":"coding","valueCoding":{"system":"` + hcpcsURL + `","code":"E0114"}}]}`
		check(b, body, nil)
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			serve(e, http.MethodPost, "/fhir/ValueSet/$validate-code", body, nil)
		}
	})
}
