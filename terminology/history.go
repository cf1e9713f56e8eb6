package terminology

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ChangeKind names one kind of change a code undergoes between two loaded
// releases.
type ChangeKind string

// The kinds of change, in the order a diff lists them for one code.
const (
	// ChangeAdded: the code is in the newer release and not in the older.
	ChangeAdded ChangeKind = "added"
	// ChangeRemoved: the code is in the older release and not in the newer:
	// CMS drops terminated codes from the file some years after their
	// termination (and, rarely, others).
	ChangeRemoved ChangeKind = "removed"
	// ChangeTerminated: the newer release sets a termination date that the
	// older did not have.
	ChangeTerminated ChangeKind = "terminated"
	// ChangeReinstated: the newer release clears the termination date.
	ChangeReinstated ChangeKind = "reinstated"
	// ChangeLongDescription: the long description (the display) differs.
	ChangeLongDescription ChangeKind = "long-description"
	// ChangeShortDescription: the short description differs.
	ChangeShortDescription ChangeKind = "short-description"
	// ChangeProperty: another CMS column differs; Change.Property names it.
	ChangeProperty ChangeKind = "property"
)

// ChangeKinds lists every kind, in listing order.
var ChangeKinds = []ChangeKind{ChangeAdded, ChangeRemoved, ChangeTerminated, ChangeReinstated,
	ChangeLongDescription, ChangeShortDescription, ChangeProperty}

// ParseChangeKind checks a change kind's name.
func ParseChangeKind(s string) (ChangeKind, error) {
	for _, k := range ChangeKinds {
		if string(k) == s {
			return k, nil
		}
	}
	names := make([]string, len(ChangeKinds))
	for i, k := range ChangeKinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("%w: unknown change kind %q (known: %s)", ErrInvalid, s, strings.Join(names, ", "))
}

func (k ChangeKind) rank() int { return slices.Index(ChangeKinds, k) }

// Change is one difference of one code between an older and a newer release.
type Change struct {
	Code string
	Kind ChangeKind
	// Property is the property code (PropertyDefinitions) of a
	// ChangeProperty, and "" for the other kinds.
	Property string
	// Old and New are the values before and after, as the properties serve
	// them (dates YYYY-MM-DD); a repeated column's values are joined with
	// ", ". "" means absent. For added and removed codes they hold the long
	// description on the side where the code exists.
	Old, New string
	// WhitespaceOnly marks a description change that only moves, adds or
	// removes spaces: CMS does not report those, but the served display
	// changes, and display validation is whitespace-exact.
	WhitespaceOnly bool
	// ActionCode and ActionEffective are the CMS ACTION CD and ACT EFF DT
	// of the newer release's record: CMS's own account of the change. They
	// are empty for a removed code, which the newer release no longer lists.
	ActionCode      string
	ActionEffective time.Time
}

// ReleaseDiff is every change between two loaded releases, From older.
type ReleaseDiff struct {
	From, To string
	// Unloaded lists the CMS quarterly releases (YYYY-MM) strictly between
	// From and To that this server has not loaded: each change happened in
	// one of them or in To, and a code added and dropped again in between
	// does not show at all.
	Unloaded []string
	// Changes are ordered by code, then by kind, then by property order.
	Changes []Change
}

// Filter returns the changes of the given kinds (every change when none is
// given), in diff order.
func (d *ReleaseDiff) Filter(kinds ...ChangeKind) []Change {
	if len(kinds) == 0 {
		return d.Changes
	}
	var out []Change
	for _, c := range d.Changes {
		if slices.Contains(kinds, c.Kind) {
			out = append(out, c)
		}
	}
	return out
}

// Counts tallies the changes by kind. A code counts once per change, so a
// code with two property changes counts twice under ChangeProperty.
func (d *ReleaseDiff) Counts() map[ChangeKind]int {
	n := make(map[ChangeKind]int, len(ChangeKinds))
	for _, c := range d.Changes {
		n[c.Kind]++
	}
	return n
}

