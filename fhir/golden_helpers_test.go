package fhir_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// goldenDir holds one pretty-printed response body per golden case.
const goldenDir = "testdata/golden"

// fhirPath builds a request target under /fhir with an encoded query from
// name/value pairs, in the order given (names may repeat).
func fhirPath(path string, kv ...string) string {
	if len(kv)%2 != 0 {
		panic("fhirPath: odd number of query arguments")
	}
	if len(kv) == 0 {
		return "/fhir" + path
	}
	parts := make([]string, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		parts = append(parts, url.QueryEscape(kv[i])+"="+url.QueryEscape(kv[i+1]))
	}
	return "/fhir" + path + "?" + strings.Join(parts, "&")
}

// ---- Order-preserving JSON, so that golden files read like the server's output.

// object is a JSON object that remembers its key order.
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) get(k string) (any, bool) {
	v, ok := o.vals[k]
	return v, ok
}

func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// elidedArray stands for an array that parseOrdered did not decode
// element by element: only its length is kept.
type elidedArray struct{ n int }

// parseOrdered decodes one JSON document into *object, []any, string,
// json.Number, bool and nil. With elideConcept, the value of every
// "concept" key must be an array and becomes an elidedArray: a release's
// concepts are megabytes, and decoding them token by token is slow.
func parseOrdered(b []byte, elideConcept bool) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeValue(dec, elideConcept)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder, elideConcept bool) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is %T", kt)
				}
				if _, dup := o.vals[k]; dup {
					return nil, fmt.Errorf("duplicate key %q", k)
				}
				if elideConcept && k == "concept" {
					var raw []json.RawMessage
					if err := dec.Decode(&raw); err != nil {
						return nil, fmt.Errorf("concept: %w", err)
					}
					o.set(k, elidedArray{len(raw)})
					continue
				}
				v, err := decodeValue(dec, elideConcept)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			_, err := dec.Token() // '}'
			return o, err
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec, elideConcept)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token() // ']'
			return arr, err
		}
		return nil, fmt.Errorf("unexpected delimiter %v", t)
	default:
		return t, nil
	}
}

