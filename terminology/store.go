package terminology

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hcpcs-server/hcpcs-server/terminology/conceptmap"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// Snapshot is an immutable set of releases, oldest first. Handlers take one
// snapshot per request so that a reload in the middle of a request cannot mix
// two data sets.
type Snapshot struct {
	releases  []*Release
	byVersion map[string]*Release
	loadedAt  time.Time

	suppOnce    sync.Once
	supplements []*CodeTable

	fingerprintOnce sync.Once
	fingerprint     string

	historyOnce sync.Once
	history     *History

	valueSets   *valueset.Registry
	codeSystems *valueset.Systems // loaded CodeSystem resources
	conceptMaps []*conceptmap.Map // loaded ConceptMap resources
	skipped     []SkippedResource
	compiled    CompiledCache
}

// SkippedResource is a loaded definition that is not served, and why.
type SkippedResource struct {
	Origin, Canonical, Reason string
}

// Definitions are the FHIR resources loaded beside the releases (from
// files and packages): value sets, code systems, concept maps, and what the
// loader left out, with the reason.
type Definitions struct {
	ValueSets   []*valueset.ValueSet
	CodeSystems []valueset.CodeSystem
	ConceptMaps []*conceptmap.Map
	Skipped     []SkippedResource
}

// NewSnapshotEvaluated is NewSnapshotWith for definitions from files and
// packages: the code systems are served beside HCPCS (one whose url is
// HCPCS's or a code table's, or that repeats a url|version, is skipped);
// the value sets that cannot be evaluated here (a code system the server
// does not have, a filter it does not support, an import that is missing
// or itself skipped) are left out and listed with the reason, and the rest
// are served.
func NewSnapshotEvaluated(releases []*Release, defs Definitions) (*Snapshot, error) {
	skipped := slices.Clone(defs.Skipped)
	var systems []valueset.CodeSystem
	seen := map[string]bool{}
	for _, cs := range defs.CodeSystems {
		info := cs.Info()
		switch {
		case IsHCPCSSystem(info.URL) || strings.HasPrefix(info.URL, SupplementBaseURL+"hcpcs-"):
			skipped = append(skipped, SkippedResource{Canonical: info.Canonical(), Reason: "this server serves " + info.URL + " from the CMS files; a CodeSystem resource cannot replace it"})
		case seen[info.Canonical()]:
			skipped = append(skipped, SkippedResource{Canonical: info.Canonical(), Reason: info.Canonical() + " is already loaded"})
		default:
			seen[info.Canonical()] = true
			systems = append(systems, cs)
		}
	}
	loaded := defs.ValueSets
	for {
		snap, err := NewSnapshotWith(releases, loaded)
		if err != nil {
			return nil, err
		}
		if snap.codeSystems, err = valueset.NewSystems(systems); err != nil {
			return nil, err
		}
		res := snap.Resolver()
		// Compiled side by side: the first use of a release builds its
		// views and text index, about 0.1 s each, on the way to ready.
		errs := make([]error, len(loaded))
		var g errgroup.Group
		g.SetLimit(runtime.GOMAXPROCS(0))
		for i, vs := range loaded {
			g.Go(func() error {
				_, errs[i] = valueset.Compile(vs, res, valueset.Options{})
				return nil
			})
		}
		_ = g.Wait()
		keep := loaded[:0:0]
		for i, vs := range loaded {
			if err := errs[i]; err != nil {
				skipped = append(skipped, SkippedResource{Origin: vs.Origin, Canonical: vs.Canonical(), Reason: err.Error()})
				continue
			}
			keep = append(keep, vs)
		}
		if len(keep) == len(loaded) {
			snap.skipped, snap.conceptMaps = skipped, defs.ConceptMaps
			return snap, nil
		}
		loaded = keep
	}
}

// CodeSystems are the loaded code systems the snapshot serves beside HCPCS.
func (s *Snapshot) CodeSystems() *valueset.Systems { return s.codeSystems }

// ConceptMaps are the loaded concept maps ($translate). The slice must not
// be modified.
func (s *Snapshot) ConceptMaps() []*conceptmap.Map { return s.conceptMaps }

// Skipped lists the loaded definitions that are not served, and why.
func (s *Snapshot) Skipped() []SkippedResource { return s.skipped }

// NewSnapshot validates and indexes a set of releases. Two releases with the
// same version are an error: the caller must pick one.
func NewSnapshot(releases []*Release) (*Snapshot, error) {
	return NewSnapshotWith(releases, nil)
}

