package fhir

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/conceptmap"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// requestError is an error of the request itself, with the status and issue
// it must be answered with. Handlers build them with badRequest and friends.
type requestError struct {
	status int
	issue  terminology.Issue
	// allow is the Allow header of a 405: the methods the resource takes.
	allow string
}

// readOnly is the 405 of a write to a resource served read-only.
func readOnly(text string) error {
	e := newRequestError(http.StatusMethodNotAllowed, "not-supported", "", "", text)
	e.allow = "GET, HEAD"
	return e
}

func (e *requestError) Error() string { return e.issue.Text }

func newRequestError(status int, code, txType, expr, text string) *requestError {
	return &requestError{status: status, issue: terminology.Issue{Severity: "error", Code: code, TxType: txType, Text: text, Expression: expr}}
}

// badRequest: 400 for a missing, contradictory or ill-typed parameter named in expr.
func badRequest(expr, text string) error {
	return newRequestError(http.StatusBadRequest, "invalid", "", expr, text)
}

// notFound: 404 for an unknown resource, code system or value set.
func notFound(txType, text string) error {
	return newRequestError(http.StatusNotFound, "not-found", txType, "", text)
}

// unknownOperation: 404 for an operation this server does not have; the
// issue code is not-supported, as the HL7 tests expect (issue 8 §4).
func unknownOperation(text string) error {
	return newRequestError(http.StatusNotFound, "not-supported", "", "", text)
}

// notSupported: 422 for a well-formed request asking for something we do not do.
func notSupported(expr, text string) error {
	return newRequestError(http.StatusUnprocessableEntity, "not-supported", "", expr, text)
}

// errorResponse is the one place where errors become an HTTP status and an
// OperationOutcome. Domain errors are classified with errors.Is/As:
//
//	requestError                      its own status
//	fhirxml.Error                     400 invalid: an XML body that is not FHIR XML
//	conceptmap.Error                  400 invalid, 422 business-rule (a map that cannot be followed)
//	terminology.ErrInvalid            400 invalid
//	terminology.ErrNotFound           404 not-found
//	terminology.ErrNotSupported       422 not-supported
//	anything else                     500 exception, "Internal error." (cause logged)
func errorResponse(err error, log *slog.Logger) (int, terminology.Issue) {
	var re *requestError
	if errors.As(err, &re) {
		return re.status, re.issue
	}
	var xe *fhirxml.Error
	if errors.As(err, &xe) {
		text := "The XML body is not FHIR XML: "
		if xe.Path != "" {
			text += xe.Path + ": "
		}
		text += strings.TrimSuffix(xe.Text, ".") + "."
		return http.StatusBadRequest, terminology.Issue{Severity: "error", Code: "invalid", Expression: xe.Path, Text: text}
	}
	if status, issue, ok := engineError(err); ok {
		return status, issue
	}
	if status, issue, ok := conceptMapError(err); ok {
		return status, issue
	}
	issue := terminology.Issue{Severity: "error", Text: err.Error()}
	switch {
	case errors.Is(err, terminology.ErrInvalid):
		issue.Code = "invalid"
		return http.StatusBadRequest, issue
	case errors.Is(err, terminology.ErrNotFound):
		issue.Code, issue.TxType = "not-found", "not-found"
		return http.StatusNotFound, issue
	case errors.Is(err, terminology.ErrNotSupported):
		issue.Code = "not-supported"
		return http.StatusUnprocessableEntity, issue
	}
	log.Error("internal error", "err", err)
	return http.StatusInternalServerError, terminology.Issue{Severity: "error", Code: "exception", Text: "Internal error."}
}

// engineError classifies the value-set engine's errors: an unknown code
// system or value set in a definition is 404 in the tx.fhir.org wording,
// and an engine error keeps the path of the element at fault.
func engineError(err error) (int, terminology.Issue, bool) {
	var us *valueset.UnknownSystemError
	if errors.As(err, &us) {
		id := "UNKNOWN_CODESYSTEM_EXP"
		text := fmt.Sprintf("A definition for CodeSystem '%s' could not be found, so the value set cannot be expanded", us.URL)
		if us.Version != "" {
			id = "UNKNOWN_CODESYSTEM_VERSION_EXP"
			text = fmt.Sprintf("A definition for CodeSystem '%s' version '%s' could not be found, so the value set cannot be expanded", us.URL, us.Version)
			if len(us.Valid) > 0 {
				text += ". Valid versions: " + terminology.OrList(us.Valid)
			}
		}
		return http.StatusNotFound, terminology.Issue{Severity: "error", Code: "not-found", TxType: "not-found", MessageID: id, Text: text}, true
	}
	var ui *valueset.UnknownImportError
	if errors.As(err, &ui) && ui.Version != "" {
		return http.StatusNotFound, terminology.Issue{Severity: "error", Code: "not-found", TxType: "not-found",
			MessageID: "VS_EXP_IMPORT_UNK_PINNED", Text: ui.Error()}, true
	}
	var uv *valueset.UnknownValueSetError
	if errors.As(err, &uv) {
		return http.StatusNotFound, terminology.Issue{Severity: "error", Code: "not-found", TxType: "not-found",
			MessageID: "Unable_to_resolve_value_Set_", Text: uv.Error()}, true
	}
	var e *valueset.Error
	if !errors.As(err, &e) {
		return 0, terminology.Issue{}, false
	}
	issue := terminology.Issue{Severity: "error", Text: e.Text, Expression: e.Path}
	if e.Code != "" { // the error says how tx.fhir.org reports it
		issue.Code, issue.TxType, issue.MessageID = e.Code, e.TxType, e.MessageID
		status := http.StatusBadRequest
		if errors.Is(e, valueset.ErrTooCostly) || errors.Is(e, valueset.ErrNotSupported) {
			status = http.StatusUnprocessableEntity
		}
		return status, issue, true
	}
	switch {
	case errors.Is(e, valueset.ErrVersionCheck):
		issue.Code, issue.TxType, issue.MessageID = "exception", "version-error", "VALUESET_VERSION_CHECK"
		return http.StatusBadRequest, issue, true
	case errors.Is(e, valueset.ErrTooCostly):
		issue.Code, issue.MessageID = "too-costly", "VALUESET_TOO_COSTLY"
		return http.StatusUnprocessableEntity, issue, true
	case errors.Is(e, valueset.ErrNotSupported):
		issue.Code = "not-supported"
		return http.StatusUnprocessableEntity, issue, true
	case errors.Is(e, valueset.ErrNotFound):
		issue.Code, issue.TxType = "not-found", "not-found"
		return http.StatusNotFound, issue, true
	}
	issue.Code = "invalid"
	return http.StatusBadRequest, issue, true
}

// conceptMapError classifies the errors of the concept-map model: a map
// that breaks a rule of R4 is invalid input (the issue names the element),
// and a well-formed map that cannot be followed (its other-map is missing,
// or the other-map references go round) breaks a business rule, as
// FHIRsmith reports it.
func conceptMapError(err error) (int, terminology.Issue, bool) {
	var e *conceptmap.Error
	if !errors.As(err, &e) {
		return 0, terminology.Issue{}, false
	}
	issue := terminology.Issue{Severity: "error", Text: e.Text, Expression: e.Path}
	if errors.Is(e, conceptmap.ErrBroken) {
		issue.Code = "business-rule"
		return http.StatusUnprocessableEntity, issue, true
	}
	issue.Code = "invalid"
	return http.StatusBadRequest, issue, true
}
