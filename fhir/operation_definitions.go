package fhir

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"
)

// The OperationDefinitions of this server's own operations, which the
// CapabilityStatement points to as base + "/OperationDefinition/{id}" and
// GET /OperationDefinition/{id} serves. The operations the FHIR spec
// defines ($lookup, $validate-code, $expand, $translate) are referenced by
// their hl7.org canonicals instead: their definitions are the spec's.

// ownOperations lists the ids, in the order the CapabilityStatement names them.
var ownOperations = []string{"versions", "cache-control", "batch-validate-code", "history"}

func opParam(name string, use fm.OperationParameterUse, min int, max, typ, doc string) fm.OperationDefinitionParameter {
	p := fm.OperationDefinitionParameter{Name: name, Use: use, Min: min, Max: max, Documentation: ptr(doc)}
	if typ != "" {
		p.Type = ptr(typ)
	}
	return p
}

const (
	useIn  = fm.OperationParameterUseIn
	useOut = fm.OperationParameterUseOut
)

// operationDefinition builds the definition of one of ownOperations; ok
// is false for any other id.
func (s *Server) operationDefinition(base, id string) (fm.OperationDefinition, bool) {
	od := fm.OperationDefinition{
		Id:           ptr(id),
		Url:          ptr(base + "/OperationDefinition/" + id),
		Version:      ptr(s.cfg.SoftwareVersion),
		Status:       fm.PublicationStatusActive,
		Kind:         fm.OperationKindOperation,
		Experimental: ptr(false),
		Publisher:    ptr(softwareName),
		AffectsState: ptr(false),
		Code:         id,
	}
	switch id {
	case "versions":
		od.Name, od.Title = "Versions", ptr("FHIR versions of this server")
		od.Description = ptr("The FHIR versions this server speaks, and the default: the tx ecosystem's $versions. GET or POST at the system level.")
		od.System = true
		od.Parameter = []fm.OperationDefinitionParameter{
			opParam("version", useOut, 1, "*", "code", "A FHIR version the server speaks (4.0)."),
			opParam("default", useOut, 1, "1", "code", "The version used when the client names none (4.0)."),
		}
	case "cache-control":
		od.Name, od.Title = "CacheControl", ptr("Sessions of definitions (cache-id)")
		od.Description = ptr(cacheControlDocumentation)
		od.System = true
		od.AffectsState = ptr(true)
		od.Parameter = []fm.OperationDefinitionParameter{
			opParam("mode", useIn, 1, "1", "code", "start opens a session, end closes the one named by the X-Cache-Id header."),
			opParam("sealed", useIn, 0, "1", "boolean", "mode=start: false lets later requests of the session add their tx-resources; default true."),
			opParam("tx-resource", useIn, 0, "*", "Resource", "mode=start: the CodeSystem, ValueSet and ConceptMap resources the session holds."),
			opParam("cache-id", useOut, 0, "1", "string", "mode=start: the session's id, for the X-Cache-Id header of later requests."),
			opParam("return", useOut, 0, "1", "OperationOutcome", "mode=end: says the session is ended."),
		}
	case "batch-validate-code":
		od.Name, od.Title = "BatchValidateCode", ptr("Many ValueSet/$validate-code requests in one")
		od.Description = ptr(batchValidateDocumentation)
		od.Resource = []fm.ResourceType{fm.ResourceTypeValueSet}
		od.Type = true
		od.Parameter = []fm.OperationDefinitionParameter{
			opParam("validation", useIn, 1, "*", "Resource", "One $validate-code request: a Parameters resource with its parameters."),
			opParam("url", useIn, 0, "1", "uri", "The value set of every request that does not give its own."),
			opParam("valueSet", useIn, 0, "1", "ValueSet", "The value set inline, for every request that does not give its own."),
			opParam("tx-resource", useIn, 0, "*", "Resource", "Definitions every request sees."),
			opParam("validation", useOut, 1, "*", "Resource", "Per request, in order: the Parameters $validate-code answers, or its OperationOutcome."),
		}
	case "history":
		od.Name, od.Title = "History", ptr("What changed in HCPCS between releases")
		od.Description = ptr(historyDocumentation)
		od.Resource = []fm.ResourceType{fm.ResourceTypeCodeSystem}
		od.Type, od.Instance = true, true
		od.Parameter = []fm.OperationDefinitionParameter{
			opParam("system", useIn, 0, "1", "uri", "HCPCS (the default); no other system has a release history here."),
			opParam("code", useIn, 0, "1", "code", "One code: its history across every loaded release, up to `to`."),
			opParam("from", useIn, 0, "1", "string", "Without `code`: the older release (YYYY-MM); by default the loaded release before `to`."),
			opParam("to", useIn, 0, "1", "string", "The newer release (YYYY-MM); by default the latest, or the release of the CodeSystem the operation is called on."),
			opParam("kind", useIn, 0, "*", "code", "Only changes of these kinds (comma-separated or repeated): added, removed, terminated, reinstated, long-description, short-description, property."),
			opParam("code", useOut, 0, "1", "code", "With `code`: the code."),
			withParts(opParam("release", useOut, 0, "*", "", "With `code`, per loaded release, oldest first."),
				opParam("version", useOut, 1, "1", "string", "The release, YYYY-MM."),
				opParam("status", useOut, 1, "1", "code", "The code in that release: absent, active or terminated."),
				opParam("display", useOut, 0, "1", "string", "The code's long description in that release."),
				opParam("unloaded", useOut, 0, "*", "string", "Each CMS quarterly release between the previous loaded release and this one that is not loaded."),
				changeParameter("The changes this release brings to the code.", false)),
			opParam("from", useOut, 0, "1", "string", "Without `code`: the older release."),
			opParam("to", useOut, 0, "1", "string", "Without `code`: the newer release."),
			opParam("unloaded", useOut, 0, "*", "string", "Without `code`: each CMS quarterly release between `from` and `to` that is not loaded."),
			opParam("total", useOut, 0, "1", "integer", "Without `code`: the number of changes answered."),
			changeParameter("Without `code`: each change, by code.", true),
		}
	default:
		return fm.OperationDefinition{}, false
	}
	return od, true
}

