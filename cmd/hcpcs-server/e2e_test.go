package main

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// TestNodeClients checks the server with off-the-shelf FHIR tooling from npm
// (testdata/js): every kind of resource it serves must pass the `fhir`
// package's R4 validator, and fhir-kit-client must be able to use it. It
// needs node and testdata/js/node_modules, which `make test` installs with
// `npm ci --prefix testdata/js`.
func TestNodeClients(t *testing.T) {
	root := testenv.RepoRoot(t)
	jsDir := filepath.Join(root, "testdata", "js")
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node (>= 20) is needed for the npm FHIR clients in testdata/js; install it, then run `make test`")
	for _, pkg := range []string{"fhir", "fhir-kit-client"} {
		_, err := os.Stat(filepath.Join(jsDir, "node_modules", pkg, "package.json"))
		require.NoErrorf(t, err, "testdata/js/node_modules/%s is missing: run `make test`, or `npm ci --prefix testdata/js` before `go test`", pkg)
	}

	base := startSuiteServer(t)
	q := url.QueryEscape
	const hcpcs = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
	const allHCPCS = "http://terminology.hl7.org/ValueSet/v3-HealthCareCommonProcedureCodingSystem"
	resources := []string{
		base + "/metadata",
		base + "/metadata?mode=terminology",
		// The full CodeSystem: every concept, designation and property.
		base + "/CodeSystem/hcpcs-2025-10",
		// A search Bundle of subsetted resources.
		base + "/CodeSystem?url=" + q(hcpcs) + "&_summary=true",
		// $lookup Parameters with designation and property parts.
		base + "/CodeSystem/$lookup?system=" + q(hcpcs) + "&code=G0124&property=*",
		// $validate-code Parameters with issues: an inactive code with a wrong display.
		base + "/CodeSystem/$validate-code?url=" + q(hcpcs) + "&code=A9155&display=Saliva",
		// Not in the value set, unknown code.
		base + "/ValueSet/$validate-code?url=" + q(allHCPCS) + "&system=" + q(hcpcs) + "&code=E0114X",
		// Error OperationOutcomes (404).
		base + "/CodeSystem/hcpcs-1999-01",
		base + "/CodeSystem/$lookup?system=" + q(hcpcs) + "&code=A9998",
		// A supplementary CodeSystem (lab certification codes have parents).
		base + "/CodeSystem/hcpcs-lab-certification",
		base + "/ValueSet/v3-HealthCareCommonProcedureCodingSystem",
		// Expansions: ranked text search, and every property and designation
		// (the R5 cross-version extensions must be valid R4).
		base + "/ValueSet/$expand?url=" + q(hcpcs+"?fhir_vs") + "&filter=wheelch&count=5",
		base + "/ValueSet/$expand?url=" + q(hcpcs+"?fhir_vs=filter/code/in/E0100-E0159") + "&property=*&includeDesignations=true",
		// A loaded value set, its expansion, and a ValueSet search Bundle.
		base + "/ValueSet/mobility-with-sides",
		base + "/ValueSet/mobility-with-sides/$expand?includeDesignations=true",
		base + "/ValueSet?_summary=true",
		// The release history: one code's, a release diff, and in $lookup.
		base + "/CodeSystem/$history?code=G1000",
		base + "/CodeSystem/$history?from=2020-01&to=2020-04",
		base + "/CodeSystem/$lookup?system=" + q(hcpcs) + "&code=G1000&property=history",
		// An offset beyond the end (400).
		base + "/ValueSet/$expand?url=" + q(hcpcs+"?fhir_vs") + "&offset=9000",
	}

	validate := exec.CommandContext(t.Context(), node, append([]string{filepath.Join(jsDir, "validate.js")}, resources...)...)
	validate.Dir = jsDir
	out, err := validate.CombinedOutput()
	t.Logf("node validate.js:\n%s", out)
	require.NoError(t, err, "the fhir package's R4 validator found errors in resources the server serves (see the log above)")
	require.Contains(t, string(out), fmt.Sprintf("validate: %d valid, 0 invalid", len(resources)))

	client := exec.CommandContext(t.Context(), node, filepath.Join(jsDir, "client.js"), base)
	client.Dir = jsDir
	out, err = client.CombinedOutput()
	t.Logf("node client.js:\n%s", out)
	require.NoError(t, err, "fhir-kit-client checks failed (see the log above)")
	require.True(t, strings.Contains(string(out), "client: 5 passed, 0 failed"), "unexpected client summary")
}

// TestConformanceResourcesValidate: the CapabilityStatement, the
// TerminologyCapabilities and every OperationDefinition the
// CapabilityStatement points to on this server pass the `fhir` package's R4
// validator (testdata/js/validate.js), and the definitions resolve.
func TestConformanceResourcesValidate(t *testing.T) {
	root := testenv.RepoRoot(t)
	jsDir := filepath.Join(root, "testdata", "js")
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node (>= 20) is needed for testdata/js; install it, then run `make test`")
	_, err = os.Stat(filepath.Join(jsDir, "node_modules", "fhir", "package.json"))
	require.NoError(t, err, "testdata/js/node_modules/fhir is missing: run `make test`, or `npm ci --prefix testdata/js` before `go test`")

	base := startSuiteServer(t)
	v := &callerClient{base: base, headers: map[string]string{"Accept": "application/fhir+json"}}
	cs := v.do(t, "GET", "metadata", nil, nil).body
	resources := []string{base + "/metadata", base + "/metadata?mode=terminology"}
	for _, r := range asArray(cs["rest"]) {
		defs := asArray(r.(map[string]any)["operation"])
		for _, res := range asArray(r.(map[string]any)["resource"]) {
			defs = append(defs, asArray(res.(map[string]any)["operation"])...)
		}
		for _, op := range defs {
			if def := str(op, "definition"); strings.HasPrefix(def, base+"/") {
				resources = append(resources, def)
			}
		}
	}
	require.Len(t, resources, 6, "the two statements and four OperationDefinitions of this server")

	validate := exec.CommandContext(t.Context(), node, append([]string{filepath.Join(jsDir, "validate.js")}, resources...)...)
	validate.Dir = jsDir
	out, err := validate.CombinedOutput()
	t.Logf("node validate.js:\n%s", out)
	require.NoError(t, err, "the fhir package's R4 validator found errors (see the log above)")
	require.Contains(t, string(out), fmt.Sprintf("validate: %d valid, 0 invalid", len(resources)))
}
