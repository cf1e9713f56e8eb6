package terminology

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// tableSystem is a CMS code table seen by the value-set engine: a small
// unversioned code system whose lab-certification entries have parents.
type tableSystem struct {
	t        *CodeTable
	concepts []*valueset.Concept
}

var tableSystems sync.Map // *CodeTable → *tableSystem

// TableSystem returns a code table as a code system of the engine.
func TableSystem(t *CodeTable) valueset.CodeSystem {
	if s, ok := tableSystems.Load(t); ok {
		return s.(*tableSystem)
	}
	s := &tableSystem{t: t}
	for i, e := range t.Entries {
		s.concepts = append(s.concepts, &valueset.Concept{Code: e.Code, Display: e.Meaning, Index: i})
	}
	actual, _ := tableSystems.LoadOrStore(t, s)
	return actual.(*tableSystem)
}

func (s *tableSystem) Info() valueset.Info {
	return valueset.Info{URL: SupplementURL(s.t.ID), Name: s.t.ID, Title: s.t.Title, Status: "active", CaseSensitive: true, Content: "complete"}
}

func (s *tableSystem) Concept(code string) (*valueset.Concept, bool) {
	s.t.once.Do(s.t.buildIndex)
	i, ok := s.t.index[code]
	if !ok {
		return nil, false
	}
	return s.concepts[i], true
}

func (s *tableSystem) Concepts() iter.Seq[*valueset.Concept] {
	return func(yield func(*valueset.Concept) bool) {
		for _, c := range s.concepts {
			if !yield(c) {
				return
			}
		}
	}
}

func (s *tableSystem) ConceptAt(i int) *valueset.Concept { return s.concepts[i] }

func (s *tableSystem) Properties(c *valueset.Concept) []valueset.PropertyValue {
	if p := s.t.Entries[c.Index].Parent; p != "" {
		return []valueset.PropertyValue{{Code: "parent", Type: valueset.TypeCode, Value: p}}
	}
	return nil
}

func (s *tableSystem) PropertyDefinitions() []valueset.PropertyDefinition {
	if !s.t.hasParents() {
		return nil
	}
	return []valueset.PropertyDefinition{{Code: "parent", Type: valueset.TypeCode, URI: "http://hl7.org/fhir/concept-properties#parent",
		Description: "The category this value belongs to.", Operators: []string{valueset.OpEqual, valueset.OpIn, valueset.OpNotIn, valueset.OpExists, valueset.OpRegex}}}
}

func (t *CodeTable) hasParents() bool {
	for _, e := range t.Entries {
		if e.Parent != "" {
			return true
		}
	}
	return false
}

// Resolver answers the value-set engine's questions from a snapshot: the
// HCPCS releases, the code tables, and the value sets the server holds.
type Resolver struct{ s *Snapshot }

// Resolver returns the resolver of the snapshot's content.
func (s *Snapshot) Resolver() *Resolver { return &Resolver{s: s} }

// CodeSystem resolves HCPCS (by canonical URL or an alias: the version, else
// the release in effect on ref.Date, else the latest), the code tables
// (unversioned), and the loaded code systems (the version, else the newest).
func (r *Resolver) CodeSystem(ref valueset.SystemRef) (valueset.CodeSystem, error) {
	if IsHCPCSSystem(ref.URL) {
		rel, err := r.s.Select(Selector{Version: ref.Version, Date: ref.Date})
		if err != nil {
			var uv *UnknownVersionError
			if errors.As(err, &uv) {
				return nil, &valueset.UnknownSystemError{URL: SystemURL, Version: ref.Version, Valid: uv.Valid,
					Cause: fmt.Sprintf("A definition for CodeSystem '%s' version '%s' could not be found. Valid versions: %s", SystemURL, ref.Version, OrList(uv.Valid))}
			}
			return nil, &valueset.UnknownSystemError{URL: SystemURL, Cause: err.Error()}
		}
		return rel.CodeSystem(ref.Date), nil
	}
	if t, ok := r.s.SupplementByURL(ref.URL); ok {
		if ref.Version != "" {
			return nil, &valueset.UnknownSystemError{URL: ref.URL, Version: ref.Version,
				Cause: fmt.Sprintf("A definition for CodeSystem '%s' version '%s' could not be found: this code system is not versioned", ref.URL, ref.Version)}
		}
		return TableSystem(t), nil
	}
	if loaded := r.s.codeSystems; loaded.Has(ref.URL) {
		if cs, ok := loaded.Get(ref.URL, ref.Version); ok {
			return cs, nil
		}
		return nil, loaded.UnknownVersion(ref.URL, ref.Version)
	}
	return nil, &valueset.UnknownSystemError{URL: ref.URL, Version: ref.Version}
}

