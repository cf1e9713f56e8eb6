package fhir

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// valueSetResource is an all-codes value set: every HCPCS code, of whatever
// release the validation selects.
func valueSetResource(i int) fm.ValueSet {
	vs := allCodesValueSets[i]
	return fm.ValueSet{
		Id: ptr(vs.id), Url: ptr(vs.url), Name: ptr(vs.name), Title: ptr(vs.title),
		Status:       fm.PublicationStatusActive,
		Experimental: ptr(false),
		Description:  ptr("Every HCPCS Level II code and modifier, active or terminated, of the release chosen by systemVersion, date, or the latest."),
		Compose:      &fm.ValueSetCompose{Include: []fm.ValueSetComposeInclude{{System: ptr(terminology.SystemURL)}}},
	}
}

func (s *Server) valueSetOrOp(c *gin.Context) error {
	id := c.Param("id")
	if id == "$validate-code" {
		return s.validateValueSet(c, "")
	}
	if strings.HasPrefix(id, "$") {
		return notFound("not-found", fmt.Sprintf("Operation %s is not supported on ValueSet; supported: $validate-code.", id))
	}
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		return newRequestError(http.StatusMethodNotAllowed, "not-supported", "", "", "ValueSet resources are read-only.")
	}
	i, err := valueSetIndex(id)
	if err != nil {
		return err
	}
	s.write(c, http.StatusOK, valueSetResource(i))
	return nil
}

func valueSetIndex(id string) (int, error) {
	for i, vs := range allCodesValueSets {
		if vs.id == id {
			return i, nil
		}
	}
	return 0, notFound("not-found", fmt.Sprintf("ValueSet/%s is not known here; known: hcpcs-all, v3-HealthCareCommonProcedureCodingSystem.", id))
}

func (s *Server) valueSetInstanceOp(c *gin.Context) error {
	i, err := valueSetIndex(c.Param("id"))
	if err != nil {
		return err
	}
	if op := c.Param("op"); op != "$validate-code" {
		return notFound("not-found", fmt.Sprintf("Operation %s is not supported on ValueSet; supported: $validate-code.", op))
	}
	return s.validateValueSet(c, allCodesValueSets[i].url)
}

// searchValueSets implements GET /ValueSet with _id and url.
func (s *Server) searchValueSets(c *gin.Context) error {
	q := c.Request.URL.Query()
	base := s.baseURL(c)
	bundle := searchBundle{ResourceType: "Bundle", Type: "searchset"}
	for i, vs := range allCodesValueSets {
		if id := q.Get("_id"); id != "" && id != vs.id {
			continue
		}
		if u := q.Get("url"); u != "" && u != vs.url {
			continue
		}
		bundle.Entry = append(bundle.Entry, bundleEntry{FullURL: base + "/ValueSet/" + vs.id, Resource: mustJSON(valueSetResource(i)), Search: &entrySearch{Mode: "match"}})
	}
	bundle.Total = len(bundle.Entry)
	bundle.Link = []bundleLink{{Relation: "self", URL: base + "/ValueSet?" + q.Encode()}}
	s.write(c, http.StatusOK, bundle)
	return nil
}
