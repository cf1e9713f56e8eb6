package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// The FHIR JSON of a ValueSet definition, as far as the engine reads it.
// Elements the engine does not use (contact, jurisdiction, text, …) are
// kept in the source bytes, which reads serve unchanged.
type valueSetJSON struct {
	ResourceType string       `json:"resourceType"`
	ID           string       `json:"id,omitempty"`
	Language     string       `json:"language,omitempty"`
	URL          string       `json:"url,omitempty"`
	Version      string       `json:"version,omitempty"`
	Name         string       `json:"name,omitempty"`
	Title        string       `json:"title,omitempty"`
	Status       string       `json:"status,omitempty"`
	Experimental *bool        `json:"experimental,omitempty"`
	Date         string       `json:"date,omitempty"`
	Publisher    string       `json:"publisher,omitempty"`
	Description  string       `json:"description,omitempty"`
	Compose      *composeJSON `json:"compose,omitempty"`
	// Extension is read for the standards status; it is not written.
	Extension []extensionIn `json:"extension,omitempty"`
	// Contained value sets, which a compose names as #id.
	Contained []json.RawMessage `json:"contained,omitempty"`
}

type composeJSON struct {
	// Extension is read for the valueset-expansion-parameter defaults.
	Extension  []composeExtensionJSON `json:"extension,omitempty"`
	LockedDate string                 `json:"lockedDate,omitempty"`
	Inactive   *bool                  `json:"inactive,omitempty"`
	Include    []conceptSetJSON       `json:"include"`
	Exclude    []conceptSetJSON       `json:"exclude,omitempty"`
}

type conceptSetJSON struct {
	System   string           `json:"system,omitempty"`
	Version  string           `json:"version,omitempty"`
	Concept  []conceptRefJSON `json:"concept,omitempty"`
	Filter   []filterJSON     `json:"filter,omitempty"`
	ValueSet []string         `json:"valueSet,omitempty"`
}

type conceptRefJSON struct {
	Code        string          `json:"code"`
	Display     string          `json:"display,omitempty"`
	Designation []designationIn `json:"designation,omitempty"`
	// Extension is read for the concept's status in the value set, and
	// kept for the expansion (valueset.Member.EchoedExtensions).
	Extension []extensionIn `json:"extension,omitempty"`
}

const extValueSetDeprecated = "http://hl7.org/fhir/StructureDefinition/valueset-deprecated"

// referenceStatus is the status a compose gives a listed concept.
func referenceStatus(exts []extensionIn) string {
	for _, e := range exts {
		if e.URL == extValueSetDeprecated && (e.ValueCode == "true" || e.ValueBoolean != nil && *e.ValueBoolean) {
			return "deprecated"
		}
	}
	return standardsStatus(exts)
}

type filterJSON struct {
	Property string `json:"property"`
	Op       string `json:"op,omitempty"`
	// OpElement carries an R5 operator R4 lacks (child-of,
	// descendent-leaf) in the cross-version extension, as the HL7
	// convertors write it (ValueSet40_50.convertFilterOperator).
	OpElement *elementJSON `json:"_op,omitempty"`
	Value     string       `json:"value"`
}

// elementJSON is the _x sibling of a primitive: its extensions.
type elementJSON struct {
	Extension []struct {
		URL       string `json:"url"`
		ValueCode string `json:"valueCode"`
	} `json:"extension"`
}

const extFilterOp = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.compose.include.filter.op"

// op is the filter's operator, from op or from its R5 extension.
func (f filterJSON) op() string {
	if f.Op != "" || f.OpElement == nil {
		return f.Op
	}
	for _, e := range f.OpElement.Extension {
		if e.URL == extFilterOp {
			return e.ValueCode
		}
	}
	return ""
}

var publicationStatuses = map[string]bool{"draft": true, "active": true, "retired": true, "unknown": true}