// ValueSet resolves a canonical: an implicit value set of a known system
// (…?fhir_vs, see ImplicitValueSet), or one the server holds.
func (r *Resolver) ValueSet(canonical string) (*valueset.ValueSet, error) {
	url, version, _ := strings.Cut(canonical, "|")
	if vs, ok := r.s.ValueSets().Get(url, version); ok {
		return vs, nil
	}
	if base, query, ok := strings.Cut(url, "?"); ok && (query == "fhir_vs" || strings.HasPrefix(query, "fhir_vs=")) {
		return r.implicit(base, query, version)
	}
	return nil, &valueset.UnknownValueSetError{Canonical: canonical}
}

func (r *Resolver) implicit(base, query, version string) (*valueset.ValueSet, error) {
	if _, err := r.CodeSystem(valueset.SystemRef{URL: base}); err != nil {
		return nil, err
	}
	vs, err := ImplicitValueSet(base, query)
	if err != nil {
		return nil, err
	}
	if version != "" { // the version of an implicit value set is the system's
		vs.Compose.Include[0].Version = version
		vs.Version = version
	}
	return vs, nil
}

// ImplicitValueSet builds the value set a URL of the form system?fhir_vs…
// denotes. The forms:
//
//	?fhir_vs                                  every code of the system
//	?fhir_vs=filter/{property}/{op}/{value}   the codes a compose filter selects;
//	                                          several filters joined with ';' all apply
//
// For example …HCPCSReleaseCodeSets?fhir_vs=filter/code/in/J* (the
// J-codes) or ?fhir_vs=filter/kind/=/modifier;filter/inactive/=/false. The
// FHIR patterns isa/ and refset/ need a hierarchy or reference sets, which
// the systems served here do not have: they are refused as not supported.
func ImplicitValueSet(system, query string) (*valueset.ValueSet, error) {
	url := system + "?" + query
	include := valueset.ConceptSet{System: system}
	if spec, ok := strings.CutPrefix(query, "fhir_vs="); ok {
		for _, part := range strings.Split(spec, ";") {
			rest, ok := strings.CutPrefix(part, "filter/")
			if !ok {
				kind, _, _ := strings.Cut(part, "/")
				if kind == "isa" || kind == "refset" {
					return nil, &valueset.Error{Kind: valueset.ErrNotSupported, Text: fmt.Sprintf(
						"The implicit value set '%s' uses ?fhir_vs=%s/, which needs a hierarchy or reference sets that '%s' does not have; use ?fhir_vs=filter/{property}/{op}/{value}", url, kind, system)}
				}
				return nil, &valueset.Error{Kind: valueset.ErrInvalid, Text: fmt.Sprintf(
					"The implicit value set '%s' is not understood: use %s?fhir_vs for every code, or ?fhir_vs=filter/{property}/{op}/{value}, filters joined by ';'", url, system)}
			}
			f := strings.SplitN(rest, "/", 3)
			if len(f) != 3 || f[0] == "" || f[1] == "" || f[2] == "" {
				return nil, &valueset.Error{Kind: valueset.ErrInvalid, Text: fmt.Sprintf(
					"The filter '%s' of the implicit value set '%s' is not of the form filter/{property}/{op}/{value}", part, url)}
			}
			include.Filters = append(include.Filters, valueset.Filter{Property: f[0], Op: f[1], Value: f[2]})
		}
	}
	return &valueset.ValueSet{URL: url, Name: "Implicit", Title: "Implicit value set " + url, Status: "active",
		Compose: &valueset.Compose{Include: []valueset.ConceptSet{include}}}, nil
}
