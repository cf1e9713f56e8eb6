package fhir

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// DefaultMaxExpansion is the largest expansion returned without count; a
// larger one is refused with too-costly and a hint to page. Every HCPCS
// release (8,846 codes in 2025-10) fits.
const DefaultMaxExpansion = 10000

// maxFilterLength bounds the text filter: what a person types into a
// picker, not a document.
const maxFilterLength = 256

// tooCostlyHeader lets a client lower the limit for one request, as the tx
// ecosystem's "big" tests do; it never raises it.
const tooCostlyHeader = "X-TOO-COSTLY-THRESHOLD"

// valueSetRef is the value set an operation is about: one given inline
// (vs), or one the server holds or implies, named by canonical and resolved
// only when it is not compiled already.
type valueSetRef struct {
	vs        *valueset.ValueSet
	canonical string
}

// name is the canonical the answer reports.
func (r valueSetRef) name() string {
	if r.vs != nil {
		return r.vs.Canonical()
	}
	return r.canonical
}

// compile compiles the value set for opts: the server's own through the
// snapshot's cache of compiled sets; one named in a cache-id session that
// the request did not add to, through the session's; an inline one, or
// any one when the request brought its own definitions, afresh and for
// this request only.
func (r valueSetRef) compile(t *terms, opts valueset.Options) (*valueset.Compiled, error) {
	if r.canonical != "" && !t.local() {
		return t.snap.CompileValueSet(r.canonical, opts)
	}
	if r.canonical != "" && t.compiled != nil {
		return t.compiled.Compile(r.canonical, opts, t.resolver())
	}
	vs := r.vs
	if vs == nil {
		var err error
		if vs, err = t.resolver().ValueSet(r.canonical); err != nil {
			return nil, err
		}
	}
	return valueset.Compile(vs, t.resolver(), opts)
}

// definition is the value set's definition, or nil when it cannot be
// resolved (compile then says why).
func (r valueSetRef) definition(t *terms) *valueset.ValueSet {
	if r.vs != nil {
		return r.vs
	}
	vs, err := t.resolver().ValueSet(r.canonical)
	if err != nil {
		return nil
	}
	return vs
}

// requestValueSet finds the value set an operation is about: the instance
// it was called on, the url (with valueSetVersion), or valueSet inline.
func requestValueSet(p *opParams, instance *valueset.ValueSet) (valueSetRef, error) {
	vs, canonical, err := findRequestValueSet(p, instance)
	if canonical != "" {
		vs = nil
	}
	return valueSetRef{vs: vs, canonical: canonical}, err
}

func findRequestValueSet(p *opParams, instance *valueset.ValueSet) (*valueset.ValueSet, string, error) {
	url, hasURL, err := p.nonEmptyText("url", uriTypes)
	if err != nil {
		return nil, "", err
	}
	version, hasVersion, err := p.nonEmptyText("valueSetVersion", versionTypes)
	if err != nil {
		return nil, "", err
	}
	raw, hasInline, err := p.resourceParam("valueSet")
	if err != nil {
		return nil, "", err
	}
	if base, v, ok := strings.Cut(url, "|"); ok { // a canonical url|version
		if hasVersion && v != version {
			return nil, "", badRequest("valueSetVersion", fmt.Sprintf("`valueSetVersion` %s contradicts the version in `url` %s.", version, url))
		}
		url, version, hasVersion = base, v, true
	}
	switch {
	case instance != nil:
		if hasInline {
			return nil, "", badRequest("valueSet", "`valueSet` cannot be given to an operation on a ValueSet instance.")
		}
		if hasURL && url != instance.URL {
			return nil, "", badRequest("url", fmt.Sprintf("`url` %s contradicts the value set the operation was called on (%s).", url, instance.URL))
		}
		if hasVersion && version != instance.Version {
			return nil, "", badRequest("valueSetVersion", fmt.Sprintf("`valueSetVersion` %s contradicts ValueSet/%s, which is version %q.", version, instance.ID, instance.Version))
		}
		return instance, instance.Canonical(), nil
	case hasInline && hasURL:
		return nil, "", badRequest("url", "Give the value set either by `url` or inline as `valueSet`, not both.")
	case hasInline:
		vs, err := inlineValueSet(raw)
		return vs, "", err
	case hasURL:
		canon := url
		if hasVersion {
			canon += "|" + version
		}
		return nil, canon, nil
	}
	return nil, "", badRequest("url", "The value set is required: give `url` (and `valueSetVersion`), or POST it as `valueSet`.")
}

