package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// codeSystemOrOp serves GET /CodeSystem/{id} and the type-level operations
// (/CodeSystem/$lookup), which share the route.
func (s *Server) codeSystemOrOp(c *gin.Context) error {
	id := c.Param("id")
	switch id {
	case "$lookup":
		return s.lookup(c, nil)
	case "$validate-code":
		return s.validateCodeSystem(c, nil)
	case "$history":
		return s.history(c, nil)
	}
	if strings.HasPrefix(id, "$") {
		return unknownOperation(fmt.Sprintf("Operation %s is not supported on CodeSystem; supported: $lookup, $validate-code, $history.", id))
	}
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		return readOnly("CodeSystem resources are read-only: GET or HEAD.")
	}
	snap := s.cfg.Data.Snapshot()
	cs, err := s.findCodeSystem(snap, id)
	if err != nil {
		return err
	}
	return s.serveCodeSystem(c, snap, cs)
}

func (s *Server) codeSystemInstanceOp(c *gin.Context) error {
	snap := s.cfg.Data.Snapshot()
	cs, err := s.findCodeSystem(snap, c.Param("id"))
	if err != nil {
		return err
	}
	switch c.Param("op") {
	case "$lookup":
		return s.lookup(c, cs)
	case "$validate-code":
		return s.validateCodeSystem(c, cs)
	case "$history":
		return s.history(c, cs)
	}
	return unknownOperation(fmt.Sprintf("Operation %s is not supported on CodeSystem/%s; supported: $lookup, $validate-code, $history.", c.Param("op"), cs.id))
}

func (s *Server) findCodeSystem(snap *terminology.Snapshot, id string) (*codeSystemResource, error) {
	list := s.rendered.codeSystems(snap)
	for i := range list {
		if list[i].id == id {
			return &list[i], nil
		}
	}
	return nil, notFound("not-found", fmt.Sprintf("CodeSystem/%s is not known here. HCPCS releases are CodeSystem/hcpcs-YYYY-MM; loaded: %s.",
		id, strings.Join(snap.Versions(), ", ")))
}

// serveCodeSystem answers a read, with conditional requests and gzip, in
// the negotiated format.
func (s *Server) serveCodeSystem(c *gin.Context, snap *terminology.Snapshot, cs *codeSystemResource) error {
	summary, elements, err := summaryParams(c)
	if err != nil {
		return err
	}
	full, err := s.full(snap, cs)
	if err != nil {
		return err
	}
	h := c.Writer.Header()
	h.Set("Last-Modified", full.lastModified.UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", s.cacheControlFor(c, opRead))
	h.Add("Vary", defaultVary)
	if summary != "" || elements != nil {
		body, err := s.subset(cs, full, summary, elements)
		if err != nil {
			return err
		}
		s.writeResource(c, http.StatusOK, body)
		return nil
	}
	var x *rendered
	etag := full.etag
	if formatOf(c) == formatXML {
		if x, err = full.asXML(s.rendered.identity.bytes, &s.rendered.xmlIdentity); err != nil {
			return err
		}
		etag = x.etag
	}
	h.Set("ETag", etag)
	if etagMatches(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return nil
	}
	if c.GetHeader("If-None-Match") == "" {
		if ims, err := http.ParseTime(c.GetHeader("If-Modified-Since")); err == nil && !full.lastModified.After(ims) {
			c.Status(http.StatusNotModified)
			return nil
		}
	}
	gzipOK := acceptsGzip(c.GetHeader("Accept-Encoding"))
	if x != nil {
		// XML is never indented, so _pretty changes nothing here.
		if gzipOK {
			h.Set("Content-Encoding", "gzip")
			writeBody(c, http.StatusOK, fhirXML, x.gzip)
			return nil
		}
		body, kept, err := s.rendered.xmlIdentity.get(x)
		if err != nil {
			return err
		}
		if kept {
			writeBody(c, http.StatusOK, fhirXML, body)
			return nil
		}
		return writeInflated(c, fhirXML, x.inflate, x.size)
	}
	if gzipOK && c.Query("_pretty") != "true" {
		h.Set("Content-Encoding", "gzip")
		writeBody(c, http.StatusOK, fhirJSON, full.gzip)
		return nil
	}
	if c.Query("_pretty") == "true" {
		body, err := s.rendered.identity.bytes(full)
		if err != nil {
			return err
		}
		s.writeResource(c, http.StatusOK, body)
		return nil
	}
	body, kept, err := s.rendered.identity.get(full)
	if err != nil {
		return err
	}
	if kept {
		writeBody(c, http.StatusOK, fhirJSON, body)
		return nil
	}
	return writeInflated(c, fhirJSON, full.inflate, full.size)
}

// writeInflated sends the identity form of a kept gzip rendering that is
// not kept uncompressed, decompressing it as it goes: the one body not
// written by writeBody, because it is never held whole.
func writeInflated(c *gin.Context, contentType string, inflate func() (io.Reader, error), size int) error {
	zr, err := inflate()
	if err != nil {
		return err
	}
	h := c.Writer.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(size))
	c.Writer.WriteHeader(http.StatusOK)
	_, _ = io.Copy(c.Writer, zr) // a client gone mid-body: nothing left to answer
	return nil
}

