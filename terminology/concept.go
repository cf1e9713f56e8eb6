package terminology

import "time"

// Kind says whether a concept is a procedure code or a modifier. CMS puts both
// in the same file and distinguishes them by RECID.
type Kind int

const (
	// Procedure is a HCPCS Level II procedure, supply or service code (RECID 3, continued by 4).
	Procedure Kind = iota + 1
	// Modifier is a two-character modifier (RECID 7, continued by 8).
	Modifier
)

// String returns the value served in the `kind` property.
func (k Kind) String() string {
	switch k {
	case Procedure:
		return "procedure"
	case Modifier:
		return "modifier"
	}
	return "unknown"
}

// Concept is one HCPCS code as one CMS release publishes it: every column of
// the ANWEB record layout, typed. SEQNUM is not kept: it only orders the lines
// of one code, and the readers consume that order when they join continuation
// lines into LongDescription.
//
// Repeated columns (PRICE1–4, CIM1–3, MCM1–3, LABCERT1–8, XREF1–5, TOS1–5)
// are slices in column order. Trailing blank columns are dropped; a blank
// column followed by a filled one is kept as "" so that positions survive.
// Blank dates are the zero time.
type Concept struct {
	Code                     string
	Kind                     Kind
	LongDescription          string
	ShortDescription         string
	PricingIndicators        []string
	MultiplePricingIndicator string
	CoverageIssuesManual     []string
	MedicareCarriersManual   []string
	Statute                  string
	LabCertifications        []string
	CrossReferences          []string
	Coverage                 string
	ASCPaymentGroup          string
	ASCEffectiveDate         time.Time
	OPPSPaymentGroup         string
	OPPSPaymentIndicator     string
	OPPSEffectiveDate        time.Time
	ProcessingNote           string
	BETOS                    string
	TypesOfService           []string
	// AnesthesiaBaseUnits is nil when the column is blank.
	AnesthesiaBaseUnits *int
	AddedDate           time.Time
	ActionEffectiveDate time.Time
	TerminationDate     time.Time
	ActionCode          string
}

// Terminated reports whether CMS has discontinued the code (TERM DT set).
// Terminated codes stay in the file for about four years; we keep them as
// inactive concepts.
func (c *Concept) Terminated() bool { return !c.TerminationDate.IsZero() }

// InEffectOn reports whether the code may be used on day d (a date of
// service). CMS's layout defines ADD DT as the date the code was added and
// TERM DT as the last date the code may be used, so both ends are inclusive:
//
//	ADD DT ≤ d  and  (no TERM DT or d ≤ TERM DT)
//
// Only the calendar day of d counts.
func (c *Concept) InEffectOn(d time.Time) bool {
	day := Day(d)
	if !c.AddedDate.IsZero() && day.Before(c.AddedDate) {
		return false
	}
	if !c.TerminationDate.IsZero() && day.After(c.TerminationDate) {
		return false
	}
	return true
}

// Day truncates t to its calendar day in UTC, the granularity of every CMS date.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
