package cmsreport

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrMalformed is wrapped by every error about a report's content.
var ErrMalformed = errors.New("malformed CMS change report")

// Kind is one type of change that CMS reports for a code.
type Kind string

// The types of change in CMS's reports and in the "Action Code Key".
const (
	Added            Kind = "added"             // A: Add
	Discontinued     Kind = "discontinued"      // D: Discontinued (terminated)
	Reinstated       Kind = "reinstated"        // R: Re-activated
	LongDescription  Kind = "long-description"  // C: Long Description Change (and B)
	ShortDescription Kind = "short-description" // S: Short Description Change
	Coverage         Kind = "coverage"          // F: Coverage Change (and B)
	Payment          Kind = "payment"           // P: Payment Change
	Misc             Kind = "misc"              // T: Miscellaneous change (BETOS or Type of Service)
	NoChange         Kind = "no-change"         // N: No Change
)

// Kinds lists every kind, in the order an entry's kinds are kept.
var Kinds = []Kind{Added, Discontinued, Reinstated, LongDescription, ShortDescription, Coverage, Payment, Misc, NoChange}

// Entry is one code's line (or row) in a report.
type Entry struct {
	Code string
	// Label is CMS's type of change as printed ("Coverage & Long Desc
	// Change"); Kinds is what it means, in Kinds order.
	Label string
	Kinds []Kind
	// Short and Long are the descriptions the report prints, "" when its
	// layout has none. In a fixed-width report Long may be cut
	// (Report.LongCut).
	Short, Long string
	// Line is the entry's line in a text report or row in a spreadsheet,
	// counting from 1.
	Line int
}

// Has reports whether the entry reports a change of kind k.
func (e Entry) Has(k Kind) bool { return slices.Contains(e.Kinds, k) }

// Report is one CMS change report.
type Report struct {
	// Name is the file's name as given to the reader, for messages.
	Name string
	// Entries are in the report's order; a code appears at most once.
	Entries []Entry
	// HasDescriptions says that the layout prints descriptions.
	HasDescriptions bool
	// LongCut says that long descriptions are cut at a fixed width, so an
	// entry's Long is a prefix of CMS's description.
	LongCut bool
	// ActionCodes is the "Action Code Key" sheet of a spreadsheet report
	// (letter → label), nil when the report has none.
	ActionCodes map[string]string
	byCode      map[string]int
}

// Entry returns the entry of a code.
func (r *Report) Entry(code string) (Entry, bool) {
	i, ok := r.byCode[code]
	if !ok {
		return Entry{}, false
	}
	return r.Entries[i], true
}

// Codes returns the codes with a change of kind k, sorted.
func (r *Report) Codes(k Kind) []string {
	var out []string
	for _, e := range r.Entries {
		if e.Has(k) {
			out = append(out, e.Code)
		}
	}
	slices.Sort(out)
	return out
}

// Counts tallies the entries by kind; an entry of two kinds counts under
// both.
func (r *Report) Counts() map[Kind]int {
	n := map[Kind]int{}
	for _, e := range r.Entries {
		for _, k := range e.Kinds {
			n[k]++
		}
	}
	return n
}

// add appends an entry, refusing a code listed twice.
func (r *Report) add(e Entry, where func(line int) string) error {
	if r.byCode == nil {
		r.byCode = map[string]int{}
	}
	if i, dup := r.byCode[e.Code]; dup {
		return fmt.Errorf("%s: %w: code %s is listed twice (also at %s)", where(e.Line), ErrMalformed, e.Code, where(r.Entries[i].Line))
	}
	r.byCode[e.Code] = len(r.Entries)
	r.Entries = append(r.Entries, e)
	return nil
}

// labels are CMS's types of change, by their normalised words: every
// spelling found in the 2017-2020 reports and the Action Code Key.
var labels = map[string][]Kind{
	"add":                                             {Added},
	"discontinued":                                    {Discontinued},
	"re-activated":                                    {Reinstated},
	"long description change":                         {LongDescription},
	"short description change":                        {ShortDescription},
	"long/short description change":                   {LongDescription, ShortDescription},
	"coverage change":                                 {Coverage},
	"coverage and long desc change":                   {Coverage, LongDescription},
	"coverage and long description change":            {Coverage, LongDescription},
	"payment change":                                  {Payment},
	"misc change (tos, betos)":                        {Misc},
	"miscellaneous change (betos or type of service)": {Misc},
	"no change":                                       {NoChange},
}

// minCutLabel is the shortest cut label matched by its start: shorter
// starts ("co", "no") say too little to be CMS's.
const minCutLabel = 10

// ParseLabel returns the kinds a CMS type-of-change label means. A label
// cut short by its column matches when it starts exactly one meaning's
// labels.
func ParseLabel(label string) ([]Kind, error) {
	norm := normLabel(label)
	if kinds, ok := labels[norm]; ok {
		return sortKinds(slices.Clone(kinds)), nil
	}
	var found []Kind
	if len(norm) >= minCutLabel {
		for full, kinds := range labels {
			if !strings.HasPrefix(full, norm) {
				continue
			}
			if found != nil && !slices.Equal(found, kinds) {
				return nil, fmt.Errorf("%w: type of change %q is cut too short to tell which it is", ErrMalformed, label)
			}
			found = kinds
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%w: unknown type of change %q", ErrMalformed, label)
	}
	return sortKinds(slices.Clone(found)), nil
}

func normLabel(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, "&", " and "))
	return strings.Join(strings.Fields(s), " ")
}

// actionCodes are the letters of the ANWEB ACTION CD column and of the
// reports' Action Code Key.
var actionCodes = map[string][]Kind{
	"A": {Added}, "B": {LongDescription, Coverage}, "C": {LongDescription}, "D": {Discontinued},
	"F": {Coverage}, "N": {NoChange}, "P": {Payment}, "R": {Reinstated}, "S": {ShortDescription}, "T": {Misc},
}

// ActionCodeKinds returns the kinds of an ACTION CD letter (as in the
// ANWEB files and the Action Code Key), in Kinds order.
func ActionCodeKinds(letter string) ([]Kind, bool) {
	k, ok := actionCodes[letter]
	return sortKinds(slices.Clone(k)), ok
}

// sortKinds puts kinds in Kinds order.
func sortKinds(ks []Kind) []Kind {
	slices.SortFunc(ks, func(a, b Kind) int { return slices.Index(Kinds, a) - slices.Index(Kinds, b) })
	return ks
}

// isCode reports whether s is a HCPCS Level II code (a letter and four
// digits) or a two-character modifier.
func isCode(s string) bool {
	switch len(s) {
	case 2:
		return isAlnum(s[0]) && isAlnum(s[1])
	case 5:
		if s[0] < 'A' || s[0] > 'Z' {
			return false
		}
		for i := 1; i < 5; i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return true
	}
	return false
}

func isAlnum(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
