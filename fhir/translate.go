package fhir

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology/conceptmap"
)

// ConceptMap/$translate (R4 OperationDefinition ConceptMap-translate, with
// the R5 input names tx.fhir.org also takes; translate_params.go reads the
// question). The maps are the request's (tx-resource, its session, the
// conceptMap parameter) and the loaded ones (--valuesets). The answer
// follows tx.fhir.org (FHIRsmith tx/workers/translate.js): result, a
// message when nothing maps, and per match its equivalence, concept,
// product and dependsOn, and originMap, the canonical of the map the
// translation started in (R4's match.source uri is not sent: the HL7 tests
// want originMap); a reverse match names the source concept found in
// match.source, a Coding.

const conceptMapOps = "$translate"

// conceptMapOrOp serves /ConceptMap/$translate; ConceptMap resources are
// not served on read here.
func (s *Server) conceptMapOrOp(c *gin.Context) error {
	switch id := c.Param("id"); {
	case id == "$translate":
		return s.translate(c, "")
	case strings.HasPrefix(id, "$"):
		return unknownOperation(fmt.Sprintf("Operation %s is not supported on ConceptMap; supported: %s.", id, conceptMapOps))
	}
	return notFound("not-found", fmt.Sprintf("There is no resource or operation at %s %s: this server does not serve ConceptMap resources, only %s.",
		c.Request.Method, c.Request.URL.Path, conceptMapOps))
}

// conceptMapInstanceOp serves /ConceptMap/{id}/$translate.
func (s *Server) conceptMapInstanceOp(c *gin.Context) error {
	if op := c.Param("op"); op != "$translate" {
		return unknownOperation(fmt.Sprintf("Operation %s is not supported on ConceptMap; supported: %s.", op, conceptMapOps))
	}
	return s.translate(c, c.Param("id"))
}

// translate answers $translate; id is the map of an instance-level call.
func (s *Server) translate(c *gin.Context, id string) error {
	p, err := readParams(c.Request, s.maxRequestBytes())
	if err != nil {
		return err
	}
	t, err := s.requestTerms(c, p)
	if err != nil {
		return err
	}
	maps := slices.Concat(t.conceptMaps, t.snap.ConceptMaps())
	nominated, err := nominatedMap(p, maps, id)
	if err != nil {
		return err
	}
	if nominated != nil && !slices.Contains(maps, nominated) {
		maps = append([]*conceptmap.Map{nominated}, maps...) // other-map may name it
	}
	queries, err := readTranslateQueries(p)
	if err != nil {
		return err
	}
	resolve := func(ref string) *conceptmap.Map { return conceptmap.Find(maps, ref, "") }
	var result conceptmap.Result
	candidates := 0
	for _, q := range queries {
		chosen := []*conceptmap.Map{nominated}
		if nominated == nil {
			chosen = conceptmap.Select(maps, q)
		}
		candidates += len(chosen)
		r, err := conceptmap.Translate(chosen, q, resolve)
		if err != nil {
			return err
		}
		result.Matches = append(result.Matches, r.Matches...)
	}
	out := newParametersOut()
	out.boolean("result", result.Translated())
	switch {
	case candidates == 0:
		out.str("message", noMapMessage(queries[0]))
	case len(result.Matches) == 0:
		out.str("message", "No translations found")
	}
	for _, m := range result.Matches {
		out.add(matchParameter(m))
	}
	s.write(c, http.StatusOK, out.p)
	return nil
}

// nominatedMap is the map the request names: by id (instance level), by
// the conceptMap parameter, or by url (and conceptMapVersion); nil when it
// names none. A map it names that is not known is a 404.
func nominatedMap(p *opParams, maps []*conceptmap.Map, id string) (*conceptmap.Map, error) {
	if id != "" {
		if m := conceptmap.FindID(maps, id); m != nil {
			return m, nil
		}
		return nil, notFound("not-found", fmt.Sprintf("ConceptMap/%s is not known here: give the map as tx-resource, or load it with --valuesets.", id))
	}
	raw, inline, err := p.resourceParam("conceptMap")
	if err != nil {
		return nil, err
	}
	url, hasURL, err := p.nonEmptyText("url", uriTypes)
	if err != nil {
		return nil, err
	}
	version, _, err := p.nonEmptyText("conceptMapVersion", versionTypes)
	if err != nil {
		return nil, err
	}
	switch {
	case inline && hasURL:
		return nil, badRequest("conceptMap", "Give the concept map either by url or as the conceptMap parameter, not both.")
	case inline:
		return ParseConceptMap(raw, "The conceptMap parameter")
	case hasURL:
		if m := conceptmap.Find(maps, url, version); m != nil {
			return m, nil
		}
		text := "ConceptMap not found: " + url
		if version != "" {
			text += " version " + version
		}
		return nil, notFound("not-found", text+".")
	case version != "":
		return nil, badRequest("conceptMapVersion", "Parameter `conceptMapVersion` needs `url`.")
	}
	return nil, nil
}

// noMapMessage: no map can answer the question (FHIRsmith noMapsResponse).
func noMapMessage(q conceptmap.Query) string {
	from, to := q.Coding.System, firstOf(q.ToSystem, q.ToScope)
	if q.Reverse {
		from, to = firstOf(q.ToSystem, q.ToScope), q.Coding.System
	}
	return fmt.Sprintf("No ConceptMap is available to translate from '%s' to '%s'", orDefault(from, "(unspecified)"), orDefault(to, "(unspecified)"))
}

func matchParameter(m conceptmap.Match) parameter {
	var parts []parameter
	if m.Equivalence != "" {
		parts = append(parts, parameter{Name: "equivalence", ValueCode: ptr(string(m.Equivalence))})
	}
	if m.Concept != nil {
		parts = append(parts, parameter{Name: "concept", ValueCoding: codingOut(*m.Concept)})
	}
	if m.Source != nil {
		parts = append(parts, parameter{Name: "source", ValueCoding: codingOut(*m.Source)})
	}
	for _, x := range m.Product {
		parts = append(parts, otherElementParameter("product", x))
	}
	for _, x := range m.DependsOn {
		parts = append(parts, otherElementParameter("dependsOn", x))
	}
	if m.Map != "" {
		parts = append(parts, parameter{Name: "originMap", ValueCanonical: ptr(m.Map)})
	}
	return parameter{Name: "match", Part: parts}
}

// otherElementParameter is a product (or dependsOn) as R4's match.product:
// the element and its value as a Coding.
func otherElementParameter(name string, x conceptmap.OtherElement) parameter {
	var parts []parameter
	if x.Property != "" {
		parts = append(parts, parameter{Name: "element", ValueUri: ptr(x.Property)})
	}
	parts = append(parts, parameter{Name: "concept", ValueCoding: codingOut(conceptmap.Coding{System: x.System, Code: x.Value, Display: x.Display})})
	return parameter{Name: name, Part: parts}
}

func codingOut(c conceptmap.Coding) *fm.Coding {
	return &fm.Coding{System: nonEmpty(c.System), Version: nonEmpty(c.Version), Code: nonEmpty(c.Code), Display: nonEmpty(c.Display)}
}

// nonEmpty is nil for "", so that an absent element is not sent.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
