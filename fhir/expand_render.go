package fhir

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/local"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// statusPropertyURI is the standard concept property that carries a
// concept's status in an expansion.
const (
	statusPropertyURI     = "http://hl7.org/fhir/concept-properties#status"
	definitionPropertyURI = "http://hl7.org/fhir/concept-properties#definition"
	extUnclosed           = "http://hl7.org/fhir/StructureDefinition/valueset-unclosed"
	extUnclosedReason     = "http://hl7.org/fhir/StructureDefinition/valueset-unclosed-reason"
)

func renderExpansion(snap *terminology.Snapshot, compiled *valueset.Compiled, exp *valueset.Expansion, in *expandInputs) expandedValueSetJSON {
	vs := compiled.ValueSet
	out := expandedValueSetJSON{valueSetJSON: valueSetHeader(vs)}
	// An expansion carries the value set's identity, not its narrative:
	// tx.fhir.org leaves description out (tests tho/act-exclusion,
	// deprecated/vs-deprecation).
	out.Description = ""
	if in.includeDefinition {
		// the definition's extensions too (FHIRsmith tx/workers/expand.js,
		// expand: they are dropped only without includeDefinition)
		out.Extension = sourceExtensions(vs)
	}
	x := &out.Expansion
	x.Identifier = expansionIdentifier(snap, vs, in)
	x.Timestamp = snap.LoadedAt().Format(time.RFC3339)
	x.Total = exp.Total
	if in.req.HasCount || in.req.Offset > 0 {
		x.Offset = ptr(exp.Offset)
	}
	x.Parameter = append(x.Parameter, in.echo...)
	for _, info := range compiled.Systems {
		x.Parameter = append(x.Parameter, expansionParamJSON{Name: "used-codesystem", ValueUri: ptr(info.Canonical())})
	}
	for _, canon := range compiled.Imports {
		x.Parameter = append(x.Parameter, expansionParamJSON{Name: "used-valueset", ValueUri: ptr(canon)})
	}
	if compiled.VersionsMatch() {
		x.Parameter = append(x.Parameter, expansionParamJSON{Name: "versionsMatch", ValueBoolean: ptr(true)})
	}
	x.Parameter = append(x.Parameter, statusWarnings(compiled)...)
	// A fragment makes the expansion incomplete (FHIRsmith
	// tx/workers/expand.js, checkSource).
	for _, info := range compiled.Systems {
		if info.Content != "fragment" {
			continue
		}
		x.Parameter = append(x.Parameter, expansionParamJSON{Name: "used-fragment", ValueUri: ptr(info.Canonical())})
		if len(x.Extension) == 0 {
			x.Extension = append(x.Extension, extensionJSON{URL: extUnclosed, ValueBoolean: ptr(true)},
				extensionJSON{URL: extUnclosedReason, ValueString: ptr("This extension is based on a fragment of the code system " + info.URL)})
		}
	}
	// The supplements applied to the code systems the expansion used
	// (FHIRsmith tx/workers/expand.js, listSupplements).
	for _, info := range compiled.Systems {
		if cs, ok := compiled.System(info).(*local.System); ok {
			for _, sup := range cs.Definition().Supplemented {
				if !slices.ContainsFunc(x.Parameter, func(p expansionParamJSON) bool { return p.Name == "used-supplement" && deref(p.ValueUri) == sup }) {
					x.Parameter = append(x.Parameter, expansionParamJSON{Name: "used-supplement", ValueUri: ptr(sup)})
				}
			}
		}
	}
	r := &entryRenderer{compiled: compiled, in: in, props: expansionProperties(compiled, in.properties), versioned: severalVersions(compiled.Systems),
		definition: slices.Contains(in.properties, "definition")}
	x.Contains = r.entries(exp.Contains)
	for _, d := range r.declared() {
		x.Extension = append(x.Extension, expansionPropertyExtension(d, propertyURIFor(d)))
	}
	return out
}

