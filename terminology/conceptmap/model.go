package conceptmap

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Map is one ConceptMap resource.
type Map struct {
	ID, URL, Version, Name, Title, Status string
	// SourceScope and TargetScope are R4's source[x] and target[x]: the
	// value sets the map translates from and to, as canonicals.
	SourceScope, TargetScope string
	Groups                   []Group
	// Origin says where the map came from, for messages.
	Origin string
}

// Canonical is url|version, or the url alone.
func (m *Map) Canonical() string {
	if m.Version == "" {
		return m.URL
	}
	return m.URL + "|" + m.Version
}

// Group maps the concepts of one source system to one target system.
type Group struct {
	Source, SourceVersion string
	Target, TargetVersion string
	Elements              []Element
	Unmapped              *Unmapped
}

// Element is one source concept and its targets.
type Element struct {
	Code, Display string
	Targets       []Target
}

// Target is one mapping of an element.
type Target struct {
	Code, Display string
	Equivalence   Equivalence
	Comment       string
	DependsOn     []OtherElement
	Product       []OtherElement
}

// OtherElement is a dependsOn or product of a target: another element's
// value (property is the element's URI).
type OtherElement struct {
	Property, System, Value, Display string
}

// Unmapped says what a group does with a concept it has no element for.
type Unmapped struct {
	Mode          string // provided, fixed, other-map
	Code, Display string // fixed
	URL           string // other-map: the canonical of the other map
}

// The unmapped modes of R4.
const (
	UnmappedProvided = "provided"
	UnmappedFixed    = "fixed"
	UnmappedOtherMap = "other-map"
)

// Equivalence is R4's ConceptMapEquivalence.
type Equivalence string

// The R4 equivalences (http://hl7.org/fhir/concept-map-equivalence).
const (
	RelatedTo   Equivalence = "relatedto"
	Equivalent  Equivalence = "equivalent"
	Equal       Equivalence = "equal"
	Wider       Equivalence = "wider"
	Subsumes    Equivalence = "subsumes"
	Narrower    Equivalence = "narrower"
	Specializes Equivalence = "specializes"
	Inexact     Equivalence = "inexact"
	Unmatched   Equivalence = "unmatched"
	Disjoint    Equivalence = "disjoint"
)

var equivalences = map[Equivalence]bool{RelatedTo: true, Equivalent: true, Equal: true, Wider: true, Subsumes: true,
	Narrower: true, Specializes: true, Inexact: true, Unmatched: true, Disjoint: true}

// Valid reports whether e is one of the R4 codes.
func (e Equivalence) Valid() bool { return equivalences[e] }

// Positive reports whether a match with this equivalence is a translation:
// unmatched and disjoint say that it is not. An unmapped fallback has no
// equivalence and counts.
func (e Equivalence) Positive() bool { return e != Unmatched && e != Disjoint }

// Errors are classified by these kinds (errors.Is).
var (
	// ErrInvalid: the map or the question is malformed.
	ErrInvalid = errors.New("invalid")
	// ErrBroken: a well-formed map cannot be followed (its other-map is
	// missing, or the other-map references go round in a cycle).
	ErrBroken = errors.New("broken concept map")
)

// Error is an error of this package, with the path of the element at
// fault where there is one.
type Error struct {
	Kind error
	Path string
	Text string
}

func (e *Error) Error() string { return e.Text }

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Kind }

func errorf(kind error, path, format string, args ...any) error {
	return &Error{Kind: kind, Path: path, Text: fmt.Sprintf(format, args...)}
}

// Check reports the first rule of R4 the map breaks that would make a
// translation wrong: an element without a code, a target without a code
// that is not unmatched, an equivalence outside R4's codes, an unmapped
// with an unknown mode, a fixed without a code, an other-map without a
// url (constraints cmd-2 and cmd-3).
func (m *Map) Check() error {
	for gi, g := range m.Groups {
		gp := "ConceptMap.group[" + strconv.Itoa(gi) + "]"
		for ei, e := range g.Elements {
			ep := gp + ".element[" + strconv.Itoa(ei) + "]"
			if strings.TrimSpace(e.Code) == "" {
				return errorf(ErrInvalid, ep+".code", "%s: %s has no code", m.where(), ep)
			}
			for ti, t := range e.Targets {
				tp := ep + ".target[" + strconv.Itoa(ti) + "]"
				if !t.Equivalence.Valid() {
					return errorf(ErrInvalid, tp+".equivalence", "%s: %s.equivalence %q is not an R4 concept map equivalence", m.where(), tp, t.Equivalence)
				}
				if t.Code == "" && t.Equivalence != Unmatched {
					return errorf(ErrInvalid, tp+".code", "%s: %s has no code, which only an unmatched target may omit", m.where(), tp)
				}
			}
		}
		if u := g.Unmapped; u != nil {
			up := gp + ".unmapped"
			switch u.Mode {
			case UnmappedProvided:
			case UnmappedFixed:
				if u.Code == "" {
					return errorf(ErrInvalid, up+".code", "%s: %s has mode fixed but no code", m.where(), up)
				}
			case UnmappedOtherMap:
				if u.URL == "" {
					return errorf(ErrInvalid, up+".url", "%s: %s has mode other-map but no url", m.where(), up)
				}
			default:
				return errorf(ErrInvalid, up+".mode", "%s: %s.mode %q is not provided, fixed or other-map", m.where(), up, u.Mode)
			}
		}
	}
	return nil
}

func (m *Map) where() string {
	switch {
	case m.Origin != "":
		return m.Origin
	case m.URL != "":
		return "ConceptMap " + m.Canonical()
	}
	return "The ConceptMap"
}
