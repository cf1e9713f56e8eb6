package cmsreport_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/cmsreport"
)

// The agreement of the release history (terminology.History) with CMS's
// own change reports. For each release folder that ships a report, the
// codes CMS reports added, discontinued, reinstated and with a long or
// short description change are compared with the diff from the previous
// loaded release. Every disagreement is classified by looking at the two
// ANWEB records (dates, action code, descriptions), and the classification
// must equal the table in agreement_expected_test.go: a disagreement that
// appears or disappears fails the test.

// compared pairs a CMS kind with the history's kind.
type compared struct {
	name string
	cms  cmsreport.Kind
	ours terminology.ChangeKind
}

var comparedKinds = []compared{
	{"added", cmsreport.Added, terminology.ChangeAdded},
	{"terminated", cmsreport.Discontinued, terminology.ChangeTerminated},
	{"reinstated", cmsreport.Reinstated, terminology.ChangeReinstated},
	{"long-description", cmsreport.LongDescription, terminology.ChangeLongDescription},
	{"short-description", cmsreport.ShortDescription, terminology.ChangeShortDescription},
}

// disagreement is one code on which CMS's report and our diff differ.
type disagreement struct {
	release, code, kind string
	// reason starts "CMS only:" (CMS reports the change, our diff does not
	// show it) or "ours only:", then says why, from the data.
	reason string
}

// expected is a row of the expected table: the codes (space-separated)
// that disagree on one kind in one release for one reason.
type expected struct {
	release, kind, reason string
	codes                 string
}

// tally is one row of the summary: per release and kind, the codes CMS
// reports, the codes our diff shows, and how many of them agree.
type tally struct {
	release, from, kind string
	cms, ours, agree    int
}

var loaded struct {
	sync.Once
	snap *terminology.Snapshot
	err  error
}

// snapshot loads the releases up to the newest one that ships a change
// report: the later ones change no diff the test compares, and loading
// their spreadsheets is most of the test's time under -race.
func snapshot(t *testing.T) *terminology.Snapshot {
	t.Helper()
	dir := testenv.HCPCSData(t)
	loaded.Do(func() {
		folders, err := releaseFolders(dir)
		if err != nil {
			loaded.err = err
			return
		}
		last := 0
		for i, f := range folders {
			if paths, err := cmsreport.Find(f); err == nil && len(paths) > 0 {
				last = i
			}
		}
		rs, err := terminology.LoadSources(folders[:last+1], terminology.LoadOptions{})
		if err != nil {
			loaded.err = err
			return
		}
		loaded.snap, loaded.err = terminology.NewSnapshot(rs)
	})
	require.NoError(t, loaded.err)
	return loaded.snap
}

// releaseFolders lists the release folders (named YYYY-MM_…), oldest
// first.
func releaseFolders(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && len(e.Name()) >= 7 && e.Name()[4] == '-' {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no release folders in %s", dir)
	}
	return out, nil // os.ReadDir sorts by name, and names start YYYY-MM
}

// reportFolders returns the release folders that ship a change report,
// with their reports, by version (the folder's YYYY-MM).
func reportFolders(t *testing.T) map[string]*cmsreport.Report {
	folders, err := releaseFolders(testenv.HCPCSData(t))
	require.NoError(t, err)
	out := map[string]*cmsreport.Report{}
	for _, f := range folders {
		paths, err := cmsreport.Find(f)
		require.NoError(t, err)
		if len(paths) == 0 {
			continue
		}
		require.Len(t, paths, 1, "one change report per release folder: %s", f)
		rep, err := cmsreport.ReadFile(paths[0])
		require.NoError(t, err)
		out[filepath.Base(f)[:7]] = rep
	}
	return out
}

func TestAgreementWithCMSReports(t *testing.T) {
	snap := snapshot(t)
	reports := reportFolders(t)
	require.Len(t, reports, 7, "the shared data ships seven change reports (2017-01 … 2020-10)")
	var got []disagreement
	var tallies []tally
	for _, r := range snap.Releases() {
		rep, ok := reports[r.Version]
		if !ok {
			continue
		}
		from, err := snap.History().Previous(r.Version)
		require.NoError(t, err)
		var prev *terminology.Release
		var diff *terminology.ReleaseDiff
		if from != "" {
			prev = releaseOf(snap, from)
			diff, err = snap.History().Diff(from, r.Version)
			require.NoError(t, err)
		}
		c := comparison{rep: rep, prevRep: reports[from], prev: prev, cur: r, diff: diff}
		ds, ts := c.run()
		got = append(got, ds...)
		tallies = append(tallies, ts...)
	}
	t.Log("\n" + summaryTable(tallies))
	checkDisagreements(t, got, expectedDisagreements)
}

// checkDisagreements compares the disagreements found with the expected
// table, code by code, so that one that appears, disappears or changes its
// reason is named.
func checkDisagreements(t *testing.T, got []disagreement, want []expected) {
	t.Helper()
	type key struct{ release, kind, code string }
	wantBy := map[key]string{}
	for _, w := range want {
		for _, code := range strings.Fields(w.codes) {
			k := key{w.release, w.kind, code}
			if _, dup := wantBy[k]; dup {
				t.Errorf("expected table lists %s %s %s twice", w.release, code, w.kind)
			}
			wantBy[k] = w.reason
		}
	}
	gotBy := map[key]string{}
	for _, d := range got {
		gotBy[key{d.release, d.kind, d.code}] = d.reason
	}
	for k, reason := range gotBy {
		switch w, ok := wantBy[k]; {
		case !ok:
			t.Errorf("new disagreement: %s %s %s: %s", k.release, k.code, k.kind, reason)
		case w != reason:
			t.Errorf("%s %s %s: reason is now %q, the table says %q", k.release, k.code, k.kind, reason, w)
		}
	}
	for k, reason := range wantBy {
		if _, ok := gotBy[k]; !ok {
			t.Errorf("disagreement gone: %s %s %s (%s): remove it from the table", k.release, k.code, k.kind, reason)
		}
	}
	if t.Failed() {
		t.Log("the disagreements found, grouped as in the table:\n" + groupTable(got))
	}
}

// groupTable renders disagreements as rows of the expected table.
func groupTable(ds []disagreement) string {
	type group struct{ release, kind, reason string }
	codes := map[group][]string{}
	var order []group
	for _, d := range ds {
		g := group{d.release, d.kind, d.reason}
		if _, ok := codes[g]; !ok {
			order = append(order, g)
		}
		codes[g] = append(codes[g], d.code)
	}
	var b strings.Builder
	for _, g := range order {
		fmt.Fprintf(&b, "{%q, %q, %q,\n\t%q},\n", g.release, g.kind, g.reason, strings.Join(codes[g], " "))
	}
	return b.String()
}

func releaseOf(snap *terminology.Snapshot, v string) *terminology.Release {
	for _, r := range snap.Releases() {
		if r.Version == v {
			return r
		}
	}
	return nil
}

func day(t time.Time) string {
	if t.IsZero() {
		return "blank"
	}
	return t.Format(time.DateOnly)
}
