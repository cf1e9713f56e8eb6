package valueset

import (
	"fmt"
	"slices"
	"strings"
)

// Overlay lays a request's own code systems and value sets (the tx
// ecosystem's tx-resource parameters) over a base resolver. What the overlay
// holds wins over the base for the same url and version; everything else is
// asked of the base. An Overlay lives for one request and is never shared,
// so nothing it holds is visible to another request.
type Overlay struct {
	base      Resolver
	systems   map[string][]CodeSystem // by URL, newest version first
	valueSets *Registry
}

// NewOverlay builds the overlay. Two code systems with the same url and
// version, or two value sets with the same canonical, contradict each other
// and are refused (ErrInvalid).
func NewOverlay(base Resolver, systems []CodeSystem, valueSets []*ValueSet) (*Overlay, error) {
	o := &Overlay{base: base, systems: map[string][]CodeSystem{}}
	for _, cs := range systems {
		info := cs.Info()
		if slices.ContainsFunc(o.systems[info.URL], func(x CodeSystem) bool { return x.Info().Version == info.Version }) {
			return nil, invalidf("CodeSystem", "the code system %s is given twice", info.Canonical())
		}
		o.systems[info.URL] = append(o.systems[info.URL], cs)
	}
	for _, versions := range o.systems {
		slices.SortStableFunc(versions, func(a, b CodeSystem) int { return -CompareVersions(a.Info().Version, b.Info().Version) })
	}
	reg, dropped := NewRegistry(valueSets)
	if len(dropped) > 0 {
		return nil, invalidf("ValueSet", "%s", dropped[0])
	}
	o.valueSets = reg
	return o, nil
}

// Base is the resolver the overlay falls back to.
func (o *Overlay) Base() Resolver { return o.base }

// Empty reports whether the overlay adds nothing to its base.
func (o *Overlay) Empty() bool { return len(o.systems) == 0 && len(o.valueSets.All()) == 0 }

// HasSystem reports whether the overlay itself holds a code system of url.
func (o *Overlay) HasSystem(url string) bool { return len(o.systems[url]) > 0 }

// SystemVersions lists the versions of url the overlay holds, newest first.
func (o *Overlay) SystemVersions(url string) []string {
	var out []string
	for _, cs := range o.systems[url] {
		out = append(out, cs.Info().Version)
	}
	return out
}

// CodeSystem returns the overlay's version of the system when it holds the
// url: the named version, else the newest. A version it lacks is asked of
// the base before it is called unknown.
func (o *Overlay) CodeSystem(ref SystemRef) (CodeSystem, error) {
	versions := o.systems[ref.URL]
	if len(versions) == 0 {
		return o.base.CodeSystem(ref)
	}
	if ref.Version == "" {
		return versions[0], nil
	}
	for _, cs := range versions { // newest first: a pattern takes the newest match
		if VersionMatches(ref.Version, cs.Info().Version) {
			return cs, nil
		}
	}
	if cs, err := o.base.CodeSystem(ref); err == nil {
		return cs, nil
	}
	valid := o.SystemVersions(ref.URL)
	slices.SortFunc(valid, CompareVersions)
	return nil, &UnknownSystemError{URL: ref.URL, Version: ref.Version, Valid: valid,
		Cause: fmt.Sprintf("A definition for CodeSystem '%s' version '%s' could not be found", ref.URL, ref.Version)}
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
