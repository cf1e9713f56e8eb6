package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	v, err := decodeJSON([]byte(s))
	require.NoError(t, err, s)
	return v
}

// TestTxMatcher checks the port of CompareUtilities marker by marker, so
// that a matcher more lenient (or stricter) than the official one cannot
// change a verdict unnoticed. Expected and actual are wrapped in an object
// {"v": …} when they are not objects.
func TestTxMatcher(t *testing.T) {
	for _, c := range []struct {
		name     string
		exp, act string
		ok       bool
		pattern  bool
	}{
		// objects
		{"equal", `{"a":"x","b":true,"c":1}`, `{"a":"x","b":true,"c":1}`, true, false},
		{"unexpected property", `{"a":"x"}`, `{"a":"x","b":1}`, false, false},
		{"missing property", `{"a":"x","b":1}`, `{"a":"x"}`, false, false},
		{"fhir_comments ignored", `{"a":"x","fhir_comments":["c"]}`, `{"a":"x","fhir_comments":["d"]}`, true, false},
		{"object vs array", `{"a":{}}`, `{"a":[]}`, false, false},
		{"string vs number", `{"c":"1"}`, `{"c":1}`, false, false},
		{"number text", `{"c":1}`, `{"c":1.0}`, false, false},
		{"boolean", `{"b":true}`, `{"b":false}`, false, false},
		{"null", `{"n":null}`, `{"n":null}`, true, false},
		{"null vs string", `{"n":null}`, `{"n":"x"}`, false, false},
		// $optional-properties$
		{"optional property absent", `{"$optional-properties$":["b"],"a":"x","b":1}`, `{"a":"x"}`, true, false},
		{"optional property compared", `{"$optional-properties$":["b"],"a":"x","b":1}`, `{"a":"x","b":2}`, false, false},
		{"optional property any value", `{"$optional-properties$":["b"],"a":"x"}`, `{"a":"x","b":2}`, true, false},
		{"optional star: absent ok", `{"$optional-properties$":["*"],"a":"x","b":1}`, `{}`, true, false},
		{"optional star: extra still fails", `{"$optional-properties$":["*"],"a":"x"}`, `{"a":"x","z":1}`, false, false},
		// $count-arrays$
		{"count-arrays same count", `{"$count-arrays$":["a"],"a":[1,2]}`, `{"a":[3,4]}`, true, false},
		{"count-arrays other count", `{"$count-arrays$":["a"],"a":[1,2]}`, `{"a":[3]}`, false, false},
		// $optional$ items
		{"optional true absent", `{"v":[{"$optional$":true,"a":1},{"a":2}]}`, `{"v":[{"a":2}]}`, true, false},
		{"optional true present", `{"v":[{"$optional$":true,"a":1},{"a":2}]}`, `{"v":[{"a":1},{"a":2}]}`, true, false},
		{"optional false is required", `{"v":[{"$optional$":false,"a":1}]}`, `{"v":[]}`, false, false},
		{"optional item at the tail", `{"v":[{"a":1},{"$optional$":true,"a":2}]}`, `{"v":[{"a":1}]}`, true, false},
		{"optional item in the middle", `{"v":[{"a":1},{"$optional$":true,"a":2},{"a":3}]}`, `{"v":[{"a":1},{"a":3}]}`, true, false},
		{"optional item wrong", `{"v":[{"$optional$":true,"a":1}]}`, `{"v":[{"a":3}]}`, false, false},
		{"warning: optional", `{"v":[{"$optional$":"warning:version","a":1}]}`, `{"v":[]}`, true, false},
		{"version:4 optional on R4", `{"v":[{"$optional$":"version:4","a":1}]}`, `{"v":[]}`, true, false},
		{"version:5 required on R4", `{"v":[{"$optional$":"version:5","a":1}]}`, `{"v":[]}`, false, false},
		{"mode on: optional", `{"v":[{"$optional$":"general","a":1}]}`, `{"v":[]}`, true, false},
		{"mode off: required", `{"v":[{"$optional$":"tx.fhir.org","a":1}]}`, `{"v":[]}`, false, false},
		{"!mode off: optional", `{"v":[{"$optional$":"!tx.fhir.org","a":1}]}`, `{"v":[]}`, true, false},
		{"!mode on: required", `{"v":[{"$optional$":"!general","a":1}]}`, `{"v":[]}`, false, false},
		{"absent array of $optional$ items, any value", `{"e":[{"$optional$":"tx.fhir.org","a":1}]}`, `{}`, true, false},
		{"absent array of strings", `{"e":["x"]}`, `{}`, true, false},
		{"absent array with a required object", `{"e":[{"a":1}]}`, `{}`, false, false},
		// arrays are matched in order
		{"array order matters", `{"v":[{"a":1},{"a":2}]}`, `{"v":[{"a":2},{"a":1}]}`, false, false},
		{"extra item", `{"v":[{"a":1}]}`, `{"v":[{"a":1},{"a":2}]}`, false, false},
		{"missing item", `{"v":[{"a":1},{"a":2}]}`, `{"v":[{"a":1}]}`, false, false},
		// pattern mode (metadata, term-caps)
		{"pattern: extra properties", `{"a":1}`, `{"a":1,"b":2}`, true, true},
		{"pattern: missing property", `{"a":1,"b":2}`, `{"a":1}`, false, true},
		{"pattern: items in order", `{"v":["b","d"]}`, `{"v":["a","b","c","d"]}`, true, true},
		{"pattern: items out of order", `{"v":["d","b"]}`, `{"v":["a","b","c","d"]}`, false, true},
		{"pattern: item not found", `{"v":["e"]}`, `{"v":["a"]}`, false, true},
		// string templates
		{"$$", `{"v":"$$"}`, `{"v":"anything"}`, true, false},
		{"$string$ empty", `{"v":"$string$"}`, `{"v":""}`, true, false},
		{"$string$ untrimmed", `{"v":"$string$"}`, `{"v":" x"}`, false, false},
		{"$id$", `{"v":"$id$"}`, `{"v":"abc-1.2"}`, true, false},
		{"$id$ bad", `{"v":"$id$"}`, `{"v":"a b"}`, false, false},
		{"$uuid$", `{"v":"$uuid$"}`, `{"v":"urn:uuid:8acdbfdc-e9d2-11ed-a05b-0242ac120003"}`, true, false},
		{"$uuid$ needs urn:uuid:", `{"v":"$uuid$"}`, `{"v":"8acdbfdc-e9d2-11ed-a05b-0242ac120003"}`, false, false},
		{"$url$", `{"v":"$url$"}`, `{"v":"http://x.org/fhir/ValueSet/a?b=c"}`, true, false},
		{"$url$ not urn", `{"v":"$url$"}`, `{"v":"urn:oid:1.2.3"}`, false, false},
		{"$token$", `{"v":"$token$"}`, `{"v":"HCPCS_1.0-x"}`, true, false},
		{"$token$ bad", `{"v":"$token$"}`, `{"v":"-x"}`, false, false},
		{"$date$ day", `{"v":"$date$"}`, `{"v":"2025-10-01"}`, true, false},
		{"$date$ time", `{"v":"$date$"}`, `{"v":"2025-10-01T10:00:00Z"}`, true, false},
		{"$date$ month only", `{"v":"$date$"}`, `{"v":"2025-10"}`, false, false},
		{"$instant$", `{"v":"$instant$"}`, `{"v":"2025-10-01T10:00:00.123+02:00"}`, true, false},
		{"$instant$ date", `{"v":"$instant$"}`, `{"v":"2025-10-01"}`, false, false},
		{"$semver$", `{"v":"$semver$"}`, `{"v":"1.9.0-ballot.1+b2"}`, true, false},
		{"$semver$ no patch", `{"v":"$semver$"}`, `{"v":"1.9"}`, false, false},
		{"$semver$ leading zero", `{"v":"$semver$"}`, `{"v":"1.09.0"}`, false, false},
		{"$version$", `{"v":"$version$"}`, `{"v":"4.0.1"}`, true, false},
		{"$version$ other", `{"v":"$version$"}`, `{"v":"4.0"}`, false, false},
		{"$version$ inside text", `{"v":"R $version$ only"}`, `{"v":"R 4.0.1 only"}`, true, false},
		{"$choice$", `{"v":"$choice:a|b$"}`, `{"v":"b"}`, true, false},
		{"$choice$ no", `{"v":"$choice:a|b$"}`, `{"v":"ab"}`, false, false},
		{"$fragments$ ignore case", `{"v":"$fragments:Unknown|e0114$"}`, `{"v":"unknown code 'E0114'"}`, true, false},
		{"$fragments$ missing", `{"v":"$fragments:Unknown|Zebra$"}`, `{"v":"Unknown code"}`, false, false},
		{"$external$ without externals", `{"v":"$external:1$"}`, `{"v":"whatever"}`, true, false},
		{"$external$ fragments", `{"v":"$external:1:Wrong|display$"}`, `{"v":"Wrong Display Name"}`, true, false},
		{"$external$ fragments missing", `{"v":"$external:1:Wrong|zebra$"}`, `{"v":"Wrong Display Name"}`, false, false},
		{"unknown template", `{"v":"$foo$"}`, `{"v":"x"}`, false, false},
		{"narrative never compared", `{"div":"<div>a</div>"}`, `{"div":"<div xmlns=\"x\">b</div>"}`, true, false},
		// the base64 fallback of CompareUtilities: what is outside the
		// alphabet is skipped, left-over bits are dropped
		{"base64: spaces and quotes", `{"v":"Entry 1 for 'x'"}`, `{"v":"Entry1 for x"}`, true, false},
		{"base64: left-over character", `{"v":"term1"}`, `{"v":"term2"}`, true, false},
		{"base64: trailing bits", `{"v":"Item (1.2)"}`, `{"v":"Item (1.0)"}`, true, false},
		{"base64: case differs", `{"v":"Term"}`, `{"v":"term"}`, false, false},
		{"base64: nothing decodes", `{"v":"x"}`, `{"v":"y"}`, false, false},
	} {
		cmp := &txComparer{modes: map[string]bool{"general": true}, vars: map[string]string{"version": txFHIRVersion}, pattern: c.pattern}
		d := cmp.compareObjects("", mustJSON(t, c.exp).(map[string]any), mustJSON(t, c.act).(map[string]any))
		require.Equalf(t, c.ok, d == "", "%s: %s", c.name, d)
	}

	t.Run("warning recorded", func(t *testing.T) {
		cmp := &txComparer{vars: map[string]string{"version": txFHIRVersion}}
		d := cmp.compareObjects("", mustJSON(t, `{"v":[{"$optional$":"warning:version"}]}`).(map[string]any), mustJSON(t, `{"v":[]}`).(map[string]any))
		require.Empty(t, d)
		require.Equal(t, []string{"version"}, cmp.warnings)
	})
	t.Run("externals file", func(t *testing.T) {
		cmp := &txComparer{externals: map[string]any{"1": "Exact text"}}
		ok, _ := cmp.matches("Exact text", "$external:1:zebra$")
		require.True(t, ok)
		ok, _ = cmp.matches("Exact text!", "$external:1$")
		require.False(t, ok)
	})
	require.Equal(t, []string{"a", "", "b"}, javaSplit("a||b||", "|"))
	require.Equal(t, []string{""}, javaSplit("", "|"))
	require.Nil(t, javaSplit("||", "|"))
	require.Equal(t, "Hello", string(unBase64("SGVsbG8=")))
	ok, known := httpCodeOk("4xx", 404)
	require.True(t, ok && known)
	ok, _ = httpCodeOk("2xx", 400)
	require.False(t, ok)
	_, known = httpCodeOk("404", 404)
	require.False(t, known)
}
