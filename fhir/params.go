package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/fhir/fhirxml"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// param is one input parameter of an operation, from the query string or a
// POSTed Parameters resource.
type param struct {
	name string
	// valueType is the FHIR type of a POSTed value[x] ("Code", "Coding", …);
	// "" for query-string values, which are untyped text.
	valueType string
	text      string // lexical form of a primitive
	coding    *fm.Coding
	concept   *fm.CodeableConcept
	resource  bool
	// raw is the JSON of a resource-valued parameter.
	raw json.RawMessage
	// parts is the JSON of the parts of a parameter that has them.
	parts json.RawMessage
}

// opParams are the inputs of one operation call.
type opParams struct {
	list []param
	post bool
	// ctx, when set, is told of lookups the response cache must know of
	// (noteRead).
	ctx *gin.Context
}

// controlParams are result parameters of the FHIR REST API, not operation inputs.
var controlParams = map[string]bool{"_format": true, "_pretty": true, "_summary": true, "_elements": true}

// maxBodyBytes caps POSTed Parameters by default. A validate-code body is a
// few KB; the HL7 validator's tx-resource code systems and value sets make
// some bodies hundreds of KB.
const maxBodyBytes = 4 << 20

// maxCodings bounds the codings of one CodeableConcept: a concept is coded
// in a handful of systems, and each coding costs a validation (or a
// translation); 12,000 codings in unknown systems would make one request
// do 12,000 lookups and answer 12,000 issues.
const maxCodings = 100

// readRequestParams is readParams for a request the response cache may
// store: the lookups of its parameters are noted (noteRead).
func readRequestParams(c *gin.Context, limit int64) (*opParams, error) {
	p, err := readParams(c.Request, limit)
	if p != nil {
		p.ctx = c
	}
	return p, err
}

// readParams collects the operation's inputs from the query string and, for
// POST, from the Parameters body.
func readParams(r *http.Request, limit int64) (*opParams, error) {
	p := &opParams{post: r.Method == http.MethodPost}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		// net/url drops a pair with a raw ';' (or bad escaping) in silence;
		// the client must hear which parameter was lost.
		return nil, badRequest("", fmt.Sprintf("The query string cannot be read: %v. Encode ';' as %%3B and '%%' as %%25 in parameter values (a value set URL with ?fhir_vs=…;… must be URL-encoded).", err))
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if controlParams[k] {
			continue
		}
		for _, v := range q[k] {
			p.list = append(p.list, param{name: k, text: v})
		}
	}
	if !p.post {
		return p, nil
	}
	if err := readBody(r, p, limit); err != nil {
		return nil, err
	}
	return p, nil
}

// The media types of a POSTed body.
const (
	bodyUnsupported = iota
	bodyJSON
	bodyXML
	bodyForm
)

// bodyFormat classifies the media type of a POSTed body; the response
// cache's key (canonicalBody) reads bodies by the same classes.
func bodyFormat(mt string) int {
	switch mt {
	case "application/fhir+json", "application/json", "application/json+fhir":
		return bodyJSON
	case "application/fhir+xml", "application/xml", "text/xml", "application/xml+fhir":
		return bodyXML
	case "application/x-www-form-urlencoded":
		return bodyForm
	}
	return bodyUnsupported
}