// evalOptions reads the parameters that change how a compose is evaluated.
func evalOptions(p *opParams) (valueset.Options, error) {
	var opts valueset.Options
	var err error
	if opts.Date, err = p.date("date"); err != nil {
		return opts, err
	}
	if opts.ActiveOnly, err = p.boolean("activeOnly"); err != nil {
		return opts, err
	}
	for name, into := range map[string]*map[string]string{"system-version": &opts.SystemVersion,
		"force-system-version": &opts.ForceVersion, "check-system-version": &opts.CheckVersion,
		"default-valueset-version": &opts.ValueSetVersion} {
		if *into, err = canonicalVersions(p, name); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

// canonicalVersions reads a repeatable url|version parameter into a map,
// the HCPCS aliases under the canonical URL too.
func canonicalVersions(p *opParams, name string) (map[string]string, error) {
	var out map[string]string
	for _, x := range p.all(name) {
		if err := checkType(&x, uriTypes); err != nil {
			return nil, err
		}
		sys, ver, ok := strings.Cut(x.text, "|")
		if !ok || sys == "" || ver == "" {
			return nil, badRequest(name, fmt.Sprintf("Parameter `%s` must be system|version, not %q.", name, x.text))
		}
		if out == nil {
			out = map[string]string{}
		}
		keys := []string{sys}
		if terminology.IsHCPCSSystem(sys) && sys != terminology.SystemURL {
			keys = append(keys, terminology.SystemURL) // an alias names the same system
		}
		for _, k := range keys {
			if prev, dup := out[k]; dup && prev != ver {
				return nil, badRequest(name, fmt.Sprintf("Parameter `%s` gives two versions of %s: %s and %s.", name, k, prev, ver))
			}
			out[k] = ver
		}
	}
	return out, nil
}

// expand implements ValueSet/$expand, type and instance level, GET and POST.
func (s *Server) expand(c *gin.Context, instance *valueset.ValueSet) error {
	p, err := readRequestParams(c, s.maxRequestBytes())
	if err != nil {
		return err
	}
	if err := p.refuse("context", "contextDirection"); err != nil {
		return err
	}
	t, err := s.requestTerms(c, p)
	if err != nil {
		return err
	}
	snap := t.snap
	ref, err := requestValueSet(p, instance)
	if err != nil {
		return err
	}
	def := ref.definition(t) // nil: compile says why
	if err := t.useValueSetSupplements(def); err != nil {
		return err
	}
	opts, err := evalOptions(p)
	if err != nil {
		return err
	}
	opts.DefaultsUnversionedOnly = true
	in, err := readExpandInputs(p, s.maxExpansion(), c.GetHeader(tooCostlyHeader))
	if err != nil {
		return err
	}
	in.inline = ref.canonical == "" || t.local()
	in.txResources = p.all("tx-resource")
	compiled, err := ref.compile(t, opts)
	if err != nil {
		return err
	}
	in.echo = usedVersionRules(in.echo, compiled)
	for _, canon := range compiled.ValueSetDefaults {
		in.echo = append(in.echo, expansionParamJSON{Name: "default-valueset-version", ValueUri: ptr(canon)})
	}
	in.req.Exclude = func(m *valueset.Member) bool {
		v, ok := in.excludeSystems[m.System.URL]
		return ok && (v == "" || v == m.System.Version)
	}
	if len(in.excludeSystems) == 0 {
		in.req.Exclude = nil
	}
	exp, err := compiled.Expand(in.req)
	if err != nil {
		return err
	}
	in.useLanguages(c.GetHeader("Accept-Language"), compiled.ValueSet)
	s.write(c, http.StatusOK, renderExpansion(snap, compiled, exp, in))
	return nil
}

func (s *Server) maxExpansion() int {
	if s.cfg.MaxExpansion == 0 {
		return DefaultMaxExpansion
	}
	if s.cfg.MaxExpansion < 0 {
		return 0
	}
	return s.cfg.MaxExpansion
}

// severalVersions are the systems of which the expansion draws on more
// than one version: only their entries name a version, as tx.fhir.org's
// do; used-codesystem names the version of the others.
func severalVersions(systems []valueset.Info) map[string]bool {
	seen, out := map[string]bool{}, map[string]bool{}
	for _, info := range systems {
		if seen[info.URL] {
			out[info.URL] = true
		}
		seen[info.URL] = true
	}
	return out
}

// wantedProperties are the declared properties the request asked for, in
// the order of the first system that declares them ("*" is all).
func expansionProperties(compiled *valueset.Compiled, names []string) []valueset.PropertyDefinition {
	if len(names) == 0 {
		return nil
	}
	all := slices.Contains(names, "*")
	var out []valueset.PropertyDefinition
	for _, info := range compiled.Systems {
		cs := compiled.System(info)
		if cs == nil {
			continue
		}
		for _, d := range cs.PropertyDefinitions() {
			if (all || slices.Contains(names, d.Code)) && !slices.ContainsFunc(out, func(x valueset.PropertyDefinition) bool { return x.Code == d.Code }) {
				out = append(out, d)
			}
		}
	}
	return out
}

func propertyURIFor(d valueset.PropertyDefinition) string {
	if d.URI != "" {
		return d.URI
	}
	if _, ok := terminology.PropertyByCode(d.Code); ok {
		return propertyURI(d.Code)
	}
	return ""
}

// bcp47 is the system of the designation parameter that names a language.
const bcp47 = "urn:ietf:bcp:47"

// selectDesignations keeps the designations the designation parameters
// ask for (a language, urn:ietf:bcp:47|language, or the system|code of a
// use); none asked is all.
func selectDesignations(ds []valueset.Designation, want []string) []valueset.Designation {
	if len(want) == 0 {
		return ds
	}
	var out []valueset.Designation
	for _, d := range ds {
		for _, w := range want {
			sys, code, isUse := strings.Cut(w, "|")
			if isUse && sys == bcp47 {
				w, isUse = code, false
			}
			if (!isUse && strings.EqualFold(d.Language, w)) || (isUse && d.Use != nil && d.Use.System == sys && d.Use.Code == code) {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

// expansionIdentifier is a urn:uuid that is a function of the data, the
// definition and the request, so that every page of one expansion, on any
// replica, carries the same identifier.
func expansionIdentifier(snap *terminology.Snapshot, vs *valueset.ValueSet, in *expandInputs) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", snap.Fingerprint(), vs.Canonical(), in.req.Filter)
	if in.inline { // a loaded value set's source is in the fingerprint already
		fmt.Fprintf(h, "%d\x00", len(vs.Source))
		h.Write(vs.Source)
	}
	for _, x := range in.txResources {
		fmt.Fprintf(h, "%d\x00", len(x.raw))
		h.Write(x.raw)
	}
	for _, e := range in.echo {
		if e.Name != "offset" && e.Name != "count" {
			fmt.Fprintf(h, "%s=%v%v%v%v%v\x00", e.Name, deref(e.ValueString), deref(e.ValueBoolean), deref(e.ValueUri), deref(e.ValueCode), deref(e.ValueDateTime))
		}
	}
	b := h.Sum(nil)
	b[6] = (b[6] & 0x0f) | 0x50 // version 5 layout: name-based
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func deref[T any](p *T) any {
	if p == nil {
		return ""
	}
	return *p
}

// usedVersionRules keeps, of the echoed version parameters, those that
// decided a version: system-version and check-system-version for a
// system the compose includes without a version, force-system-version for
// a system the expansion uses. tx.fhir.org echoes only those
// (FHIRsmith tx/workers/worker.js, determineVersionBase foundParameters).
func usedVersionRules(echo []expansionParamJSON, compiled *valueset.Compiled) []expansionParamJSON {
	versionless := map[string]bool{}
	if c := compiled.ValueSet.Compose; c != nil {
		for _, in := range c.Include {
			if in.Version == "" {
				versionless[in.System] = true
			}
		}
	}
	used := map[string]bool{}
	for _, info := range compiled.Systems {
		used[info.URL] = true
	}
	out := echo[:0:0]
	for _, e := range echo {
		url, _, _ := strings.Cut(deref(e.ValueUri).(string), "|")
		switch e.Name {
		case "system-version", "check-system-version":
			if !versionless[url] {
				continue
			}
		case "force-system-version":
			if !used[url] {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}
