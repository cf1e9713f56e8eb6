package terminology

import (
	"strconv"
	"time"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// PropertyType is the FHIR type a property's value is served as: the
// value-set engine's, so that HCPCS properties need no conversion there.
type PropertyType = valueset.PropertyType

// The property value types used by HCPCS properties.
const (
	TypeCode     = valueset.TypeCode
	TypeCoding   = valueset.TypeCoding
	TypeString   = valueset.TypeString
	TypeInteger  = valueset.TypeInteger
	TypeBoolean  = valueset.TypeBoolean
	TypeDateTime = valueset.TypeDateTime
)

// PropertyDefinition describes one property code of the HCPCS CodeSystem
// (docs/contract.md): its type, the CMS column(s) it carries, and for
// Coding properties the code table that gives the values their meaning.
type PropertyDefinition struct {
	Code        string
	Type        PropertyType
	Columns     string
	Description string
	// TableID names the CodeTable (or "processing-note" / "hcpcs") whose
	// values the Coding carries.
	TableID string
}

// ProcessingNoteTableID is the supplementary code system of processing
// notes; its texts come from the releases' proc_notes files, not from a
// static table.
const ProcessingNoteTableID = "processing-note"

// PropertyDefinitions lists the properties in the order they are served.
var PropertyDefinitions = []PropertyDefinition{
	{Code: "kind", Type: TypeCode, Columns: "RECID", Description: "Whether the code is a procedure (RECID 3/4) or a modifier (RECID 7/8)."},
	{Code: "inactive", Type: TypeBoolean, Columns: "TERM DT", Description: "True when the code is terminated, as of the release or of the requested date."},
	{Code: "pricing-indicator", Type: TypeCoding, Columns: "PRICE1–PRICE4", TableID: "pricing-indicator", Description: "Methodology for developing unique pricing amounts under Part B; one entry per non-blank column, in column order."},
	{Code: "multiple-pricing-indicator", Type: TypeCoding, Columns: "MULT_PI", TableID: "multiple-pricing-indicator", Description: "Identifies instances where a procedure could be priced under multiple methodologies."},
	{Code: "coverage-issues-manual", Type: TypeString, Columns: "CIM1–CIM3", Description: "Coverage Issues Manual section references."},
	{Code: "medicare-carriers-manual", Type: TypeString, Columns: "MCM1–MCM3", Description: "Medicare Carriers Manual section references."},
	{Code: "statute", Type: TypeString, Columns: "STATUTE", Description: "Statute number identifying statutory authority for coverage or non-coverage."},
	{Code: "lab-certification", Type: TypeCoding, Columns: "LABCERT1–LABCERT8", TableID: "lab-certification", Description: "Laboratory certification categories."},
	{Code: "cross-reference", Type: TypeCoding, Columns: "XREF1–XREF5", TableID: "hcpcs", Description: "HCPCS codes to be used instead of, or alongside, this one."},
	{Code: "coverage", Type: TypeCoding, Columns: "COV", TableID: "coverage", Description: "Medicare coverage status."},
	{Code: "asc-payment-group", Type: TypeCode, Columns: "ASC_GRP", Description: "Ambulatory Surgical Center payment group (YY = payable in an ASC)."},
	{Code: "asc-effective-date", Type: TypeDateTime, Columns: "ASC_DT", Description: "Date the ASC payment group took effect."},
	{Code: "opps-payment-group", Type: TypeCode, Columns: "OPPS", Description: "OPPS (layout: MOG) payment group."},
	{Code: "opps-payment-indicator", Type: TypeCode, Columns: "OPPS_PI", Description: "OPPS (layout: MOG) payment policy indicator."},
	{Code: "opps-effective-date", Type: TypeDateTime, Columns: "OPPS_DT", Description: "OPPS (layout: MOG) effective date."},
	{Code: "processing-note", Type: TypeCoding, Columns: "PROCNOTE", TableID: ProcessingNoteTableID, Description: "Processing note number; its text is in the release's proc_notes file."},
	{Code: "betos", Type: TypeCoding, Columns: "BETOS", TableID: "betos", Description: "Berenson-Eggers Type of Service."},
	{Code: "type-of-service", Type: TypeCoding, Columns: "TOS1–TOS5", TableID: "type-of-service", Description: "Carrier-assigned CMS type of service; one entry per non-blank column."},
	{Code: "anesthesia-base-units", Type: TypeInteger, Columns: "ANEST_BU", Description: "Anesthesia base unit quantity."},
	{Code: "added-date", Type: TypeDateTime, Columns: "ADD DT", Description: "Date the code was added to HCPCS."},
	{Code: "action-effective-date", Type: TypeDateTime, Columns: "ACT EFF DT", Description: "Effective date of the action (ACTION CD) on the code."},
	{Code: "termination-date", Type: TypeDateTime, Columns: "TERM DT", Description: "Last date on which the code may be used by Medicare providers."},
	{Code: "action-code", Type: TypeCoding, Columns: "ACTION CD", TableID: "action-code", Description: "The change made to the code in this release."},
}

var propertyByCode = func() map[string]*PropertyDefinition {
	m := make(map[string]*PropertyDefinition, len(PropertyDefinitions))
	for i := range PropertyDefinitions {
		m[PropertyDefinitions[i].Code] = &PropertyDefinitions[i]
	}
	return m
}()

// PropertyByCode returns the definition of a property code.
func PropertyByCode(code string) (*PropertyDefinition, bool) {
	p, ok := propertyByCode[code]
	return p, ok
}

// PropertyValue is one served value of a property. Exactly one of the value
// fields is meaningful, chosen by Def.Type.
type PropertyValue struct {
	Def     *PropertyDefinition
	Code    string // code, Coding code, string or dateTime (YYYY-MM-DD) value
	Display string // for Coding: the CMS meaning, "" when the value is unknown to the table
	Int     int
	Bool    bool
}

// Properties returns the concept's property values in definition order,
// omitting blank columns. asOf is the day the inactive flag is computed
// for; the zero time means "as of the release" (terminated or not).
func (r *Release) Properties(c *Concept, asOf time.Time) []PropertyValue {
	out := make([]PropertyValue, 0, 16)
	add := func(code, value string) {
		if value == "" {
			return
		}
		def := propertyByCode[code]
		pv := PropertyValue{Def: def, Code: value}
		if def.Type == TypeCoding {
			pv.Display = r.meaning(def.TableID, value)
		}
		out = append(out, pv)
	}
	addAll := func(code string, values []string) {
		for _, v := range values {
			add(code, v)
		}
	}
	addDate := func(code string, t time.Time) {
		if !t.IsZero() {
			add(code, t.Format(time.DateOnly))
		}
	}
	add("kind", c.Kind.String())
	out = append(out, PropertyValue{Def: propertyByCode["inactive"], Bool: c.InactiveAsOf(asOf)})
	addAll("pricing-indicator", c.PricingIndicators)
	add("multiple-pricing-indicator", c.MultiplePricingIndicator)
	addAll("coverage-issues-manual", c.CoverageIssuesManual)
	addAll("medicare-carriers-manual", c.MedicareCarriersManual)
	add("statute", c.Statute)
	addAll("lab-certification", c.LabCertifications)
	addAll("cross-reference", c.CrossReferences)
	add("coverage", c.Coverage)
	add("asc-payment-group", c.ASCPaymentGroup)
	addDate("asc-effective-date", c.ASCEffectiveDate)
	add("opps-payment-group", c.OPPSPaymentGroup)
	add("opps-payment-indicator", c.OPPSPaymentIndicator)
	addDate("opps-effective-date", c.OPPSEffectiveDate)
	if c.ProcessingNote != "" && c.ProcessingNote != "0000" {
		add("processing-note", c.ProcessingNote)
	}
	add("betos", c.BETOS)
	addAll("type-of-service", c.TypesOfService)
	if c.AnesthesiaBaseUnits != nil {
		out = append(out, PropertyValue{Def: propertyByCode["anesthesia-base-units"], Int: *c.AnesthesiaBaseUnits, Code: strconv.Itoa(*c.AnesthesiaBaseUnits)})
	}
	addDate("added-date", c.AddedDate)
	addDate("action-effective-date", c.ActionEffectiveDate)
	addDate("termination-date", c.TerminationDate)
	add("action-code", c.ActionCode)
	return out
}

// InactiveAsOf reports whether the code is terminated: in the release when
// asOf is zero, otherwise on that day (after its last day of use). A code
// not yet added on asOf is not inactive; validation reports it separately.
func (c *Concept) InactiveAsOf(asOf time.Time) bool {
	if asOf.IsZero() || c.TerminationDate.IsZero() {
		return c.Terminated()
	}
	return Day(asOf).After(c.TerminationDate)
}

// meaning looks a value up in the table a Coding property draws on.
func (r *Release) meaning(tableID, value string) string {
	switch tableID {
	case ProcessingNoteTableID:
		return r.ProcessingNotes[value]
	case "hcpcs":
		if x, ok := r.byCode[value]; ok {
			return x.LongDescription
		}
		return ""
	}
	if t, ok := CodeTableByID(tableID); ok {
		m, _ := t.Meaning(value)
		return m
	}
	return ""
}
