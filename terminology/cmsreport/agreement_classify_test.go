package cmsreport_test

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/cmsreport"
)

// comparison is one report against its release (cur) and the diff from the
// previous loaded release (prev); prev and diff are nil for the first
// loaded release.
type comparison struct {
	rep       *cmsreport.Report
	prevRep   *cmsreport.Report // the previous loaded release's report, if it has one
	prev, cur *terminology.Release
	diff      *terminology.ReleaseDiff
}

// run compares every kind, then the codes the report lists and the
// descriptions it prints.
func (c comparison) run() ([]disagreement, []tally) {
	var out []disagreement
	var tallies []tally
	from := "(first loaded: its ANWEB records)"
	if c.prev != nil {
		from = c.prev.Version
	}
	for _, k := range comparedKinds {
		cms, ours := c.rep.Codes(k.cms), c.oursCodes(k)
		tl := tally{release: c.cur.Version, from: from, kind: k.name, cms: len(cms), ours: len(ours)}
		for _, code := range union(cms, ours) {
			inCMS, inOurs := slices.Contains(cms, code), slices.Contains(ours, code)
			if inCMS && inOurs {
				tl.agree++
				continue
			}
			d := disagreement{release: c.cur.Version, code: code, kind: k.name}
			if inCMS {
				d.reason = "CMS only: " + c.cmsOnly(k, code)
			} else {
				d.reason = "ours only: " + c.oursOnly(k, code)
			}
			out = append(out, d)
		}
		tallies = append(tallies, tl)
	}
	return append(append(out, c.listing()...), c.texts()...), tallies
}

// oursCodes is what our side says for kind k: the diff's codes, or for the
// first loaded release, which has no diff, its records' own account, the
// ACTION CD.
func (c comparison) oursCodes(k compared) []string {
	if c.diff != nil {
		return c.diff.Codes(k.ours)
	}
	var out []string
	for _, con := range c.cur.Concepts {
		if action, _ := cmsreport.ActionCodeKinds(con.ActionCode); slices.Contains(action, k.cms) {
			out = append(out, con.Code)
		}
	}
	slices.Sort(out)
	return out
}

func (c comparison) change(code string, kind terminology.ChangeKind) (terminology.Change, bool) {
	if c.diff == nil {
		return terminology.Change{}, false
	}
	for _, ch := range c.diff.Filter(kind) {
		if ch.Code == code {
			return ch, true
		}
	}
	return terminology.Change{}, false
}