// entryRenderer turns members into expansion.contains entries and keeps
// track of the properties they carry, which expansion.property declares.
type entryRenderer struct {
	compiled  *valueset.Compiled
	in        *expandInputs
	props     []valueset.PropertyDefinition // asked for
	versioned map[string]bool
	// definition: the request asked for the definition property, which
	// is the concept's definition rather than a declared property.
	definition bool
	status     bool // some entry carries a status property
	// fromExtensions are the properties entries took from extensions
	// (label, order, weight), in order of first use.
	fromExtensions []valueset.PropertyDefinition
	// statusCodes is, per system, the code of its status property, ""
	// for a system without one (HCPCS): worked out once per expansion, so
	// that an entry of such a system builds no property values.
	statusCodes map[string]string
}

// statusCode is the code under which cs gives a concept's status: the
// property declared with the standard URI, or "status" for a system that
// declares it or, built from a CodeSystem resource, knows the standard
// properties undeclared; "" when it has none.
func (r *entryRenderer) statusCode(info valueset.Info, cs valueset.CodeSystem) string {
	key := info.Canonical()
	if code, ok := r.statusCodes[key]; ok {
		return code
	}
	code := ""
	for _, d := range cs.PropertyDefinitions() {
		if d.URI == statusPropertyURI || (d.Code == "status" && code == "") {
			code = d.Code
		}
	}
	if _, fromResource := cs.(*local.System); fromResource && code == "" {
		code = "status"
	}
	if r.statusCodes == nil {
		r.statusCodes = map[string]string{}
	}
	r.statusCodes[key] = code
	return code
}

// declared are the property definitions of the expansion: those asked
// for, and status when an entry has one.
func (r *entryRenderer) declared() []valueset.PropertyDefinition {
	out := r.props
	has := func(code string) bool {
		return slices.ContainsFunc(out, func(d valueset.PropertyDefinition) bool { return d.Code == code })
	}
	if r.definition && !has("definition") {
		out = append(slices.Clip(out), valueset.PropertyDefinition{Code: "definition", URI: definitionPropertyURI, Type: valueset.TypeString})
	}
	if r.status && !has("status") {
		out = append(slices.Clip(out), valueset.PropertyDefinition{Code: "status", URI: statusPropertyURI, Type: valueset.TypeCode})
	}
	for _, d := range r.fromExtensions {
		if !has(d.Code) {
			out = append(slices.Clip(out), d)
		}
	}
	return out
}

// useExtensionProperty notes that an entry carries the property code,
// which extensions give.
func (r *entryRenderer) useExtensionProperty(code string) {
	if slices.ContainsFunc(r.fromExtensions, func(d valueset.PropertyDefinition) bool { return d.Code == code }) {
		return
	}
	for _, d := range []valueset.PropertyDefinition{valueset.LabelProperty, valueset.OrderProperty, valueset.WeightProperty} {
		if d.Code == code {
			r.fromExtensions = append(r.fromExtensions, d)
		}
	}
}

func (r *entryRenderer) entries(ms []*valueset.Member) []expansionEntryJSON {
	if len(ms) == 0 {
		return nil
	}
	out := make([]expansionEntryJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, r.entry(m))
	}
	return out
}

