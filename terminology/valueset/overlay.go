package valueset

import (
	"fmt"
	"slices"
	"strings"
)

// Systems holds code systems by URL, several versions of one side by side,
// as loaded resources or a request's tx-resources. It is immutable.
type Systems struct {
	byURL map[string][]CodeSystem // newest version first
}

// NewSystems indexes code systems; the same url and version twice is a
// contradiction (ErrInvalid).
func NewSystems(list []CodeSystem) (*Systems, error) {
	s := &Systems{byURL: map[string][]CodeSystem{}}
	for _, cs := range list {
		info := cs.Info()
		if slices.ContainsFunc(s.byURL[info.URL], func(x CodeSystem) bool { return x.Info().Version == info.Version }) {
			return nil, invalidf("CodeSystem", "the code system %s is given twice", info.Canonical())
		}
		s.byURL[info.URL] = append(s.byURL[info.URL], cs)
	}
	for _, versions := range s.byURL {
		slices.SortStableFunc(versions, func(a, b CodeSystem) int { return -CompareVersions(a.Info().Version, b.Info().Version) })
	}
	return s, nil
}

// Has reports whether a system of url is held.
func (s *Systems) Has(url string) bool { return s != nil && len(s.byURL[url]) > 0 }

// Len is the number of code system versions held.
func (s *Systems) Len() int {
	if s == nil {
		return 0
	}
	n := 0
	for _, v := range s.byURL {
		n += len(v)
	}
	return n
}

// All lists every version held, by url, newest first.
func (s *Systems) All() []CodeSystem {
	if s == nil {
		return nil
	}
	urls := make([]string, 0, len(s.byURL))
	for u := range s.byURL {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	var out []CodeSystem
	for _, u := range urls {
		out = append(out, s.byURL[u]...)
	}
	return out
}

// Versions lists the versions of url held, oldest first.
func (s *Systems) Versions(url string) []string {
	var out []string
	for _, cs := range s.byURL[url] {
		out = append(out, cs.Info().Version)
	}
	slices.SortFunc(out, CompareVersions)
	return out
}

// Get returns the named version of url (a pattern such as 1.x takes the
// newest match), or the newest for an empty version.
func (s *Systems) Get(url, version string) (CodeSystem, bool) {
	if s == nil {
		return nil, false
	}
	for _, cs := range s.byURL[url] { // newest first
		if version == "" || VersionMatches(version, cs.Info().Version) {
			return cs, true
		}
	}
	return nil, false
}

// UnknownVersion is the error for a version of url that is not held.
func (s *Systems) UnknownVersion(url, version string) error {
	return &UnknownSystemError{URL: url, Version: version, Valid: s.Versions(url),
		Cause: fmt.Sprintf("A definition for CodeSystem '%s' version '%s' could not be found", url, version)}
}

// Overlay lays a request's own code systems and value sets (the tx
// ecosystem's tx-resource parameters) over a base resolver. What the overlay
// holds wins over the base for the same url and version; everything else is
// asked of the base. An Overlay lives for one request and is never shared,
// so nothing it holds is visible to another request.
type Overlay struct {
	base      Resolver
	systems   *Systems
	valueSets *Registry
}

// NewOverlay builds the overlay. Two code systems with the same url and
// version, or two value sets with the same canonical, contradict each other
// and are refused (ErrInvalid).
func NewOverlay(base Resolver, systems []CodeSystem, valueSets []*ValueSet) (*Overlay, error) {
	sys, err := NewSystems(systems)
	if err != nil {
		return nil, err
	}
	reg, dropped := newRegistry(valueSets, false)
	if len(dropped) > 0 {
		return nil, invalidf("ValueSet", "%s", dropped[0])
	}
	return &Overlay{base: base, systems: sys, valueSets: reg}, nil
}

// Base is the resolver the overlay falls back to.
func (o *Overlay) Base() Resolver { return o.base }

// Empty reports whether the overlay adds nothing to its base.
func (o *Overlay) Empty() bool { return o.systems.Len() == 0 && len(o.valueSets.All()) == 0 }

// CodeSystem returns the overlay's version of the system when it holds the
// url: the named version, else the newest. A version it lacks is asked of
// the base before it is called unknown.
func (o *Overlay) CodeSystem(ref SystemRef) (CodeSystem, error) {
	if !o.systems.Has(ref.URL) {
		return o.base.CodeSystem(ref)
	}
	if cs, ok := o.systems.Get(ref.URL, ref.Version); ok {
		return cs, nil
	}
	if cs, err := o.base.CodeSystem(ref); err == nil {
		return cs, nil
	}
	return nil, o.systems.UnknownVersion(ref.URL, ref.Version)
}

// ValueSet resolves the overlay's value sets first, then the base's.
func (o *Overlay) ValueSet(canonical string) (*ValueSet, error) {
	url, version, _ := strings.Cut(canonical, "|")
	if vs, ok := o.valueSets.Get(url, version); ok {
		return vs, nil
	}
	return o.base.ValueSet(canonical)
}

// ValueSets are the overlay's own value sets.
func (o *Overlay) ValueSets() *Registry { return o.valueSets }
