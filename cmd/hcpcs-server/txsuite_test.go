package main

// TestTxSuite and TestHL7TxSuite replay test suites in the HL7
// tx-ecosystem format against the server started in-process, with the
// semantics of the official runner (the Java validator's TxTester; see
// txrunner_test.go and the files it names):
//
//   - TestTxSuite: this repository's HCPCS suite, testdata/txsuite. Every
//     test must pass.
//   - TestHL7TxSuite: the HL7 suites, read in place from $HCPCS_TX_TESTS or
//     ../shared/tx-tests/tests beside the checkout (never copied here).
//     Tests that fail are listed in testdata/txsuite/hl7-excused.txt (cannot
//     pass, for a reason outside our control) or hl7-pending.txt (the server
//     lacks the feature yet); a failing test on neither list fails, and so
//     does a pending test that passes. go test ./cmd/hcpcs-server -run
//     TestHL7TxSuite -update-pending rewrites hl7-pending.txt from the
//     failures; HCPCS_TX_OUTPUT=dir writes, per failing test,
//     dir/suite/test.expected.json, .actual.json and .diff.
//
// Each test is a subtest named suite/test; they run in parallel.

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

var updatePending = flag.Bool("update-pending", false, "TestHL7TxSuite: rewrite testdata/txsuite/hl7-pending.txt from the current failures")

// startSuiteServer runs `serve` in-process on a free port with the 2025-10
// and 2023-01 releases, the repository's test value sets and the FHIR core
// terminology (which the HL7 suites assume every server has), and returns
// the FHIR base URL. The server is stopped, and must stop cleanly, when the
// test ends.
func startSuiteServer(t *testing.T) string {
	t.Helper()
	return startServerWith(t, testenv.FHIRCore(t))
}

// startServerWith is startSuiteServer with other value-set sources beside
// the repository's test value sets.
func startServerWith(t *testing.T, valueSets ...string) string {
	t.Helper()
	data := testenv.Release(t, "2025-10_quarterly") + "," + testenv.Release(t, "2023-01_quarterly")
	sources := append([]string{filepath.Join(testenv.RepoRoot(t), "fhir", "testdata", "valuesets")}, valueSets...)
	return startTestServer(t, nil, "--data", data, "--valuesets", strings.Join(sources, ",")).base + "/fhir"
}

// TestTxSuite: the HCPCS cases of testdata/txsuite, all of which must pass.
func TestTxSuite(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(testenv.RepoRoot(t), "testdata", "txsuite")
	r := newTxRunner(t, startSuiteServer(t), dir, "general")
	for _, s := range r.suites {
		require.NotEmpty(t, s.tests, "suite %s has no test", s.name)
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			t.Cleanup(func() { r.endSuiteCache(s) })
			for _, tc := range s.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					res := r.runTest(s, tc.raw, false)
					writeTxOutput(t, os.Getenv("HCPCS_TX_OUTPUT"), s.name, tc.name, res)
					if res.msg != "" {
						t.Fatalf("%s\n--- expected (normalised actual in HCPCS_TX_OUTPUT)\n%s", res.msg, pretty(res.expected))
					}
				})
			}
		})
	}
}

// TestHL7TxSuite: the official HL7 tx-ecosystem suites, mode general.
func TestHL7TxSuite(t *testing.T) {
	t.Parallel()
	dir := testenv.TxTests(t)
	lists := filepath.Join(testenv.RepoRoot(t), "testdata", "txsuite")
	r := newTxRunner(t, startSuiteServer(t), dir, "general")
	rep := newTxReport(t, r, filepath.Join(lists, "hl7-excused.txt"), filepath.Join(lists, "hl7-pending.txt"), *updatePending)
	out := os.Getenv("HCPCS_TX_OUTPUT")
	t.Cleanup(func() { rep.finish(t) })
	for _, s := range r.suites {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			t.Cleanup(func() { r.endSuiteCache(s) })
			for _, tc := range s.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					res := r.runTest(s, tc.raw, false)
					writeTxOutput(t, out, s.name, tc.name, res)
					rep.judge(t, s.name, tc.name, res)
					// The same test with the setup inline must get the same
					// verdict: a session is only a way of not resending it.
					inline := r.runTest(s, tc.raw, true)
					if (inline.msg == "") != (res.msg == "") {
						t.Errorf("with the setup inline instead of a cache-id session the verdict differs:\nsession: %s\ninline:  %s",
							orDefault(res.msg, "pass"), orDefault(inline.msg, "pass"))
					}
				})
			}
		})
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
