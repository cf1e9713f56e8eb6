package fhir

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// expandInputs are the parameters of $expand besides the value set.
type expandInputs struct {
	req                 valueset.ExpandRequest
	includeDesignations bool
	// includeDefinition keeps the value set's own extensions in the
	// expansion.
	includeDefinition bool
	designations      []string // language or system|code of uses to include
	properties        []string // "*" for all
	// displayLanguage is the parameter as given; languages the list the
	// displays are chosen by (useLanguages), none for the code system's.
	displayLanguage string
	languages       []valueset.LanguagePref
	excludeSystems  map[string]string
	echo            []expansionParamJSON
	// inline: the value set came in the request, so its identity is its
	// content; the server's own are named by canonical and fingerprint.
	inline bool
	// txResources are the request's own definitions: part of what the
	// expansion identifier is a function of.
	txResources []param
}

// echoedBooleans and friends are the inputs an expansion echoes.
var (
	expandBooleans = []string{"activeOnly", "includeDesignations", "includeDefinition", "excludeNested", "excludeNotForUI", "excludePostCoordinated"}
	expandRepeated = []string{"system-version", "check-system-version", "force-system-version", "exclude-system"}
)

func readExpandInputs(p *opParams, maxExpansion int, threshold string) (*expandInputs, error) {
	in := &expandInputs{}
	echo := func(e expansionParamJSON) { in.echo = append(in.echo, e) }
	filter, hasFilter, err := p.text("filter", stringTypes)
	if err != nil {
		return nil, err
	}
	if len(filter) > maxFilterLength {
		return nil, badRequest("filter", fmt.Sprintf("Parameter `filter` is %d characters long; at most %d are searched. Type fewer words.", len(filter), maxFilterLength))
	}
	if hasFilter {
		in.req.Filter = filter
		echo(expansionParamJSON{Name: "filter", ValueString: ptr(filter)})
	}
	if in.req.Offset, _, err = p.integer("offset"); err != nil {
		return nil, err
	}
	if in.req.Count, in.req.HasCount, err = p.integer("count"); err != nil {
		return nil, err
	}
	if p.has("offset") {
		echo(expansionParamJSON{Name: "offset", ValueInteger: ptr(in.req.Offset)})
	}
	if in.req.HasCount {
		echo(expansionParamJSON{Name: "count", ValueInteger: ptr(in.req.Count)})
	}
	in.req.Limit = maxExpansion
	if threshold != "" {
		n, err := strconv.Atoi(threshold)
		if err != nil || n < 1 {
			return nil, badRequest(tooCostlyHeader, fmt.Sprintf("Header %s must be a positive integer, not %q.", tooCostlyHeader, threshold))
		}
		if in.req.Limit == 0 || n < in.req.Limit {
			in.req.Limit = n
		}
	}
	for _, name := range expandBooleans {
		v, err := p.boolean(name)
		if err != nil {
			return nil, err
		}
		if p.has(name) {
			echo(expansionParamJSON{Name: name, ValueBoolean: ptr(v)})
		}
		switch name {
		case "excludeNested":
			// Nested unless asked not to, as tx.fhir.org does.
			in.req.Nested = !v
		case "includeDesignations":
			in.includeDesignations = v
		case "includeDefinition":
			in.includeDefinition = v
		}
	}
	lang, hasLang, err := p.displayLanguage()
	if err != nil {
		return nil, err
	}
	if hasLang {
		in.displayLanguage = lang
	}
	if d, ok, _ := p.text("date", dateTimeTypes); ok {
		echo(expansionParamJSON{Name: "date", ValueDateTime: ptr(d)})
	}
	for _, name := range expandRepeated {
		for _, x := range p.all(name) {
			echo(expansionParamJSON{Name: name, ValueUri: ptr(x.text)})
		}
	}
	if in.excludeSystems, err = excludeSystems(p); err != nil {
		return nil, err
	}
	for _, x := range p.all("designation") {
		if err := checkType(&x, stringTypes); err != nil {
			return nil, err
		}
		in.designations = append(in.designations, x.text)
		in.includeDesignations = true
		echo(expansionParamJSON{Name: "designation", ValueString: ptr(x.text)})
	}
	for _, x := range p.all("property") {
		if err := checkType(&x, append([]string{"Code"}, stringTypes...)); err != nil {
			return nil, err
		}
		in.properties = append(in.properties, x.text)
	}
	return in, nil
}

// excludeSystems reads exclude-system: url or url|version.
func excludeSystems(p *opParams) (map[string]string, error) {
	out := map[string]string{}
	for _, x := range p.all("exclude-system") {
		if err := checkType(&x, uriTypes); err != nil {
			return nil, err
		}
		sys, ver, _ := strings.Cut(x.text, "|")
		if sys == "" {
			return nil, badRequest("exclude-system", fmt.Sprintf("Parameter `exclude-system` must be system or system|version, not %q.", x.text))
		}
		out[sys] = ver
		if terminology.IsHCPCSSystem(sys) {
			out[terminology.SystemURL] = ver
		}
	}
	return out, nil
}

// useLanguages settles the languages of the displays: the displayLanguage
// parameter, else the Accept-Language header, else the value set's own
// default (a compose expansion parameter), as tx.fhir.org does; the
// expansion echoes the one used as displayLanguage.
func (in *expandInputs) useLanguages(header string, vs *valueset.ValueSet) {
	spec := in.displayLanguage
	if spec == "" {
		spec = strings.TrimSpace(header)
	}
	if spec == "" && vs != nil {
		spec, _ = vs.Compose.Parameter("displayLanguage")
	}
	if spec == "" {
		return
	}
	in.languages = valueset.ParseLanguages(spec)
	in.echo = append(in.echo, expansionParamJSON{Name: "displayLanguage", ValueCode: ptr(valueset.EchoLanguages(spec))})
}
