package fhir

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// valueSetOps are the operations on ValueSet, type and instance level;
// $batch-validate-code is type level only.
const valueSetOps = "$expand, $validate-code"

func (s *Server) valueSetOrOp(c *gin.Context) error {
	switch id := c.Param("id"); id {
	case "$validate-code":
		return s.validateValueSet(c, nil)
	case "$expand":
		return s.expand(c, nil)
	case "$batch-validate-code":
		return s.batchValidate(c)
	default:
		if strings.HasPrefix(id, "$") {
			return unknownOperation(fmt.Sprintf("Operation %s is not supported on ValueSet; supported: %s, $batch-validate-code.", id, valueSetOps))
		}
	}
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		return readOnly("ValueSet resources are read-only: GET or HEAD.")
	}
	vs, err := s.valueSetByID(c.Param("id"))
	if err != nil {
		return err
	}
	summary, elements, err := summaryParams(c)
	if err != nil {
		return err
	}
	body, err := valueSetBody(vs, summary, elements)
	if err != nil {
		return err
	}
	// The read is conditional with or without the response cache (which
	// keeps this ETag): a weak one, the same for both encodings.
	sum := sha256.Sum256(body)
	etag := formatETag(c, `W/"`+hex.EncodeToString(sum[:12])+`"`)
	c.Header("ETag", etag)
	if etagMatches(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return nil
	}
	s.writeResource(c, http.StatusOK, body)
	return nil
}

func (s *Server) valueSetByID(id string) (*valueset.ValueSet, error) {
	reg := s.cfg.Data.Snapshot().ValueSets()
	if vs, ok := reg.ByID(id); ok {
		return vs, nil
	}
	ids := make([]string, 0, 8)
	for _, vs := range reg.All() {
		if vs.ID != "" && len(ids) < 8 {
			ids = append(ids, vs.ID)
		}
	}
	return nil, notFound("not-found", fmt.Sprintf("ValueSet/%s is not known here; for example: %s (GET /ValueSet lists them all).", id, strings.Join(ids, ", ")))
}

func (s *Server) valueSetInstanceOp(c *gin.Context) error {
	vs, err := s.valueSetByID(c.Param("id"))
	if err != nil {
		return err
	}
	switch op := c.Param("op"); op {
	case "$validate-code":
		return s.validateValueSet(c, vs)
	case "$expand":
		return s.expand(c, vs)
	default:
		return unknownOperation(fmt.Sprintf("Operation %s is not supported on ValueSet; supported: %s.", op, valueSetOps))
	}
}

// valueSetSummaryElements are the ValueSet elements marked Σ in R4.
var valueSetSummaryElements = map[string]bool{
	"resourceType": true, "id": true, "meta": true, "implicitRules": true, "url": true, "identifier": true,
	"version": true, "name": true, "title": true, "status": true, "experimental": true, "date": true,
	"publisher": true, "contact": true, "useContext": true, "jurisdiction": true, "immutable": true,
}

// valueSetBody is a ValueSet resource, whole or reduced by _summary or
// _elements (then tagged SUBSETTED).
func valueSetBody(vs *valueset.ValueSet, summary string, elements map[string]bool) (json.RawMessage, error) {
	full := valueSetResourceJSON(vs)
	if summary == "" && elements == nil {
		return full, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(full, &m); err != nil {
		return nil, err
	}
	for k := range m {
		switch {
		case k == "resourceType" || k == "id" || k == "status":
		case summary == "true" && valueSetSummaryElements[k]:
		case summary == "text" && k == "text":
		case summary == "" && elements[k]:
		default:
			delete(m, k)
		}
	}
	m["meta"] = mustJSON(subsettedMeta())
	return json.Marshal(m)
}

func valueSetFields(vs *valueset.ValueSet) searchFields {
	return searchFields{id: vs.ID, url: vs.URL, version: vs.Version, name: vs.Name, title: vs.Title, status: cmpOr(vs.Status, "active")}
}

// searchValueSets implements GET /ValueSet with _id, url (also url|version),
// version, name, title, status, _summary, _elements, _count and _offset.
func (s *Server) searchValueSets(c *gin.Context) error {
	sr, err := readSearch(c)
	if err != nil {
		return err
	}
	var hits []searchHit
	for _, vs := range s.cfg.Data.Snapshot().ValueSets().All() {
		ok, err := matchResource(valueSetFields(vs), sr.q)
		if err != nil {
			return err
		}
		if ok {
			hits = append(hits, searchHit{id: vs.ID, render: func(summary string, elements map[string]bool) (json.RawMessage, error) {
				return valueSetBody(vs, summary, elements)
			}})
		}
	}
	return s.writeSearch(c, "ValueSet", sr, hits)
}
