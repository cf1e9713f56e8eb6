package fhir

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// validateInputs are what CodeSystem and ValueSet $validate-code share.
type validateInputs struct {
	req     terminology.ValidateRequest
	concept *fm.CodeableConcept // echoed back for codeableConcept input
}

// noCodeToValidate is tx.fhir.org's answer to a $validate-code without
// code, coding or codeableConcept, word for word (with no expression): the
// HL7 test batch/batch-validate-bad expects it.
const noCodeToValidate = "Unable to find code to validate (looked for coding | codeableConcept | code+system | code+inferSystem in parameters"

// readCodings reads exactly one of code, coding and codeableConcept.
// defaultSystem is the system for a bare code (url, system or the instance).
func readCodings(p *opParams, defaultSystem string, systemParam string) (validateInputs, error) {
	var in validateInputs
	code, hasCode, err := p.nonEmptyText("code", codeTypes)
	if err != nil {
		return in, err
	}
	display, _, err := p.text("display", stringTypes)
	if err != nil {
		return in, err
	}
	coding, err := p.coding("coding")
	if err != nil {
		return in, err
	}
	cc, err := p.codeableConcept("codeableConcept")
	if err != nil {
		return in, err
	}
	n := 0
	for _, given := range []bool{hasCode, coding != nil, cc != nil} {
		if given {
			n++
		}
	}
	switch n {
	case 0:
		return in, badRequest("", noCodeToValidate)
	case 1:
	default:
		return in, badRequest("code", fmt.Sprintf("Exactly one of `code`, `coding` and `codeableConcept` must be given; %d were.", n))
	}
	fromCoding := func(c *fm.Coding) terminology.Coding {
		return terminology.Coding{System: str(c.System), Version: str(c.Version), Code: str(c.Code), Display: str(c.Display)}
	}
	switch {
	case hasCode:
		if defaultSystem == "" {
			return in, badRequest(systemParam, fmt.Sprintf("Parameter `%s` is required with `code`.", systemParam))
		}
		in.req.Form = terminology.FormCode
		in.req.Codings = []terminology.Coding{{System: defaultSystem, Code: code, Display: display}}
	case coding != nil:
		if str(coding.Code) == "" {
			return in, badRequest("coding", "Parameter `coding` has no code.")
		}
		c := fromCoding(coding)
		if c.System == "" {
			c.System = defaultSystem
		}
		if display != "" && c.Display == "" {
			c.Display = display
		}
		in.req.Form = terminology.FormCoding
		in.req.Codings = []terminology.Coding{c}
	default:
		if len(cc.Coding) == 0 {
			return in, badRequest("codeableConcept", "Parameter `codeableConcept` has no coding.")
		}
		in.req.Form = terminology.FormCodeableConcept
		for _, c := range cc.Coding {
			in.req.Codings = append(in.req.Codings, fromCoding(&c))
		}
		in.concept = cc
	}
	return in, nil
}

// readValidateOptions reads the inputs that tune validation.
func readValidateOptions(p *opParams, in *validateInputs) error {
	var err error
	if in.req.Date, err = p.date("date"); err != nil {
		return err
	}
	if in.req.LenientDisplay, err = p.boolean("lenient-display-validation"); err != nil {
		return err
	}
	abstract, err := p.boolean("abstract")
	if err != nil {
		return err
	}
	in.req.NoAbstract = p.has("abstract") && !abstract
	if in.req.MembershipOnly, err = p.boolean("valueset-membership-only"); err != nil {
		return err
	}
	if _, err = p.boolean("activeOnly"); err != nil {
		return err
	}
	in.req.DisplayLanguage, _, err = p.displayLanguage()
	return err
}

// validateCodeSystem implements CodeSystem/$validate-code.
func (s *Server) validateCodeSystem(c *gin.Context, cs *codeSystemResource) error {
	p, err := readRequestParams(c, s.maxRequestBytes())
	if err != nil {
		return err
	}
	out, err := s.codeSystemValidation(c, p, cs, s.termsOf(c))
	if err != nil {
		return err
	}
	s.write(c, http.StatusOK, out)
	return nil
}

// termsFunc gives what one validation may use, from its inputs:
// requestTerms for a request, the batch's for one of its validations.
type termsFunc func(p *opParams) (*terms, error)

func (s *Server) termsOf(c *gin.Context) termsFunc {
	return func(p *opParams) (*terms, error) { return s.requestTerms(c, p) }
}

