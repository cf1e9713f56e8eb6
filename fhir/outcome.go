package fhir

import (
	"encoding/json"

	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// Systems and extensions of the HL7 terminology ecosystem.
const (
	txIssueTypeSystem = "http://hl7.org/fhir/tools/CodeSystem/tx-issue-type"
	messageIDExt      = "http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id"
)

// issueTypes maps FHIR issue-type codes to samply's enum. Building issues
// only through newIssue keeps samply's zero value (IssueTypeInvalid) from
// leaking into an issue by accident.
var issueTypes = map[string]fm.IssueType{
	"invalid": fm.IssueTypeInvalid, "structure": fm.IssueTypeStructure, "required": fm.IssueTypeRequired,
	"value": fm.IssueTypeValue, "not-supported": fm.IssueTypeNotSupported, "not-found": fm.IssueTypeNotFound,
	"code-invalid": fm.IssueTypeCodeInvalid, "business-rule": fm.IssueTypeBusinessRule,
	"informational": fm.IssueTypeInformational, "exception": fm.IssueTypeException,
	"too-costly": fm.IssueTypeTooCostly, "processing": fm.IssueTypeProcessing, "too-long": fm.IssueTypeTooLong,
	"throttled": fm.IssueTypeThrottled,
}

var severities = map[string]fm.IssueSeverity{
	"fatal": fm.IssueSeverityFatal, "error": fm.IssueSeverityError,
	"warning": fm.IssueSeverityWarning, "information": fm.IssueSeverityInformation,
}

// newIssue is the one constructor of OperationOutcome issues. An unknown
// issue type is a programming error, so it panics in tests rather than
// serialising a wrong code.
func newIssue(is terminology.Issue) fm.OperationOutcomeIssue {
	code, ok := issueTypes[is.Code]
	if !ok {
		panic("fhir: unknown issue type " + is.Code)
	}
	sev, ok := severities[is.Severity]
	if !ok {
		panic("fhir: unknown issue severity " + is.Severity)
	}
	out := fm.OperationOutcomeIssue{Severity: sev, Code: code}
	if is.MessageID != "" {
		id := is.MessageID
		out.Extension = []fm.Extension{{Url: messageIDExt, ValueString: &id}}
	}
	if is.Text != "" || is.TxType != "" {
		d := &fm.CodeableConcept{}
		if is.TxType != "" {
			sys, c := txIssueTypeSystem, is.TxType
			d.Coding = []fm.Coding{{System: &sys, Code: &c}}
		}
		if is.Text != "" {
			t := is.Text
			d.Text = &t
		}
		out.Details = d
	}
	if is.Expression != "" {
		// Only expression: location is XPath, deprecated, and tx.fhir.org's
		// answers leave it out (the HL7 permutations suite fails on it).
		out.Expression = []string{is.Expression}
	}
	return out
}

// newOutcome builds an OperationOutcome from domain issues.
func newOutcome(issues ...terminology.Issue) fm.OperationOutcome {
	oo := fm.OperationOutcome{Issue: make([]fm.OperationOutcomeIssue, 0, len(issues))}
	for _, is := range issues {
		oo.Issue = append(oo.Issue, newIssue(is))
	}
	return oo
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own model values are marshalled
	}
	return b
}