// writePretty renders an ordered value with two-space indentation and no
// HTML escaping.
func writePretty(buf *bytes.Buffer, v any, indent string) {
	switch x := v.(type) {
	case *object:
		if len(x.keys) == 0 {
			buf.WriteString("{}")
			return
		}
		buf.WriteString("{\n")
		for i, k := range x.keys {
			buf.WriteString(indent + "  ")
			writeScalar(buf, k)
			buf.WriteString(": ")
			writePretty(buf, x.vals[k], indent+"  ")
			if i < len(x.keys)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString(indent + "}")
	case []any:
		if len(x) == 0 {
			buf.WriteString("[]")
			return
		}
		buf.WriteString("[\n")
		for i, e := range x {
			buf.WriteString(indent + "  ")
			writePretty(buf, e, indent+"  ")
			if i < len(x)-1 {
				buf.WriteByte(',')
			}
			buf.WriteByte('\n')
		}
		buf.WriteString(indent + "]")
	case elidedArray:
		panic("writePretty: an elided concept array was not replaced by elideConcepts")
	default:
		writeScalar(buf, x)
	}
}

func writeScalar(buf *bytes.Buffer, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	buf.Write(bytes.TrimRight(b.Bytes(), "\n"))
}

func pretty(v any) []byte {
	var buf bytes.Buffer
	writePretty(&buf, v, "")
	buf.WriteByte('\n')
	return buf.Bytes()
}

// ---- Normalisation of volatile values. Each replacement is explicit and
// checks the value it replaces, so nothing is ignored blindly.

const volatileLoadTime = "<volatile: snapshot load time>"

// normalizeVolatile replaces the `date` of CapabilityStatement and
// TerminologyCapabilities: it is the time the snapshot was built. The value
// must be an RFC 3339 timestamp within the last day.
func normalizeVolatile(t *testing.T, v any) {
	t.Helper()
	o, ok := v.(*object)
	if !ok {
		return
	}
	rt, _ := o.get("resourceType")
	switch rt {
	case "CapabilityStatement", "TerminologyCapabilities":
		d, ok := o.get("date")
		require.True(t, ok, "%s has no date", rt)
		ds, ok := d.(string)
		require.True(t, ok, "%s.date is %T", rt, d)
		ts, err := time.Parse(time.RFC3339, ds)
		require.NoError(t, err, "%s.date", rt)
		require.WithinDuration(t, time.Now(), ts, 24*time.Hour, "%s.date is the snapshot load time", rt)
		o.set("date", volatileLoadTime)
		if sw, ok := o.get("software"); ok && rt == "CapabilityStatement" {
			swo := sw.(*object)
			rd, _ := swo.get("releaseDate")
			day, _ := rd.(string)
			_, err := time.Parse(time.DateOnly, day)
			require.NoError(t, err, "software.releaseDate (a test build has no vcs.time: the load day)")
			swo.set("releaseDate", "<volatile: build or load day>")
		}
	case "ValueSet":
		x, ok := o.get("expansion")
		if !ok {
			return
		}
		exp, ok := x.(*object)
		require.True(t, ok, "expansion is %T", x)
		ts, ok := exp.get("timestamp")
		require.True(t, ok, "an expansion has a timestamp")
		tss, _ := ts.(string)
		when, err := time.Parse(time.RFC3339, tss)
		require.NoError(t, err, "expansion.timestamp")
		require.WithinDuration(t, time.Now(), when, 24*time.Hour, "expansion.timestamp is the snapshot load time")
		exp.set("timestamp", volatileLoadTime)
		// The identifier hashes the data's fingerprint, which any fixture
		// change moves; TestExpansionIdentifier checks what it must be.
		id, _ := exp.get("identifier")
		ids, _ := id.(string)
		require.Regexp(t, `^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, ids)
		exp.set("identifier", "urn:uuid:(a function of data, value set and request)")
	}
}

// elideConcepts replaces each `concept` array of a CodeSystem (the resource
// itself or a search Bundle's entries), which parseOrdered left undecoded,
// with a marker holding its length, and checks that the length equals
// CodeSystem.count. Full HCPCS releases are megabytes; their concepts are
// checked by the explicit read tests.
func elideConcepts(t *testing.T, v any) {
	t.Helper()
	elide := func(cs *object) {
		c, ok := cs.get("concept")
		if !ok {
			return
		}
		arr, ok := c.(elidedArray)
		require.True(t, ok, "concept is %T", c)
		if n, ok := cs.get("count"); ok {
			require.Equal(t, json.Number(fmt.Sprint(arr.n)), n, "CodeSystem.count of %v", cs.vals["id"])
		}
		cs.set("concept", fmt.Sprintf("<%d concepts elided by the golden test>", arr.n))
	}
	o, ok := v.(*object)
	if !ok {
		return
	}
	switch rt, _ := o.get("resourceType"); rt {
	case "CodeSystem":
		elide(o)
	case "Bundle":
		entries, _ := o.get("entry")
		for _, e := range asArray(entries) {
			if eo, ok := e.(*object); ok {
				if r, ok := eo.get("resource"); ok {
					if ro, ok := r.(*object); ok {
						elide(ro)
					}
				}
			}
		}
	}
}

func asArray(v any) []any {
	a, _ := v.([]any)
	return a
}

// toPlain converts an ordered value to the plain any of encoding/json, for
// comparison by meaning.
func toPlain(t *testing.T, v any) any {
	t.Helper()
	var b bytes.Buffer
	writePretty(&b, v, "")
	var out any
	require.NoError(t, json.Unmarshal(b.Bytes(), &out))
	return out
}

// ---- Structural checks that apply to every body.

// valueKey matches the name of a value[x] element: "value" followed by a
// type name starting with an uppercase letter.
var valueKey = regexp.MustCompile(`^value[A-Z]`)

// checkOneValueX reports every JSON object that has more than one value[x]
// key, with its path.
func checkOneValueX(v any, path string, problems *[]string) {
	switch x := v.(type) {
	case map[string]any:
		var vs []string
		for k := range x {
			if valueKey.MatchString(k) {
				vs = append(vs, k)
			}
		}
		if len(vs) > 1 {
			sort.Strings(vs)
			*problems = append(*problems, fmt.Sprintf("%s has %d value[x]: %s", path, len(vs), strings.Join(vs, ", ")))
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			checkOneValueX(x[k], path+"."+k, problems)
		}
	case []any:
		for i, e := range x {
			checkOneValueX(e, fmt.Sprintf("%s[%d]", path, i), problems)
		}
	}
}

// FHIR R4 issue-severity and issue-type value sets.
var (
	validSeverities = map[string]bool{"fatal": true, "error": true, "warning": true, "information": true}
	validIssueTypes = map[string]bool{
		"invalid": true, "structure": true, "required": true, "value": true, "invariant": true,
		"security": true, "login": true, "unknown": true, "expired": true, "forbidden": true, "suppressed": true,
		"processing": true, "not-supported": true, "duplicate": true, "multiple-matches": true, "not-found": true,
		"deleted": true, "too-long": true, "code-invalid": true, "extension": true, "too-costly": true,
		"business-rule": true, "conflict": true, "transient": true, "lock-error": true, "no-store": true,
		"exception": true, "timeout": true, "incomplete": true, "throttled": true, "informational": true,
	}
	validTxIssueTypes = map[string]bool{
		"not-in-vs": true, "this-code-not-in-vs": true, "invalid-code": true, "display": true,
		"display-comment": true, "not-found": true, "code-comment": true, "vs-invalid": true,
		"status-check": true, "inactive-code": true, "code-rule": true, "invalid-display": true,
		"cannot-infer": true, "version-error": true, "invalid-data": true, "process-note": true,
	}
)

// checkOutcomes finds every OperationOutcome in a body (the body itself, or
// a Parameters part such as `issues`) and checks each issue's severity,
// code and tx-issue-type coding.
func checkOutcomes(v any, path string, problems *[]string) {
	switch x := v.(type) {
	case map[string]any:
		if x["resourceType"] == "OperationOutcome" {
			issues, _ := x["issue"].([]any)
			if len(issues) == 0 {
				*problems = append(*problems, path+": OperationOutcome without issues")
			}
			for i, is := range issues {
				where := fmt.Sprintf("%s.issue[%d]", path, i)
				m, _ := is.(map[string]any)
				if sev, _ := m["severity"].(string); !validSeverities[sev] {
					*problems = append(*problems, fmt.Sprintf("%s: severity %q", where, m["severity"]))
				}
				if code, _ := m["code"].(string); !validIssueTypes[code] {
					*problems = append(*problems, fmt.Sprintf("%s: code %q", where, m["code"]))
				}
				details, _ := m["details"].(map[string]any)
				if text, _ := details["text"].(string); strings.TrimSpace(text) == "" {
					*problems = append(*problems, where+": no details.text")
				}
				for _, c := range asArray(details["coding"]) {
					cm, _ := c.(map[string]any)
					if cm["system"] == "http://hl7.org/fhir/tools/CodeSystem/tx-issue-type" {
						if code, _ := cm["code"].(string); !validTxIssueTypes[code] {
							*problems = append(*problems, fmt.Sprintf("%s: tx-issue-type %q", where, cm["code"]))
						}
					}
				}
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			checkOutcomes(x[k], path+"."+k, problems)
		}
	case []any:
		for i, e := range x {
			checkOutcomes(e, fmt.Sprintf("%s[%d]", path, i), problems)
		}
	}
}

// goldenFiles lists the golden bodies on disk.
func goldenFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	require.NoError(t, err)
	return files
}

func readJSONFile(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(b, &v), path)
	return v
}