// Codes returns the distinct codes with a change of one of the kinds (any
// kind when none is given), sorted.
func (d *ReleaseDiff) Codes(kinds ...ChangeKind) []string {
	var out []string
	for _, c := range d.Filter(kinds...) {
		if n := len(out); n == 0 || out[n-1] != c.Code {
			out = append(out, c.Code)
		}
	}
	return out
}

// CodeStatus is a code's state in one release.
type CodeStatus string

// The states a code can be in within one release.
const (
	StatusAbsent     CodeStatus = "absent"
	StatusActive     CodeStatus = "active"
	StatusTerminated CodeStatus = "terminated"
)

// CodeInRelease is one code in one loaded release: its state, and the
// changes that arrive with that release.
type CodeInRelease struct {
	Version string
	Status  CodeStatus
	// Unloaded lists the CMS quarterly releases between the previous loaded
	// release and this one that are not loaded (ReleaseDiff.Unloaded).
	Unloaded []string
	// Changes against the previous loaded release; none for the oldest.
	Changes []Change
	// Concept is the code's record in this release, nil when absent.
	Concept *Concept
}

// CodeHistory is a code across every loaded release, oldest first.
type CodeHistory struct {
	Code     string
	Releases []CodeInRelease
}

// History is the release history of a snapshot: the diff of each pair of
// consecutive loaded releases, indexed by code.
type History struct {
	releases []*Release
	diffs    []*ReleaseDiff // diffs[i]: releases[i] → releases[i+1]
	// byCode[code][i] is the code's changes in diffs[i] (a sub-slice).
	byCode map[string][][]Change
}

// History returns the snapshot's release history, computed on first use.
func (s *Snapshot) History() *History {
	s.historyOnce.Do(func() { s.history = newHistory(s.releases) })
	return s.history
}

func newHistory(releases []*Release) *History {
	h := &History{releases: releases, diffs: make([]*ReleaseDiff, max(len(releases)-1, 0))}
	var wg sync.WaitGroup
	for i := range h.diffs {
		wg.Go(func() { h.diffs[i] = compareReleases(releases[i], releases[i+1]) })
	}
	wg.Wait()
	h.byCode = map[string][][]Change{}
	for i, d := range h.diffs {
		for start := 0; start < len(d.Changes); {
			end := start + 1
			for end < len(d.Changes) && d.Changes[end].Code == d.Changes[start].Code {
				end++
			}
			code := d.Changes[start].Code
			per := h.byCode[code]
			if per == nil {
				per = make([][]Change, len(h.diffs))
				h.byCode[code] = per
			}
			per[i] = d.Changes[start:end:end]
			start = end
		}
	}
	return h
}

// Consecutive returns the diffs of each loaded release against the one
// before it, oldest first.
func (h *History) Consecutive() []*ReleaseDiff { return h.diffs }

// Code returns a code's history. ok is false when no loaded release lists
// the code.
func (h *History) Code(code string) (ch *CodeHistory, ok bool) {
	ch = &CodeHistory{Code: code, Releases: make([]CodeInRelease, len(h.releases))}
	per := h.byCode[code]
	for i, r := range h.releases {
		e := CodeInRelease{Version: r.Version, Status: StatusAbsent}
		if c, found := r.Concept(code); found {
			ok = true
			e.Concept = c
			e.Status = StatusActive
			if c.Terminated() {
				e.Status = StatusTerminated
			}
		}
		if i > 0 {
			e.Unloaded = h.diffs[i-1].Unloaded
			if per != nil {
				e.Changes = per[i-1]
			}
		}
		ch.Releases[i] = e
	}
	return ch, ok
}

// Diff returns the changes from one loaded release to a later one. When
// to directly follows from, the precomputed diff is returned; otherwise
// the two releases are compared directly, so that a code changed and
// changed back in between shows no change.
func (h *History) Diff(from, to string) (*ReleaseDiff, error) {
	i, err := h.index(from)
	if err != nil {
		return nil, err
	}
	j, err := h.index(to)
	if err != nil {
		return nil, err
	}
	if i >= j {
		return nil, fmt.Errorf("%w: release %s is not older than %s; a diff goes from an older release to a newer one", ErrInvalid, from, to)
	}
	if j == i+1 {
		return h.diffs[i], nil
	}
	return compareReleases(h.releases[i], h.releases[j]), nil
}

