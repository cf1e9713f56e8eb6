package conceptmap

import "slices"

// Coding is a concept: its system, the system's version, its code and
// display.
type Coding struct {
	System, Version, Code, Display string
}

// Dependency is a dependency parameter: the element (a URI, as
// dependsOn.property) and the concepts it has.
type Dependency struct {
	Element string
	Codings []Coding
}

// Query is one translation question.
type Query struct {
	Coding Coding
	// Reverse: Coding is a target concept, and the answers are the source
	// concepts that map to it.
	Reverse bool
	// ToSystem is the system the answers must come from; "" for any.
	ToSystem string
	// FromScope and ToScope are the value sets of the concept asked about
	// and of the answers, when the question names them.
	FromScope, ToScope string
	Dependencies       []Dependency
}

// Match is one translation.
type Match struct {
	// Equivalence is the map's; "" for an unmapped fallback, which says
	// none.
	Equivalence Equivalence
	// Concept is the translation (nil for an unmatched target that has no
	// code). Reverse, it is the concept asked about, as tx.fhir.org
	// reports it, and Source is the translation.
	Concept *Coding
	// Source is, reverse, the source concept that maps to the concept
	// asked about.
	Source *Coding
	// Map is the canonical of the map the translation started in.
	Map                string
	Product, DependsOn []OtherElement
}

// Result is the answer to a query.
type Result struct {
	Matches []Match
}

// Translated reports whether a match is a translation: at least one match
// whose equivalence is not unmatched or disjoint.
func (r Result) Translated() bool {
	return slices.ContainsFunc(r.Matches, func(m Match) bool { return m.Equivalence.Positive() })
}

// Resolve finds the map an unmapped other-map names (a canonical); nil
// when there is none.
type Resolve func(canonical string) *Map

// Translate answers q with the maps, in order (Select picks them). resolve
// finds the maps other-map fallbacks name; it may be nil when none do. A
// fallback to a map that cannot be found, or a cycle of them, is an
// ErrBroken error.
func Translate(maps []*Map, q Query, resolve Resolve) (Result, error) {
	var r Result
	for _, m := range maps {
		if q.Reverse {
			r.reverse(m, q)
			continue
		}
		if err := r.forward(m, q, m.Canonical(), resolve, []*Map{m}); err != nil {
			return Result{}, err
		}
	}
	return r, nil
}

func (r *Result) forward(m *Map, q Query, origin string, resolve Resolve, chain []*Map) error {
	for gi := range m.Groups {
		g := &m.Groups[gi]
		if !q.groupApplies(g) {
			continue
		}
		found := false
		for _, e := range g.Elements {
			if e.Code != q.Coding.Code {
				continue
			}
			found = true
			for _, t := range e.Targets {
				if !q.dependenciesAllow(t) {
					continue
				}
				match := Match{Equivalence: t.Equivalence, Map: origin, Product: t.Product, DependsOn: t.DependsOn}
				if t.Code != "" {
					match.Concept = &Coding{System: g.Target, Version: g.TargetVersion, Code: t.Code, Display: t.Display}
				}
				r.add(match)
			}
		}
		if found || g.Unmapped == nil {
			continue
		}
		if err := r.unmapped(m, g, q, origin, resolve, chain); err != nil {
			return err
		}
	}
	return nil
}

func (r *Result) unmapped(m *Map, g *Group, q Query, origin string, resolve Resolve, chain []*Map) error {
	u := g.Unmapped
	switch u.Mode {
	case UnmappedProvided:
		r.add(Match{Map: origin, Concept: &Coding{System: g.Target, Version: g.TargetVersion, Code: q.Coding.Code}})
	case UnmappedFixed:
		r.add(Match{Map: origin, Concept: &Coding{System: g.Target, Version: g.TargetVersion, Code: u.Code, Display: u.Display}})
	case UnmappedOtherMap:
		var other *Map
		if resolve != nil {
			other = resolve(u.URL)
		}
		if other == nil {
			return errorf(ErrBroken, "ConceptMap.group.unmapped.url", "The ConceptMap %s named in group.unmapped.url of %s was not found", u.URL, m.Canonical())
		}
		if slices.Contains(chain, other) {
			return errorf(ErrBroken, "ConceptMap.group.unmapped.url", "The ConceptMap %s refers back to %s through group.unmapped.url, a cycle", m.Canonical(), other.Canonical())
		}
		return r.forward(other, q, origin, resolve, append(slices.Clip(chain), other))
	}
	return nil
}

func (r *Result) reverse(m *Map, q Query) {
	for gi := range m.Groups {
		g := &m.Groups[gi]
		if !q.groupApplies(g) {
			continue
		}
		for _, e := range g.Elements {
			for _, t := range e.Targets {
				if t.Code != q.Coding.Code || !q.dependenciesAllow(t) {
					continue
				}
				r.add(Match{Equivalence: t.Equivalence, Map: m.Canonical(), Product: t.Product, DependsOn: t.DependsOn,
					Concept: &Coding{System: g.Target, Code: t.Code, Display: t.Display},
					Source:  &Coding{System: g.Source, Version: g.SourceVersion, Code: e.Code, Display: e.Display}})
			}
		}
	}
}

// add keeps the first match of each answer: a second map or group that
// says the same adds nothing.
func (r *Result) add(m Match) {
	if !slices.ContainsFunc(r.Matches, func(x Match) bool { return sameAnswer(x, m) }) {
		r.Matches = append(r.Matches, m)
	}
}

// sameAnswer: the same concept and (reverse) the same source concept; two
// matches without a concept are the same when their equivalence is.
func sameAnswer(a, b Match) bool {
	return sameCoding(a.Concept, b.Concept) && sameCoding(a.Source, b.Source) && (a.Concept != nil || a.Equivalence == b.Equivalence)
}

func sameCoding(a, b *Coding) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.System == b.System && a.Code == b.Code
}

// dependenciesAllow: every dependsOn of t that names an element the query
// has a dependency for must have one of its values.
func (q Query) dependenciesAllow(t Target) bool {
	for _, d := range t.DependsOn {
		for _, dep := range q.Dependencies {
			if dep.Element != d.Property {
				continue
			}
			if !slices.ContainsFunc(dep.Codings, func(c Coding) bool {
				return c.Code == d.Value && (d.System == "" || c.System == "" || c.System == d.System)
			}) {
				return false
			}
		}
	}
	return true
}
