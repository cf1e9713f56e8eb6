package valueset

// Hierarchical is the optional capability of a code system whose concepts
// form a hierarchy: Parents gives the codes of a concept's direct parents.
// An expansion of such a system nests children under their parent (the
// R4 contains.contains), unless the request asks for a flat list.
type Hierarchical interface {
	Parents(code string) []string
}

// nestable reports whether the compose allows a nested expansion: each
// include and exclude takes a whole system or one filter of it, no concept
// list and no imported value set, and no system is included twice (so no
// code can be reached two ways). This follows tx.fhir.org's reference
// server (FHIRsmith tx/workers/expand.js, canBeHierarchy).
func (c *Compiled) nestable() bool {
	seen := map[string]bool{}
	for _, sets := range [][]*conceptSet{c.include, c.exclude} {
		for _, s := range sets {
			if s.cs == nil || s.listed != nil || len(s.imports) > 0 || len(s.preds) > 1 {
				return false
			}
		}
	}
	for _, s := range c.include {
		key := s.info.Canonical()
		if seen[key] {
			return false
		}
		seen[key] = true
	}
	return true
}

// filteredOnly reports whether every include of a system filters it. A
// text filter keeps such an expansion nestable, as tx.fhir.org nests the
// matches of a compose filter under their parent, while it lists the text
// matches of a whole system flat (FHIRsmith tx/workers/expand.js,
// includeCodes: the filter loop looks up the parent, the whole-system
// search does not).
func (c *Compiled) filteredOnly() bool {
	for _, s := range c.include {
		if s.cs != nil && !s.filtered {
			return false
		}
	}
	return true
}

// nest arranges the members of a whole expansion as a tree: a member whose
// one parent is in the expansion goes under it, the others are roots; both
// keep the expansion's order. It returns nil, for a flat answer, when a
// member has several parents, since a tree cannot show it once.
func (c *Compiled) nest(members []*Member) []*Member {
	type key struct{ system, code string }
	byKey := make(map[key]*Member, len(members))
	for _, m := range members {
		byKey[key{m.System.Canonical(), m.Concept.Code}] = m
	}
	parentOf := make([]*Member, len(members))
	nested := false
	for i, m := range members {
		h, ok := c.System(m.System).(Hierarchical)
		if !ok {
			continue
		}
		parents := h.Parents(m.Concept.Code)
		if len(parents) > 1 {
			return nil
		}
		if len(parents) == 1 {
			if p, ok := byKey[key{m.System.Canonical(), parents[0]}]; ok && p != m {
				parentOf[i] = p
				nested = true
			}
		}
	}
	if !nested {
		return members
	}
	var roots []*Member
	for i, m := range members {
		if p := parentOf[i]; p != nil {
			p.Contains = append(p.Contains, m)
		} else {
			roots = append(roots, m)
		}
	}
	return roots
}

// Flatten lists a tree of members in pre-order: each member, then what it
// contains.
func Flatten(members []*Member) []*Member {
	var out []*Member
	var walk func([]*Member)
	walk = func(ms []*Member) {
		for _, m := range ms {
			out = append(out, m)
			walk(m.Contains)
		}
	}
	walk(members)
	return out
}