func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	strip := func(t string) string { return strings.TrimPrefix(strings.TrimSpace(t), "W/") }
	for _, t := range strings.Split(header, ",") {
		if strings.TrimSpace(t) == "*" || strip(t) == strip(etag) {
			return true
		}
	}
	return false
}

func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) == "gzip" || strings.TrimSpace(name) == "*" {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") || strings.Contains(params, "q=0.")
		}
	}
	return false
}

// summaryParams reads _summary and _elements.
func summaryParams(c *gin.Context) (string, map[string]bool, error) {
	summary := c.Query("_summary")
	switch summary {
	case "", "false", "data":
		summary = ""
	case "true", "text", "count":
	default:
		return "", nil, badRequest("_summary", fmt.Sprintf("_summary=%s is not one of true, text, data, count, false.", summary))
	}
	var elements map[string]bool
	if e, ok := c.GetQuery("_elements"); ok {
		elements = map[string]bool{}
		for _, name := range strings.Split(e, ",") {
			if name = strings.TrimSpace(name); name != "" {
				elements[name] = true
			}
		}
	}
	return summary, elements, nil
}

// summaryElements are the CodeSystem elements marked Σ in R4.
var summaryElements = map[string]bool{
	"resourceType": true, "id": true, "meta": true, "implicitRules": true, "url": true, "identifier": true,
	"version": true, "name": true, "title": true, "status": true, "experimental": true, "date": true,
	"publisher": true, "contact": true, "useContext": true, "jurisdiction": true, "caseSensitive": true,
	"valueSet": true, "hierarchyMeaning": true, "compositional": true, "versionNeeded": true, "content": true,
	"supplements": true, "count": true,
}

// subset renders a CodeSystem reduced by _summary or _elements, tagged
// SUBSETTED as R4 requires.
func (s *Server) subset(cs *codeSystemResource, full *rendered, summary string, elements map[string]bool) ([]byte, error) {
	var src []byte
	if elements["concept"] && summary == "" {
		b, err := s.rendered.identity.bytes(full)
		if err != nil {
			return nil, err
		}
		src = b
	} else {
		b, err := json.Marshal(cs.headerResource())
		if err != nil {
			return nil, err
		}
		src = b
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(src, &m); err != nil {
		return nil, err
	}
	keep := func(k string) bool {
		switch k {
		case "resourceType", "id", "meta", "status", "content":
			return true
		}
		switch summary {
		case "true":
			return summaryElements[k]
		case "text":
			return k == "text"
		}
		return elements == nil || elements[k] // nil: every element of src
	}
	for k := range m {
		if !keep(k) {
			delete(m, k)
		}
	}
	m["meta"] = mustJSON(subsettedMeta())
	return json.Marshal(m)
}

func subsettedMeta() fm.Meta {
	return fm.Meta{Tag: []fm.Coding{{
		System: ptr("http://terminology.hl7.org/CodeSystem/v3-ObservationValue"), Code: ptr("SUBSETTED"), Display: ptr("subsetted"),
	}}}
}

// maxSearchForm bounds a POSTed search form.
const maxSearchForm = 64 << 10

// formError describes a form that cannot be read without the socket
// addresses a network error carries.
func formError(err error) string {
	var ne net.Error
	if errors.As(err, &ne) {
		return "the body could not be read in time."
	}
	return err.Error() + "."
}

// searchRequest is what every resource search reads: its parameters (the
// query, or a POSTed form), _summary and _elements, and paging.
type searchRequest struct {
	q             url.Values
	summary       string
	elements      map[string]bool
	count, offset int
}

func readSearch(c *gin.Context) (*searchRequest, error) {
	sr := &searchRequest{q: c.Request.URL.Query()}
	if c.Request.Method == http.MethodPost {
		// A search needs a few parameters; its self link repeats them.
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxSearchForm)
		if err := c.Request.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, newRequestError(http.StatusRequestEntityTooLarge, "too-long", "", "",
					fmt.Sprintf("The search form is over %d bytes, the most a search takes.", maxSearchForm))
			}
			return nil, badRequest("", "The search form cannot be parsed: "+formError(err))
		}
		sr.q = c.Request.Form
	}
	if strictHandling(c.Request) {
		if err := refuseUnknownSearchParams(sr.q); err != nil {
			return nil, err
		}
	}
	var err error
	if sr.summary, sr.elements, err = summaryParams(c); err != nil {
		return nil, err
	}
	if sr.count, sr.offset, err = paging(sr.q); err != nil {
		return nil, err
	}
	return sr, nil
}

