package main

// The bookkeeping of TestHL7TxSuite: the excused and pending lists, the
// verdict per test, the per-suite table and the failure files.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

const txPendingHeader = `# HL7 tx-ecosystem tests (TestHL7TxSuite) that fail because the server does not
# have the feature yet. One per line: suite/test, two spaces, the failure.
# A listed test that fails is counted as pending; a listed test that passes fails
# the build until it is removed, so this list only shrinks. Regenerate with
#   go test ./cmd/hcpcs-server -run TestHL7TxSuite -update-pending
`

type txCounts struct{ applicable, passed, failed, excused, pending int }

type txReport struct {
	r           *txRunner
	excusedPath string
	pendingPath string
	excused     map[string]string
	pending     map[string]string
	update      bool
	mu          sync.Mutex
	counts      map[string]*txCounts
	ran         map[string]bool
	newPending  map[string]string
}

// readTxList reads "suite/test  reason" lines; # starts a comment.
func readTxList(path string) (map[string]string, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	out := map[string]string{}
	var order []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, " ")
		if _, dup := out[id]; dup {
			return nil, nil, fmt.Errorf("%s:%d: %s is listed twice", path, n, id)
		}
		out[id] = strings.TrimSpace(reason)
		order = append(order, id)
	}
	return out, order, sc.Err()
}

func newTxReport(t *testing.T, r *txRunner, excusedPath, pendingPath string, update bool) *txReport {
	t.Helper()
	rep := &txReport{r: r, excusedPath: excusedPath, pendingPath: pendingPath, update: update,
		counts: map[string]*txCounts{}, ran: map[string]bool{}, newPending: map[string]string{}}
	var err error
	if rep.excused, _, err = readTxList(excusedPath); err != nil {
		t.Fatal(err)
	}
	if rep.pending, _, err = readTxList(pendingPath); err != nil {
		if !update {
			t.Fatal(err)
		}
		t.Logf("%v: rewriting it from scratch", err)
		rep.pending = nil
	}
	if rep.pending == nil {
		rep.pending = map[string]string{}
	}
	known := map[string]bool{}
	for _, s := range r.suites {
		for _, tc := range s.tests {
			known[s.name+"/"+tc.name] = true
		}
	}
	for id := range rep.excused {
		if !known[id] {
			t.Errorf("hl7-excused.txt: %s is not an applicable test (mode general)", id)
		}
	}
	for id := range rep.pending {
		if !known[id] && !update {
			t.Errorf("hl7-pending.txt: %s is not an applicable test (mode general)", id)
		}
		if _, both := rep.excused[id]; both {
			t.Errorf("%s is in both hl7-excused.txt and hl7-pending.txt", id)
		}
	}
	return rep
}

// judge records one result and fails the subtest when the lists say so.
func (rep *txReport) judge(t *testing.T, suite, name string, res txResult) {
	id := suite + "/" + name
	rep.mu.Lock()
	c := rep.counts[suite]
	if c == nil {
		c = &txCounts{}
		rep.counts[suite] = c
	}
	c.applicable++
	rep.ran[id] = true
	excuse, excused := rep.excused[id]
	_, pending := rep.pending[id]
	short := shortReason(res)
	switch {
	case res.msg == "":
		c.passed++
	case excused:
		c.excused++
	case pending || rep.update:
		c.pending++
		rep.newPending[id] = short
	default:
		c.failed++
	}
	rep.mu.Unlock()

	for _, w := range res.warnings {
		t.Logf("warning: %s", w)
	}
	if res.msg == "" {
		for _, n := range res.notes {
			t.Logf("note: %s", n)
		}
	}
	switch {
	case res.msg == "" && pending && !rep.update:
		t.Errorf("%s passes now: remove it from hl7-pending.txt", id)
	case res.msg == "" && excused:
		t.Logf("%s passes although it is excused (%s)", id, excuse)
	case res.msg == "":
	case excused: // counted in the table, not a failure of the build
		t.Logf("excused (%s): %s", excuse, short)
	case pending || rep.update:
		t.Logf("pending: %s", short)
	default:
		t.Errorf("%s fails and is in neither hl7-pending.txt nor hl7-excused.txt:\n%s\n(server: %s)\n"+
			"Fix the server, or list it (go test ./cmd/hcpcs-server -run TestHL7TxSuite -update-pending); "+
			"HCPCS_TX_OUTPUT=dir writes the expected and actual JSON.", id, res.msg, res.server)
	}
}

