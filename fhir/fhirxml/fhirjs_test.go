package fhirxml_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// TestIndependentReader: the XML written for every golden answer, every
// hand-written case and the full 2025-10 CodeSystem is read by an
// independent FHIR XML reader, the npm `fhir` package (FHIR.js
// Fhir.xmlToObj, run by testdata/js/xml2json.js), into the JSON we started
// from. Every resource type the server writes is among them:
// CapabilityStatement, TerminologyCapabilities, CodeSystem, ValueSet with
// expansion, Parameters with a nested resource and parts,
// OperationOutcome, Bundle.
func TestIndependentReader(t *testing.T) {
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node (>= 20) runs the npm fhir package; install it, then `make js`")
	jsDir := filepath.Join(testenv.RepoRoot(t), "testdata", "js")
	_, err = os.Stat(filepath.Join(jsDir, "node_modules", "fhir", "package.json"))
	require.NoError(t, err, "testdata/js/node_modules/fhir is missing: run make js")

	type resource struct {
		name      string
		json      []byte
		dropNulls bool
	}
	var resources []resource
	for _, file := range goldens(t) {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		resources = append(resources, resource{filepath.Base(file), b, false})
	}
	for _, c := range codecCases {
		resources = append(resources, resource{c.name, []byte(c.json), c.fhirJSDropsNulls})
	}
	resources = append(resources, resource{"full CodeSystem 2025-10", serverAnswer(t, "/fhir/CodeSystem/hcpcs-2025-10"), false})

	dir := t.TempDir()
	args := []string{filepath.Join(jsDir, "xml2json.js")}
	types := map[string]bool{}
	for i, r := range resources {
		x, err := fhirxml.AppendXML(nil, r.json)
		require.NoError(t, err, r.name)
		path := filepath.Join(dir, fmt.Sprintf("%03d.xml", i))
		require.NoError(t, os.WriteFile(path, x, 0o600))
		args = append(args, path)
		var head struct{ ResourceType string }
		require.NoError(t, json.Unmarshal(r.json, &head))
		types[head.ResourceType] = true
	}
	for _, want := range []string{"CapabilityStatement", "TerminologyCapabilities", "CodeSystem", "ValueSet", "Parameters", "OperationOutcome", "Bundle"} {
		require.True(t, types[want], "no %s among the resources checked", want)
	}

	cmd := exec.CommandContext(t.Context(), node, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node xml2json.js: %s", stderr.String())
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 256<<20)
	i := 0
	for ; sc.Scan(); i++ {
		require.Less(t, i, len(resources), "more answers than files")
		r := resources[i]
		want, got := numbersAsText(meaning(t, r.json)), numbersAsText(meaning(t, sc.Bytes()))
		if r.dropNulls {
			want, got = withoutNulls(want), withoutNulls(got)
		}
		require.Equal(t, want, got, "%s: FHIR.js reads the XML differently", r.name)
	}
	require.NoError(t, sc.Err())
	require.Equal(t, len(resources), i, "one answer per file")
}

// numbersAsText replaces each JSON number by its spelling: FHIR.js reads a
// decimal into a string (to keep its precision), integers into numbers.
func numbersAsText(v any) any {
	switch v := v.(type) {
	case json.Number:
		return v.String()
	case []any:
		for i := range v {
			v[i] = numbersAsText(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = numbersAsText(v[k])
		}
	}
	return v
}

// withoutNulls drops the null items of arrays, as FHIR.js does in value
// arrays (not in _name ones).
func withoutNulls(v any) any {
	switch v := v.(type) {
	case []any:
		out := v[:0]
		for _, item := range v {
			if item != nil {
				out = append(out, withoutNulls(item))
			}
		}
		return out
	case map[string]any:
		for k := range v {
			v[k] = withoutNulls(v[k])
		}
	}
	return v
}
