package fhir

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/conceptmap"
	"github.com/hcpcs-server/hcpcs-server/terminology/local"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// DefaultMaxTxResources bounds the tx-resource parameters of one request;
// the HL7 validator sends a handful, the largest HL7 test suite about twenty.
const DefaultMaxTxResources = 100

// terms is what one request may use: the server's snapshot and, when the
// request brought tx-resource parameters, its own code systems and value
// sets laid over it, and its own concept maps. It lives for one request
// only.
type terms struct {
	snap    *terminology.Snapshot
	overlay *valueset.Overlay // nil: the request brought nothing

	systems     []valueset.CodeSystem
	valueSets   []*valueset.ValueSet
	supplements []*local.Definition // applied only when asked for
	used        []string            // the supplements applied (used-supplement)
	conceptMaps []*conceptmap.Map   // the request's, before the snapshot's
	// compiled keeps the value sets compiled over these terms when they
	// are a cache-id session's definitions as they stand, without
	// supplements: then the next request of the session is over the same
	// terms. nil: compile for this request only.
	compiled *terminology.CompiledCache
}

// resolver answers the engine's questions for this request.
func (t *terms) resolver() valueset.Resolver {
	if t.overlay != nil {
		return t.overlay
	}
	return t.snap.Resolver()
}

// local reports whether the request brought definitions of its own: then
// nothing computed from them may be served from, or kept in, a shared cache
// keyed without them.
func (t *terms) local() bool { return t.overlay != nil }

// definitions are parsed tx-resources: code systems ready for the engine,
// value sets, supplements (applied only when asked for) and concept maps.
type definitions struct {
	systems     []valueset.CodeSystem
	valueSets   []*valueset.ValueSet
	supplements []*local.Definition
	conceptMaps []*conceptmap.Map
	bytes       int // the JSON they were read from

	// The value sets compiled over these definitions laid over one
	// snapshot (compiledOver); a session's definitions are replaced, never
	// changed, when a request adds to them.
	compiledMu   sync.Mutex
	compiledSnap *terminology.Snapshot
	compiled     *terminology.CompiledCache
}

// maxSessionCompiled bounds the compiled value sets one session keeps.
const maxSessionCompiled = 64

// compiledOver is the cache of the value sets compiled over d laid over
// snap; one of another snapshot is dropped.
func (d *definitions) compiledOver(snap *terminology.Snapshot) *terminology.CompiledCache {
	d.compiledMu.Lock()
	defer d.compiledMu.Unlock()
	if d.compiled == nil || d.compiledSnap != snap {
		d.compiledSnap, d.compiled = snap, &terminology.CompiledCache{Max: maxSessionCompiled}
	}
	return d.compiled
}

func (d *definitions) add(p parsedTxResource) {
	switch {
	case p.system != nil:
		d.systems = append(d.systems, p.system)
	case p.supplement != nil:
		d.supplements = append(d.supplements, p.supplement)
	case p.valueSet != nil:
		d.valueSets = append(d.valueSets, p.valueSet)
	case p.conceptMap != nil:
		d.conceptMaps = append(d.conceptMaps, p.conceptMap)
	}
}

// plus is d and more together, as if given in one request: a definition
// in both is given twice (NewOverlay says so).
func (d *definitions) plus(more *definitions) *definitions {
	if d.empty() {
		return more
	}
	if more.empty() {
		return d
	}
	return &definitions{
		systems:     slices.Concat(d.systems, more.systems),
		valueSets:   slices.Concat(d.valueSets, more.valueSets),
		supplements: slices.Concat(d.supplements, more.supplements),
		conceptMaps: slices.Concat(d.conceptMaps, more.conceptMaps),
		bytes:       d.bytes + more.bytes,
	}
}

func (d *definitions) empty() bool {
	return d == nil || len(d.systems)+len(d.valueSets)+len(d.supplements)+len(d.conceptMaps) == 0
}