var spaces = regexp.MustCompile(`\s+`)

// shortReason is the first line of the failure, without what the template
// expected (the list must not quote the HL7 files), and the server's own
// error text, on one line.
func shortReason(res txResult) string {
	s, _, _ := strings.Cut(res.msg, "\n")
	for _, cut := range []string{": expected ", " was not found: "} {
		if i := strings.Index(s, cut); i >= 0 {
			s = s[:i]
		}
	}
	if res.server != "" {
		s += " (server: " + res.server + ")"
	}
	s = strings.TrimSpace(spaces.ReplaceAllString(s, " "))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:199]) + "…"
	}
	return s
}

// finish prints the table and, with -update-pending, rewrites the list.
func (rep *txReport) finish(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, "HL7 tx-ecosystem tests (%s), modes general, FHIR %s:\n", rep.r.dir, txFHIRVersion)
	fmt.Fprintf(&b, "  %-26s %10s %7s %7s %8s %8s\n", "suite", "applicable", "passed", "failed", "excused", "pending")
	var total txCounts
	for _, s := range rep.r.suites {
		c, ok := rep.counts[s.name]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "  %-26s %10d %7d %7d %8d %8d\n", s.name, c.applicable, c.passed, c.failed, c.excused, c.pending)
		total.applicable += c.applicable
		total.passed += c.passed
		total.failed += c.failed
		total.excused += c.excused
		total.pending += c.pending
	}
	fmt.Fprintf(&b, "  %-26s %10d %7d %7d %8d %8d\n", "total", total.applicable, total.passed, total.failed, total.excused, total.pending)
	printTxTable(t, b.String())
	if rep.update && !t.Failed() {
		if err := rep.writePending(); err != nil {
			t.Error(err)
		} else {
			t.Logf("wrote %s", rep.pendingPath)
		}
	}
}

// printTxTable prints to stdout, which go test shows with -v and in
// directory mode. In package-list mode (make test) the go command drops the
// output of a passing package, so the table also goes to the file
// $HCPCS_TX_REPORT names, which make test prints.
func printTxTable(t *testing.T, table string) {
	fmt.Print(table)
	if path := os.Getenv("HCPCS_TX_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Errorf("HCPCS_TX_REPORT: %v", err)
		}
	}
}

// writePending keeps the entries of tests that did not run (-run) and puts
// the current failures, in test-case order.
func (rep *txReport) writePending() error {
	var b strings.Builder
	b.WriteString(txPendingHeader)
	for _, s := range rep.r.suites {
		for _, tc := range s.tests {
			id := s.name + "/" + tc.name
			reason, failing := rep.newPending[id]
			if !rep.ran[id] {
				reason, failing = rep.pending[id]
			}
			if failing {
				fmt.Fprintf(&b, "%s  %s\n", id, reason)
			}
		}
	}
	return os.WriteFile(rep.pendingPath, []byte(b.String()), 0o644)
}

// writeTxOutput writes dir/suite/test.{expected,actual}.json and .diff for a
// failing test.
func writeTxOutput(t *testing.T, dir, suite, name string, res txResult) {
	if dir == "" || res.msg == "" {
		return
	}
	base := filepath.Join(dir, suite, strings.NewReplacer("/", "_", "\\", "_").Replace(name))
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		t.Error(err)
		return
	}
	exp, act := pretty(res.expected), pretty(res.actual)
	diff := res.msg + "\n"
	if res.server != "" {
		diff += "server: " + res.server + "\n"
	}
	diff += "\n" + lineDiff(exp, act)
	for ext, content := range map[string]string{".expected.json": exp, ".actual.json": act, ".diff": diff} {
		if err := os.WriteFile(base+ext, []byte(content), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// lineDiff is a plain LCS diff of two texts ("-" expected, "+" actual), for
// texts small enough; larger ones are left to a diff tool.
func lineDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(x)*len(y) > 4_000_000 {
		return "(too large for a line diff: compare the .expected.json and .actual.json files)\n"
	}
	lcs := make([][]int32, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			out.WriteString("  " + x[i] + "\n")
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			out.WriteString("+ " + y[j] + "\n")
			j++
		default:
			out.WriteString("- " + x[i] + "\n")
			i++
		}
	}
	return out.String()
}
