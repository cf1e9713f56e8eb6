package terminology

import "strings"

// packConcepts copies a release's concepts into four allocations: one array
// of concepts, one string holding all their text, one array holding the
// elements of every repeated column, and one of the anesthesia units. The
// readers leave each concept as several small objects (the struct, each
// string, each slice, about eight in all); packed, nine releases hold 92k
// live objects instead of 534k and 57 MB instead of 71 (docs/performance.md).
// The collector still scans the concepts' pointer words on every cycle:
// only a concept without pointers would spare it that. The values are
// unchanged; the caller's concepts become garbage.
func packConcepts(in []*Concept) []*Concept {
	slab := make([]Concept, len(in))
	out := make([]*Concept, len(in))
	var elems, units int
	for i, c := range in {
		slab[i] = *c
		out[i] = &slab[i]
		for _, s := range conceptSlices(&slab[i]) {
			elems += len(*s)
		}
		if c.AnesthesiaBaseUnits != nil {
			units++
		}
	}

	// The slices move into one array, capped so that an append can never
	// write into the next concept's elements.
	elemArena := make([]string, 0, elems)
	unitArena := make([]int, 0, units)
	var textLen int
	for _, c := range out {
		for _, s := range conceptSlices(c) {
			if len(*s) == 0 {
				continue
			}
			start := len(elemArena)
			elemArena = append(elemArena, *s...)
			*s = elemArena[start:len(elemArena):len(elemArena)]
		}
		if c.AnesthesiaBaseUnits != nil {
			unitArena = append(unitArena, *c.AnesthesiaBaseUnits)
			c.AnesthesiaBaseUnits = &unitArena[len(unitArena)-1]
		}
		visitConceptStrings(c, func(s *string) { textLen += len(*s) })
	}

	// The text: appended in one walk, then every field re-pointed into the
	// result in a second walk over the same fields in the same order.
	var b strings.Builder
	b.Grow(textLen)
	for _, c := range out {
		visitConceptStrings(c, func(s *string) { b.WriteString(*s) })
	}
	text, off := b.String(), 0
	for _, c := range out {
		visitConceptStrings(c, func(s *string) {
			if n := len(*s); n > 0 {
				*s = text[off : off+n]
				off += n
			}
		})
	}
	return out
}

// conceptSlices lists the repeated columns of c.
func conceptSlices(c *Concept) [6]*[]string {
	return [6]*[]string{&c.PricingIndicators, &c.CoverageIssuesManual, &c.MedicareCarriersManual,
		&c.LabCertifications, &c.CrossReferences, &c.TypesOfService}
}

// visitConceptStrings calls visit with every string of c: its text columns,
// then the elements of its repeated columns.
func visitConceptStrings(c *Concept, visit func(*string)) {
	for _, s := range [...]*string{&c.Code, &c.LongDescription, &c.ShortDescription, &c.MultiplePricingIndicator,
		&c.Statute, &c.Coverage, &c.ASCPaymentGroup, &c.OPPSPaymentGroup, &c.OPPSPaymentIndicator,
		&c.ProcessingNote, &c.BETOS, &c.ActionCode} {
		visit(s)
	}
	for _, s := range conceptSlices(c) {
		for i := range *s {
			visit(&(*s)[i])
		}
	}
}