// merged is d with later's definitions added; one of later's replaces one
// of d's with the same canonical.
func (d *definitions) merged(later *definitions) *definitions {
	if d.empty() {
		return later
	}
	if later.empty() {
		return d
	}
	out := &definitions{bytes: d.bytes + later.bytes}
	for _, cs := range d.systems {
		if !slices.ContainsFunc(later.systems, func(x valueset.CodeSystem) bool { return x.Info().Canonical() == cs.Info().Canonical() }) {
			out.systems = append(out.systems, cs)
		}
	}
	out.systems = append(out.systems, later.systems...)
	for _, vs := range d.valueSets {
		if !slices.ContainsFunc(later.valueSets, func(x *valueset.ValueSet) bool { return x.Canonical() == vs.Canonical() }) {
			out.valueSets = append(out.valueSets, vs)
		}
	}
	out.valueSets = append(out.valueSets, later.valueSets...)
	for _, sup := range d.supplements {
		if !slices.ContainsFunc(later.supplements, func(x *local.Definition) bool { return canonicalOfDefinition(x) == canonicalOfDefinition(sup) }) {
			out.supplements = append(out.supplements, sup)
		}
	}
	out.supplements = append(out.supplements, later.supplements...)
	for _, m := range d.conceptMaps {
		if !slices.ContainsFunc(later.conceptMaps, func(x *conceptmap.Map) bool { return x.Canonical() == m.Canonical() }) {
			out.conceptMaps = append(out.conceptMaps, m)
		}
	}
	out.conceptMaps = append(out.conceptMaps, later.conceptMaps...)
	return out
}

// requestTerms gathers what a request may use: the snapshot, the
// definitions of its cache-id session (X-Cache-Id), and its own tx-resource
// parameters, which an open session then keeps for the requests that
// follow; with the supplements useSupplement names applied. Nothing of one
// request is visible to another, except through a session the client named.
func (s *Server) requestTerms(c *gin.Context, p *opParams) (*terms, error) {
	snap := s.cfg.Data.Snapshot()
	own, err := s.parseTxResources(append(p.all("tx-resource"), sessionValueSets(c, p)...))
	if err != nil {
		return nil, err
	}
	defs, err := s.withSession(c, own)
	if err != nil {
		return nil, err
	}
	useSupplement := p.texts("useSupplement")
	t, err := newTerms(snap, defs, useSupplement)
	if err != nil {
		return nil, err
	}
	// A session's definitions, unchanged by this request, are the terms of
	// its next requests too: what is compiled over them is kept.
	if own.empty() && len(useSupplement) == 0 && t.local() && c.GetHeader(cacheIDHeader) != "" {
		t.compiled = defs.compiledOver(snap)
	}
	return t, nil
}

// withSession adds a request's own definitions to those of its cache-id
// session, if it names one; an open session keeps them.
func (s *Server) withSession(c *gin.Context, own *definitions) (*definitions, error) {
	if id := c.GetHeader(cacheIDHeader); id != "" {
		return s.sessions().use(id, own)
	}
	return own, nil
}

// sessionValueSets are the inline value sets (valueSet) with a url of a
// request that names a cache-id session: an open session keeps them like
// its tx-resources. The HL7 validator sends a value set inline once per
// session and then only its url and valueSetVersion (org.hl7.fhir.core
// BaseWorkerContext.addServerValidationParameters, which notes it in
// TerminologyClientContext.getCached).
func sessionValueSets(c *gin.Context, p *opParams) []param {
	if c.GetHeader(cacheIDHeader) == "" {
		return nil
	}
	var out []param
	for _, x := range p.all("valueSet") {
		var vs struct {
			ResourceType, URL string
		}
		if x.resource && json.Unmarshal(x.raw, &vs) == nil && vs.ResourceType == "ValueSet" && vs.URL != "" {
			out = append(out, x)
		}
	}
	return out
}