// searchHit is one matching resource: its id, and its rendering for the
// request's _summary and _elements, done only for the page served.
type searchHit struct {
	id     string
	render func(summary string, elements map[string]bool) (json.RawMessage, error)
}

// writeSearch answers a search with a searchset Bundle of one page of hits,
// with self, next and previous links.
func (s *Server) writeSearch(c *gin.Context, resourceType string, sr *searchRequest, hits []searchHit) error {
	base := s.baseURL(c)
	bundle := searchBundle{ResourceType: "Bundle", Type: "searchset", Total: len(hits)}
	self := searchSelf(sr.q)
	link := func(rel string, offset int) {
		bundle.Link = append(bundle.Link, bundleLink{Relation: rel, URL: base + "/" + resourceType + "?" + withPaging(self, sr.count, offset)})
	}
	link("self", sr.offset)
	if sr.summary != "count" {
		end := min(sr.offset+sr.count, len(hits))
		for i := sr.offset; i < end; i++ {
			body, err := hits[i].render(sr.summary, sr.elements)
			if err != nil {
				return err
			}
			bundle.Entry = append(bundle.Entry, bundleEntry{FullURL: base + "/" + resourceType + "/" + hits[i].id, Resource: body, Search: &entrySearch{Mode: "match"}})
		}
		if end < len(hits) {
			link("next", end)
		}
		if sr.offset > 0 {
			link("previous", max(0, sr.offset-sr.count))
		}
	}
	s.write(c, http.StatusOK, bundle)
	return nil
}

// searchCodeSystems implements GET /CodeSystem with url, version, name,
// title, status, _id, _summary, _elements, _count and _offset.
func (s *Server) searchCodeSystems(c *gin.Context) error {
	sr, err := readSearch(c)
	if err != nil {
		return err
	}
	snap := s.cfg.Data.Snapshot()
	var hits []searchHit
	for _, cs := range s.rendered.codeSystems(snap) {
		ok, err := matchResource(cs.searchFields(), sr.q)
		if err != nil {
			return err
		}
		if ok {
			hits = append(hits, searchHit{id: cs.id, render: func(summary string, elements map[string]bool) (json.RawMessage, error) {
				return s.searchEntry(&cs, summary, elements)
			}})
		}
	}
	return s.writeSearch(c, "CodeSystem", sr, hits)
}

// searchEntry renders one CodeSystem of a search result without its
// concepts, tagged SUBSETTED: a complete HCPCS release is 15 MB, and twenty
// of them made one answer of 110 MB (issue 9). _summary and _elements
// narrow it further; the concepts come with a read, GET CodeSystem/{id}.
func (s *Server) searchEntry(cs *codeSystemResource, summary string, elements map[string]bool) (json.RawMessage, error) {
	if elements["concept"] {
		elements = maps.Clone(elements)
		delete(elements, "concept")
	}
	return s.subset(cs, nil, summary, elements)
}

