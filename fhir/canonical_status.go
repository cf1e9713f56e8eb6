package fhir

import (
	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

const extStandardsStatus = "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status"

// extensionIn is a resource extension as far as the parsers read one: a
// code or string value.
type extensionIn struct {
	URL            string `json:"url"`
	ValueCode      string `json:"valueCode,omitempty"`
	ValueString    string `json:"valueString,omitempty"`
	ValueCanonical string `json:"valueCanonical,omitempty"`
	ValueBoolean   *bool  `json:"valueBoolean,omitempty"`
	// engine is the extension as the engine keeps it (extension_json.go).
	engine valueset.Extension
}

// extValueSetSupplement names a supplement a value set's codes are to be
// read with.
const extValueSetSupplement = "http://hl7.org/fhir/StructureDefinition/valueset-supplement"

// standardsStatus is the value of the standards-status extension, or "".
func standardsStatus(exts []extensionIn) string {
	for _, e := range exts {
		if e.URL == extStandardsStatus {
			return e.ValueCode + e.ValueString
		}
	}
	return ""
}

// canonicalStatus is what an expansion warns about a resource it used.
type canonicalStatus struct {
	canonical, status, standards string
	experimental                 bool
}

// statusWarnings are the warning-* parameters of an expansion: one for
// the value set itself, each code system and each imported value set that
// is deprecated or withdrawn, and, unless the value set itself is so
// too, retired, experimental or draft. This follows FHIRsmith
// tx/workers/expand.js (checkCanonicalStatus), where the standards status
// of the value set being expanded never suppresses the warning.
func statusWarnings(compiled *valueset.Compiled) []expansionParamJSON {
	vs := compiled.ValueSet
	root := canonicalStatus{vs.Canonical(), vs.Status, vs.StandardsStatus, vs.Experimental != nil && *vs.Experimental}
	list := []canonicalStatus{root}
	for _, info := range compiled.Systems {
		list = append(list, canonicalStatus{info.Canonical(), info.Status, info.StandardsStatus, info.Experimental})
	}
	for _, sub := range compiled.ImportedSets {
		list = append(list, canonicalStatus{sub.Canonical(), sub.Status, sub.StandardsStatus, sub.Experimental != nil && *sub.Experimental})
	}
	var out []expansionParamJSON
	add := func(name, canonical string) {
		for _, p := range out {
			if p.Name == name && *p.ValueUri == canonical {
				return
			}
		}
		out = append(out, expansionParamJSON{Name: name, ValueUri: ptr(canonical)})
	}
	for _, r := range list {
		switch {
		case r.standards == "deprecated":
			add("warning-deprecated", r.canonical)
		case r.standards == "withdrawn":
			add("warning-withdrawn", r.canonical)
		case r.status == "retired":
			if root.status != "retired" {
				add("warning-retired", r.canonical)
			}
		case r.experimental:
			if !root.experimental {
				add("warning-experimental", r.canonical)
			}
		case r.status == "draft" || r.standards == "draft":
			if root.status != "draft" {
				add("warning-draft", r.canonical)
			}
		}
	}
	return out
}

// statusIssues are the information issues of a validation about the
// value set, the code systems and the value sets it drew on: deprecated, withdrawn or
// retired ones, and experimental or draft code systems that a value set
// which is neither refers to (FHIRsmith tx/workers/validate.js,
// checkCanonicalStatusFull; tests deprecated/*-validate).
func statusIssues(compiled *valueset.Compiled) []terminology.Issue {
	vs := compiled.ValueSet
	vsExperimental := vs.Experimental != nil && *vs.Experimental
	var out []terminology.Issue
	note := func(id, what, rtype, canonical string) {
		out = append(out, terminology.Issue{Severity: "information", Code: "business-rule", TxType: "status-check", MessageID: id,
			Text: "Reference to " + what + " " + rtype + " " + canonical})
	}
	check := func(rtype, canonical, status, standards string, experimental, isSource bool) {
		switch {
		case standards == "deprecated":
			note("MSG_DEPRECATED", "deprecated", rtype, canonical)
		case standards == "withdrawn":
			note("MSG_WITHDRAWN", "withdrawn", rtype, canonical)
		case status == "retired":
			note("MSG_RETIRED", "retired", rtype, canonical)
		case isSource:
		case experimental && !vsExperimental:
			note("MSG_EXPERIMENTAL", "experimental", rtype, canonical)
		case (status == "draft" || standards == "draft") && vs.Status != "draft" && vs.StandardsStatus != "draft":
			note("MSG_DRAFT", "draft", rtype, canonical)
		}
	}
	check("ValueSet", vs.Canonical(), vs.Status, vs.StandardsStatus, vsExperimental, true)
	for _, info := range compiled.Systems {
		check("CodeSystem", info.Canonical(), info.Status, info.StandardsStatus, info.Experimental, false)
	}
	for _, sub := range compiled.ImportedSets {
		check("ValueSet", sub.Canonical(), sub.Status, sub.StandardsStatus, sub.Experimental != nil && *sub.Experimental, false)
	}
	return out
}
