package valueset

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// ExpandRequest is the paging and text filter of an $expand.
type ExpandRequest struct {
	// Filter is the text typed into a picker; "" for none.
	Filter string
	Offset int
	// Count is the page size; HasCount false means "all of it", which is
	// refused with ErrTooCostly above Limit.
	Count    int
	HasCount bool
	// Limit is the largest expansion returned without count; 0 means none.
	Limit int
	// Exclude, when set, leaves members out (exclude-system).
	Exclude func(*Member) bool
	// Nested asks for children under their parent when the value set and
	// its code systems allow it (the inverse of excludeNested); the whole
	// expansion must fit in the page and there must be no text filter.
	Nested bool
}

// Expansion is one page of an expanded value set.
type Expansion struct {
	// Total is the size of the whole expansion, not of the page.
	Total  int
	Offset int
	// Contains are the members of the page; in a nested expansion the
	// roots, which hold the others (Member.Contains).
	Contains []*Member
}

// Expand lists the value set's members (matching Filter, ranked, when
// given), one page of them. Pages of one expansion are consistent: the
// order is a function of the definition and the data only. Every member is
// counted, but only those of the page are built.
func (c *Compiled) Expand(req ExpandRequest) (*Expansion, error) {
	if req.Offset < 0 || req.Count < 0 {
		return nil, invalidf("offset", "offset and count must not be negative")
	}
	excluded := func(h hit) bool { return req.Exclude != nil && req.Exclude(h.member()) }
	inPage := func(i int) bool { return i >= req.Offset && (!req.HasCount || i-req.Offset < req.Count) }
	// Every member is counted; only those of the page are kept.
	var page []hit
	total := 0
	keep := func(h hit) {
		if excluded(h) {
			return
		}
		if inPage(total) {
			page = append(page, h)
		}
		total++
	}
	if HasWords(req.Filter) {
		for _, h := range c.search(req.Filter) {
			keep(h)
		}
	} else {
		c.members(func(h hit) bool {
			keep(h)
			return true
		})
	}
	if !req.HasCount && req.Limit > 0 && total > req.Limit {
		return nil, &Error{Kind: ErrTooCostly, Text: fmt.Sprintf(
			"The expansion of '%s' has %d concepts, more than the %d this server returns in one answer; page through it with count and offset (for example count=1000&offset=0), or narrow it with filter",
			c.ValueSet.Canonical(), total, req.Limit)}
	}
	if req.Offset > total {
		return nil, invalidf("offset", "offset %d is beyond the end of the expansion, which has %d concepts", req.Offset, total)
	}
	members := make([]*Member, len(page))
	for i, h := range page {
		members[i] = h.member()
	}
	// A tree only when it is the whole expansion, as tx.fhir.org does
	// (FHIRsmith tx/workers/expand.js: no offset, count above the size),
	// and, with a text filter, only of includes that filter their system:
	// the text search of a whole system gives a flat list.
	if req.Nested && req.Offset == 0 && len(members) == total && (!req.HasCount || req.Count > total) &&
		(!HasWords(req.Filter) || c.filteredOnly()) && c.nestable() {
		if roots := c.nest(members); roots != nil {
			members = roots
		}
	}
	return &Expansion{Total: total, Offset: req.Offset, Contains: members}, nil
}

// HasWords reports whether a text filter has any word to match; a filter of
// blanks and punctuation is no filter.
func HasWords(filter string) bool { return len(queryWords(strings.ToLower(filter))) > 0 }

// search ranks the members that match a text query: the query runs on the
// text index of each system the value set includes, and each hit is kept
// if the value set holds it.
func (c *Compiled) search(query string) []hit {
	if len(c.Systems) == 1 { // the index ranks one system's matches already
		return c.searchSystem(c.Systems[0], query)
	}
	type ranked struct {
		h      hit
		tier   Tier
		system int
		index  int
	}
	var hits []ranked
	for si, info := range c.Systems {
		cs := c.System(info)
		if cs == nil {
			continue
		}
		at := conceptAt(cs)
		matches := c.indexOf(cs).Search(query)
		hits = slices.Grow(hits, len(matches))
		for _, match := range matches {
			concept := at(match.Index)
			if h, ok := c.findConcept(info.URL, info.Version, concept.Code, concept); ok {
				hits = append(hits, ranked{h: h, tier: match.Tier, system: si, index: match.Index})
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.tier != b.tier {
			return a.tier < b.tier
		}
		if a.system != b.system {
			return a.system < b.system
		}
		return a.index < b.index
	})
	out := make([]hit, len(hits))
	for i, r := range hits {
		out[i] = r.h
	}
	return out
}

func (c *Compiled) searchSystem(info Info, query string) []hit {
	cs := c.System(info)
	if cs == nil {
		return nil
	}
	at := conceptAt(cs)
	matches := c.indexOf(cs).Search(query)
	out := make([]hit, 0, len(matches))
	for _, match := range matches {
		concept := at(match.Index)
		if h, ok := c.findConcept(info.URL, info.Version, concept.Code, concept); ok {
			out = append(out, h)
		}
	}
	return out
}

// System returns the code system version the evaluation used for info.
func (c *Compiled) System(info Info) CodeSystem { return c.systems[info.Canonical()] }

// indexOf returns the system's own index, or one built for this compiled
// value set: a provider without its own (a small inline code system) lives
// no longer than the request or the compiled set that holds it.
func (c *Compiled) indexOf(cs CodeSystem) *TextIndex {
	if ix, ok := cs.(Indexed); ok {
		return ix.TextIndex()
	}
	key := cs.Info().Canonical()
	c.indexMu.Lock()
	defer c.indexMu.Unlock()
	if ix, ok := c.indexes[key]; ok {
		return ix
	}
	if c.indexes == nil {
		c.indexes = map[string]*TextIndex{}
	}
	ix := NewTextIndex(cs.Concepts(), IndexOptions{})
	c.indexes[key] = ix
	return ix
}

// ConceptAter is the optional capability of giving a concept by its Index,
// with its status as of the system's date; without it, the engine collects
// the concepts once per call.
type ConceptAter interface {
	ConceptAt(i int) *Concept
}

func conceptAt(cs CodeSystem) func(int) *Concept {
	if x, ok := cs.(ConceptAter); ok {
		return x.ConceptAt
	}
	var all []*Concept
	for c := range cs.Concepts() {
		all = append(all, c)
	}
	return func(i int) *Concept { return all[i] }
}