// codeSystemValidation answers the CodeSystem/$validate-code request p.
func (s *Server) codeSystemValidation(c *gin.Context, p *opParams, cs *codeSystemResource, termsOf termsFunc) (*parametersResource, error) {
	if err := p.refuse("codeSystem"); err != nil {
		return nil, err
	}
	t, err := termsOf(p)
	if err != nil {
		return nil, err
	}
	url, hasURL, err := p.nonEmptyText("url", uriTypes)
	if err != nil {
		return nil, err
	}
	if !hasURL { // common client mistake; R4 names it url
		if url, _, err = p.nonEmptyText("system", uriTypes); err != nil {
			return nil, err
		}
	}
	version, _, err := p.nonEmptyText("version", versionTypes)
	if err != nil {
		return nil, err
	}
	if url, version, err = splitCanonical("url", url, "version", version); err != nil {
		return nil, err
	}
	if cs != nil {
		if url != "" && !(url == cs.url || (cs.release != nil && terminology.IsHCPCSSystem(url))) {
			return nil, badRequest("url", fmt.Sprintf("`url` %s contradicts CodeSystem/%s, whose url is %s.", url, cs.id, cs.url))
		}
		if version != "" && version != cs.version {
			return nil, badRequest("version", fmt.Sprintf("`version` %s contradicts CodeSystem/%s, which is version %s.", version, cs.id, cs.version))
		}
		url, version = cs.url, cs.version
	}
	in, err := readCodings(p, url, "url")
	if err != nil {
		return nil, err
	}
	if in.req.Form != terminology.FormCode && url == "" && cs == nil && !p.has("coding") && !p.has("codeableConcept") {
		return nil, badRequest("url", "Parameter `url` is required.")
	}
	in.req.Version = version
	if err := readValidateOptions(p, &in); err != nil {
		return nil, err
	}
	if in.req.DisplayLanguage == "" { // the displays are in the client's languages
		in.req.DisplayLanguage = c.GetHeader("Accept-Language")
	}
	in.req.Systems, in.req.Supplements = t.resolver(), t.supplementURLs()
	return validationParameters(in, t.snap.Validate(in.req)), nil
}

// validateValueSet implements ValueSet/$validate-code: the code is checked
// against its code system, and its membership is asked of the value-set
// engine, the same evaluation that $expand lists.
func (s *Server) validateValueSet(c *gin.Context, instance *valueset.ValueSet) error {
	p, err := readRequestParams(c, s.maxRequestBytes())
	if err != nil {
		return err
	}
	out, err := s.valueSetValidation(c, p, instance, s.termsOf(c))
	if err != nil {
		return err
	}
	s.write(c, http.StatusOK, out)
	return nil
}

