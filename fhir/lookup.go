package fhir

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// parametersOut builds an output Parameters resource.
type parametersOut struct{ p parametersResource }

func newParametersOut() *parametersOut {
	return &parametersOut{p: parametersResource{ResourceType: "Parameters"}}
}

func (o *parametersOut) add(pp parameter) { o.p.Parameter = append(o.p.Parameter, pp) }
func (o *parametersOut) str(name, v string) {
	o.add(parameter{Name: name, ValueString: ptr(v)})
}
func (o *parametersOut) code(name, v string) { o.add(parameter{Name: name, ValueCode: ptr(v)}) }
func (o *parametersOut) uri(name, v string)  { o.add(parameter{Name: name, ValueUri: ptr(v)}) }
func (o *parametersOut) boolean(name string, v bool) {
	o.add(parameter{Name: name, ValueBoolean: ptr(v)})
}

// standardLookupProperties are property codes R4 defines for every code
// system; they are accepted in `property` and answered where they apply.
var standardLookupProperties = map[string]bool{
	"url": true, "name": true, "version": true, "display": true, "definition": true,
	"designation": true, "parent": true, "child": true, "status": true, "inactive": true,
}

// lookup implements CodeSystem/$lookup at type level (cs nil) and instance level.
func (s *Server) lookup(c *gin.Context, cs *codeSystemResource) error {
	p, err := readRequestParams(c, s.maxRequestBytes())
	if err != nil {
		return err
	}
	t, err := s.requestTerms(c, p)
	if err != nil {
		return err
	}
	code, system, version, err := lookupTarget(p, cs)
	if err != nil {
		return err
	}
	date, err := p.date("date")
	if err != nil {
		return err
	}
	if _, _, err := p.displayLanguage(); err != nil {
		return err
	}
	snap := t.snap
	out := newParametersOut()
	if !terminology.IsHCPCSSystem(system) {
		if _, isTable := snap.SupplementByURL(system); !isTable {
			cs, err := t.resolver().CodeSystem(valueset.SystemRef{URL: system, Version: version, Date: date})
			if err != nil {
				return lookupUnknownSystem(system, version, err)
			}
			if err := lookupInSystem(out, cs, code, anyProperties(p), t.used); err != nil {
				return err
			}
			s.write(c, http.StatusOK, out.p)
			return nil
		}
	}
	wanted, err := wantedProperties(p)
	if err != nil {
		return err
	}
	if table, ok := snap.SupplementByURL(system); ok {
		if version != "" {
			return notFound("not-found", fmt.Sprintf("A definition for CodeSystem '%s' version '%s' could not be found: it is not versioned.", system, version))
		}
		e, ok := table.Entry(code)
		if !ok {
			return notFound("not-found", (&terminology.UnknownSupplementCodeError{Code: code, Table: table}).Error())
		}
		h := supplementHeader(table)
		out.str("name", *h.Name)
		out.str("display", e.Meaning)
		out.code("code", e.Code)
		out.uri("system", *h.Url)
		out.boolean("abstract", false)
		if e.Parent != "" && wanted.want("parent") {
			out.add(parameter{Name: "property", Part: []parameter{
				{Name: "code", ValueCode: ptr("parent")}, {Name: "value", ValueCode: ptr(e.Parent)},
			}})
		}
		s.write(c, http.StatusOK, out.p)
		return nil
	}
	res, err := snap.Lookup(code, terminology.Selector{Version: version, Date: date})
	if err != nil {
		return err
	}
	out.str("name", hcpcsName)
	out.str("version", res.Release.Version)
	out.str("display", res.Concept.LongDescription)
	out.code("code", res.Concept.Code)
	out.uri("system", terminology.SystemURL)
	out.boolean("abstract", false)
	if wanted.want("designation") {
		for _, d := range designations(res.Concept) {
			out.add(parameter{Name: "designation", Part: []parameter{
				{Name: "language", ValueCode: ptr(d.Language)},
				{Name: "use", ValueCoding: d.Use},
				{Name: "value", ValueString: ptr(d.Value)},
			}})
		}
	}
	for _, pv := range res.Properties {
		if !wanted.want(pv.Def.Code) {
			continue
		}
		out.add(lookupProperty(pv))
	}
	// The history is long and not a property of the concept in one
	// release: it is answered only when asked for by name, never for `*`.
	if wanted[historyProperty] {
		lookupHistory(out, snap.History(), res.Concept.Code, res.Release.Version)
	}
	s.write(c, http.StatusOK, out.p)
	return nil
}

// lookupProperty renders one property value with the CMS meaning of a
// Coding value in a description part, as the seed record shows it.
func lookupProperty(pv terminology.PropertyValue) parameter {
	pj := toPropertyJSON(pv)
	value := parameter{Name: "value", ValueCode: pj.ValueCode, ValueCoding: pj.ValueCoding,
		ValueString: pj.ValueString, ValueInteger: pj.ValueInteger, ValueBoolean: pj.ValueBoolean, ValueDateTime: pj.ValueDateTime}
	parts := []parameter{{Name: "code", ValueCode: ptr(pv.Def.Code)}, value}
	if pv.Def.Type == terminology.TypeCoding && pv.Display != "" {
		parts = append(parts, parameter{Name: "description", ValueString: ptr(pv.Display)})
	}
	return parameter{Name: "property", Part: parts}
}

