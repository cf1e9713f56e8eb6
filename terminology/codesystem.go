package terminology

import (
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// releaseViews is what a release keeps for the value-set engine, built on
// first use: a view of every concept and the text index.
// The engine sees the concepts in code order (procedures and modifiers
// together, as strings sort), which is what a person expects of an
// expansion; the file keeps CMS's order for the CodeSystem resource.
type releaseViews struct {
	once     sync.Once
	concepts []*valueset.Concept
	records  []*Concept     // the record of each view
	position map[string]int // code → view index
	index    *valueset.TextIndex
}

// hcpcsSynonyms are abbreviations of CMS's short descriptions, so that a
// picker finds "W/c lateral thigh/knee sup" for "wheelchair" and the other
// way round. Only unambiguous ones: "vent" is also ventricular, "amb"
// also ambulatory, and a general rule that a word finds its truncations
// (cath, vent, wheel) brought in more wrong codes than right ones.
var hcpcsSynonyms = [][]string{
	{"wheelchair", "w/c", "wc", "whlchr"},
	{"power", "pwr"},
	{"oxygen", "o2", "oxy"},
	{"replacement", "repl"},
	{"without", "w/o"},
	{"blood", "bld"},
	{"nebulizer", "neb"},
	{"monitor", "mon"},
	{"pediatric", "ped"},
	{"glucose", "gluc", "glu"},
	{"catheter", "cath"},
	{"hospital", "hosp"},
	{"prosthetic", "prosthesis"},
}

func (r *Release) buildViews() {
	v := &r.views
	v.records = slices.Clone(r.Concepts)
	slices.SortFunc(v.records, func(a, b *Concept) int { return strings.Compare(a.Code, b.Code) })
	v.concepts = make([]*valueset.Concept, len(v.records))
	v.position = make(map[string]int, len(v.records))
	for i, c := range v.records {
		v.position[c.Code] = i
		vc := &valueset.Concept{Code: c.Code, Display: c.LongDescription, Inactive: c.Terminated(), Index: i}
		if c.ShortDescription != "" {
			vc.Designations = []valueset.Designation{{Language: "en", Use: &shortDescriptionUseCoding, Value: c.ShortDescription}}
		}
		v.concepts[i] = vc
	}
	v.index = valueset.NewTextIndex(func(yield func(*valueset.Concept) bool) {
		for _, c := range v.concepts {
			if !yield(c) {
				return
			}
		}
	}, valueset.IndexOptions{Synonyms: hcpcsSynonyms})
}

var shortDescriptionUseCoding = valueset.Coding{
	System: SupplementURL(DesignationUseTable.ID), Code: ShortDescriptionUse,
	Display: "Short description (28 characters or less)",
}

// CodeSystem returns the release as a code system of the value-set engine,
// with each concept's status as of asOf (zero: as the release publishes it).
func (r *Release) CodeSystem(asOf time.Time) valueset.CodeSystem {
	r.views.once.Do(r.buildViews)
	return &releaseSystem{r: r, asOf: asOf}
}

// releaseSystem is a release seen by the value-set engine.
type releaseSystem struct {
	r    *Release
	asOf time.Time
}

func (s *releaseSystem) Info() valueset.Info {
	return valueset.Info{URL: SystemURL, Version: s.r.Version, Name: "HCPCSLevelII",
		Title: "Healthcare Common Procedure Coding System (HCPCS) Level II", Status: "active",
		CaseSensitive: true, Content: "complete", Language: "en", Date: s.r.Effective}
}

// view returns the concept's view with the status as of s.asOf.
func (s *releaseSystem) view(i int) *valueset.Concept {
	v := s.r.views.concepts[i]
	if s.asOf.IsZero() {
		return v
	}
	if inactive := s.r.views.records[i].InactiveAsOf(s.asOf); inactive != v.Inactive {
		cp := *v
		cp.Inactive = inactive
		return &cp
	}
	return v
}

func (s *releaseSystem) Concept(code string) (*valueset.Concept, bool) {
	i, ok := s.r.views.position[code]
	if !ok {
		return nil, false
	}
	return s.view(i), true
}

func (s *releaseSystem) Concepts() iter.Seq[*valueset.Concept] {
	return func(yield func(*valueset.Concept) bool) {
		for i := range s.r.views.records {
			if !yield(s.view(i)) {
				return
			}
		}
	}
}

// ConceptAt returns the concept of view index i, as of the system's date.
func (s *releaseSystem) ConceptAt(i int) *valueset.Concept { return s.view(i) }

func (s *releaseSystem) TextIndex() *valueset.TextIndex { return s.r.views.index }

func (s *releaseSystem) Properties(c *valueset.Concept) []valueset.PropertyValue {
	pvs := s.r.Properties(s.r.views.records[c.Index], s.asOf)
	out := make([]valueset.PropertyValue, len(pvs))
	for i, pv := range pvs {
		out[i] = EngineProperty(pv)
	}
	return out
}

// EngineProperty converts a HCPCS property value for the engine.
func EngineProperty(pv PropertyValue) valueset.PropertyValue {
	out := valueset.PropertyValue{Code: pv.Def.Code, Type: pv.Def.Type, Value: pv.Code, Description: pv.Display}
	switch pv.Def.Type {
	case TypeBoolean:
		out.Value = strconv.FormatBool(pv.Bool)
	case TypeCoding:
		sys := SystemURL
		if pv.Def.TableID != "hcpcs" {
			sys = SupplementURL(pv.Def.TableID)
		}
		out.Coding = &valueset.Coding{System: sys, Code: pv.Code, Display: pv.Display}
	}
	return out
}

// valueOperators are the filter operators of every HCPCS property but
// inactive.
var valueOperators = []string{valueset.OpEqual, valueset.OpIn, valueset.OpNotIn, valueset.OpExists, valueset.OpRegex}

func (s *releaseSystem) PropertyDefinitions() []valueset.PropertyDefinition {
	out := make([]valueset.PropertyDefinition, 0, len(PropertyDefinitions))
	for _, d := range PropertyDefinitions {
		ops := valueOperators
		if d.Code == "inactive" {
			ops = []string{valueset.OpEqual}
		}
		out = append(out, valueset.PropertyDefinition{Code: d.Code, Type: d.Type, Description: d.Description, Operators: ops})
	}
	return out
}

// Filter evaluates HCPCS filters on the concept records directly (see
// FilterDocumentation).
func (s *releaseSystem) Filter(f valueset.Filter) (valueset.Predicate, error) {
	rec := func(c *valueset.Concept) *Concept { return s.r.views.records[c.Index] }
	switch f.Property {
	case "code", "concept":
		return codeFilter(f, func(c *valueset.Concept) string { return c.Code })
	case "inactive":
		return nil, valueset.ErrFilterNotHandled
	}
	values, ok := filterValues[f.Property]
	if !ok {
		return nil, valueset.ErrFilterNotHandled // the engine names the unknown property
	}
	if !isValueOp(f.Op) {
		return nil, &valueset.Error{Kind: valueset.ErrInvalid, Path: ".op", Text: fmt.Sprintf(
			"The filter operator '%s' is not supported for the HCPCS property '%s'; supported: =, in, not-in, exists, regex", f.Op, f.Property)}
	}
	return valueset.ValuePredicate(f, "", func(c *valueset.Concept) []string { return values(rec(c)) })
}

func isValueOp(op string) bool {
	for _, o := range valueOperators {
		if o == op {
			return true
		}
	}
	return false
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func nonBlank(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func dateValue(t time.Time) []string {
	if t.IsZero() {
		return nil
	}
	return []string{t.Format(time.DateOnly)}
}

// filterValues gives, per filterable property, a concept's values as the
// property serves them (blank columns have none).
var filterValues = map[string]func(c *Concept) []string{
	"kind":                       func(c *Concept) []string { return one(c.Kind.String()) },
	"pricing-indicator":          func(c *Concept) []string { return nonBlank(c.PricingIndicators) },
	"multiple-pricing-indicator": func(c *Concept) []string { return one(c.MultiplePricingIndicator) },
	"coverage-issues-manual":     func(c *Concept) []string { return nonBlank(c.CoverageIssuesManual) },
	"medicare-carriers-manual":   func(c *Concept) []string { return nonBlank(c.MedicareCarriersManual) },
	"statute":                    func(c *Concept) []string { return one(c.Statute) },
	"lab-certification":          func(c *Concept) []string { return nonBlank(c.LabCertifications) },
	"cross-reference":            func(c *Concept) []string { return nonBlank(c.CrossReferences) },
	"coverage":                   func(c *Concept) []string { return one(c.Coverage) },
	"asc-payment-group":          func(c *Concept) []string { return one(c.ASCPaymentGroup) },
	"asc-effective-date":         func(c *Concept) []string { return dateValue(c.ASCEffectiveDate) },
	"opps-payment-group":         func(c *Concept) []string { return one(c.OPPSPaymentGroup) },
	"opps-payment-indicator":     func(c *Concept) []string { return one(c.OPPSPaymentIndicator) },
	"opps-effective-date":        func(c *Concept) []string { return dateValue(c.OPPSEffectiveDate) },
	"processing-note": func(c *Concept) []string {
		if c.ProcessingNote == "0000" {
			return nil
		}
		return one(c.ProcessingNote)
	},
	"betos":           func(c *Concept) []string { return one(c.BETOS) },
	"type-of-service": func(c *Concept) []string { return nonBlank(c.TypesOfService) },
	"anesthesia-base-units": func(c *Concept) []string {
		if c.AnesthesiaBaseUnits == nil {
			return nil
		}
		return []string{strconv.Itoa(*c.AnesthesiaBaseUnits)}
	},
	"added-date":            func(c *Concept) []string { return dateValue(c.AddedDate) },
	"action-effective-date": func(c *Concept) []string { return dateValue(c.ActionEffectiveDate) },
	"termination-date":      func(c *Concept) []string { return dateValue(c.TerminationDate) },
	"action-code":           func(c *Concept) []string { return one(c.ActionCode) },
}

// codeFilter evaluates a filter on the code: =, in and not-in take items
// that are a code (J1100), a prefix (J*) or an inclusive range
// (E0100-E0159); regex matches the whole code.
func codeFilter(f valueset.Filter, code func(*valueset.Concept) string) (valueset.Predicate, error) {
	switch f.Op {
	case valueset.OpRegex:
		re, err := valueset.CompileRegex(f, "")
		if err != nil {
			return nil, err
		}
		return func(c *valueset.Concept) bool { return re.MatchString(code(c)) }, nil
	case valueset.OpEqual, valueset.OpIn, valueset.OpNotIn:
	default:
		return nil, &valueset.Error{Kind: valueset.ErrInvalid, Path: ".op", Text: fmt.Sprintf(
			"The filter operator '%s' is not supported on the HCPCS code; supported: = and in (a code, a prefix such as J*, or a range such as E0100-E0159), not-in, regex. HCPCS has no hierarchy", f.Op)}
	}
	items := []string{f.Value}
	if f.Op != valueset.OpEqual {
		items = valueset.SplitList(f.Value)
	}
	var matchers []func(string) bool
	for _, it := range items {
		m, err := codeItem(it)
		if err != nil {
			return nil, err
		}
		matchers = append(matchers, m)
	}
	in := func(c *valueset.Concept) bool {
		k := code(c)
		for _, m := range matchers {
			if m(k) {
				return true
			}
		}
		return false
	}
	if f.Op == valueset.OpNotIn {
		return func(c *valueset.Concept) bool { return !in(c) }, nil
	}
	return in, nil
}

func codeItem(it string) (func(string) bool, error) {
	if p, ok := strings.CutSuffix(it, "*"); ok {
		if p == "" || strings.ContainsAny(p, "*-") {
			return nil, &valueset.Error{Kind: valueset.ErrInvalid, Path: ".value", Text: fmt.Sprintf("The code prefix '%s' is not a prefix such as J*", it)}
		}
		return func(k string) bool { return strings.HasPrefix(k, p) }, nil
	}
	if lo, hi, ok := strings.Cut(it, "-"); ok {
		if lo == "" || hi == "" || len(lo) != len(hi) || lo > hi {
			return nil, &valueset.Error{Kind: valueset.ErrInvalid, Path: ".value", Text: fmt.Sprintf(
				"The code range '%s' is not a range of two codes of the same length, low first, such as E0100-E0159", it)}
		}
		return func(k string) bool { return len(k) == len(lo) && k >= lo && k <= hi }, nil
	}
	return func(k string) bool { return k == it }, nil
}

// FilterDocumentation describes, per property, what HCPCS filters accept;
// CodeSystem.filter and the CapabilityStatement carry it.
func FilterDocumentation() []FilterDoc {
	docs := []FilterDoc{
		{Property: "code", Operators: []string{"=", "in", "not-in", "regex"},
			Value: "a code (J1100), a prefix (J*) or an inclusive range of codes of one length (E0100-E0159); in and not-in take a comma-separated list of them; regex matches the whole code"},
		{Property: "inactive", Operators: []string{"="}, Value: "true or false: terminated as of the release, or as of the date parameter"},
	}
	for _, d := range PropertyDefinitions {
		if _, ok := filterValues[d.Code]; !ok {
			continue
		}
		docs = append(docs, FilterDoc{Property: d.Code, Operators: valueOperators,
			Value: "a value of the " + d.Columns + " column(s) as the property serves it (dates as YYYY-MM-DD); in and not-in take a comma-separated list; exists takes true or false; regex matches a whole value"})
	}
	return docs
}

// FilterDoc documents the filters on one property.
type FilterDoc struct {
	Property  string
	Operators []string
	Value     string
}