func readBody(r *http.Request, p *opParams, limit int64) error {
	ct := r.Header.Get("Content-Type")
	isXML := false
	if ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return newRequestError(http.StatusUnsupportedMediaType, "not-supported", "", "", fmt.Sprintf("Content-Type %q cannot be parsed: %v.", ct, err))
		}
		switch bodyFormat(mt) {
		case bodyJSON:
		case bodyXML:
			isXML = true
		case bodyForm:
			return readForm(r, p, limit)
		default:
			return newRequestError(http.StatusUnsupportedMediaType, "not-supported", "", "",
				fmt.Sprintf("Content-Type %q is not supported: POST a Parameters resource as application/fhir+json or application/fhir+xml.", mt))
		}
	}
	body, err := readAll(http.MaxBytesReader(nil, r.Body, limit), r.ContentLength)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return newRequestError(http.StatusRequestEntityTooLarge, "too-long", "", "", fmt.Sprintf("The request body exceeds %d bytes, the limit of this server (--max-request-size).", limit))
		}
		return badRequest("", "The request body could not be read: "+formError(err))
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("", "The POST body is empty: send a Parameters resource.")
	}
	if isXML {
		// The XML is read into the JSON the Parameters readers take; a
		// fhirxml.Error is a 400 (errors.go).
		if body, err = fhirxml.Decode(bytes.NewReader(body)); err != nil {
			return err
		}
	}
	list, err := decodeParameters(body, "The body")
	if err != nil {
		return err
	}
	p.list = append(p.list, list...)
	return nil
}

