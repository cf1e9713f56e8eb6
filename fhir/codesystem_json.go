package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology/local"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// The FHIR JSON of a CodeSystem resource, as far as local.Definition
// needs it. Concept properties are read through conceptPropertyIn, which
// takes exactly one value[x].
type codeSystemIn struct {
	ResourceType     string          `json:"resourceType"`
	URL              string          `json:"url"`
	Version          string          `json:"version"`
	Name             string          `json:"name"`
	Title            string          `json:"title"`
	Status           string          `json:"status"`
	Experimental     bool            `json:"experimental"`
	Extension        []extensionIn   `json:"extension"`
	CaseSensitive    *bool           `json:"caseSensitive"`
	HierarchyMeaning string          `json:"hierarchyMeaning"`
	Content          string          `json:"content"`
	Supplements      string          `json:"supplements"`
	VersionNeeded    bool            `json:"versionNeeded"`
	Compositional    bool            `json:"compositional"`
	Language         string          `json:"language"`
	Property         []propertyDefIn `json:"property"`
	Filter           []filterDefIn   `json:"filter"`
	Concept          []conceptIn     `json:"concept"`
}

type propertyDefIn struct {
	Code        string `json:"code"`
	URI         string `json:"uri"`
	Description string `json:"description"`
	Type        string `json:"type"`
}

type filterDefIn struct {
	Code        string   `json:"code"`
	Description string   `json:"description"`
	Operator    []string `json:"operator"`
	Value       string   `json:"value"`
}

type conceptIn struct {
	Code        string           `json:"code"`
	Display     string           `json:"display"`
	Definition  string           `json:"definition"`
	Designation []designationIn  `json:"designation"`
	Property    []map[string]any `json:"property"`
	Concept     []conceptIn      `json:"concept"`
	Extension   []extensionIn    `json:"extension"`
}

var (
	contentModes      = map[string]bool{"not-present": true, "example": true, "fragment": true, "complete": true, "supplement": true}
	hierarchyMeanings = map[string]bool{"": true, "grouped-by": true, "is-a": true, "part-of": true, "classified-with": true}
	propertyTypesIn   = map[string]valueset.PropertyType{"code": valueset.TypeCode, "Coding": valueset.TypeCoding, "string": valueset.TypeString,
		"integer": valueset.TypeInteger, "boolean": valueset.TypeBoolean, "dateTime": valueset.TypeDateTime, "decimal": valueset.TypeDecimal}
)