func withParts(p fm.OperationDefinitionParameter, parts ...fm.OperationDefinitionParameter) fm.OperationDefinitionParameter {
	p.Part = parts
	return p
}

// changeParameter defines the `change` part of $history's answer.
func changeParameter(doc string, withCode bool) fm.OperationDefinitionParameter {
	var parts []fm.OperationDefinitionParameter
	if withCode {
		parts = append(parts, opParam("code", useOut, 1, "1", "code", "The code that changed."))
	}
	parts = append(parts,
		opParam("kind", useOut, 1, "1", "code", "added, removed, terminated, reinstated, long-description, short-description or property."),
		opParam("property", useOut, 0, "1", "code", "For kind property: the property code that changed."),
		opParam("old", useOut, 0, "1", "string", "The value before (dates YYYY-MM-DD; repeated columns joined with \", \")."),
		opParam("new", useOut, 0, "1", "string", "The value after."),
		opParam("whitespace-only", useOut, 0, "1", "boolean", "True when a description changed only in its spaces."),
		opParam("action-code", useOut, 0, "1", "Coding", "CMS's ACTION CD in the newer release, with its meaning."),
		opParam("action-effective-date", useOut, 0, "1", "dateTime", "CMS's ACT EFF DT in the newer release."),
	)
	return withParts(opParam("change", useOut, 0, "*", "", doc), parts...)
}

// readOperationDefinition serves GET /OperationDefinition/{id}.
func (s *Server) readOperationDefinition(c *gin.Context) error {
	id := c.Param("id")
	od, ok := s.operationDefinition(s.baseURL(c), id)
	if !ok || !slices.Contains(ownOperations, id) {
		return notFound("not-found", fmt.Sprintf("OperationDefinition/%s is not known here; this server defines %s. "+
			"The operations of the FHIR spec are defined at http://hl7.org/fhir/OperationDefinition/….", id, strings.Join(ownOperations, ", ")))
	}
	od.Date = ptr(s.releaseDate(s.cfg.Data.Snapshot()))
	s.write(c, http.StatusOK, od)
	return nil
}
