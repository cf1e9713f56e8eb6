package fhir

import (
	"fmt"
	"net/http"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// hierarchy is the optional capability of a code system to name a concept's
// parents and children (terminology/local).
type hierarchy interface {
	Parents(code string) []string
	Children(code string) []string
}

// preferredForLanguage is the designation use tx.fhir.org gives a concept's
// display when it lists it among the designations.
var preferredForLanguage = &valueset.Coding{System: "http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra", Code: "preferredForLanguage", Display: "Preferred For Language"}

// lookupInSystem answers $lookup for a code system other than HCPCS and its
// code tables: one the request brought, or the server loaded.
func lookupInSystem(out *parametersOut, cs valueset.CodeSystem, code string, wanted propertyFilter, supplements []string) error {
	info := cs.Info()
	concept, ok := cs.Concept(code)
	if !ok {
		text := fmt.Sprintf("Unable to find code '%s' in %s", code, info.URL)
		if info.Version != "" {
			text += " version " + info.Version
		}
		e := newRequestError(http.StatusNotFound, "not-found", "invalid-code", "code", text)
		e.issue.MessageID = "Unknown_Code_in_Version"
		return e
	}
	if info.Name != "" {
		out.str("name", info.Name)
	}
	if info.Version != "" {
		out.str("version", info.Version)
	}
	out.code("code", concept.Code)
	out.uri("system", info.URL)
	if concept.Display != "" {
		out.str("display", concept.Display)
	}
	if concept.Definition != "" && wanted.want("definition") {
		out.str("definition", concept.Definition)
	}
	out.boolean("abstract", concept.Abstract)
	if wanted.want("designation") {
		if lang := languageOf(cs); concept.Display != "" && lang != "" {
			out.add(designationParam(valueset.Designation{Language: lang, Use: preferredForLanguage, Value: concept.Display}))
		}
		for _, d := range concept.Designations {
			out.add(designationParam(d))
		}
	}
	h, _ := cs.(hierarchy)
	if h != nil && wanted.want("parent") {
		for _, p := range h.Parents(concept.Code) {
			out.add(codeProperty(cs, "parent", p))
		}
	}
	if h != nil && wanted.want("child") {
		for _, ch := range h.Children(concept.Code) {
			out.add(codeProperty(cs, "child", ch))
		}
	}
	if wanted.want("inactive") {
		out.add(parameter{Name: "property", Part: []parameter{{Name: "code", ValueCode: ptr("inactive")}, {Name: "value", ValueBoolean: ptr(concept.Inactive)}}})
	}
	for _, pv := range cs.Properties(concept) {
		if pv.Code == "parent" || pv.Code == "child" || pv.Code == "inactive" || !wanted.want(pv.Code) {
			continue
		}
		out.add(propertyParam(pv))
	}
	for _, s := range supplements {
		out.add(parameter{Name: "used-supplement", ValueCanonical: ptr(s)})
	}
	return nil
}

func designationParam(d valueset.Designation) parameter {
	var parts []parameter
	if d.Language != "" {
		parts = append(parts, parameter{Name: "language", ValueCode: ptr(d.Language)})
	}
	if d.Use != nil {
		parts = append(parts, parameter{Name: "use", ValueCoding: fhirCoding(d.Use)})
	}
	if d.Source != "" {
		parts = append(parts, parameter{Name: "source", ValueCanonical: ptr(d.Source)})
	}
	parts = append(parts, parameter{Name: "value", ValueString: ptr(d.Value)})
	return parameter{Name: "designation", Part: parts}
}

// codeProperty is a parent or child property, with the other concept's
// display as its description.
func codeProperty(cs valueset.CodeSystem, name, code string) parameter {
	parts := []parameter{{Name: "code", ValueCode: ptr(name)}, {Name: "value", ValueCode: ptr(code)}}
	if other, ok := cs.Concept(code); ok && other.Display != "" {
		parts = append(parts, parameter{Name: "description", ValueString: ptr(other.Display)})
	}
	return parameter{Name: "property", Part: parts}
}

// languageOf is the language of a code system's displays, when the
// resource states it.
func languageOf(cs valueset.CodeSystem) string {
	if l, ok := cs.(interface{ Language() string }); ok {
		return l.Language()
	}
	return ""
}