// Previous returns the loaded release before v, "" for the oldest.
func (h *History) Previous(v string) (string, error) {
	i, err := h.index(v)
	if err != nil || i == 0 {
		return "", err
	}
	return h.releases[i-1].Version, nil
}

func (h *History) index(v string) (int, error) {
	for i, r := range h.releases {
		if r.Version == v {
			return i, nil
		}
	}
	vs := make([]string, len(h.releases))
	for i, r := range h.releases {
		vs[i] = r.Version
	}
	return 0, &UnknownVersionError{Version: v, Valid: vs}
}

// unloadedBetween lists the CMS quarterly release months (January, April,
// July, October) strictly between two releases. Every month between two
// consecutive loaded releases is unloaded by definition.
func unloadedBetween(older, newer *Release) []string {
	var out []string
	for m := older.Effective.AddDate(0, 1, 0); m.Before(newer.Effective); m = m.AddDate(0, 1, 0) {
		if (m.Month()-1)%3 == 0 {
			out = append(out, m.Format("2006-01"))
		}
	}
	return out
}

func compareReleases(older, newer *Release) *ReleaseDiff {
	d := &ReleaseDiff{From: older.Version, To: newer.Version, Unloaded: unloadedBetween(older, newer)}
	for _, c := range newer.Concepts {
		old, ok := older.Concept(c.Code)
		if !ok {
			d.Changes = append(d.Changes, withAction(Change{Code: c.Code, Kind: ChangeAdded, New: c.LongDescription}, c))
			// Added and terminated within the unloaded releases between
			// the two: both happened.
			if c.Terminated() {
				d.Changes = append(d.Changes, withAction(Change{Code: c.Code, Kind: ChangeTerminated, New: day(c.TerminationDate)}, c))
			}
			continue
		}
		d.Changes = appendConceptChanges(d.Changes, old, c)
	}
	for _, c := range older.Concepts {
		if _, ok := newer.Concept(c.Code); !ok {
			d.Changes = append(d.Changes, Change{Code: c.Code, Kind: ChangeRemoved, Old: c.LongDescription})
		}
	}
	slices.SortStableFunc(d.Changes, func(a, b Change) int {
		if a.Code != b.Code {
			return strings.Compare(a.Code, b.Code)
		}
		return a.Kind.rank() - b.Kind.rank()
	})
	return d
}

func withAction(ch Change, newer *Concept) Change {
	ch.ActionCode = newer.ActionCode
	ch.ActionEffective = newer.ActionEffectiveDate
	return ch
}

// appendConceptChanges compares one code's two records. Property changes
// follow PropertyDefinitions order; the action columns are not compared,
// since they describe the change rather than the code.
func appendConceptChanges(out []Change, old, c *Concept) []Change {
	add := func(kind ChangeKind, property, before, after string) {
		out = append(out, withAction(Change{Code: c.Code, Kind: kind, Property: property, Old: before, New: after}, c))
	}
	switch {
	case !old.Terminated() && c.Terminated():
		add(ChangeTerminated, "", "", day(c.TerminationDate))
	case old.Terminated() && !c.Terminated():
		add(ChangeReinstated, "", day(old.TerminationDate), "")
	}
	if old.LongDescription != c.LongDescription {
		add(ChangeLongDescription, "", old.LongDescription, c.LongDescription)
		out[len(out)-1].WhitespaceOnly = sameWords(old.LongDescription, c.LongDescription)
	}
	if old.ShortDescription != c.ShortDescription {
		add(ChangeShortDescription, "", old.ShortDescription, c.ShortDescription)
		out[len(out)-1].WhitespaceOnly = sameWords(old.ShortDescription, c.ShortDescription)
	}
	for _, p := range comparedProperties {
		if p.same(old, c) {
			continue
		}
		before, after := p.value(old), p.value(c)
		// Setting or clearing the termination date is a termination or
		// reinstatement, reported above; only a moved date is a property
		// change.
		if p.code == "termination-date" && (before == "" || after == "") {
			continue
		}
		add(ChangeProperty, p.code, before, after)
	}
	return out
}

