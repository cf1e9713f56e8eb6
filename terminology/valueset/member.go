package valueset

// Member is a concept of a value set, as an expansion lists it.
type Member struct {
	System  Info
	Concept *Concept
	// Display is the compose's display for a listed concept, else the
	// concept's own.
	Display string
	// Designations are the compose's designations of a listed concept; the
	// concept's own are in Concept.Designations.
	Designations []Designation
	// Contains are the members nested under this one in a hierarchical
	// expansion (ExpandRequest.Nested).
	Contains []*Member
	// Status is the status the compose gives a listed concept (deprecated).
	Status string
	// Extensions are the compose's extensions of a listed concept.
	Extensions []Extension
}

// Lookup reports whether the value set contains the code of system (a
// canonical URL; version "" means whatever version the compose resolved),
// and returns it as a member. It evaluates the one concept, never the whole
// set, so it costs the same for a large set as for a small one.
func (c *Compiled) Lookup(system, version, code string) (*Member, bool) {
	h, ok := c.find(system, version, code)
	if !ok {
		return nil, false
	}
	return h.member(), true
}

// Contains is Lookup for a yes or no: it builds nothing.
func (c *Compiled) Contains(system, version, code string) bool {
	_, ok := c.find(system, version, code)
	return ok
}

// hit is a member before it is materialised: expansions count every hit
// but build a Member only for those on the page.
type hit struct {
	info    *Info
	concept *Concept
	ref     *ConceptReference // the compose's listing, if any
}

func (h hit) member() *Member {
	m := &Member{System: *h.info, Concept: h.concept, Display: h.concept.Display}
	if h.ref != nil {
		m.withReference(h.ref)
	}
	return m
}

// find is Lookup without building the Member.
func (c *Compiled) find(system, version, code string) (hit, bool) {
	return c.findConcept(system, version, code, nil)
}

// findConcept is find for a concept the caller already holds (from a
// system's text index), which saves looking the code up again.
func (c *Compiled) findConcept(system, version, code string, concept *Concept) (hit, bool) {
	var found hit
	ok := false
	for _, set := range c.include {
		if found, ok = set.findConcept(system, version, code, concept); ok {
			break
		}
	}
	if !ok {
		return hit{}, false
	}
	if c.activeOnly && found.concept.Inactive {
		return hit{}, false
	}
	// Excludes apply to the version the include resolved, as in members.
	for _, set := range c.exclude {
		if _, in := set.find(found.info.URL, c.excludeVersion(*found.info), code); in {
			return hit{}, false
		}
	}
	return found, true
}

func (s *conceptSet) find(system, version, code string) (hit, bool) {
	return s.findConcept(system, version, code, nil)
}

func (s *conceptSet) findConcept(system, version, code string, known *Concept) (hit, bool) {
	var h hit
	have := false
	if s.cs != nil {
		if system != s.info.URL || (version != "" && version != s.info.Version) {
			return hit{}, false
		}
		concept, ok := known, known != nil
		if !ok {
			concept, ok = s.cs.Concept(code)
		}
		if !ok {
			return hit{}, false
		}
		h = hit{info: &s.info, concept: concept}
		if s.listed != nil {
			if h.ref, ok = s.listed[code]; !ok {
				return hit{}, false
			}
		}
		if !s.accepts(concept) {
			return hit{}, false
		}
		have = true
	}
	for _, imp := range s.imports {
		// Once the code is found, every import must hold that same version.
		v := version
		if have {
			v = h.info.Version
		}
		ih, ok := imp.find(system, v, code)
		if !ok {
			return hit{}, false
		}
		if !have {
			h, have = ih, true
		}
	}
	return h, have
}

func (s *conceptSet) accepts(c *Concept) bool {
	for _, p := range s.preds {
		if !p(c) {
			return false
		}
	}
	return true
}

func (m *Member) withReference(ref *ConceptReference) {
	if ref.Display != "" {
		m.Display = ref.Display
	}
	if len(ref.Designations) > 0 {
		m.Designations = ref.Designations
	}
	m.Status = ref.Status
	m.Extensions = ref.Extensions
}

// members yields the members of the value set in its stable order:
// includes in order, a concept list in its order, a whole system in the
// system's order; each code once.
func (c *Compiled) members(yield func(hit) bool) {
	dedupe := len(c.include) > 1 || c.versionsMatch
	for _, s := range c.include {
		if s.listed != nil || s.cs == nil {
			dedupe = true
		}
	}
	var seen map[[2]string]bool
	if dedupe {
		seen = map[[2]string]bool{}
	}
	emit := func(h hit) bool {
		if c.activeOnly && h.concept.Inactive {
			return true
		}
		for _, x := range c.exclude {
			if _, ok := x.find(h.info.URL, c.excludeVersion(*h.info), h.concept.Code); ok {
				return true
			}
		}
		if seen != nil {
			k := [2]string{h.info.Canonical(), h.concept.Code}
			if c.versionsMatch {
				k[0] = h.info.URL
			}
			if seen[k] {
				return true
			}
			seen[k] = true
		}
		return yield(h)
	}
	for _, s := range byVersion(c.include) {
		if !s.each(emit) {
			return
		}
	}
}

// excludeVersion is the version an exclude must name to remove a member of
// info: its own, or any when the versions match.
func (c *Compiled) excludeVersion(info Info) string {
	if c.versionsMatch {
		return ""
	}
	return info.Version
}

// each yields the members of one include, before excludes.
func (s *conceptSet) each(yield func(hit) bool) bool {
	if s.cs == nil {
		// Only imports: the members of the first that all the others hold.
		ok := true
		s.imports[0].members(func(h hit) bool {
			for _, other := range s.imports[1:] {
				if _, in := other.find(h.info.URL, h.info.Version, h.concept.Code); !in {
					return true
				}
			}
			ok = yield(h)
			return ok
		})
		return ok
	}
	accept := func(concept *Concept) bool {
		if !s.accepts(concept) {
			return false
		}
		for _, imp := range s.imports {
			if _, in := imp.find(s.info.URL, s.info.Version, concept.Code); !in {
				return false
			}
		}
		return true
	}
	if s.listed != nil {
		for _, code := range s.codes {
			concept, ok := s.cs.Concept(code)
			if !ok {
				continue // a listed code the system lacks is not a member
			}
			if accept(concept) && !yield(hit{info: &s.info, concept: concept, ref: s.listed[code]}) {
				return false
			}
		}
		return true
	}
	for concept := range s.cs.Concepts() {
		if accept(concept) && !yield(hit{info: &s.info, concept: concept}) {
			return false
		}
	}
	return true
}

// UnknownCodes lists the codes a compose lists that its system lacks: an
// expansion warns about them rather than failing.
func (c *Compiled) UnknownCodes() []Coding {
	var out []Coding
	for _, s := range c.include {
		if s.cs == nil {
			continue
		}
		for _, code := range s.codes {
			if _, ok := s.cs.Concept(code); !ok {
				out = append(out, Coding{System: s.info.URL, Version: s.info.Version, Code: code})
			}
		}
	}
	return out
}

// ActiveOnly reports whether the value set leaves inactive concepts out:
// compose.inactive=false, or the request's activeOnly.
func (c *Compiled) ActiveOnly() bool { return c.activeOnly }