func (r *entryRenderer) entry(m *valueset.Member) expansionEntryJSON {
	in := r.in
	e := expansionEntryJSON{System: m.System.URL, Code: m.Concept.Code, Display: m.Display}
	if r.versioned[m.System.URL] || r.compiled.MixedVersions() {
		e.Version = m.System.Version
	}
	if m.Concept.Inactive {
		e.Inactive = ptr(true)
	}
	if m.Concept.Abstract {
		e.Abstract = ptr(true)
	}
	var designations []valueset.Designation
	if len(in.languages) > 0 {
		e.Display, designations = r.byLanguage(m)
	} else if in.includeDesignations {
		// the code system's, then the compose's, as tx.fhir.org lists
		// them (FHIRsmith tx/workers/expand.js, includeCodes)
		designations = append(slices.Clip(m.Concept.Designations), m.Designations...)
	}
	if in.includeDesignations {
		e.Designation = engineDesignations(selectDesignations(designations, in.designations))
		if len(e.Designation) == 0 {
			e.Designation = nil
		}
	}
	var values []valueset.PropertyValue
	statusCode := ""
	if cs := r.compiled.System(m.System); cs != nil {
		statusCode = r.statusCode(m.System, cs)
		if statusCode != "" || len(r.props) > 0 {
			values = cs.Properties(m.Concept)
		}
	}
	// A concept whose status is not active says so, whatever the request
	// asked for (FHIRsmith tx/workers/expand.js, includeCode).
	var shown []valueset.PropertyValue
	if st, ok := conceptStatus(values, statusCode); ok {
		shown = append(shown, st)
		r.status = true
	}
	if r.definition && m.Concept.Definition != "" {
		shown = append(shown, valueset.PropertyValue{Code: "definition", Type: valueset.TypeString, Value: m.Concept.Definition})
	}
	// label, order and weight, from extensions (FHIRsmith
	// tx/workers/expand.js, includeCode)
	for _, pv := range m.ExtensionProperties() {
		r.useExtensionProperty(pv.Code)
		shown = append(shown, pv)
	}
	for _, pv := range values {
		if !slices.ContainsFunc(r.props, func(d valueset.PropertyDefinition) bool { return d.Code == pv.Code }) {
			continue
		}
		if !slices.ContainsFunc(shown, func(x valueset.PropertyValue) bool { return x.Code == pv.Code && x.Value == pv.Value }) {
			shown = append(shown, pv)
		}
	}
	for _, pv := range shown {
		e.Extension = append(e.Extension, propertyExtension(pv))
	}
	e.Extension = append(e.Extension, extensionsOut(m.EchoedExtensions())...)
	e.Contains = r.entries(m.Contains)
	return e
}

// conceptStatus is the status property of a concept whose status is not
// active (retired, deprecated, …), as the code system gives it under code.
func conceptStatus(values []valueset.PropertyValue, code string) (valueset.PropertyValue, bool) {
	for _, pv := range values {
		if pv.Code == code && pv.Value != "" && !strings.EqualFold(pv.Value, "active") {
			return valueset.PropertyValue{Code: "status", Type: valueset.TypeCode, Value: pv.Value}, true
		}
	}
	return valueset.PropertyValue{}, false
}

// byLanguage picks a member's display for the request's languages, and
// lists its other texts as designations: the code system's display among
// them, in the system's language, when another text is shown instead
// (FHIRsmith tx/workers/expand.js, includeCode).
func (r *entryRenderer) byLanguage(m *valueset.Member) (string, []valueset.Designation) {
	use := valueset.UsePreferredForLanguage
	var ds []valueset.Designation
	if m.Concept.Display != "" {
		ds = append(ds, valueset.Designation{Language: m.System.Language, Use: &use, Value: m.Concept.Display})
	}
	ds = append(ds, m.Concept.Designations...)
	if m.Display != m.Concept.Display && m.Display != "" { // the compose's own display
		ds = append(ds, valueset.Designation{Language: r.compiled.ValueSet.Language, Use: &use, Value: m.Display})
	}
	ds = append(ds, m.Designations...)
	i := valueset.PreferredDesignation(ds, r.in.languages, m.System.Language)
	if i < 0 {
		return "", ds
	}
	shown := ds[i].Value
	return shown, slices.Delete(ds, i, i+1)
}

// sourceExtensions are the extensions of a value set as its source gives
// them, nil for none or no source.
func sourceExtensions(vs *valueset.ValueSet) []json.RawMessage {
	var src struct {
		Extension []json.RawMessage `json:"extension"`
	}
	if len(vs.Source) == 0 || json.Unmarshal(vs.Source, &src) != nil {
		return nil
	}
	return src.Extension
}
