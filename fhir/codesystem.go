package fhir

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// HCPCS CodeSystem metadata fixed by docs/contract.md.
const (
	hcpcsName      = "HCPCSLevelII"
	hcpcsTitle     = "Healthcare Common Procedure Coding System (HCPCS) Level II"
	hcpcsPublisher = "Centers for Medicare & Medicaid Services"
	// allCodesValueSet is the implicit value set of every HCPCS code.
	allCodesValueSet = terminology.AllCodesValueSet
	// propertyURIBase names the HCPCS-specific properties.
	propertyURIBase = "http://hcpcs-server.org/fhir/property/"
	// standardInactiveURI is the FHIR concept property `inactive`.
	standardInactiveURI = "http://hl7.org/fhir/concept-properties#inactive"
)

var propertyTypes = map[terminology.PropertyType]fm.PropertyType{
	terminology.TypeCode: fm.PropertyTypeCode, terminology.TypeCoding: fm.PropertyTypeCoding,
	terminology.TypeString: fm.PropertyTypeString, terminology.TypeInteger: fm.PropertyTypeInteger,
	terminology.TypeBoolean: fm.PropertyTypeBoolean, terminology.TypeDateTime: fm.PropertyTypeDateTime,
}

func propertyURI(code string) string {
	if code == "inactive" {
		return standardInactiveURI
	}
	return propertyURIBase + code
}

func releaseID(r *terminology.Release) string { return "hcpcs-" + r.Version }

func supplementID(t *terminology.CodeTable) string { return "hcpcs-" + t.ID }

// codeSystemHeader is the HCPCS CodeSystem of one release without concepts.
func codeSystemHeader(r *terminology.Release) fm.CodeSystem {
	props := make([]fm.CodeSystemProperty, 0, len(terminology.PropertyDefinitions))
	for _, d := range terminology.PropertyDefinitions {
		desc := d.Description + " CMS column(s): " + d.Columns + "."
		if d.TableID != "" && d.TableID != "hcpcs" {
			desc += " Values are drawn from " + terminology.SupplementURL(d.TableID) + "."
		}
		props = append(props, fm.CodeSystemProperty{Code: d.Code, Uri: ptr(propertyURI(d.Code)), Description: ptr(desc), Type: propertyTypes[d.Type]})
	}
	n := len(r.Concepts)
	return fm.CodeSystem{
		Id:  ptr(releaseID(r)),
		Url: ptr(terminology.SystemURL),
		Identifier: []fm.Identifier{{
			System: ptr("urn:ietf:rfc:3986"), Value: ptr("urn:oid:" + terminology.SystemOID),
		}},
		Version:      ptr(r.Version),
		Name:         ptr(hcpcsName),
		Title:        ptr(hcpcsTitle),
		Status:       fm.PublicationStatusActive,
		Experimental: ptr(false),
		Date:         ptr(r.Effective.Format(time.DateOnly)),
		Publisher:    ptr(hcpcsPublisher),
		Description: ptr(fmt.Sprintf("HCPCS Level II codes and modifiers of the CMS %s release (effective %s), read from %s. "+
			"display is the long description; the short description is a designation. Every CMS column is a property.",
			r.Version, r.Effective.Format(time.DateOnly), strings.Join(baseNames(r.Sources), ", "))),
		Copyright:     ptr("HCPCS Level II is published by CMS and is in the public domain. It contains no CPT (Level I) or CDT codes."),
		CaseSensitive: ptr(true),
		ValueSet:      ptr(allCodesValueSet),
		Content:       fm.CodeSystemContentModeComplete,
		Count:         &n,
		Filter:        hcpcsFilters(),
		Property:      props,
	}
}

// hcpcsFilters are the compose filters HCPCS supports (CodeSystem.filter),
// the same for every release: built once.
var hcpcsFilters = sync.OnceValue(func() []fm.CodeSystemFilter {
	var out []fm.CodeSystemFilter
	for _, d := range terminology.FilterDocumentation() {
		f := fm.CodeSystemFilter{Code: d.Property, Value: d.Value}
		for _, op := range d.Operators {
			f.Operator = append(f.Operator, filterOperators[op])
		}
		out = append(out, f)
	}
	return out
})

