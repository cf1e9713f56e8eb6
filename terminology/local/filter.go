package local

import (
	"fmt"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// hierarchyMeanings are the CodeSystem.hierarchyMeaning values under which
// the hierarchy operators apply: all of them, since the nesting (and the
// parent and child properties) is the hierarchy whatever it means.
var hierarchyMeanings = map[string]bool{"": true, "is-a": true, "part-of": true, "classified-with": true, "grouped-by": true}

func isHierarchyOp(op string) bool {
	switch op {
	case valueset.OpIsA, valueset.OpDescendentOf, valueset.OpIsNotA, valueset.OpGeneralizes, valueset.OpChildOf, valueset.OpDescendentLeaf:
		return true
	}
	return false
}

func isValueOp(op string) bool {
	switch op {
	case valueset.OpEqual, valueset.OpIn, valueset.OpNotIn, valueset.OpExists, valueset.OpRegex:
		return true
	}
	return false
}

// Filter evaluates a compose filter natively: the hierarchy and value
// operators on concept and code, and the value operators on declared and
// standard properties. A property the system does not know is
// valueset.ErrFilterNotHandled; an operator that does not apply to the
// property is a *valueset.Error of Kind ErrInvalid. Errors carry a relative
// Path (".op", ".value") that the engine completes.
func (s *System) Filter(f valueset.Filter) (valueset.Predicate, error) {
	p, err := s.filter(f)
	if err != nil {
		return nil, err
	}
	// A concept that is not one of this system's passes no filter.
	return func(c *valueset.Concept) bool {
		_, ok := s.index(c)
		return ok && p(c)
	}, nil
}

func (s *System) filter(f valueset.Filter) (valueset.Predicate, error) {
	if !valueset.KnownOp(f.Op) {
		return nil, &valueset.Error{Kind: valueset.ErrInvalid, Path: ".op", Text: fmt.Sprintf("The filter operator '%s' is not a FHIR filter operator", f.Op)}
	}
	switch f.Property {
	case "concept", "code":
		if isHierarchyOp(f.Op) {
			return s.hierarchyFilter(f)
		}
		return s.codeFilter(f)
	case PropParent, PropChild:
		if !isValueOp(f.Op) {
			return nil, s.unsupported(f)
		}
		edges := s.parents
		if f.Property == PropChild {
			edges = s.children
		}
		return valueset.ValuePredicate(f, "", func(c *valueset.Concept) []string {
			i, ok := s.index(c)
			if !ok {
				return nil
			}
			return s.codes(edges[i])
		})
	case PropInactive:
		// The concept's status, whichever property gives it (inactive or
		// status), so every concept has a value.
		if !isValueOp(f.Op) {
			return nil, s.unsupported(f)
		}
		return valueset.ValuePredicate(f, "", func(c *valueset.Concept) []string {
			if c.Inactive {
				return []string{"true"}
			}
			return []string{"false"}
		})
	}
	if _, known := s.types[f.Property]; !known {
		return nil, valueset.ErrFilterNotHandled
	}
	if !isValueOp(f.Op) {
		return nil, s.unsupported(f)
	}
	code := f.Property
	return valueset.ValuePredicate(f, "", func(c *valueset.Concept) []string {
		i, ok := s.index(c)
		if !ok {
			return nil
		}
		var out []string
		for _, pv := range s.props[i] {
			if pv.Code == code {
				out = append(out, pv.Value)
			}
		}
		return out
	})
}

func (s *System) unsupported(f valueset.Filter) error {
	return &valueset.Error{Kind: valueset.ErrInvalid, Path: ".op", Text: fmt.Sprintf(
		"The filter operator '%s' is not supported for the property '%s' of the CodeSystem '%s'; supported: =, in, not-in, exists, regex",
		f.Op, f.Property, s.info.Canonical())}
}

// index is the concept's position, if it is a concept of this system (the
// one at its Index has its code).
func (s *System) index(c *valueset.Concept) (int, bool) {
	if c == nil || c.Index < 0 || c.Index >= len(s.concepts) || s.concepts[c.Index].Code != c.Code {
		return 0, false
	}
	return c.Index, true
}

// codeFilter is =, in, not-in, regex and exists on the code: comparisons
// ignore case when the system does, a regex applies as written.
func (s *System) codeFilter(f valueset.Filter) (valueset.Predicate, error) {
	values := func(c *valueset.Concept) []string { return []string{c.Code} }
	if s.byFold != nil && f.Op != valueset.OpRegex && f.Op != valueset.OpExists {
		f.Value = fold(f.Value)
		values = func(c *valueset.Concept) []string { return []string{fold(c.Code)} }
	}
	return valueset.ValuePredicate(f, "", values)
}

// hierarchyFilter is is-a, descendent-of, is-not-a, generalizes, child-of
// and descendent-leaf. An unknown code selects nothing (is-not-a: every
// concept).
func (s *System) hierarchyFilter(f valueset.Filter) (valueset.Predicate, error) {
	if !hierarchyMeanings[s.def.HierarchyMeaning] {
		return nil, &valueset.Error{Kind: valueset.ErrInvalid, Path: ".op", Text: fmt.Sprintf(
			"The filter operator '%s' needs a hierarchy, but the hierarchyMeaning '%s' of the CodeSystem '%s' is not one this server knows",
			f.Op, s.def.HierarchyMeaning, s.info.Canonical())}
	}
	x, ok := s.lookup(f.Value)
	if !ok {
		if f.Op == valueset.OpIsNotA {
			return func(*valueset.Concept) bool { return true }, nil
		}
		return func(*valueset.Concept) bool { return false }, nil
	}
	var set []bool
	switch f.Op {
	case valueset.OpIsA, valueset.OpIsNotA:
		set = s.closure(x, s.children)
	case valueset.OpDescendentOf:
		set = s.closure(x, s.children)
		set[x] = false
	case valueset.OpGeneralizes:
		set = s.closure(x, s.parents)
	case valueset.OpChildOf:
		set = make([]bool, len(s.concepts))
		for _, c := range s.children[x] {
			set[c] = true
		}
	case valueset.OpDescendentLeaf:
		set = s.closure(x, s.children)
		set[x] = false
		for i, in := range set {
			if in && len(s.children[i]) > 0 {
				set[i] = false
			}
		}
	}
	want := f.Op != valueset.OpIsNotA
	return func(c *valueset.Concept) bool {
		i, ok := s.index(c)
		return ok && set[i] == want
	}, nil
}
