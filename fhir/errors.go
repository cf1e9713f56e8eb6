package fhir

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// requestError is an error of the request itself, with the status and issue
// it must be answered with. Handlers build them with badRequest and friends.
type requestError struct {
	status int
	issue  terminology.Issue
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

// notSupported: 422 for a well-formed request asking for something we do not do.
func notSupported(expr, text string) error {
	return newRequestError(http.StatusUnprocessableEntity, "not-supported", "", expr, text)
}

// errorResponse is the one place where errors become an HTTP status and an
// OperationOutcome. Domain errors are classified with errors.Is/As:
//
//	requestError                      its own status
//	terminology.ErrInvalid            400 invalid
//	terminology.ErrNotFound           404 not-found
//	terminology.ErrNotSupported       422 not-supported
//	anything else                     500 exception, "Internal error." (cause logged)
func errorResponse(err error, log *slog.Logger) (int, terminology.Issue) {
	var re *requestError
	if errors.As(err, &re) {
		return re.status, re.issue
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