// lookupTarget resolves code, system and version from code+system or
// coding, and from the instance the operation was called on.
func lookupTarget(p *opParams, cs *codeSystemResource) (code, system, version string, err error) {
	code, hasCode, err := p.nonEmptyText("code", codeTypes)
	if err != nil {
		return
	}
	system, hasSystem, err := p.nonEmptyText("system", uriTypes)
	if err != nil {
		return
	}
	version, _, err = p.nonEmptyText("version", versionTypes)
	if err != nil {
		return
	}
	if system, version, err = splitCanonical("system", system, "version", version); err != nil {
		return
	}
	coding, err := p.coding("coding")
	if err != nil {
		return
	}
	switch {
	case hasCode && coding != nil:
		return "", "", "", badRequest("coding", "Give either `code` (with `system`) or `coding`, not both.")
	case coding != nil:
		if str(coding.Code) == "" {
			return "", "", "", badRequest("coding", "Parameter `coding` has no code.")
		}
		code = str(coding.Code)
		if hasSystem && coding.System != nil && *coding.System != system {
			return "", "", "", badRequest("coding", fmt.Sprintf("`coding.system` (%s) contradicts `system` (%s).", *coding.System, system))
		}
		if coding.System != nil {
			system, hasSystem = *coding.System, true
		}
		if cv := str(coding.Version); cv != "" {
			if version != "" && version != cv {
				return "", "", "", badRequest("coding", fmt.Sprintf("`coding.version` (%s) contradicts `version` (%s).", cv, version))
			}
			version = cv
		}
	case !hasCode:
		return "", "", "", badRequest("code", "Parameter `code` (with `system`) or `coding` is required.")
	}
	if cs != nil {
		if hasSystem && !(system == cs.url || (cs.release != nil && terminology.IsHCPCSSystem(system))) {
			return "", "", "", badRequest("system", fmt.Sprintf("`system` %s contradicts CodeSystem/%s, whose url is %s.", system, cs.id, cs.url))
		}
		if version != "" && version != cs.version {
			return "", "", "", badRequest("version", fmt.Sprintf("`version` %s contradicts CodeSystem/%s, which is version %s.", version, cs.id, cs.version))
		}
		return code, cs.url, cs.version, nil
	}
	if !hasSystem {
		return "", "", "", badRequest("system", "Parameter `system` is required with `code` at type level.")
	}
	return code, system, version, nil
}

// historyProperty asks $lookup for the code's release history
// (lookupHistory).
const historyProperty = "history"

// propertyFilter is the `property` input: none or `*` means all.
type propertyFilter map[string]bool

func (f propertyFilter) want(code string) bool { return f == nil || f[code] }

func wantedProperties(p *opParams) (propertyFilter, error) {
	xs := p.all("property")
	if len(xs) == 0 {
		return nil, nil
	}
	f := propertyFilter{}
	for i := range xs {
		if err := checkType(&xs[i], codeTypes); err != nil {
			return nil, err
		}
		for _, v := range strings.Split(xs[i].text, ",") {
			v = strings.TrimSpace(v)
			if v == "*" {
				return nil, nil
			}
			if _, ok := terminology.PropertyByCode(v); !ok && !standardLookupProperties[v] && !strings.HasPrefix(v, "lang.") && v != historyProperty {
				return nil, badRequest("property", fmt.Sprintf("Unknown property `%s`. Known: %s, history, and the standard ones (display, designation, definition, …).",
					v, strings.Join(propertyCodes(), ", ")))
			}
			f[v] = true
		}
	}
	return f, nil
}

func propertyCodes() []string {
	out := make([]string, len(terminology.PropertyDefinitions))
	for i, d := range terminology.PropertyDefinitions {
		out[i] = d.Code
	}
	return out
}

// lookupUnknownSystem is the 404 for a $lookup in a system, or a version of
// one, that neither the server nor the request has.
func lookupUnknownSystem(system, version string, err error) error {
	var us *valueset.UnknownSystemError
	if errors.As(err, &us) && us.Version != "" {
		text := fmt.Sprintf("A definition for CodeSystem '%s' version '%s' could not be found, so the code cannot be looked up", system, version)
		if len(us.Valid) > 0 {
			text += ". Valid versions: " + terminology.OrList(us.Valid)
		}
		return notFound("not-found", text)
	}
	return notFound("not-found", fmt.Sprintf("A definition for CodeSystem '%s' could not be found, so the code cannot be looked up. "+
		"This server serves %s and its supplementary code systems, and the code systems a request brings as tx-resource.", system, terminology.SystemURL))
}

// anyProperties reads `property` for a code system whose properties are
// its own: every code is taken as given.
func anyProperties(p *opParams) propertyFilter {
	var f propertyFilter
	for _, v := range p.texts("property") {
		for _, code := range strings.Split(v, ",") {
			code = strings.TrimSpace(code)
			if code == "*" {
				return nil
			}
			if f == nil {
				f = propertyFilter{}
			}
			f[code] = true
		}
	}
	return f
}