// ParseValueSet reads a FHIR R4 ValueSet resource for the engine. origin
// names where it came from, for messages. Errors wrap valueset.ErrInvalid
// and say what is wrong where.
func ParseValueSet(b []byte, origin string) (*valueset.ValueSet, error) {
	var in valueSetJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := decodeOne(dec, &in); err != nil {
		return nil, &valueset.Error{Kind: valueset.ErrInvalid, Path: "ValueSet", Text: fmt.Sprintf("%s is not a valid FHIR ValueSet: %v", origin, err)}
	}
	if in.ResourceType != "ValueSet" {
		return nil, &valueset.Error{Kind: valueset.ErrInvalid, Path: "resourceType", Text: fmt.Sprintf("%s is a %q, not a ValueSet", origin, in.ResourceType)}
	}
	if in.Status != "" && !publicationStatuses[in.Status] {
		return nil, &valueset.Error{Kind: valueset.ErrInvalid, Path: "ValueSet.status", Text: fmt.Sprintf("%s: status %q is not one of draft, active, retired, unknown", origin, in.Status)}
	}
	vs := &valueset.ValueSet{ID: in.ID, URL: in.URL, Version: in.Version, Name: in.Name, Title: in.Title, Status: in.Status,
		Experimental: in.Experimental, Date: in.Date, Language: in.Language, Publisher: in.Publisher, Description: in.Description,
		StandardsStatus: standardsStatus(in.Extension),
		Supplements:     supplementsOf(in.Extension),
		Source:          append([]byte(nil), bytes.TrimSpace(b)...), Origin: origin}
	for i, raw := range in.Contained {
		var head struct {
			ResourceType string `json:"resourceType"`
		}
		if json.Unmarshal(raw, &head) != nil || head.ResourceType != "ValueSet" {
			continue // only contained value sets are referred to by a compose
		}
		sub, err := ParseValueSet(raw, fmt.Sprintf("%s, contained[%d]", origin, i))
		if err != nil {
			return nil, err
		}
		sub.Source = nil
		vs.Contained = append(vs.Contained, sub)
	}
	if in.Compose == nil {
		return vs, nil
	}
	c := &valueset.Compose{Inactive: in.Compose.Inactive}
	if in.Compose.LockedDate != "" {
		t, err := parseFHIRDate(in.Compose.LockedDate)
		if err != nil {
			return nil, &valueset.Error{Kind: valueset.ErrInvalid, Path: "ValueSet.compose.lockedDate", Text: fmt.Sprintf("%s: compose.lockedDate %q is not a FHIR date", origin, in.Compose.LockedDate)}
		}
		c.LockedDate = t
	}
	c.Include = conceptSets(in.Compose.Include)
	c.Exclude = conceptSets(in.Compose.Exclude)
	c.Parameters = expansionParameterDefaults(in.Compose.Extension)
	vs.Compose = c
	return vs, nil
}

func conceptSets(in []conceptSetJSON) []valueset.ConceptSet {
	out := make([]valueset.ConceptSet, len(in))
	for i, s := range in {
		cs := valueset.ConceptSet{System: s.System, Version: s.Version, ValueSets: s.ValueSet}
		for _, c := range s.Concept {
			ref := valueset.ConceptReference{Code: c.Code, Display: c.Display, Status: referenceStatus(c.Extension), Extensions: engineExtensions(c.Extension)}
			for _, d := range c.Designation {
				ref.Designations = append(ref.Designations, d.engine())
			}
			cs.Concepts = append(cs.Concepts, ref)
		}
		for _, f := range s.Filter {
			cs.Filters = append(cs.Filters, valueset.Filter{Property: f.Property, Op: f.op(), Value: f.Value})
		}
		out[i] = cs
	}
	return out
}

func engineCoding(c *fm.Coding) *valueset.Coding {
	if c == nil {
		return nil
	}
	return &valueset.Coding{System: str(c.System), Version: str(c.Version), Code: str(c.Code), Display: str(c.Display)}
}

func fhirCoding(c *valueset.Coding) *fm.Coding {
	if c == nil {
		return nil
	}
	out := &fm.Coding{Code: ptr(c.Code)}
	if c.System != "" {
		out.System = ptr(c.System)
	}
	if c.Version != "" {
		out.Version = ptr(c.Version)
	}
	if c.Display != "" {
		out.Display = ptr(c.Display)
	}
	return out
}

// decodeOne decodes one JSON value and requires that nothing follows it:
// json.Decoder alone would accept "{…} trailing", and a loaded resource is
// served as it was read.
func decodeOne(dec *json.Decoder, v any) error {
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the resource")
	}
	return nil
}

