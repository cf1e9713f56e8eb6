package fhir

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

func TestEngineExtension(t *testing.T) {
	tests := []struct {
		in   string
		want valueset.Extension
		ok   bool
	}{
		{`{"url":"u","valueString":"a."}`, valueset.Extension{URL: "u", Type: "String", Value: "a."}, true},
		{`{"url":"u","valueId":"234234"}`, valueset.Extension{URL: "u", Type: "Id", Value: "234234"}, true},
		{`{"url":"u","valueInteger":6}`, valueset.Extension{URL: "u", Type: "Integer", Value: "6"}, true},
		{`{"url":"u","valueDecimal":1.20}`, valueset.Extension{URL: "u", Type: "Decimal", Value: "1.20"}, true},
		{`{"url":"u","valueBoolean":true}`, valueset.Extension{URL: "u", Type: "Boolean", Value: "true"}, true},
		{`{"url":"u","valueCode":"true"}`, valueset.Extension{URL: "u", Type: "Code", Value: "true"}, true},
		{`{"url":"u","extension":[{"url":"code","valueCode":"x"}]}`,
			valueset.Extension{URL: "u", Extensions: []valueset.Extension{{URL: "code", Type: "Code", Value: "x"}}}, true},
		{`{"url":"u","valueCoding":{"code":"x"}}`, valueset.Extension{}, false},
		{`{"url":"u","extension":[{"url":"v","valueCoding":{"code":"x"}}]}`, valueset.Extension{}, false},
		{`{"url":"u"}`, valueset.Extension{}, false},
		{`{"url":"u","valueString":"a","valueCode":"b"}`, valueset.Extension{}, false},
		{`{"valueString":"a"}`, valueset.Extension{}, false},
		{`[]`, valueset.Extension{}, false},
	}
	for _, tc := range tests {
		got, ok := engineExtension([]byte(tc.in))
		require.Equal(t, tc.ok, ok, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

// An extension is written back with the one value[x] it was read with.
func TestExtensionOutRoundTrip(t *testing.T) {
	for _, in := range []string{
		`{"url":"u","valueString":"a."}`, `{"url":"u","valueId":"234234"}`, `{"url":"u","valueInteger":6}`,
		`{"url":"u","valueDecimal":1.2}`, `{"url":"u","valueBoolean":true}`, `{"url":"u","valueCode":"true"}`,
		`{"url":"u","valueCanonical":"http://x|1"}`, `{"url":"u","valueUri":"urn:x"}`, `{"url":"u","valueMarkdown":"*x*"}`,
		`{"url":"u","valueDateTime":"2024-01-01"}`,
		`{"url":"u","extension":[{"url":"code","valueCode":"x"},{"url":"n","valueInteger":2}]}`,
	} {
		e, ok := engineExtension([]byte(in))
		require.True(t, ok, in)
		out, ok := extensionOut(e)
		require.True(t, ok, in)
		require.JSONEq(t, in, string(mustJSON(out)))
	}
	for _, bad := range []valueset.Extension{{URL: "u", Type: "Base64Binary", Value: "AA=="}, {URL: "u", Type: "Decimal", Value: "true"},
		{URL: "u", Type: "Decimal", Value: `"1"`}, {URL: "u", Type: "Boolean", Value: `"yes"`}, {URL: "u", Type: "Integer", Value: "1.5"}} {
		_, ok := extensionOut(bad)
		require.False(t, ok, "%+v is left out", bad)
	}
	require.Nil(t, extensionsOut([]valueset.Extension{{URL: "u", Type: "Time", Value: "10:00"}}))
}

// A resource's extensions keep the fields the parsers read and the engine's
// form besides.
func TestExtensionInKeepsBoth(t *testing.T) {
	var exts []extensionIn
	require.NoError(t, json.Unmarshal([]byte(`[{"url":"http://hl7.org/fhir/StructureDefinition/valueset-deprecated","valueBoolean":true},{"url":"x","valueQuantity":{"value":1}}]`), &exts))
	require.Equal(t, "deprecated", referenceStatus(exts))
	require.Equal(t, []valueset.Extension{{URL: valueset.ExtValueSetDeprec, Type: "Boolean", Value: "true"}}, engineExtensions(exts))
	require.Error(t, json.Unmarshal([]byte(`[{"url":"x","valueBoolean":"yes"}]`), &exts), "a wrong type is still refused")
}

// FuzzEngineExtension: any JSON is read without a panic, and what is kept
// is written back as an extension with a url and at most one value[x].
func FuzzEngineExtension(f *testing.F) {
	for _, seed := range []string{`{"url":"u","valueString":"a"}`, `{"url":"u","valueDecimal":true}`, `{"url":"u","valueBoolean":"no"}`, `{"url":"u","valueInteger":-1e400}`, `{"url":"u","extension":[{"url":"v","valueBoolean":false}]}`,
		`{"url":"u","value":"x"}`, `{"url":"","valueId":"1"}`, `{"url":"u","valueString":"a","valueCode":"b"}`, `null`, `{`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, ok := engineExtension(b)
		if !ok {
			return
		}
		out, ok := extensionOut(e)
		if !ok {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(mustJSON(out), &m); err != nil {
			t.Fatalf("written extension is not JSON: %v", err)
		}
		values := 0
		for k := range m {
			if len(k) > 5 && k[:5] == "value" {
				values++
			}
		}
		if values > 1 || string(m["url"]) == `""` {
			t.Fatalf("bad extension written: %s", mustJSON(out))
		}
	})
}