// valueSetValidation answers the ValueSet/$validate-code request p.
func (s *Server) valueSetValidation(c *gin.Context, p *opParams, instance *valueset.ValueSet, termsOf termsFunc) (*parametersResource, error) {
	if err := p.refuse("context"); err != nil {
		return nil, err
	}
	t, err := termsOf(p)
	if err != nil {
		return nil, err
	}
	snap := t.snap
	ref, err := requestValueSet(p, instance)
	if err != nil {
		return nil, err
	}
	def := ref.definition(t) // nil: compile says why
	if err := t.useValueSetSupplements(def); err != nil {
		return nil, err
	}
	opts, err := evalOptions(p)
	if err != nil {
		return nil, err
	}
	system, _, err := p.nonEmptyText("system", uriTypes)
	if err != nil {
		return nil, err
	}
	infer, err := p.boolean("inferSystem")
	if err != nil {
		return nil, err
	}
	if infer && system == "" && p.has("code") {
		code, _, err := p.nonEmptyText("code", codeTypes)
		if err != nil {
			return nil, err
		}
		inferred, result := inferSystem(t, ref, opts, code)
		if result != nil {
			return validationParameters(validateInputs{}, result), nil
		}
		system = inferred
	}
	version, err := systemVersion(p)
	if err != nil {
		return nil, err
	}
	if system, version, err = splitCanonical("system", system, "systemVersion", version); err != nil {
		return nil, err
	}
	in, err := readCodings(p, system, "system")
	if err != nil {
		return nil, err
	}
	in.req.Version = version
	in.req.ValueSet = ref.name()
	if in.req.ValueSet == "" {
		in.req.ValueSet = unidentifiedValueSet
	}
	force, err := forcedVersion(p)
	if err != nil {
		return nil, err
	}
	if force != "" {
		for i := range in.req.Codings {
			if terminology.IsHCPCSSystem(in.req.Codings[i].System) {
				in.req.Codings[i].Version = force
			}
		}
	}
	if err := readValidateOptions(p, &in); err != nil {
		return nil, err
	}
	if in.req.DisplayLanguage == "" { // the displays are in the client's languages
		in.req.DisplayLanguage = c.GetHeader("Accept-Language")
	}
	if in.req.DisplayLanguage == "" && def != nil {
		// else in the value set's: its displayLanguage expansion
		// parameter, or its own language (FHIRsmith seeValueSet)
		if l, ok := def.Compose.Parameter("displayLanguage"); ok {
			in.req.DisplayLanguage = l
		} else {
			in.req.DisplayLanguage = def.Language
		}
	}
	// The compose is evaluated on the HCPCS release the code is validated
	// in, so that a code of an older release is judged by that release.
	if v := hcpcsVersion(in.req); v != "" && opts.ForceVersion[terminology.SystemURL] == "" {
		if opts.SystemVersion == nil {
			opts.SystemVersion = map[string]string{}
		}
		opts.SystemVersion[terminology.SystemURL] = v
	}
	// Codings of systems other than HCPCS are checked in the version the
	// value set's include, the version parameters and the coding decide
	// together (terminology.versionFor); the value set is evaluated in that
	// version, so that membership and validation agree. check-system-version
	// is then reported per coding, not refused.
	if def != nil && def.Compose != nil {
		in.req.Includes = includeVersions(def.Compose, in.req.Codings)
		in.req.Rules = terminology.VersionRules{Force: opts.ForceVersion, Default: maps.Clone(opts.SystemVersion), Check: opts.CheckVersion}
		for _, c := range in.req.Codings {
			includes, ok := in.req.Includes[c.System]
			if !ok || terminology.IsHCPCSSystem(c.System) {
				continue
			}
			version := c.Version
			if version == "" {
				version = in.req.Version
			}
			if v := terminology.ResolvedVersion(t.resolver(), in.req.Rules, c.System, terminology.ChooseInclude(includes, version), version); v != "" {
				if opts.SystemVersion == nil {
					opts.SystemVersion = map[string]string{}
				}
				opts.SystemVersion[c.System] = v
			}
		}
		if len(opts.CheckVersion) > 0 {
			check := maps.Clone(opts.CheckVersion)
			maps.DeleteFunc(check, func(system, _ string) bool { return !terminology.IsHCPCSSystem(system) })
			opts.CheckVersion = check
		}
	}
	in.req.Systems, in.req.Supplements = t.resolver(), t.supplementURLs()
	compiled, err := ref.compile(t, opts)
	var unknown *valueset.UnknownSystemError
	if errors.As(err, &unknown) {
		if unknown.URL == terminology.SystemURL && unknown.Version != "" && unknown.Version == hcpcsVersion(in.req) {
			// The request's own HCPCS version is unknown: validation says so,
			// in its words, for the coding that named it.
			return validationParameters(in, snap.Validate(in.req)), nil
		}
		for _, cd := range in.req.Codings {
			if unknown.Version != "" && cd.System == unknown.URL && !terminology.IsHCPCSSystem(cd.System) {
				// The include names a version that does not exist: the
				// coding is judged against it, which says so in the
				// version suite's words.
				return validationParameters(in, snap.Validate(in.req)), nil
			}
		}
		named := slices.ContainsFunc(in.req.Codings, func(cd terminology.Coding) bool { return cd.System == unknown.URL })
		if !named && def != nil {
			// No coding is of the system the value set cannot resolve: each
			// is judged on its own and is not in the value set (tests
			// errors/errors-unknown-system2).
			in.req.Members, in.req.ValueSet = noMembers{}, def.Canonical()
			return validationParameters(in, snap.Validate(in.req)), nil
		}
		return validationParameters(in, unknownSystemResult(in.req, unknown)), nil
	}
	var missing *valueset.UnknownValueSetError
	if errors.As(err, &missing) && def != nil && missing.Canonical != def.Canonical() && missing.Canonical != def.URL {
		// The value set is known but imports one that is not: a "no" that
		// says so, as tx.fhir.org answers (tests validation/*-bad-import).
		return validationParameters(in, &terminology.ValidateResult{Issues: []terminology.Issue{{Severity: "error", Code: "not-found",
			TxType: "not-found", MessageID: "Unable_to_resolve_value_Set_", Text: missing.Error()}}}), nil
	}
	if err != nil {
		return nil, err
	}
	in.req.Members = compiled
	in.req.ValueSet = valueSetName(compiled.ValueSet)
	res := snap.Validate(in.req)
	res.Issues = append(res.Issues, statusIssues(compiled)...)
	return validationParameters(in, res), nil
}