// parseFHIRDate reads a FHIR date or dateTime as its calendar day.
func parseFHIRDate(s string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			y, m, d := t.Date()
			return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a FHIR date: %q", s)
}

// valueSetResourceJSON is the ValueSet resource of a definition: the source
// as loaded, or, for a built-in value set, built from its fields.
func valueSetResourceJSON(vs *valueset.ValueSet) json.RawMessage {
	if vs.Source != nil {
		return vs.Source
	}
	out := valueSetHeader(vs)
	out.Compose = composeOut(vs.Compose)
	return mustJSON(out)
}

// valueSetHeader is the metadata of a value set, without compose.
func valueSetHeader(vs *valueset.ValueSet) valueSetJSON {
	return valueSetJSON{ResourceType: "ValueSet", ID: vs.ID, Language: vs.Language, URL: vs.URL, Version: vs.Version, Name: vs.Name, Title: vs.Title,
		Status: cmpOr(vs.Status, "unknown"), Experimental: vs.Experimental, Date: vs.Date, Publisher: vs.Publisher, Description: vs.Description}
}

func composeOut(c *valueset.Compose) *composeJSON {
	if c == nil {
		return nil
	}
	out := &composeJSON{Inactive: c.Inactive}
	if !c.LockedDate.IsZero() {
		out.LockedDate = c.LockedDate.Format(time.DateOnly)
	}
	conv := func(sets []valueset.ConceptSet) []conceptSetJSON {
		var list []conceptSetJSON
		for _, s := range sets {
			j := conceptSetJSON{System: s.System, Version: s.Version, ValueSet: s.ValueSets}
			for _, c := range s.Concepts {
				j.Concept = append(j.Concept, conceptRefJSON{Code: c.Code, Display: c.Display})
			}
			for _, f := range s.Filters {
				j.Filter = append(j.Filter, filterJSON{Property: f.Property, Op: f.Op, Value: f.Value})
			}
			list = append(list, j)
		}
		return list
	}
	out.Include, out.Exclude = conv(c.Include), conv(c.Exclude)
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// inlineValueSet reads the valueSet parameter of $expand and
// $validate-code: a 400 names what is wrong with it.
func inlineValueSet(raw json.RawMessage) (*valueset.ValueSet, error) {
	vs, err := ParseValueSet(raw, "The valueSet parameter")
	if err != nil {
		return nil, badRequest("valueSet", err.Error()+".")
	}
	if vs.Compose == nil {
		return nil, newRequestError(http.StatusUnprocessableEntity, "not-supported", "", "valueSet",
			"The valueSet parameter has no compose; this server evaluates value sets from their compose.")
	}
	return vs, nil
}

const extExpansionParameter = "http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter"

// composeExtensionJSON is an extension of ValueSet.compose; its nested
// extensions are kept as their members, to read any value[x].
type composeExtensionJSON struct {
	URL       string                       `json:"url"`
	Extension []map[string]json.RawMessage `json:"extension,omitempty"`
}

// expansionParameterDefaults reads the valueset-expansion-parameter
// extensions of a compose: a name and a primitive value each.
func expansionParameterDefaults(exts []composeExtensionJSON) []valueset.Parameter {
	var out []valueset.Parameter
	for _, e := range exts {
		if e.URL != extExpansionParameter {
			continue
		}
		var p valueset.Parameter
		for _, part := range e.Extension {
			var url string
			if json.Unmarshal(part["url"], &url) != nil {
				continue
			}
			for k, raw := range part {
				if !strings.HasPrefix(k, "value") {
					continue
				}
				var v any
				if json.Unmarshal(raw, &v) != nil {
					continue
				}
				switch url {
				case "name":
					p.Name, _ = v.(string)
				case "value":
					if _, composite := v.(map[string]any); !composite {
						p.Value = fmt.Sprint(v)
					}
				}
			}
		}
		if p.Name != "" && p.Value != "" {
			out = append(out, p)
		}
	}
	return out
}

// supplementsOf lists the valueset-supplement extensions' canonicals.
func supplementsOf(exts []extensionIn) []string {
	var out []string
	for _, e := range exts {
		if e.URL == extValueSetSupplement && e.ValueCanonical != "" {
			out = append(out, e.ValueCanonical)
		}
	}
	return out
}