// ParseCodeSystem reads a FHIR R4 CodeSystem resource into the definition
// local.New builds a code system from. origin names where it came from, for
// messages. Errors are *valueset.Error (ErrInvalid) saying what is wrong
// where; a resource whose concepts contradict themselves (a duplicate code,
// a cycle) is refused by local.New.
func ParseCodeSystem(b []byte, origin string) (*local.Definition, error) {
	invalid := func(path, format string, args ...any) error {
		return &valueset.Error{Kind: valueset.ErrInvalid, Path: path, Text: origin + ": " + fmt.Sprintf(format, args...)}
	}
	var in codeSystemIn
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := decodeOne(dec, &in); err != nil {
		return nil, invalid("CodeSystem", "not a valid FHIR CodeSystem: %v", err)
	}
	if in.ResourceType != "CodeSystem" {
		return nil, invalid("resourceType", "a %q, not a CodeSystem", in.ResourceType)
	}
	if in.Status != "" && !publicationStatuses[in.Status] {
		return nil, invalid("CodeSystem.status", "status %q is not one of draft, active, retired, unknown", in.Status)
	}
	if !contentModes[in.Content] {
		return nil, invalid("CodeSystem.content", "content %q is not one of not-present, example, fragment, complete, supplement", in.Content)
	}
	if !hierarchyMeanings[in.HierarchyMeaning] {
		return nil, invalid("CodeSystem.hierarchyMeaning", "hierarchyMeaning %q is not one of grouped-by, is-a, part-of, classified-with", in.HierarchyMeaning)
	}
	if in.Content == "supplement" && in.Supplements == "" {
		return nil, invalid("CodeSystem.supplements", "a supplement must say which code system it supplements")
	}
	d := &local.Definition{URL: in.URL, Version: in.Version, Name: in.Name, Title: in.Title, Status: in.Status,
		HierarchyMeaning: in.HierarchyMeaning, Content: in.Content, Supplements: in.Supplements,
		VersionNeeded: in.VersionNeeded, Compositional: in.Compositional, Language: in.Language,
		Experimental: in.Experimental, StandardsStatus: standardsStatus(in.Extension)}
	if in.CaseSensitive != nil {
		d.CaseSensitive = *in.CaseSensitive
	}
	for i, p := range in.Property {
		t, ok := propertyTypesIn[p.Type]
		if !ok || p.Code == "" {
			return nil, invalid(fmt.Sprintf("CodeSystem.property[%d]", i), "property %q has type %q; it needs a code and one of code, Coding, string, integer, boolean, dateTime, decimal", p.Code, p.Type)
		}
		d.Properties = append(d.Properties, valueset.PropertyDefinition{Code: p.Code, URI: p.URI, Description: p.Description, Type: t})
	}
	for _, f := range in.Filter {
		d.Filters = append(d.Filters, local.FilterDefinition{Code: f.Code, Description: f.Description, Value: f.Value, Operators: f.Operator})
	}
	var conv func(cs []conceptIn, path string) ([]*local.ConceptDefinition, error)
	conv = func(cs []conceptIn, path string) ([]*local.ConceptDefinition, error) {
		out := make([]*local.ConceptDefinition, 0, len(cs))
		for i, c := range cs {
			where := fmt.Sprintf("%s[%d]", path, i)
			cd := &local.ConceptDefinition{Code: c.Code, Display: c.Display, Definition: c.Definition, Extensions: engineExtensions(c.Extension)}
			for _, dsg := range c.Designation {
				cd.Designations = append(cd.Designations, dsg.engine())
			}
			for j, p := range c.Property {
				pv, err := conceptProperty(p)
				if err != nil {
					return nil, invalid(fmt.Sprintf("%s.property[%d]", where, j), "%s.property[%d]: %v", where, j, err)
				}
				cd.Properties = append(cd.Properties, pv)
			}
			// A concept's standards-status (deprecated, withdrawn) is its
			// status when it has no status property of its own.
			if st := standardsStatus(c.Extension); st != "" && !slices.ContainsFunc(cd.Properties, func(pv valueset.PropertyValue) bool { return pv.Code == "status" }) {
				cd.Properties = append(cd.Properties, valueset.PropertyValue{Code: "status", Type: valueset.TypeCode, Value: st})
			}
			children, err := conv(c.Concept, where+".concept")
			if err != nil {
				return nil, err
			}
			cd.Concepts = children
			out = append(out, cd)
		}
		return out, nil
	}
	var err error
	if d.Concepts, err = conv(in.Concept, "CodeSystem.concept"); err != nil {
		return nil, err
	}
	return d, nil
}

// conceptProperty reads one concept property: a code and exactly one
// value[x] of a property type.
func conceptProperty(p map[string]any) (valueset.PropertyValue, error) {
	code, _ := p["code"].(string)
	if code == "" {
		return valueset.PropertyValue{}, fmt.Errorf("a property has no code")
	}
	pv := valueset.PropertyValue{Code: code}
	n := 0
	for k, v := range p {
		if k == "code" || k == "extension" || k == "id" {
			continue
		}
		n++
		switch k {
		case "valueCode", "valueString", "valueDateTime":
			s, ok := v.(string)
			if !ok {
				return pv, fmt.Errorf("%s of %q is not a string", k, code)
			}
			pv.Value = s
			pv.Type = map[string]valueset.PropertyType{"valueCode": valueset.TypeCode, "valueString": valueset.TypeString, "valueDateTime": valueset.TypeDateTime}[k]
		case "valueBoolean":
			bv, ok := v.(bool)
			if !ok {
				return pv, fmt.Errorf("valueBoolean of %q is not a boolean", code)
			}
			pv.Type, pv.Value = valueset.TypeBoolean, fmt.Sprint(bv)
		case "valueInteger", "valueDecimal":
			num, ok := v.(json.Number)
			if !ok {
				return pv, fmt.Errorf("%s of %q is not a number", k, code)
			}
			pv.Type, pv.Value = valueset.TypeDecimal, num.String()
			if k == "valueInteger" {
				if _, err := num.Int64(); err != nil {
					return pv, fmt.Errorf("valueInteger of %q is not an integer: %s", code, num)
				}
				pv.Type = valueset.TypeInteger
			}
		case "valueCoding":
			raw, _ := json.Marshal(v)
			var c fm.Coding
			if err := json.Unmarshal(raw, &c); err != nil {
				return pv, fmt.Errorf("valueCoding of %q is not a Coding: %v", code, err)
			}
			pv.Type, pv.Coding, pv.Value = valueset.TypeCoding, engineCoding(&c), str(c.Code)
		default:
			return pv, fmt.Errorf("%s is not a value[x] a concept property may have", k)
		}
	}
	if n != 1 {
		return pv, fmt.Errorf("property %q has %d value[x]; it must have exactly one", code, n)
	}
	return pv, nil
}