// inferSystem finds the one system of the value set that holds a code given
// without one (inferSystem=true). When none or several do, the answer is a
// "no" saying so, in the tx.fhir.org wording (tx-tests
// validation/simple-code-implied-*, errors/errors-combination-bad).
func inferSystem(t *terms, ref valueSetRef, opts valueset.Options, code string) (string, *terminology.ValidateResult) {
	compiled, err := ref.compile(t, opts)
	if err != nil {
		return "", nil // the validation that follows reports it
	}
	var matches []string
	for _, info := range compiled.Systems {
		if compiled.Contains(info.URL, info.Version, code) && !slices.Contains(matches, info.URL) {
			matches = append(matches, info.URL)
		}
	}
	if len(matches) == 1 {
		return matches[0], nil
	}
	vs := compiled.ValueSet.Canonical()
	notIn := terminology.Issue{Severity: "error", Code: "code-invalid", TxType: "not-in-vs", MessageID: "None_of_the_provided_codes_are_in_the_value_set_one",
		Expression: "code", Text: fmt.Sprintf("The provided code '#%s' was not found in the value set '%s'", code, vs)}
	cannot := terminology.Issue{Severity: "error", Code: "not-found", TxType: "cannot-infer", MessageID: "UNABLE_TO_INFER_CODESYSTEM", Expression: "code",
		Text: fmt.Sprintf("The System URI could not be determined for the code '%s' in the ValueSet '%s'", code, vs)}
	if len(matches) > 1 {
		cannot.MessageID = "Unable_to_resolve_system__value_set_has_multiple_matches"
		cannot.Text += fmt.Sprintf(": value set expansion has multiple matches: [%s]", strings.Join(matches, ", "))
	}
	return "", &terminology.ValidateResult{Code: code, Issues: []terminology.Issue{notIn, cannot}}
}

// unknownSystemResult answers a validation against a value set that needs a
// code system this server does not have: not an error of the request, but a
// "no" caused by the unknown system.
func unknownSystemResult(req terminology.ValidateRequest, e *valueset.UnknownSystemError) *terminology.ValidateResult {
	id, text := "UNKNOWN_CODESYSTEM", fmt.Sprintf("A definition for CodeSystem '%s' could not be found, so the code cannot be validated", e.URL)
	if e.Version != "" {
		id = "UNKNOWN_CODESYSTEM_VERSION"
		text = fmt.Sprintf("A definition for CodeSystem '%s' version '%s' could not be found, so the code cannot be validated", e.URL, e.Version)
		if len(e.Valid) > 0 {
			text += ". Valid versions: " + terminology.OrList(e.Valid)
		}
	}
	r := &terminology.ValidateResult{Issues: []terminology.Issue{{Severity: "error", Code: "not-found", TxType: "not-found", MessageID: id, Text: text}},
		CausedByUnknownSystem: []string{e.Canonical()}}
	if len(req.Codings) == 1 && req.Form != terminology.FormCodeableConcept {
		r.Code, r.System = req.Codings[0].Code, req.Codings[0].System
	}
	return r
}

// validationParameters renders a validation result as Parameters; a
// negative result is still HTTP 200.
func validationParameters(in validateInputs, r *terminology.ValidateResult) *parametersResource {
	out := newParametersOut()
	out.boolean("result", r.Result)
	if msg := r.Message(); msg != "" {
		out.str("message", msg)
	}
	if in.concept != nil {
		out.add(parameter{Name: "codeableConcept", ValueCodeableConcept: in.concept})
	}
	if r.Code != "" {
		out.code("code", r.Code)
	}
	if r.NormalizedCode != "" {
		out.code("normalized-code", r.NormalizedCode)
	}
	if r.System != "" {
		out.uri("system", r.System)
	}
	if r.Version != "" {
		out.str("version", r.Version)
	}
	if r.Display != "" {
		out.str("display", r.Display)
	}
	if r.Inactive != nil && *r.Inactive {
		out.boolean("inactive", true)
	}
	if r.Status != "" && r.Status != "inactive" {
		out.code("status", r.Status)
	}
	if len(r.Issues) > 0 {
		out.add(parameter{Name: "issues", Resource: mustJSON(newOutcome(r.Issues...))})
	}
	for _, u := range r.CausedByUnknownSystem {
		out.add(parameter{Name: "x-caused-by-unknown-system", ValueCanonical: ptr(u)})
	}
	for _, u := range r.UnknownSystems {
		out.add(parameter{Name: "x-unknown-system", ValueCanonical: ptr(u)})
	}
	return &out.p
}

// noMembers is the membership of a value set that could not be evaluated:
// it holds no code.
type noMembers struct{}

func (noMembers) Contains(string, string, string) bool { return false }

// unidentifiedValueSet names, in messages, an inline value set that has no
// url, as tx.fhir.org does; an empty name would also read as "no value
// set", and validation would answer for the code system alone.
const unidentifiedValueSet = "(unidentified)"

func valueSetName(vs *valueset.ValueSet) string {
	if c := vs.Canonical(); c != "" {
		return c
	}
	return unidentifiedValueSet
}
