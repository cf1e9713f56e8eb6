package local

import (
	"cmp"
	"fmt"
	"iter"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// The standard concept properties (http://hl7.org/fhir/concept-properties),
// recognised whether or not a Definition declares them.
const (
	PropStatus        = "status"
	PropInactive      = "inactive"
	PropDeprecated    = "deprecated"
	PropNotSelectable = "notSelectable"
	PropParent        = "parent"
	PropChild         = "child"
)

// standardTypes are the types of the standard properties when the
// Definition does not declare them itself.
var standardTypes = map[string]valueset.PropertyType{
	PropStatus:        valueset.TypeCode,
	PropInactive:      valueset.TypeBoolean,
	PropDeprecated:    valueset.TypeDateTime,
	PropNotSelectable: valueset.TypeBoolean,
	PropParent:        valueset.TypeCode,
	PropChild:         valueset.TypeCode,
}

// System is a code system of the value-set engine built from a FHIR
// CodeSystem resource. It is immutable after New and safe for concurrent
// use.
type System struct {
	def      *Definition
	info     valueset.Info
	concepts []*valueset.Concept        // by Index
	props    [][]valueset.PropertyValue // by Index, in definition order
	byCode   map[string]int
	byFold   map[string]int // lower-cased code, when !CaseSensitive
	parents  [][]int        // by Index, in order
	children [][]int        // by Index, in order
	types    map[string]valueset.PropertyType
	order    map[string]int // property code → position in Definition.Properties
	// standard maps a declared property code to the standard property its
	// uri names (http://hl7.org/fhir/concept-properties#notSelectable
	// declared as "not-selectable").
	standard map[string]string

	textOnce sync.Once
	text     *valueset.TextIndex
}

// New checks a Definition and builds its code system. Errors are
// *valueset.Error of Kind valueset.ErrInvalid, with Path the FHIRPath of
// the offending element. The Definition must not be modified afterwards.
func New(d *Definition) (*System, error) {
	if d == nil {
		return nil, invalidf("CodeSystem", "The CodeSystem is missing")
	}
	s := &System{
		def: d,
		info: valueset.Info{URL: d.URL, Version: d.Version, Name: d.Name, Title: d.Title,
			Status: d.Status, CaseSensitive: d.CaseSensitive, Content: d.Content, Language: d.Language, VersionNeeded: d.VersionNeeded,
			Experimental: d.Experimental, StandardsStatus: d.StandardsStatus},
		byCode: map[string]int{},
		types:  map[string]valueset.PropertyType{},
		order:  map[string]int{},
	}
	if !d.CaseSensitive {
		s.byFold = map[string]int{}
	}
	for code, t := range standardTypes {
		s.types[code] = t
	}
	for i, p := range d.Properties {
		if p.Code == "" {
			return nil, invalidf(fmt.Sprintf("CodeSystem.property[%d].code", i), "The CodeSystem.property[%d] has no code", i)
		}
		if _, dup := s.order[p.Code]; dup {
			continue // the first declaration wins
		}
		s.order[p.Code] = i
		s.types[p.Code] = p.Type
		if name, ok := strings.CutPrefix(p.URI, conceptPropertiesURI); ok && standardTypes[name] != "" {
			if s.standard == nil {
				s.standard = map[string]string{}
			}
			s.standard[p.Code] = name
		}
	}
	var paths []string
	if err := s.collect(d.Concepts, "CodeSystem", -1, &paths); err != nil {
		return nil, err
	}
	s.children = make([][]int, len(s.concepts))
	// Nesting first: a nested concept's first parent is the one it is in.
	for i, p := range s.parents {
		if len(p) == 1 {
			s.children[p[0]] = append(s.children[p[0]], i)
		}
	}
	for i, pvs := range s.props {
		for j, pv := range pvs {
			if pv.Code != PropParent && pv.Code != PropChild {
				continue
			}
			other, ok := s.lookup(pv.Value)
			if !ok {
				return nil, invalidf(paths[i]+fmt.Sprintf(".property[%d].value", j),
					"The concept '%s' names the %s '%s', which is not a concept of the CodeSystem '%s'", s.concepts[i].Code, pv.Code, pv.Value, s.info.Canonical())
			}
			if pv.Code == PropParent {
				s.link(other, i)
			} else {
				s.link(i, other)
			}
		}
	}
	if err := s.checkCycles(paths); err != nil {
		return nil, err
	}
	s.addDerivedParents()
	return s, nil
}

// collect walks the concepts depth-first in document order, checking each
// and recording its nesting parent.
func (s *System) collect(defs []*ConceptDefinition, path string, parent int, paths *[]string) error {
	for n, cd := range defs {
		p := fmt.Sprintf("%s.concept[%d]", path, n)
		if cd == nil || cd.Code == "" {
			return invalidf(p+".code", "The concept %s has no code", p)
		}
		if prev, dup := s.byCode[cd.Code]; dup {
			return invalidf(p+".code", "The code '%s' is given twice (%s and %s)", cd.Code, (*paths)[prev], p)
		}
		if s.byFold != nil {
			if prev, dup := s.byFold[fold(cd.Code)]; dup {
				return invalidf(p+".code", "The code '%s' differs only in case from '%s' (%s), but the CodeSystem is not case-sensitive", cd.Code, s.concepts[prev].Code, (*paths)[prev])
			}
		}
		i := len(s.concepts)
		c := &valueset.Concept{Code: cd.Code, Display: cd.Display, Definition: cd.Definition, Designations: cd.Designations, Extensions: cd.Extensions, Index: i}
		pvs, err := s.checkProperties(cd, p)
		if err != nil {
			return err
		}
		for _, pv := range pvs {
			switch {
			case s.isStandard(pv.Code, PropInactive) && pv.Value == "true":
				c.Inactive = true
			case s.isStandard(pv.Code, PropStatus) && (pv.Value == "retired" || pv.Value == "inactive"):
				c.Inactive = true
			case s.isStandard(pv.Code, PropNotSelectable) && pv.Value == "true":
				c.Abstract = true
			}
		}
		s.concepts = append(s.concepts, c)
		s.props = append(s.props, pvs)
		s.byCode[cd.Code] = i
		if s.byFold != nil {
			s.byFold[fold(cd.Code)] = i
		}
		*paths = append(*paths, p)
		var ps []int
		if parent >= 0 {
			ps = []int{parent}
		}
		s.parents = append(s.parents, ps)
		if err := s.collect(cd.Concepts, p, i, paths); err != nil {
			return err
		}
	}
	return nil
}

// checkProperties checks a concept's property values against their
// declarations and returns them normalised (Type set, Value the code of a
// Coding), in the order of the declarations.
func (s *System) checkProperties(cd *ConceptDefinition, path string) ([]valueset.PropertyValue, error) {
	out := make([]valueset.PropertyValue, 0, len(cd.Properties))
	for j, pv := range cd.Properties {
		p := fmt.Sprintf("%s.property[%d]", path, j)
		want, known := s.types[pv.Code]
		if !known {
			return nil, invalidf(p+".code", "The property '%s' of concept '%s' is not declared by the CodeSystem '%s'", pv.Code, cd.Code, s.info.Canonical())
		}
		if pv.Coding != nil && pv.Value == "" {
			pv.Value = pv.Coding.Code
		}
		if pv.Type == "" {
			pv.Type = want
		}
		if want != "" && pv.Type != want {
			return nil, invalidf(p+".value", "The property '%s' of concept '%s' is declared as %s but has a %s value", pv.Code, cd.Code, want, pv.Type)
		}
		if !validLexical(pv) {
			return nil, invalidf(p+".value", "The value '%s' of property '%s' of concept '%s' is not a valid %s", pv.Value, pv.Code, cd.Code, pv.Type)
		}
		out = append(out, pv)
	}
	slices.SortStableFunc(out, func(a, b valueset.PropertyValue) int { return cmp.Compare(s.rank(a.Code), s.rank(b.Code)) })
	return out, nil
}

// conceptPropertiesURI is the base of the standard concept properties.
const conceptPropertiesURI = "http://hl7.org/fhir/concept-properties#"

// isStandard reports whether the property code is the standard property
// name: by its code, or by the uri of its declaration.
func (s *System) isStandard(code, name string) bool {
	if std, ok := s.standard[code]; ok {
		return std == name
	}
	return code == name
}

// rank orders property codes: declared ones in declaration order, then the
// undeclared standard ones.
func (s *System) rank(code string) int {
	if i, ok := s.order[code]; ok {
		return i
	}
	return len(s.order)
}

var (
	reCode     = regexp.MustCompile(`^[^\s]+( [^\s]+)*$`)
	reDecimal  = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	reDateTime = regexp.MustCompile(`^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?)?)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)?)?)?$`)
)

// validLexical reports whether a value's lexical form fits its type.
func validLexical(pv valueset.PropertyValue) bool {
	switch pv.Type {
	case valueset.TypeCode:
		return reCode.MatchString(pv.Value)
	case valueset.TypeCoding:
		return pv.Value != ""
	case valueset.TypeBoolean:
		return pv.Value == "true" || pv.Value == "false"
	case valueset.TypeInteger:
		_, err := strconv.ParseInt(pv.Value, 10, 32)
		return err == nil
	case valueset.TypeDecimal:
		return reDecimal.MatchString(pv.Value)
	case valueset.TypeDateTime:
		return reDateTime.MatchString(pv.Value)
	case valueset.TypeString, "":
		return true
	}
	return false // a type FHIR R4 does not have
}

// link records parent → child once.
func (s *System) link(parent, child int) {
	if !slices.Contains(s.children[parent], child) {
		s.children[parent] = append(s.children[parent], child)
	}
	if !slices.Contains(s.parents[child], parent) {
		s.parents[child] = append(s.parents[child], parent)
	}
}

// checkCycles finds a concept that is its own ancestor.
func (s *System) checkCycles(paths []string) error {
	const (
		unseen = iota
		open
		done
	)
	state := make([]uint8, len(s.concepts))
	var stack []int
	var visit func(i int) error
	visit = func(i int) error {
		state[i] = open
		stack = append(stack, i)
		for _, c := range s.children[i] {
			switch state[c] {
			case open:
				start := slices.Index(stack, c)
				var codes []string
				for _, k := range append(stack[start:], c) {
					codes = append(codes, s.concepts[k].Code)
				}
				return invalidf(paths[c], "The hierarchy of the CodeSystem '%s' has a cycle: %s", s.info.Canonical(), strings.Join(codes, " → "))
			case unseen:
				if err := visit(c); err != nil {
					return err
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
		return nil
	}
	for i := range s.concepts {
		if state[i] == unseen {
			if err := visit(i); err != nil {
				return err
			}
		}
	}
	return nil
}

// addDerivedParents adds a parent value to Properties for each direct
// parent (from nesting or another concept's child property) that the
// concept does not name itself.
func (s *System) addDerivedParents() {
	for i, ps := range s.parents {
		for _, p := range ps {
			code := s.concepts[p].Code
			given := slices.ContainsFunc(s.props[i], func(pv valueset.PropertyValue) bool {
				return pv.Code == PropParent && (pv.Value == code || (s.byFold != nil && fold(pv.Value) == fold(code)))
			})
			if !given {
				s.props[i] = append(s.props[i], valueset.PropertyValue{Code: PropParent, Type: s.types[PropParent], Value: code})
			}
		}
		slices.SortStableFunc(s.props[i], func(a, b valueset.PropertyValue) int { return cmp.Compare(s.rank(a.Code), s.rank(b.Code)) })
	}
}

func fold(code string) string { return strings.ToLower(code) }

// lookup finds a concept's index by code, ignoring case when the system is
// not case-sensitive.
func (s *System) lookup(code string) (int, bool) {
	if i, ok := s.byCode[code]; ok {
		return i, true
	}
	if s.byFold != nil {
		i, ok := s.byFold[fold(code)]
		return i, ok
	}
	return 0, false
}

func invalidf(path, format string, args ...any) error {
	return &valueset.Error{Kind: valueset.ErrInvalid, Path: path, Text: fmt.Sprintf(format, args...)}
}

// Definition returns the resource the system was built from.
func (s *System) Definition() *Definition { return s.def }

// Info identifies the system.
func (s *System) Info() valueset.Info { return s.info }

// Concept returns the concept with this code; for a system that is not
// case-sensitive, also one whose code differs only in case.
func (s *System) Concept(code string) (*valueset.Concept, bool) {
	i, ok := s.lookup(code)
	if !ok {
		return nil, false
	}
	return s.concepts[i], true
}

// Concepts yields the concepts depth-first in document order.
func (s *System) Concepts() iter.Seq[*valueset.Concept] { return slices.Values(s.concepts) }

// ConceptAt returns the concept at Index i, or nil.
func (s *System) ConceptAt(i int) *valueset.Concept {
	if i < 0 || i >= len(s.concepts) {
		return nil
	}
	return s.concepts[i]
}

// Properties returns the values the resource gives the concept, plus a
// parent value for each direct parent it does not name itself (from
// nesting, or another concept's child property), in declaration order.
func (s *System) Properties(c *valueset.Concept) []valueset.PropertyValue {
	i, ok := s.index(c)
	if !ok {
		return nil
	}
	return s.props[i]
}

// PropertyDefinitions are the properties the resource declares, with every
// operator allowed.
func (s *System) PropertyDefinitions() []valueset.PropertyDefinition {
	out := make([]valueset.PropertyDefinition, len(s.def.Properties))
	for i, p := range s.def.Properties {
		p.Operators = nil
		out[i] = p
	}
	return out
}

// TextIndex is the system's text index, built on first use.
func (s *System) TextIndex() *valueset.TextIndex {
	s.textOnce.Do(func() { s.text = valueset.NewTextIndex(s.Concepts(), valueset.IndexOptions{}) })
	return s.text
}

// Language is the language of the resource's displays (CodeSystem.language).
func (s *System) Language() string { return s.def.Language }