// decodeParameters reads the JSON of a Parameters resource, the body or
// one inside it, into its parameters; what names it in messages.
func decodeParameters(body []byte, what string) ([]param, error) {
	var res struct {
		ResourceType string                       `json:"resourceType"`
		Parameter    []map[string]json.RawMessage `json:"parameter"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, badRequest("", fmt.Sprintf("%s is not valid JSON: %v.", what, err))
	}
	if res.ResourceType != "Parameters" {
		return nil, badRequest("resourceType", fmt.Sprintf("%s must be a Parameters resource, not %q.", what, res.ResourceType))
	}
	list := make([]param, 0, len(res.Parameter))
	for i, raw := range res.Parameter {
		pp, err := decodeParam(raw, i)
		if err != nil {
			return nil, err
		}
		list = append(list, pp)
	}
	return list, nil
}

func readForm(r *http.Request, p *opParams, limit int64) error {
	r.Body = http.MaxBytesReader(nil, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return newRequestError(http.StatusRequestEntityTooLarge, "too-long", "", "", fmt.Sprintf("The request body exceeds %d bytes, the limit of this server (--max-request-size).", limit))
		}
		return badRequest("", "The form body cannot be parsed: "+formError(err))
	}
	for k, vs := range r.PostForm {
		if controlParams[k] {
			continue
		}
		for _, v := range vs {
			p.list = append(p.list, param{name: k, text: v})
		}
	}
	return nil
}

func decodeParam(raw map[string]json.RawMessage, i int) (param, error) {
	where := fmt.Sprintf("Parameters.parameter[%d]", i)
	var pp param
	if err := json.Unmarshal(raw["name"], &pp.name); err != nil || pp.name == "" {
		return pp, badRequest(where+".name", fmt.Sprintf("%s has no name.", where))
	}
	where = fmt.Sprintf("Parameters.parameter[%d] (`%s`)", i, pp.name)
	nValues := 0
	for k, v := range raw {
		switch {
		case k == "resource":
			pp.resource = true
			pp.raw = v
			nValues++
		case k == "part":
			nValues++
			pp.valueType = "part"
			pp.parts = v
		case strings.HasPrefix(k, "value"):
			nValues++
			pp.valueType = strings.TrimPrefix(k, "value")
			switch pp.valueType {
			case "Coding":
				pp.coding = &fm.Coding{}
				if err := json.Unmarshal(v, pp.coding); err != nil {
					return pp, badRequest(where, fmt.Sprintf("%s: valueCoding is not a Coding: %v.", where, err))
				}
			case "CodeableConcept":
				pp.concept = &fm.CodeableConcept{}
				if err := json.Unmarshal(v, pp.concept); err != nil {
					return pp, badRequest(where, fmt.Sprintf("%s: valueCodeableConcept is not a CodeableConcept: %v.", where, err))
				}
				if n := len(pp.concept.Coding); n > maxCodings {
					return pp, badRequest(where+".valueCodeableConcept.coding",
						fmt.Sprintf("%s: the CodeableConcept has %d codings; this server takes at most %d in one CodeableConcept.", where, n, maxCodings))
				}
			default:
				var s string
				if err := json.Unmarshal(v, &s); err == nil {
					pp.text = s
				} else {
					var prim any
					if err := json.Unmarshal(v, &prim); err != nil {
						return pp, badRequest(where, fmt.Sprintf("%s: %s is not valid JSON.", where, k))
					}
					switch prim.(type) {
					case bool, float64:
						pp.text = strings.TrimSpace(string(v))
					default:
						return pp, badRequest(where, fmt.Sprintf("%s: %s must be a primitive value.", where, k))
					}
				}
			}
		}
	}
	if nValues != 1 {
		return pp, badRequest(where, fmt.Sprintf("%s must have exactly one value[x], resource or part; it has %d.", where, nValues))
	}
	return pp, nil
}

// has reports whether the parameter was given at all.
func (p *opParams) has(name string) bool {
	p.noteRead(name)
	for _, x := range p.list {
		if x.name == name {
			return true
		}
	}
	return false
}

// all returns every occurrence of a parameter.
func (p *opParams) all(name string) []param {
	p.noteRead(name)
	var out []param
	for _, x := range p.list {
		if x.name == name {
			out = append(out, x)
		}
	}
	return out
}

// displayLanguage reads displayLanguage: a language list, or a 400 in the
// tx.fhir.org wording (INVALID_DISPLAY_NAME) for one that is not.
func (p *opParams) displayLanguage() (string, bool, error) {
	lang, ok, err := p.nonEmptyText("displayLanguage", codeTypes)
	if err != nil || !ok {
		return lang, ok, err
	}
	if !valueset.ValidLanguages(lang) {
		e := newRequestError(http.StatusBadRequest, "processing", "invalid-display", "", fmt.Sprintf("Invalid displayLanguage: '%s'", lang))
		e.issue.MessageID = "INVALID_DISPLAY_NAME"
		return "", false, e
	}
	return lang, true, nil
}

// texts returns the lexical values of every occurrence of a parameter.
func (p *opParams) texts(name string) []string {
	var out []string
	for _, x := range p.all(name) {
		if x.text != "" {
			out = append(out, x.text)
		}
	}
	return out
}

// one returns the single occurrence of a 0..1 parameter.
func (p *opParams) one(name string) (*param, error) {
	xs := p.all(name)
	switch len(xs) {
	case 0:
		return nil, nil
	case 1:
		return &xs[0], nil
	}
	return nil, badRequest(name, fmt.Sprintf("Parameter `%s` is given %d times; it may occur at most once.", name, len(xs)))
}

// FHIR types accepted for each kind of primitive input. A string is always
// accepted for code-like inputs because clients commonly send valueString.
var (
	codeTypes   = []string{"Code", "String"}
	uriTypes    = []string{"Uri", "Canonical", "Url", "String"}
	stringTypes = []string{"String"}
	// versionTypes: clients (and the HL7 tests) send versions as
	// valueString or valueCode.
	versionTypes  = []string{"String", "Code"}
	booleanTypes  = []string{"Boolean"}
	dateTimeTypes = []string{"DateTime", "Date", "Instant"}
)

// text returns a primitive 0..1 parameter, checking its POSTed type.
func (p *opParams) text(name string, types []string) (string, bool, error) {
	x, err := p.one(name)
	if err != nil || x == nil {
		return "", false, err
	}
	if err := checkType(x, types); err != nil {
		return "", false, err
	}
	return x.text, true, nil
}

func checkType(x *param, types []string) error {
	if x.valueType == "" && !x.resource && x.coding == nil && x.concept == nil {
		return nil // query string
	}
	for _, t := range types {
		if x.valueType == t {
			return nil
		}
	}
	got := "value" + x.valueType
	if x.resource {
		got = "a resource"
	} else if x.valueType == "part" {
		got = "parts"
	}
	want := make([]string, len(types))
	for i, t := range types {
		want[i] = "value" + t
	}
	return badRequest(x.name, fmt.Sprintf("Parameter `%s` must be %s, not %s.", x.name, strings.Join(want, " or "), got))
}

// nonEmptyText is text that, when present, must not be blank.
func (p *opParams) nonEmptyText(name string, types []string) (string, bool, error) {
	s, ok, err := p.text(name, types)
	if err == nil && ok && strings.TrimSpace(s) == "" {
		return "", false, badRequest(name, fmt.Sprintf("Parameter `%s` is empty.", name))
	}
	return s, ok, err
}

func (p *opParams) boolean(name string) (bool, error) {
	s, ok, err := p.text(name, booleanTypes)
	if err != nil || !ok {
		return false, err
	}
	switch s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, badRequest(name, fmt.Sprintf("Parameter `%s` must be true or false, not %q.", name, s))
}

// date parses a FHIR date or dateTime; a partial date means its first day.
func (p *opParams) date(name string) (time.Time, error) {
	s, ok, err := p.text(name, dateTimeTypes)
	if err != nil || !ok {
		return time.Time{}, err
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			if layout == time.RFC3339Nano {
				// The date of service is the calendar day where it happened.
				y, m, d := t.Date()
				return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, badRequest(name, fmt.Sprintf("Parameter `%s` is not a FHIR date or dateTime: %q.", name, s))
}

// coding returns a Coding parameter: valueCoding in a POST, system|code in a query.
func (p *opParams) coding(name string) (*fm.Coding, error) {
	x, err := p.one(name)
	if err != nil || x == nil {
		return nil, err
	}
	if x.valueType == "" {
		sys, code, found := strings.Cut(x.text, "|")
		if !found || code == "" {
			return nil, badRequest(name, fmt.Sprintf("Parameter `%s` in a URL must be system|code, not %q.", name, x.text))
		}
		c := &fm.Coding{Code: &code}
		if sys != "" {
			c.System = &sys
		}
		return c, nil
	}
	if err := checkType(x, []string{"Coding"}); err != nil {
		return nil, err
	}
	return x.coding, nil
}

func (p *opParams) codeableConcept(name string) (*fm.CodeableConcept, error) {
	x, err := p.one(name)
	if err != nil || x == nil {
		return nil, err
	}
	if x.valueType == "" {
		return nil, badRequest(name, fmt.Sprintf("Parameter `%s` cannot be given in a URL: POST a Parameters resource with valueCodeableConcept.", name))
	}
	if err := checkType(x, []string{"CodeableConcept"}); err != nil {
		return nil, err
	}
	return x.concept, nil
}

// resourceParam returns the JSON of a 0..1 resource-valued parameter.
func (p *opParams) resourceParam(name string) (json.RawMessage, bool, error) {
	x, err := p.one(name)
	if err != nil || x == nil {
		return nil, false, err
	}
	if !x.resource {
		if x.valueType == "" {
			return nil, false, badRequest(name, fmt.Sprintf("Parameter `%s` is a resource: POST it in a Parameters resource, it cannot be given in a URL.", name))
		}
		return nil, false, badRequest(name, fmt.Sprintf("Parameter `%s` must be a resource, not value%s.", name, x.valueType))
	}
	return x.raw, true, nil
}

// integer reads a non-negative integer parameter.
func (p *opParams) integer(name string) (int, bool, error) {
	s, ok, err := p.text(name, []string{"Integer", "UnsignedInt", "PositiveInt"})
	if err != nil || !ok {
		return 0, false, err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false, badRequest(name, fmt.Sprintf("Parameter `%s` must be a non-negative integer, not %q.", name, s))
	}
	return n, true, nil
}

// refuse answers 422 for inputs this server recognises but does not support.
func (p *opParams) refuse(names ...string) error {
	for _, n := range names {
		if p.has(n) {
			return notSupported(n, fmt.Sprintf("Parameter `%s` is not supported by this server.", n))
		}
	}
	return nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr[T any](v T) *T { return &v }