// NewSnapshotWith is NewSnapshot with value sets loaded from files or
// packages, served beside the built-in ones (BuiltinValueSets); a loaded
// value set with the url and version of a built-in one is dropped, and
// named in the error.
func NewSnapshotWith(releases []*Release, loaded []*valueset.ValueSet) (*Snapshot, error) {
	if len(releases) == 0 {
		return nil, fmt.Errorf("%w: no releases", ErrInvalid)
	}
	rs := append([]*Release(nil), releases...)
	SortReleases(rs)
	s := &Snapshot{releases: rs, byVersion: make(map[string]*Release, len(rs)), loadedAt: time.Now().UTC()}
	for _, r := range rs {
		if prev, dup := s.byVersion[r.Version]; dup {
			return nil, fmt.Errorf("%w: version %s is given twice (%s and %s)", ErrInvalid, r.Version,
				strings.Join(prev.Sources, ", "), strings.Join(r.Sources, ", "))
		}
		s.byVersion[r.Version] = r
	}
	reg, dropped := valueset.NewRegistry(append(BuiltinValueSets(), loaded...))
	if len(dropped) > 0 {
		return nil, fmt.Errorf("%w: value sets given twice: %s", ErrInvalid, strings.Join(dropped, "; "))
	}
	s.valueSets = reg
	return s, nil
}

// ValueSets returns the value sets the snapshot serves: built-in ones first.
func (s *Snapshot) ValueSets() *valueset.Registry { return s.valueSets }

// The built-in value sets: every HCPCS code, under the implicit URL and
// under THO's.
const (
	AllCodesValueSet = SystemURL + "?fhir_vs"
	THOValueSet      = "http://terminology.hl7.org/ValueSet/v3-HealthCareCommonProcedureCodingSystem"
)

// BuiltinValueSets are the value sets every snapshot serves.
func BuiltinValueSets() []*valueset.ValueSet {
	all := func() *valueset.Compose {
		return &valueset.Compose{Include: []valueset.ConceptSet{{System: SystemURL}}}
	}
	f := false
	desc := "Every HCPCS Level II code and modifier, active or terminated, of the release chosen by system-version, date, or the latest."
	return []*valueset.ValueSet{
		{ID: "hcpcs-all", URL: AllCodesValueSet, Name: "HCPCSAllCodes", Title: "All HCPCS Level II codes and modifiers",
			Status: "active", Experimental: &f, Description: desc, Compose: all()},
		{ID: "v3-HealthCareCommonProcedureCodingSystem", URL: THOValueSet, Name: "HealthCareCommonProcedureCodingSystem",
			Title: "Health Care Common Procedure Coding System (all codes)", Status: "active", Experimental: &f, Description: desc, Compose: all()},
	}
}

// Releases returns the releases, oldest first. The slice must not be modified.
func (s *Snapshot) Releases() []*Release { return s.releases }

// LoadedAt is when the snapshot was built.
func (s *Snapshot) LoadedAt() time.Time { return s.loadedAt }

// Latest is the default release: the newest loaded.
func (s *Snapshot) Latest() *Release { return s.releases[len(s.releases)-1] }

// Versions lists the loaded versions, oldest first.
func (s *Snapshot) Versions() []string {
	vs := make([]string, len(s.releases))
	for i, r := range s.releases {
		vs[i] = r.Version
	}
	return vs
}

// Version returns the release with exactly this version. The error wraps
// ErrNotFound and is an *UnknownVersionError that lists the valid versions.
func (s *Snapshot) Version(v string) (*Release, error) {
	if r, ok := s.byVersion[v]; ok {
		return r, nil
	}
	return nil, &UnknownVersionError{Version: v, Valid: s.Versions()}
}

// OnDate returns the release in effect on day d: the newest release whose
// effective date is not after d. Before the oldest release it fails with
// ErrNotFound.
func (s *Snapshot) OnDate(d time.Time) (*Release, error) {
	day := Day(d)
	for i := len(s.releases) - 1; i >= 0; i-- {
		if !s.releases[i].Effective.After(day) {
			return s.releases[i], nil
		}
	}
	return nil, &NoReleaseOnDateError{Date: day, Oldest: s.releases[0]}
}

// NoReleaseOnDateError is returned for a date before the oldest loaded release.
type NoReleaseOnDateError struct {
	Date   time.Time
	Oldest *Release
}

func (e *NoReleaseOnDateError) Error() string {
	return fmt.Sprintf("No HCPCS release loaded here was in effect on %s; the oldest is %s, effective %s",
		e.Date.Format(time.DateOnly), e.Oldest.Version, e.Oldest.Effective.Format(time.DateOnly))
}

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *NoReleaseOnDateError) Unwrap() error { return ErrNotFound }

// UnknownVersionError is returned for a version that is not loaded.
type UnknownVersionError struct {
	Version string
	Valid   []string
}

func (e *UnknownVersionError) Error() string {
	return fmt.Sprintf("A definition for CodeSystem '%s' version '%s' could not be found. Valid versions: %s", SystemURL, e.Version, OrList(e.Valid))
}

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *UnknownVersionError) Unwrap() error { return ErrNotFound }

// Store holds the current snapshot and swaps it atomically on reload.
type Store struct {
	current atomic.Pointer[Snapshot]
}

// NewStore returns a store serving s.
func NewStore(s *Snapshot) *Store {
	st := &Store{}
	st.current.Store(s)
	return st
}

// Snapshot returns the data currently served.
func (st *Store) Snapshot() *Snapshot { return st.current.Load() }

// Swap replaces the served data in one step and returns the previous snapshot.
func (st *Store) Swap(s *Snapshot) *Snapshot { return st.current.Swap(s) }