// sameWords reports whether two texts differ only in their whitespace.
func sameWords(a, b string) bool {
	return slices.Equal(strings.Fields(a), strings.Fields(b))
}

// comparedProperty reads one property of a concept three ways: a cheap
// comparison first (most codes change nothing), and the served text only
// for the properties that differ.
type comparedProperty struct {
	code string
	text func(*Concept) string
	list func(*Concept) []string
	date func(*Concept) time.Time
}

func (p comparedProperty) same(a, b *Concept) bool {
	switch {
	case p.list != nil:
		return slices.Equal(p.list(a), p.list(b))
	case p.date != nil:
		return p.date(a).Equal(p.date(b))
	}
	return p.text(a) == p.text(b)
}

func (p comparedProperty) value(c *Concept) string {
	switch {
	case p.list != nil:
		return strings.Join(p.list(c), ", ")
	case p.date != nil:
		return day(p.date(c))
	}
	return p.text(c)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func textProperty(code string, f func(*Concept) string) comparedProperty {
	return comparedProperty{code: code, text: f}
}

func listProperty(code string, f func(*Concept) []string) comparedProperty {
	return comparedProperty{code: code, list: f}
}

func dateProperty(code string, f func(*Concept) time.Time) comparedProperty {
	return comparedProperty{code: code, date: f}
}

// comparedProperties are the properties a ChangeProperty can name, in
// PropertyDefinitions order: every CMS column but the descriptions (their
// own kinds), RECID (a code cannot change kind) and the action columns.
var comparedProperties = []comparedProperty{
	listProperty("pricing-indicator", func(c *Concept) []string { return c.PricingIndicators }),
	textProperty("multiple-pricing-indicator", func(c *Concept) string { return c.MultiplePricingIndicator }),
	listProperty("coverage-issues-manual", func(c *Concept) []string { return c.CoverageIssuesManual }),
	listProperty("medicare-carriers-manual", func(c *Concept) []string { return c.MedicareCarriersManual }),
	textProperty("statute", func(c *Concept) string { return c.Statute }),
	listProperty("lab-certification", func(c *Concept) []string { return c.LabCertifications }),
	listProperty("cross-reference", func(c *Concept) []string { return c.CrossReferences }),
	textProperty("coverage", func(c *Concept) string { return c.Coverage }),
	textProperty("asc-payment-group", func(c *Concept) string { return c.ASCPaymentGroup }),
	dateProperty("asc-effective-date", func(c *Concept) time.Time { return c.ASCEffectiveDate }),
	textProperty("opps-payment-group", func(c *Concept) string { return c.OPPSPaymentGroup }),
	textProperty("opps-payment-indicator", func(c *Concept) string { return c.OPPSPaymentIndicator }),
	dateProperty("opps-effective-date", func(c *Concept) time.Time { return c.OPPSEffectiveDate }),
	textProperty("processing-note", func(c *Concept) string {
		if c.ProcessingNote == "0000" {
			return ""
		}
		return c.ProcessingNote
	}),
	textProperty("betos", func(c *Concept) string { return c.BETOS }),
	listProperty("type-of-service", func(c *Concept) []string { return c.TypesOfService }),
	textProperty("anesthesia-base-units", func(c *Concept) string {
		if c.AnesthesiaBaseUnits == nil {
			return ""
		}
		return strconv.Itoa(*c.AnesthesiaBaseUnits)
	}),
	dateProperty("added-date", func(c *Concept) time.Time { return c.AddedDate }),
	dateProperty("termination-date", func(c *Concept) time.Time { return c.TerminationDate }),
}
