package fhir

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// DefaultMaxBatch bounds the validation parameters of one
// $batch-validate-code (--max-batch): each costs a validation, and the body
// limit alone would let through thousands.
const DefaultMaxBatch = 1000

// ValueSet/$batch-validate-code, as tx.fhir.org answers it (FHIRsmith
// tx/workers/batch-validate.js) and the HL7 validator sends it
// (org.hl7.fhir.core BaseWorkerContext.validateCodeBatch, which reads the
// answers back by position):
//
//   - the body is a Parameters with one `validation` parameter per request,
//     each a Parameters resource holding one $validate-code request;
//   - every other top-level parameter applies to each request that does not
//     give its own of that name (the reference shares only url, valueSet,
//     lenient-display-validation and tx-resource and drops the others; this
//     server does not drop what the client asked for);
//   - top-level tx-resources are parsed once and seen by every request, as
//     if among its own, with the X-Cache-Id session's;
//   - a request with url or valueSet is a ValueSet/$validate-code, one
//     without a CodeSystem/$validate-code;
//   - the answer is a Parameters with one `validation` per request, in
//     order: the Parameters the single operation answers, or, when it
//     answers an error, its OperationOutcome (the HTTP status is lost, as
//     in the reference).
//
// What makes the batch itself unreadable is the whole request's error: no
// validation at all (400), more than the server takes (413), and a
// validation that is not a Parameters resource (400; the reference cannot
// read one either).

// batchValidate implements ValueSet/$batch-validate-code.
func (s *Server) batchValidate(c *gin.Context) error {
	p, err := readParams(c.Request, s.maxRequestBytes())
	if err != nil {
		return err
	}
	requests, err := s.batchRequests(p)
	if err != nil {
		return err
	}
	termsOf, err := s.batchTerms(c, p)
	if err != nil {
		return err
	}
	out := parametersResource{ResourceType: "Parameters", Parameter: make([]parameter, 0, len(requests))}
	for _, r := range requests {
		out.Parameter = append(out.Parameter, parameter{Name: "validation", Resource: s.batchAnswer(c, r, termsOf)})
	}
	s.write(c, http.StatusOK, out)
	return nil
}

// batchRequest is one validation of a batch: its inputs, or why they
// cannot be read (the answer of that validation).
type batchRequest struct {
	p   *opParams
	err error
}

// batchRequests reads the validation parameters of a batch, each with the
// top-level parameters it does not override.
func (s *Server) batchRequests(p *opParams) ([]batchRequest, error) {
	parts := p.all("validation")
	if len(parts) == 0 {
		return nil, badRequest("validation", "The batch has no `validation` parameter: POST a Parameters with one `validation` per $validate-code request, each a Parameters resource.")
	}
	limit := s.cfg.MaxBatch
	if limit <= 0 {
		limit = DefaultMaxBatch
	}
	if len(parts) > limit {
		return nil, newRequestError(http.StatusRequestEntityTooLarge, "too-costly", "", "validation",
			fmt.Sprintf("The batch has %d validation parameters; this server takes at most %d per request (--max-batch).", len(parts), limit))
	}
	out := make([]batchRequest, len(parts))
	for i, x := range parts {
		where := fmt.Sprintf("validation[%d]", i)
		if !x.resource {
			return nil, badRequest("validation", fmt.Sprintf("Parameter %s must be a Parameters resource holding one $validate-code request.", where))
		}
		var head struct {
			ResourceType string `json:"resourceType"`
		}
		if err := json.Unmarshal(x.raw, &head); err != nil || head.ResourceType != "Parameters" {
			what := "is not a resource"
			switch {
			case err != nil:
			case head.ResourceType == "":
				what = "has no resourceType"
			default:
				what = "is of type " + head.ResourceType
			}
			return nil, badRequest("validation", fmt.Sprintf("Parameter %s %s; it must be a Parameters resource holding one $validate-code request.", where, what))
		}
		own, err := decodeParameters(x.raw, "The "+where)
		if err != nil {
			out[i].err = err
			continue
		}
		out[i].p = inherit(p.list, own)
	}
	return out, nil
}

// inherit is one request of a batch: its own parameters, after the
// top-level ones it does not give itself. The batch's validations and
// tx-resources are not among them: batchTerms has the tx-resources.
func inherit(top, own []param) *opParams {
	given := make(map[string]bool, len(own))
	for _, x := range own {
		given[x.name] = true
	}
	p := &opParams{post: true, list: make([]param, 0, len(top)+len(own))}
	for _, x := range top {
		if x.name != "validation" && x.name != "tx-resource" && !given[x.name] {
			p.list = append(p.list, x)
		}
	}
	p.list = append(p.list, own...)
	return p
}

// batchTerms reads the batch's tx-resources and session once, and gives
// each validation what it may use: what the single request would, were the
// batch's tx-resources among its own. Every validation sees the same
// snapshot.
func (s *Server) batchTerms(c *gin.Context, p *opParams) (termsFunc, error) {
	snap := s.cfg.Data.Snapshot()
	shared := append(p.all("tx-resource"), sessionValueSets(c, p)...)
	top, err := s.parseTxResources(shared)
	if err != nil {
		return nil, err
	}
	defs, err := s.withSession(c, top)
	if err != nil {
		return nil, err
	}
	base, err := newTerms(snap, defs, nil)
	if err != nil {
		return nil, err
	}
	return func(vp *opParams) (*terms, error) {
		mine := vp.all("tx-resource")
		if len(mine) == 0 {
			return base.withSupplements(vp.texts("useSupplement"))
		}
		if err := s.txResourceLimit(len(shared) + len(mine)); err != nil {
			return nil, err
		}
		own, err := s.parseTxResources(mine)
		if err != nil {
			return nil, err
		}
		defs, err := s.withSession(c, top.plus(own))
		if err != nil {
			return nil, err
		}
		return newTerms(snap, defs, vp.texts("useSupplement"))
	}, nil
}

// batchAnswer answers one validation of a batch as the single operation
// would: its Parameters, or the OperationOutcome of its error.
func (s *Server) batchAnswer(c *gin.Context, r batchRequest, termsOf termsFunc) json.RawMessage {
	err := r.err
	if err == nil {
		var out *parametersResource
		if r.p.has("url") || r.p.has("valueSet") {
			out, err = s.valueSetValidation(c, r.p, nil, termsOf)
		} else {
			out, err = s.codeSystemValidation(c, r.p, nil, termsOf)
		}
		if err == nil {
			return mustJSON(out)
		}
	}
	_, issue := errorResponse(err, s.log.With("request_id", requestIDOf(c)))
	return mustJSON(newOutcome(issue))
}