var filterOperators = map[string]fm.FilterOperator{
	"=": fm.FilterOperatorEquals, "in": fm.FilterOperatorIn, "not-in": fm.FilterOperatorNotIn,
	"exists": fm.FilterOperatorExists, "regex": fm.FilterOperatorRegex,
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p[strings.LastIndexAny(p, `/\`)+1:]
	}
	return out
}

// conceptJSON replaces samply's CodeSystemConcept, whose property type
// marshals every value[x] at once.
type conceptJSON struct {
	Code        string            `json:"code"`
	Display     string            `json:"display,omitempty"`
	Designation []designationJSON `json:"designation,omitempty"`
	Property    []propertyJSON    `json:"property,omitempty"`
}

type designationJSON struct {
	Extension []extensionJSON `json:"extension,omitempty"`
	Language  string          `json:"language,omitempty"`
	Use       *fm.Coding      `json:"use,omitempty"`
	Value     string          `json:"value"`
}

// propertyJSON carries exactly one value[x].
type propertyJSON struct {
	Code          string     `json:"code"`
	ValueCode     *string    `json:"valueCode,omitempty"`
	ValueCoding   *fm.Coding `json:"valueCoding,omitempty"`
	ValueString   *string    `json:"valueString,omitempty"`
	ValueInteger  *int       `json:"valueInteger,omitempty"`
	ValueBoolean  *bool      `json:"valueBoolean,omitempty"`
	ValueDateTime *string    `json:"valueDateTime,omitempty"`
}

func shortDescriptionUse() *fm.Coding {
	e, _ := terminology.DesignationUseTable.Entry(terminology.ShortDescriptionUse)
	return &fm.Coding{System: ptr(terminology.SupplementURL(terminology.DesignationUseTable.ID)), Code: ptr(e.Code), Display: ptr(e.Meaning)}
}

func designations(c *terminology.Concept) []designationJSON {
	if c.ShortDescription == "" {
		return nil
	}
	return []designationJSON{{Language: "en", Use: shortDescriptionUse(), Value: c.ShortDescription}}
}

// propertyValueCoding is the Coding of a Coding-typed property value.
func propertyValueCoding(pv terminology.PropertyValue) *fm.Coding {
	sys := terminology.SystemURL
	if pv.Def.TableID != "hcpcs" {
		sys = terminology.SupplementURL(pv.Def.TableID)
	}
	c := &fm.Coding{System: ptr(sys), Code: ptr(pv.Code)}
	if pv.Display != "" {
		c.Display = ptr(pv.Display)
	}
	return c
}

func toPropertyJSON(pv terminology.PropertyValue) propertyJSON {
	p := propertyJSON{Code: pv.Def.Code}
	switch pv.Def.Type {
	case terminology.TypeCode:
		p.ValueCode = ptr(pv.Code)
	case terminology.TypeCoding:
		p.ValueCoding = propertyValueCoding(pv)
	case terminology.TypeString:
		p.ValueString = ptr(pv.Code)
	case terminology.TypeInteger:
		p.ValueInteger = ptr(pv.Int)
	case terminology.TypeBoolean:
		p.ValueBoolean = ptr(pv.Bool)
	case terminology.TypeDateTime:
		p.ValueDateTime = ptr(pv.Code)
	}
	return p
}

// rendered is a resource serialised once and served many times.
type rendered struct {
	json, gzip   []byte
	etag         string
	lastModified time.Time
	xmlForm      keptXML // made on the first XML read (rendered_xml.go)
}

func newRendered(b []byte, lastModified time.Time) *rendered {
	sum := sha256.Sum256(b)
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	_, _ = w.Write(b)
	_ = w.Close()
	return &rendered{json: b, gzip: gz.Bytes(), etag: `W/"` + hex.EncodeToString(sum[:12]) + `"`, lastModified: lastModified}
}

// spliceConcepts appends a concept array to a marshalled resource object.
func spliceConcepts(header []byte, concepts any) ([]byte, error) {
	cs, err := json.Marshal(concepts)
	if err != nil {
		return nil, err
	}
	header = bytes.TrimRight(header, " \n")
	out := make([]byte, 0, len(header)+len(cs)+12)
	out = append(out, header[:len(header)-1]...)
	out = append(out, `,"concept":`...)
	out = append(out, cs...)
	out = append(out, '}')
	return out, nil
}

func renderRelease(r *terminology.Release) (*rendered, error) {
	header, err := json.Marshal(codeSystemHeader(r))
	if err != nil {
		return nil, err
	}
	concepts := make([]conceptJSON, len(r.Concepts))
	for i, c := range r.Concepts {
		pvs := r.Properties(c, time.Time{})
		props := make([]propertyJSON, len(pvs))
		for j, pv := range pvs {
			props[j] = toPropertyJSON(pv)
		}
		concepts[i] = conceptJSON{Code: c.Code, Display: c.LongDescription, Designation: designations(c), Property: props}
	}
	b, err := spliceConcepts(header, concepts)
	if err != nil {
		return nil, err
	}
	return newRendered(b, r.Effective), nil
}

// supplementHeader is a supplementary code system without concepts.
func supplementHeader(t *terminology.CodeTable) fm.CodeSystem {
	n := len(t.Entries)
	cs := fm.CodeSystem{
		Id:            ptr(supplementID(t)),
		Url:           ptr(terminology.SupplementURL(t.ID)),
		Name:          ptr(computerName(t.Title)),
		Title:         ptr(t.Title),
		Status:        fm.PublicationStatusActive,
		Experimental:  ptr(false),
		Publisher:     ptr("hcpcs-server, from the CMS HCPCS record layout"),
		Description:   ptr(t.Description + " CMS column(s): " + t.Column + "."),
		CaseSensitive: ptr(true),
		Content:       fm.CodeSystemContentModeComplete,
		Count:         &n,
	}
	if n == 0 { // processing notes when no loaded release ships proc_notes
		cs.Content, cs.Count = fm.CodeSystemContentModeNotPresent, nil
	}
	if hasParents(t) {
		cs.Property = []fm.CodeSystemProperty{{Code: "parent", Uri: ptr("http://hl7.org/fhir/concept-properties#parent"),
			Description: ptr("The category this value belongs to."), Type: fm.PropertyTypeCode}}
	}
	return cs
}

func hasParents(t *terminology.CodeTable) bool {
	for _, e := range t.Entries {
		if e.Parent != "" {
			return true
		}
	}
	return false
}

func renderSupplement(t *terminology.CodeTable, lastModified time.Time) (*rendered, error) {
	header, err := json.Marshal(supplementHeader(t))
	if err != nil {
		return nil, err
	}
	concepts := make([]conceptJSON, len(t.Entries))
	for i, e := range t.Entries {
		concepts[i] = conceptJSON{Code: e.Code, Display: e.Meaning}
		if e.Parent != "" {
			concepts[i].Property = []propertyJSON{{Code: "parent", ValueCode: ptr(e.Parent)}}
		}
	}
	b, err := spliceConcepts(header, concepts)
	if err != nil {
		return nil, err
	}
	return newRendered(b, lastModified), nil
}

// renderedCache renders each resource of the current snapshot once, on
// first use; a new snapshot starts a new cache.
type renderedCache struct {
	mu       sync.Mutex
	snapshot *terminology.Snapshot
	entries  map[string]*renderOnce
	list     []codeSystemResource // codeSystems(snapshot), built once
}

type renderOnce struct {
	once sync.Once
	done atomic.Bool // rendered without error
	r    *rendered
	err  error
}

func (rc *renderedCache) get(s *terminology.Snapshot, id string, render func() (*rendered, error)) (*rendered, error) {
	rc.mu.Lock()
	rc.reset(s)
	e, ok := rc.entries[id]
	if !ok {
		e = &renderOnce{}
		rc.entries[id] = e
	}
	rc.mu.Unlock()
	e.once.Do(func() {
		e.r, e.err = render()
		e.done.Store(e.err == nil)
	})
	return e.r, e.err
}

// has reports whether id is rendered (without error) in format f for
// snapshot s. It never waits for a rendering in progress.
func (rc *renderedCache) has(s *terminology.Snapshot, id string, f format) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.entries[id]
	return ok && rc.snapshot == s && e.done.Load() && (f == formatJSON || e.r.xmlForm.done.Load())
}

// reset starts over for a new snapshot; rc.mu must be held.
func (rc *renderedCache) reset(s *terminology.Snapshot) {
	if rc.snapshot != s {
		rc.snapshot, rc.entries, rc.list = s, map[string]*renderOnce{}, nil
	}
}

// codeSystems returns the CodeSystem resources of s, built once per
// snapshot rather than on every read, search and instance operation.
func (rc *renderedCache) codeSystems(s *terminology.Snapshot) []codeSystemResource {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.reset(s)
	if rc.list == nil {
		rc.list = codeSystems(s)
	}
	return rc.list
}

// codeSystemResource is one served CodeSystem: HCPCS of a release, or a supplement.
type codeSystemResource struct {
	id      string
	url     string
	version string // "" for supplements
	name    string
	title   string
	release *terminology.Release
	table   *terminology.CodeTable
}

// codeSystems lists every CodeSystem resource of a snapshot: HCPCS releases
// newest first, then the supplements.
func codeSystems(s *terminology.Snapshot) []codeSystemResource {
	rs := s.Releases()
	out := make([]codeSystemResource, 0, len(rs)+16)
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		out = append(out, codeSystemResource{id: releaseID(r), url: terminology.SystemURL, version: r.Version,
			name: hcpcsName, title: hcpcsTitle, release: r})
	}
	for _, t := range s.Supplements() {
		h := supplementHeader(t)
		out = append(out, codeSystemResource{id: supplementID(t), url: *h.Url, name: *h.Name, title: t.Title, table: t})
	}
	return out
}

func (cs *codeSystemResource) headerResource() fm.CodeSystem {
	if cs.release != nil {
		return codeSystemHeader(cs.release)
	}
	return supplementHeader(cs.table)
}

// full returns the complete resource, rendered once per snapshot.
func (s *Server) full(snap *terminology.Snapshot, cs *codeSystemResource) (*rendered, error) {
	return s.rendered.get(snap, cs.id, func() (*rendered, error) {
		if cs.release != nil {
			return renderRelease(cs.release)
		}
		return renderSupplement(cs.table, snap.Latest().Effective)
	})
}

// computerName turns a title into a CodeSystem.name, which R4 (cps-0)
// restricts to [A-Z]([A-Za-z0-9_]){0,254}: "HCPCS Berenson-Eggers Type of
// Service (BETOS)" becomes "HCPCSBerensonEggersTypeOfServiceBETOS".
func computerName(title string) string {
	var b strings.Builder
	upper := true
	for _, r := range title {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
			upper = false
		case r >= 'a' && r <= 'z':
			if upper {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	return b.String()
}