// newTerms lays defs over the snapshot and applies the supplements named.
func newTerms(snap *terminology.Snapshot, defs *definitions, useSupplement []string) (*terms, error) {
	t := &terms{snap: snap}
	if !defs.empty() {
		t.conceptMaps = defs.conceptMaps
		overlay, err := valueset.NewOverlay(snap.Resolver(), defs.systems, defs.valueSets)
		if err != nil {
			return nil, err
		}
		t.overlay, t.systems, t.valueSets, t.supplements = overlay, defs.systems, defs.valueSets, defs.supplements
	}
	if err := t.useSupplements(useSupplement); err != nil {
		return nil, err
	}
	return t, nil
}

// withSupplements is a copy of t with the supplements named applied; t is
// left as it was, for the next request that shares it.
func (t *terms) withSupplements(useSupplement []string) (*terms, error) {
	cp := *t
	cp.used = slices.Clone(t.used)
	if err := cp.useSupplements(useSupplement); err != nil {
		return nil, err
	}
	return &cp, nil
}

// parseTxResources reads tx-resource parameters. Each resource is checked
// as a loaded one would be; a bad one is a 4xx that says which and why.
func (s *Server) parseTxResources(resources []param) (*definitions, error) {
	if len(resources) == 0 {
		return nil, nil
	}
	if err := s.txResourceLimit(len(resources)); err != nil {
		return nil, err
	}
	d := &definitions{}
	for i, x := range resources {
		where := fmt.Sprintf("tx-resource[%d]", i)
		if !x.resource {
			return nil, badRequest("tx-resource", fmt.Sprintf("Parameter %s must be a resource (CodeSystem, ValueSet or ConceptMap).", where))
		}
		d.bytes += len(x.raw)
		key := sha256.Sum256(x.raw)
		if p, ok := s.parsedCache().get(key); ok {
			d.add(p)
			continue
		}
		var head struct {
			ResourceType string `json:"resourceType"`
		}
		if err := json.Unmarshal(x.raw, &head); err != nil {
			return nil, badRequest("tx-resource", fmt.Sprintf("Parameter %s is not a FHIR resource: %v.", where, err))
		}
		switch head.ResourceType {
		case "CodeSystem":
			def, err := ParseCodeSystem(x.raw, "The "+where)
			if err != nil {
				return nil, err
			}
			p := parsedTxResource{supplement: def, size: len(x.raw)}
			if def.Content != "supplement" {
				p.supplement = nil
				if p.system, err = local.New(def); err != nil {
					return nil, err
				}
			}
			s.parsedCache().put(key, p)
			d.add(p)
		case "ValueSet":
			vs, err := ParseValueSet(x.raw, "The "+where)
			if err != nil {
				return nil, err
			}
			if vs.URL == "" {
				return nil, badRequest("tx-resource", fmt.Sprintf("The ValueSet in %s has no url, so nothing can refer to it.", where))
			}
			p := parsedTxResource{valueSet: vs, size: len(x.raw)}
			s.parsedCache().put(key, p)
			d.add(p)
		case "ConceptMap":
			m, err := ParseConceptMap(x.raw, "The ConceptMap in "+where)
			if err != nil {
				return nil, err
			}
			if m.URL == "" {
				return nil, badRequest("tx-resource", fmt.Sprintf("The ConceptMap in %s has no url, so nothing can refer to it.", where))
			}
			p := parsedTxResource{conceptMap: m, size: len(x.raw)}
			s.parsedCache().put(key, p)
			d.add(p)
		default:
			return nil, badRequest("tx-resource", fmt.Sprintf("Parameter %s is a %s; tx-resource takes CodeSystem, ValueSet and ConceptMap resources.", where, orDefault(head.ResourceType, "resource without resourceType")))
		}
	}
	return d, nil
}

