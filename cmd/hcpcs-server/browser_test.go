package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// browserQuery is what the browser test types into the search box.
const browserQuery = "wheelchair cushion"

// browserFacts are what the browser pages must show, read from the domain
// over the same data the server loads (testdata/js/browser-test.js).
type browserFacts struct {
	Latest       string         `json:"latest"`
	Releases     []string       `json:"releases"`
	Query        string         `json:"query"`
	Top          []string       `json:"top"`
	TopDisplay   string         `json:"topDisplay"`
	Total        int            `json:"total"`
	Code         string         `json:"code"`
	CodeDisplay  string         `json:"codeDisplay"`
	CodeUnloaded []string       `json:"codeUnloaded"`
	XrefFrom     string         `json:"xrefFrom"`
	XrefTo       string         `json:"xrefTo"`
	XrefToDisp   string         `json:"xrefToDisplay"`
	DiffCounts   map[string]int `json:"diffCounts"`
	DiffUnloaded []string       `json:"diffUnloaded"`
	FirstAdded   string         `json:"firstAdded"`
}

// TestBrowser drives the code browser in a real headless Chromium
// (Debian's chromium, through playwright-core from testdata/js): search as
// you type, a code page, a cross-reference, a release diff filtered by
// kind, keyboard-only navigation, no console errors, and pages without
// JavaScript. Screenshots go to bin/screenshots (git-ignored).
func TestBrowser(t *testing.T) {
	root := testenv.RepoRoot(t)
	jsDir := filepath.Join(root, "testdata", "js")
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node (>= 20) is needed for testdata/js; install it, then run `make test`")
	_, err = os.Stat(filepath.Join(jsDir, "node_modules", "playwright-core", "package.json"))
	require.NoError(t, err, "testdata/js/node_modules/playwright-core is missing: run `make js` (npm ci --prefix testdata/js)")
	chromium := os.Getenv("HCPCS_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	_, err = os.Stat(chromium)
	require.NoError(t, err, "the browser test needs Debian's chromium: apt-get install -y chromium (or set HCPCS_CHROMIUM)")

	data := testenv.HCPCSData(t)
	releases, err := terminology.LoadSources([]string{data}, terminology.LoadOptions{})
	require.NoError(t, err)
	snap, err := terminology.NewSnapshot(releases)
	require.NoError(t, err)
	facts := readBrowserFacts(t, snap)
	factsFile := filepath.Join(t.TempDir(), "facts.json")
	b, err := json.Marshal(facts)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(factsFile, b, 0o600))

	srv := startTestServer(t, nil, "--data", data)
	shots := filepath.Join(root, "bin", "screenshots")
	cmd := exec.CommandContext(t.Context(), node, filepath.Join(jsDir, "browser-test.js"), srv.base, factsFile, shots)
	cmd.Dir = jsDir
	cmd.Env = append(os.Environ(), "HCPCS_CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	t.Logf("node browser-test.js:\n%s", out)
	require.NoError(t, err, "the browser checks failed (see the log above)")
	require.Contains(t, string(out), "browse: 11 passed, 0 failed")
}

// readBrowserFacts reads from the domain what the pages must show.
func readBrowserFacts(t *testing.T, snap *terminology.Snapshot) browserFacts {
	t.Helper()
	latest := snap.Latest()
	f := browserFacts{Latest: latest.Version, Releases: snap.Versions(), Query: browserQuery, Code: "S9327"}

	// The ranking the search must show: the engine's, as $expand runs it.
	compiled, err := snap.CompileValueSet(terminology.AllCodesValueSet, valueset.Options{
		SystemVersion: map[string]string{terminology.SystemURL: latest.Version}, DefaultsUnversionedOnly: true})
	require.NoError(t, err)
	exp, err := compiled.Expand(valueset.ExpandRequest{Filter: browserQuery, Count: 5, HasCount: true})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(exp.Contains), 2, "the query must find at least two codes")
	for _, m := range exp.Contains {
		f.Top = append(f.Top, m.Concept.Code)
	}
	f.Total = exp.Total
	top, ok := latest.Concept(f.Top[0])
	require.True(t, ok)
	f.TopDisplay = top.LongDescription

	c, ok := latest.Concept(f.Code)
	require.True(t, ok, "S9327 is in the latest release")
	f.CodeDisplay = c.LongDescription
	hist, ok := snap.History().Code(f.Code)
	require.True(t, ok)
	for _, e := range hist.Releases {
		f.CodeUnloaded = append(f.CodeUnloaded, e.Unloaded...)
	}
	require.NotEmpty(t, f.CodeUnloaded, "the loaded releases have gaps (2020-10 to 2023-01)")

	// The first code of the latest release that cross-references another
	// code of that release.
	for _, c := range latest.Concepts {
		for _, x := range c.CrossReferences {
			if target, ok := latest.Concept(x); ok && x != c.Code && f.XrefFrom == "" {
				f.XrefFrom, f.XrefTo, f.XrefToDisp = c.Code, x, target.LongDescription
			}
		}
	}
	require.NotEmpty(t, f.XrefFrom, "no code of %s cross-references another", latest.Version)

	prev, err := snap.History().Previous(latest.Version)
	require.NoError(t, err)
	diff, err := snap.History().Diff(prev, latest.Version)
	require.NoError(t, err)
	f.DiffCounts = map[string]int{}
	for k, n := range diff.Counts() {
		f.DiffCounts[string(k)] = n
	}
	for _, k := range terminology.ChangeKinds {
		f.DiffCounts[string(k)] += 0 // a kind without changes shows 0
	}
	f.DiffUnloaded = diff.Unloaded
	added := diff.Codes(terminology.ChangeAdded)
	require.NotEmpty(t, added)
	f.FirstAdded = added[0]
	require.False(t, strings.ContainsAny(f.Query, "<>&"))
	return f
}
