package terminology

import (
	"fmt"
	"regexp"
	"sort"
	"time"
)

// Release is one CMS HCPCS release: an annual file (the -01 release of its
// year) or a quarterly update.
type Release struct {
	// Version is the release month, YYYY-MM, e.g. "2025-10".
	Version string
	// Effective is the first day of the release month: the day CMS's
	// quarterly file takes effect.
	Effective time.Time
	// Sources names the files the release was read from, data file first.
	Sources []string
	// Concepts in file order: procedures then modifiers as CMS lists them.
	Concepts []*Concept
	// ProcessingNotes maps a PROCNOTE number ("0088") to its text, when the
	// release ships a proc_notes file; otherwise it is empty.
	ProcessingNotes map[string]string

	byCode map[string]*Concept

	views releaseViews
}

var versionPattern = regexp.MustCompile(`^(\d{4})-(0[1-9]|1[0-2])$`)

// ParseVersion checks a YYYY-MM version and returns the month it starts.
func ParseVersion(v string) (time.Time, error) {
	m := versionPattern.FindStringSubmatch(v)
	if m == nil {
		return time.Time{}, fmt.Errorf("%w: version %q is not of the form YYYY-MM", ErrInvalid, v)
	}
	t, err := time.Parse("2006-01", v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: version %q: %v", ErrInvalid, v, err)
	}
	return t, nil
}

// NewRelease indexes concepts under a version. It keeps copies of the
// concepts, packed for the garbage collector (packConcepts), not the
// concepts given. It fails on a malformed version, on an empty release, and
// on a code listed twice.
func NewRelease(version string, sources []string, concepts []*Concept, notes map[string]string) (*Release, error) {
	eff, err := ParseVersion(version)
	if err != nil {
		return nil, err
	}
	if len(concepts) == 0 {
		return nil, fmt.Errorf("%w: release %s has no concepts", ErrInvalid, version)
	}
	concepts = packConcepts(concepts)
	r := &Release{
		Version:         version,
		Effective:       eff,
		Sources:         sources,
		Concepts:        concepts,
		ProcessingNotes: notes,
		byCode:          make(map[string]*Concept, len(concepts)),
	}
	if r.ProcessingNotes == nil {
		r.ProcessingNotes = map[string]string{}
	}
	for _, c := range concepts {
		if _, dup := r.byCode[c.Code]; dup {
			return nil, fmt.Errorf("%w: release %s lists code %q twice", ErrInvalid, version, c.Code)
		}
		r.byCode[c.Code] = c
	}
	return r, nil
}

// Concept returns the concept with exactly this code (HCPCS is case-sensitive).
func (r *Release) Concept(code string) (*Concept, bool) {
	c, ok := r.byCode[code]
	return c, ok
}

// Counts summarises a release the way SOURCES.md §3 does.
type Counts struct {
	Entries, Procedures, ProceduresActive, ProceduresTerminated, Modifiers, ModifiersTerminated int
}

// Counts tallies the release's concepts.
func (r *Release) Counts() Counts {
	var n Counts
	for _, c := range r.Concepts {
		n.Entries++
		switch c.Kind {
		case Procedure:
			n.Procedures++
			if c.Terminated() {
				n.ProceduresTerminated++
			} else {
				n.ProceduresActive++
			}
		case Modifier:
			n.Modifiers++
			if c.Terminated() {
				n.ModifiersTerminated++
			}
		}
	}
	return n
}

// SortReleases orders releases oldest first.
func SortReleases(rs []*Release) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Version < rs[j].Version })
}