// txResourceLimit refuses more than MaxTxResources tx-resources in one
// request.
func (s *Server) txResourceLimit(n int) error {
	limit := s.cfg.MaxTxResources
	if limit <= 0 {
		limit = DefaultMaxTxResources
	}
	if n > limit {
		return newRequestError(http.StatusRequestEntityTooLarge, "too-costly", "", "tx-resource",
			fmt.Sprintf("The request has %d tx-resource parameters; this server takes at most %d per request (--max-tx-resources).", n, limit))
	}
	return nil
}

// useSupplements applies the supplements a request asks for (useSupplement,
// url or url|version) to the request's code systems they supplement. A
// supplement the request did not bring is a 4xx in the tx.fhir.org wording.
func (t *terms) useSupplements(canonicals []string) error {
	if len(canonicals) == 0 {
		return nil
	}
	var chosen []*local.Definition
	for _, canon := range canonicals {
		if slices.ContainsFunc(t.used, func(u string) bool { return u == canon || strings.HasPrefix(u, canon+"|") }) {
			continue // applied already
		}
		url, version, _ := strings.Cut(canon, "|")
		i := slices.IndexFunc(t.supplements, func(d *local.Definition) bool { return d.URL == url && (version == "" || d.Version == version) })
		if i < 0 {
			e := newRequestError(http.StatusNotFound, "not-found", "not-found", "", "Required supplement not found: "+canon)
			e.issue.MessageID = "VALUESET_SUPPLEMENT_MISSING"
			return e
		}
		chosen = append(chosen, t.supplements[i])
	}
	if len(chosen) == 0 {
		return nil
	}
	systems, err := supplemented(t.overlay, t.systems, chosen)
	if err != nil {
		return err
	}
	overlay, err := valueset.NewOverlay(t.overlay.Base(), systems, t.valueSets)
	if err != nil {
		return err
	}
	t.overlay, t.systems = overlay, systems
	for _, d := range chosen {
		t.used = append(t.used, canonicalOfDefinition(d))
	}
	return nil
}

func canonicalOfDefinition(d *local.Definition) string {
	if d.Version == "" {
		return d.URL
	}
	return d.URL + "|" + d.Version
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// supplemented applies each supplement to the request's code system it
// names, which is rebuilt with the supplement's designations and
// properties. A supplement of a system the request does not bring is
// refused: the server's own systems take no supplements.
func supplemented(o *valueset.Overlay, systems []valueset.CodeSystem, sups []*local.Definition) ([]valueset.CodeSystem, error) {
	out := slices.Clone(systems)
	for _, sup := range sups {
		url, version, _ := strings.Cut(sup.Supplements, "|")
		cs, err := o.CodeSystem(valueset.SystemRef{URL: url, Version: version})
		i := slices.IndexFunc(out, func(x valueset.CodeSystem) bool { return err == nil && x == cs })
		if i < 0 {
			return nil, newRequestError(http.StatusNotFound, "not-found", "not-found", "tx-resource",
				fmt.Sprintf("The supplement %s is for the code system %s, which this request does not supply; only code systems given as tx-resource take supplements.", sup.URL, sup.Supplements))
		}
		d, err := local.Supplement(out[i].(*local.System).Definition(), sup, canonicalOfDefinition(sup))
		if err != nil {
			return nil, err
		}
		if out[i], err = local.New(d); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// supplementURLs maps the request's supplements' URLs to their canonicals.
func (t *terms) supplementURLs() map[string]string {
	if len(t.supplements) == 0 {
		return nil
	}
	out := make(map[string]string, len(t.supplements))
	for _, d := range t.supplements {
		out[d.URL] = canonicalOfDefinition(d)
	}
	return out
}

// useValueSetSupplements applies the supplements the value set asks for
// (valueset-supplement), as useSupplement would.
func (t *terms) useValueSetSupplements(def *valueset.ValueSet) error {
	if def == nil || len(def.Supplements) == 0 {
		return nil
	}
	return t.useSupplements(def.Supplements)
}