// Bundle types of our own: samply's Bundle.entry.resource is raw JSON too,
// but its required enums have non-omitempty zero values.
type searchBundle struct {
	ResourceType string        `json:"resourceType"`
	Type         string        `json:"type"`
	Total        int           `json:"total"`
	Link         []bundleLink  `json:"link,omitempty"`
	Entry        []bundleEntry `json:"entry,omitempty"`
}

type bundleLink struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

type bundleEntry struct {
	FullURL  string          `json:"fullUrl"`
	Resource json.RawMessage `json:"resource"`
	Search   *entrySearch    `json:"search,omitempty"`
}

type entrySearch struct {
	Mode string `json:"mode"`
}

const defaultPageSize, maxPageSize = 20, 100

func paging(q url.Values) (count, offset int, err error) {
	count, offset = defaultPageSize, 0
	if v := q.Get("_count"); v != "" {
		if count, err = strconv.Atoi(v); err != nil || count < 0 {
			return 0, 0, badRequest("_count", fmt.Sprintf("_count must be a non-negative integer, not %q.", v))
		}
		count = min(count, maxPageSize)
	}
	if v := q.Get("_offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, badRequest("_offset", fmt.Sprintf("_offset must be a non-negative integer, not %q.", v))
		}
	}
	return count, offset, nil
}

// searchParams are the CodeSystem search parameters we implement.
var searchParams = []string{"_id", "url", "version", "name", "title", "status"}

func searchSelf(q url.Values) url.Values {
	self := url.Values{}
	for k, vs := range q {
		base, _, _ := strings.Cut(k, ":")
		if k == "_summary" || k == "_elements" || contains(searchParams, base) {
			self[k] = vs
		}
	}
	return self
}

func withPaging(v url.Values, count, offset int) string {
	out := url.Values{}
	for k, vs := range v {
		out[k] = vs
	}
	out.Set("_count", strconv.Itoa(count))
	out.Set("_offset", strconv.Itoa(offset))
	return out.Encode()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// searchFields are what the search parameters match on.
type searchFields struct {
	id, url, version, name, title, status string
	// hcpcs: the HCPCS aliases match the url too.
	hcpcs bool
}

func (cs *codeSystemResource) searchFields() searchFields {
	return searchFields{id: cs.id, url: cs.url, version: cs.version, name: cs.name, title: cs.title, status: "active", hcpcs: cs.release != nil}
}

// matchResource applies the search parameters (AND across parameters, OR
// across comma-separated values). String parameters match case-insensitively
// by prefix, or exactly with :exact, or anywhere with :contains.
func matchResource(r searchFields, q url.Values) (bool, error) {
	for key, values := range q {
		name, modifier, _ := strings.Cut(key, ":")
		if !contains(searchParams, name) {
			continue // FHIR: unknown search parameters are ignored
		}
		for _, v := range values {
			ok := false
			for _, alt := range strings.Split(v, ",") {
				m, err := matchOne(r, name, modifier, alt)
				if err != nil {
					return false, err
				}
				ok = ok || m
			}
			if !ok {
				return false, nil
			}
		}
	}
	return true, nil
}

func matchOne(r searchFields, name, modifier, v string) (bool, error) {
	switch name {
	case "_id":
		return r.id == v, nil
	case "url":
		if base, ver, ok := strings.Cut(v, "|"); ok { // a canonical url|version
			if r.version != ver {
				return false, nil
			}
			v = base
		}
		if r.hcpcs && terminology.IsHCPCSSystem(v) {
			return true, nil
		}
		return r.url == v, nil
	case "version":
		return r.version == v, nil
	case "status":
		return v == r.status, nil
	case "name", "title":
		field := r.name
		if name == "title" {
			field = r.title
		}
		f, x := strings.ToLower(field), strings.ToLower(v)
		switch modifier {
		case "":
			return strings.HasPrefix(f, x), nil
		case "exact":
			return field == v, nil
		case "contains":
			return strings.Contains(f, x), nil
		}
		return false, badRequest(name+":"+modifier, fmt.Sprintf("Modifier :%s is not supported on `%s`; use :exact or :contains.", modifier, name))
	}
	return false, nil
}