// unloadedQuarter names the unloaded quarter (YYYY-MM) in which day d falls
// as a release date, "" when d is not strictly between prev and cur.
func (c comparison) unloadedQuarter(d time.Time) string {
	if c.prev == nil || d.IsZero() || !d.After(c.prev.Effective) || !d.Before(c.cur.Effective) {
		return ""
	}
	q := time.Date(d.Year(), (d.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	if d.After(q) { // a mid-quarter date belongs to the quarter's release
		q = q.AddDate(0, 3, 0)
	}
	return q.Format("2006-01")
}

// oursOnly says why our side shows a change of kind k that CMS's report
// does not, from the two ANWEB records.
func (c comparison) oursOnly(k compared, code string) string {
	con, _ := c.cur.Concept(code)
	label := "has no entry"
	if e, ok := c.rep.Entry(code); ok {
		label = fmt.Sprintf("says %q", e.Label)
	}
	if c.diff == nil {
		return fmt.Sprintf("the ANWEB record has ACTION CD %s; CMS's report %s", con.ActionCode, label)
	}
	old, _ := c.prev.Concept(code)
	switch k.cms {
	case cmsreport.Added:
		if !con.AddedDate.After(c.prev.Effective) {
			return fmt.Sprintf("ADD DT %s is not after %s, yet the %s file lacks the code%s; this report %s", day(con.AddedDate), c.prev.Version, c.prev.Version, c.prevReportSays(code), label)
		}
		q := c.unloadedQuarter(con.AddedDate)
		if e, _ := c.rep.Entry(code); q != "" && con.Terminated() && e.Has(cmsreport.Discontinued) {
			return fmt.Sprintf("added in unloaded quarter %s (ADD DT %s) and terminated by this release (TERM DT %s): CMS gives one type per code and reports it discontinued", q, day(con.AddedDate), day(con.TerminationDate))
		}
		if q != "" {
			return fmt.Sprintf("added in unloaded quarter %s (ADD DT %s), then changed again: CMS gives one type per code; this report %s", q, day(con.AddedDate), label)
		}
		return fmt.Sprintf("ADD DT %s, ACTION CD %s; this report %s", day(con.AddedDate), con.ActionCode, label)
	case cmsreport.Discontinued:
		if con.TerminationDate.Before(c.prev.Effective) {
			return fmt.Sprintf("TERM DT %s is before %s, yet the %s file had no TERM DT%s; this report %s", day(con.TerminationDate), c.prev.Version, c.prev.Version, c.prevReportSays(code), label)
		}
		return fmt.Sprintf("TERM DT %s, ACTION CD %s; this report %s", day(con.TerminationDate), con.ActionCode, label)
	}
	ch, _ := c.change(code, k.ours)
	entry, _ := c.rep.Entry(code)
	switch {
	case ch.WhitespaceOnly:
		return "whitespace only: CMS does not report it"
	case !old.AddedDate.Equal(con.AddedDate):
		return fmt.Sprintf("code reused: re-added with ADD DT %s (the %s file has ADD DT %s) and a new description; this report %s", day(con.AddedDate), c.prev.Version, day(old.AddedDate), label)
	case k.cms == cmsreport.ShortDescription && entry.Has(cmsreport.LongDescription):
		return fmt.Sprintf("the short description changed with the long one; CMS reports only %q", entry.Label)
	case con.ActionCode == "N" && entry.Has(cmsreport.NoChange):
		return "corrected without an action: ACTION CD N, and this report says \"No Change\""
	}
	return fmt.Sprintf("CMS does not report it: ACTION CD %s, and this report %s", con.ActionCode, label)
}

// prevReportSays tells what the previous release's report, if there is
// one, says of a code.
func (c comparison) prevReportSays(code string) string {
	if c.prevRep == nil {
		return ""
	}
	if e, ok := c.prevRep.Entry(code); ok {
		return fmt.Sprintf(" and its report says %q", e.Label)
	}
	return " and its report does not list it"
}

// cmsOnly says why CMS reports a change of kind k that our side does not
// show, from the two ANWEB records.
func (c comparison) cmsOnly(k compared, code string) string {
	con, ok := c.cur.Concept(code)
	if !ok {
		return "the code is not in the ANWEB file"
	}
	if c.diff == nil {
		return fmt.Sprintf("the ANWEB record has ACTION CD %s (ADD DT %s, TERM DT %s)", con.ActionCode, day(con.AddedDate), day(con.TerminationDate))
	}
	old, inPrev := c.prev.Concept(code)
	switch k.cms {
	case cmsreport.Added:
		if !inPrev {
			return fmt.Sprintf("ADD DT %s, ACTION CD %s", day(con.AddedDate), con.ActionCode)
		}
		if !old.AddedDate.Equal(con.AddedDate) {
			return fmt.Sprintf("code reused: re-added with ADD DT %s (the %s file has ADD DT %s) and a new description: our diff shows description changes", day(con.AddedDate), c.prev.Version, day(old.AddedDate))
		}
		if old.AddedDate.After(c.prev.Effective) && c.prevRep != nil {
			if e, ok := c.prevRep.Entry(code); ok && e.Has(cmsreport.Added) {
				return fmt.Sprintf("already in the %s file ahead of its ADD DT %s, and CMS's %s report listed it as added too", c.prev.Version, day(old.AddedDate), c.prev.Version)
			}
		}
		return fmt.Sprintf("already in the %s file (ADD DT %s, TERM DT %s)", c.prev.Version, day(old.AddedDate), day(old.TerminationDate))
	case cmsreport.Discontinued:
		if !con.Terminated() {
			return fmt.Sprintf("the ANWEB record has no TERM DT (ACTION CD %s)", con.ActionCode)
		}
		return fmt.Sprintf("TERM DT %s, ACTION CD %s", day(con.TerminationDate), con.ActionCode)
	}
	if !inPrev {
		return fmt.Sprintf("the code is new since %s (ADD DT %s): our diff reports it as added, which has no description change", c.prev.Version, day(con.AddedDate))
	}
	what := "long"
	if k.cms == cmsreport.ShortDescription {
		what = "short"
	}
	return fmt.Sprintf("CMS reports a %s description change that the ANWEB file does not show (ACTION CD %s)", what, con.ActionCode)
}

// listing compares the codes the report lists with the release's codes:
// every report lists every code of its release, most as "No Change".
func (c comparison) listing() []disagreement {
	var out []disagreement
	for _, e := range c.rep.Entries {
		if _, ok := c.cur.Concept(e.Code); !ok {
			out = append(out, disagreement{c.cur.Version, e.Code, "listed", fmt.Sprintf("CMS only: listed as %q but not in the ANWEB file", e.Label)})
		}
	}
	for _, con := range c.cur.Concepts {
		if _, ok := c.rep.Entry(con.Code); !ok {
			out = append(out, disagreement{c.cur.Version, con.Code, "listed", fmt.Sprintf("ours only: in the ANWEB file (ACTION CD %s, TERM DT %s) but not listed in the report", con.ActionCode, day(con.TerminationDate))})
		}
	}
	return out
}

// texts compares the descriptions a report prints with the release's,
// word for word (CMS's text reports cut the long description, so there it
// must be a prefix).
func (c comparison) texts() []disagreement {
	if !c.rep.HasDescriptions {
		return nil
	}
	var out []disagreement
	for _, e := range c.rep.Entries {
		con, ok := c.cur.Concept(e.Code)
		if !ok {
			continue
		}
		if norm(e.Short) != norm(con.ShortDescription) {
			out = append(out, disagreement{c.cur.Version, e.Code, "short-text", fmt.Sprintf("CMS prints %q, ANWEB has %q", e.Short, con.ShortDescription)})
		}
		long, ours := norm(e.Long), norm(con.LongDescription)
		if long != ours && !(c.rep.LongCut && strings.HasPrefix(ours, long)) {
			out = append(out, disagreement{c.cur.Version, e.Code, "long-text", fmt.Sprintf("CMS prints %q, ANWEB has %q", e.Long, con.LongDescription)})
		}
	}
	return out
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// summaryTable renders the tallies as a Markdown table.
func summaryTable(ts []tally) string {
	var b strings.Builder
	b.WriteString("| release | compared with | kind | CMS | ours | agree | CMS only | ours only |\n|---|---|---|---:|---:|---:|---:|---:|\n")
	for _, t := range ts {
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %d | %d |\n", t.release, t.from, t.kind, t.cms, t.ours, t.agree, t.cms-t.agree, t.ours-t.agree)
	}
	return b.String()
}
