package terminology

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// Issue is one finding of a validation, in the vocabulary of the HL7
// terminology ecosystem: a FHIR issue type, a tx-issue-type code and the
// tx.fhir.org message id, so that clients such as the HL7 validator
// understand it.
type Issue struct {
	Severity   string // error | warning | information
	Code       string // FHIR IssueType: code-invalid, not-found, invalid, business-rule, informational
	TxType     string // http://hl7.org/fhir/tools/CodeSystem/tx-issue-type code; "" for none
	MessageID  string
	Text       string
	Expression string
	// InMessage: the text is part of the answer's message even though the
	// issue is no error (a display or inactive-concept warning), as
	// tx.fhir.org reports them.
	InMessage bool
}

// Coding is one code to validate, as the client sent it.
type Coding struct {
	System, Version, Code, Display string
}

// described is the coding as tx.fhir.org quotes it in a message:
// system|version#code ('display').
func (c Coding) described() string {
	s := c.System
	if c.Version != "" {
		s += "|" + c.Version
	}
	s += "#" + c.Code
	if c.Display != "" {
		s += " ('" + c.Display + "')"
	}
	return s
}

// InputForm is how the client passed the code; it decides the expression
// paths of the issues (code, Coding.code, CodeableConcept.coding[0].code).
type InputForm int

// The input forms of $validate-code.
const (
	FormCode InputForm = iota
	FormCoding
	FormCodeableConcept
)

// ValidateRequest is a $validate-code question in domain terms.
type ValidateRequest struct {
	Form    InputForm
	Codings []Coding
	// Version applies to codings that carry none (version / systemVersion).
	Version         string
	Date            time.Time
	LenientDisplay  bool
	DisplayLanguage string
	// NoAbstract: the request says abstract=false, so an abstract
	// (notSelectable) concept is not a valid code here.
	NoAbstract bool
	// ValueSet is the canonical (url|version) of the value set validated
	// against, or "" for CodeSystem/$validate-code.
	ValueSet string
	// Members answers membership in that value set: the value-set engine's
	// compiled value set, so that validation and expansion agree.
	Members Membership
	// Systems resolves the code systems that are neither HCPCS nor a code
	// table: those the request brought (tx-resource) or the server loaded.
	// nil means none.
	Systems valueset.Resolver
	// Includes maps each system the value set includes to the versions its
	// includes name ("" for none); Rules are the request's version
	// parameters. Together they decide the version a coding of such a
	// system is checked in (versionFor).
	Includes map[string][]string
	Rules    VersionRules
	// Supplements maps the URL of each supplement the request brought to
	// its canonical: a coding may not name one as its system.
	Supplements map[string]string
	// MembershipOnly (valueset-membership-only): only whether each code is
	// in the value set counts, not what is wrong with the code itself.
	MembershipOnly bool
}

// Membership says whether a value set holds a code of a system
// (*valueset.Compiled).
type Membership interface {
	Contains(system, version, code string) bool
}

// activeOnly reports whether the value set leaves inactive codes out
// (compose.inactive=false or activeOnly), when the membership says.
func (req *ValidateRequest) activeOnly() bool {
	a, ok := req.Members.(interface{ ActiveOnly() bool })
	return ok && a.ActiveOnly()
}

// inValueSet reports whether the request's value set holds the code; with
// no value set (CodeSystem/$validate-code) every code is "in".
func (req *ValidateRequest) inValueSet(system, code string) bool {
	if req.Members == nil {
		return true
	}
	return req.Members.Contains(system, "", code)
}

// ValidateResult is the answer. Result=false always comes with at least one
// error issue: the HL7 validator reports nothing for a bare false.
type ValidateResult struct {
	Result   bool
	Code     string
	System   string
	Version  string
	Display  string
	Inactive *bool
	// Status is the concept's status property when it is inactive (other
	// than "inactive" itself) or deprecated.
	Status string
	// NormalizedCode is the code as a case-insensitive system spells it,
	// when the client's spelling differs (normalized-code).
	NormalizedCode string
	Issues         []Issue
	// CausedByUnknownSystem lists url|version canonicals that could not be
	// resolved and caused the failure.
	CausedByUnknownSystem []string
	// UnknownSystems lists systems that could not be resolved but did not
	// cause the failure (another coding of a CodeableConcept was valid).
	UnknownSystems []string
}

// Message joins, sorted, the texts of the errors and of the issues marked
// InMessage with "; ", as tx.fhir.org does.
func (v *ValidateResult) Message() string {
	var texts []string
	for _, is := range v.Issues {
		if (is.Severity == "error" || is.InMessage) && !slices.Contains(texts, is.Text) {
			texts = append(texts, is.Text)
		}
	}
	slices.Sort(texts)
	return strings.Join(texts, "; ")
}

// Validate answers CodeSystem/$validate-code and ValueSet/$validate-code
// against the all-codes value set. A CodeableConcept is valid when any of
// its codings is.
func (s *Snapshot) Validate(req ValidateRequest) *ValidateResult {
	if len(req.Codings) == 1 && req.Form != FormCodeableConcept {
		one := s.validateCoding(req, req.Codings[0], prefixFor(req.Form, 0))
		return one.result()
	}
	// A CodeableConcept is valid when one of its codings is, and none of
	// them has an error: an unknown code or a wrong display beside a good
	// coding still makes it invalid (tx.fhir.org, FHIRsmith
	// tx/workers/validate.js checkCodeableConcept: result = ok && !errors).
	out := &ValidateResult{}
	var firstValid *codingOutcome
	allUnknown := true // every coding failed for a system (version) nobody has
	for i, c := range req.Codings {
		one := s.validateCoding(req, c, prefixFor(FormCodeableConcept, i))
		allUnknown = allUnknown && len(one.unknown) > 0
		out.Issues = append(out.Issues, one.issues...)
		out.CausedByUnknownSystem = append(out.CausedByUnknownSystem, one.unknown...)
		out.UnknownSystems = append(out.UnknownSystems, one.unknownInfo...)
		if one.inVS && firstValid == nil {
			firstValid = one
		}
	}
	if firstValid != nil {
		out.Result = !hasError(out.Issues)
		out.UnknownSystems, out.CausedByUnknownSystem = nil, append(out.UnknownSystems, out.CausedByUnknownSystem...)
		out.Code, out.System, out.Version, out.Display, out.Inactive, out.Status = firstValid.code, firstValid.system, firstValid.version, firstValid.display, firstValid.inactive, firstValid.status
		out.NormalizedCode = firstValid.normalized
		return out
	}
	if req.ValueSet != "" && !allUnknown { // membership is unknown, not refused
		out.Issues = append([]Issue{{
			Severity: "error", Code: "code-invalid", TxType: "not-in-vs", MessageID: "TX_GENERAL_CC_ERROR_MESSAGE",
			Text: fmt.Sprintf("No valid coding was found for the value set '%s'", req.ValueSet),
		}}, out.Issues...)
	}
	if len(out.Issues) == 0 {
		out.Issues = []Issue{{Severity: "error", Code: "invalid", TxType: "invalid-data", MessageID: "HCPCS_NO_CODING",
			Text: "The CodeableConcept has no coding to validate", Expression: "CodeableConcept"}}
	}
	return out
}

type codingOutcome struct {
	// inVS: the code is in its code system and in the value set (for
	// CodeSystem/$validate-code, in the code system).
	inVS                           bool
	code, system, version, display string
	status                         string // the concept's status, when inactive or deprecated
	normalized                     string // the code as the system spells it, when the client's differs in case
	inactive                       *bool
	issues                         []Issue
	unknown                        []string // caused the failure
	unknownInfo                    []string // did not
}

func hasError(issues []Issue) bool {
	for _, is := range issues {
		if is.Severity == "error" {
			return true
		}
	}
	return false
}

func (o *codingOutcome) valid() bool {
	for _, is := range o.issues {
		if is.Severity == "error" {
			return false
		}
	}
	return true
}

func (o *codingOutcome) result() *ValidateResult {
	return &ValidateResult{Result: o.valid(), Code: o.code, System: o.system, Version: o.version, Display: o.display,
		Inactive: o.inactive, Status: o.status, NormalizedCode: o.normalized, Issues: o.issues, CausedByUnknownSystem: o.unknown, UnknownSystems: o.unknownInfo}
}

func (o *codingOutcome) add(sev, code, txType, id, expr, format string, args ...any) {
	o.issues = append(o.issues, Issue{Severity: sev, Code: code, TxType: txType, MessageID: id,
		Text: fmt.Sprintf(format, args...), Expression: expr})
}

// inMessageFrom marks the issues added since the n-th as part of the
// message.
func (o *codingOutcome) inMessageFrom(n int) {
	for i := n; i < len(o.issues); i++ {
		o.issues[i].InMessage = true
	}
}

// prefixFor is the FHIRPath of the coding within the request, with a trailing
// dot where a field name follows.
func prefixFor(form InputForm, i int) string {
	switch form {
	case FormCoding:
		return "Coding."
	case FormCodeableConcept:
		return fmt.Sprintf("CodeableConcept.coding[%d].", i)
	}
	return ""
}

// notInValueSet returns the function that reports, once, that the coding
// is not in the request's value set, and the flag it sets.
func notInValueSet(o *codingOutcome, req ValidateRequest, c Coding, prefix string) (notInVS func(), reported *bool) {
	reported = new(bool)
	return func() {
		if req.ValueSet == "" || *reported {
			return
		}
		*reported = true
		// Within a CodeableConcept, one coding outside the value set is only
		// information: the concept fails as a whole (TX_GENERAL_CC_ERROR_MESSAGE).
		sev, txType := "error", "not-in-vs"
		if req.Form == FormCodeableConcept {
			sev, txType = "information", "this-code-not-in-vs"
		}
		o.add(sev, "code-invalid", txType, "None_of_the_provided_codes_are_in_the_value_set_one", prefix+"code",
			"The provided code '%s' was not found in the value set '%s'", c.described(), req.ValueSet)
	}, reported
}

func (s *Snapshot) validateCoding(req ValidateRequest, c Coding, prefix string) *codingOutcome {
	o := s.judgeCoding(req, c, prefix)
	if req.MembershipOnly {
		o.keepMembership()
	}
	return o
}

// keepMembership leaves only what says whether the code is in the value
// set: an unknown code, system or display is then no error of its own,
// as FHIRsmith's checker skips those issues under membershipOnly
// (tx/workers/validate.js; test validation-complex-codeableconcept-vsonly).
func (o *codingOutcome) keepMembership() {
	o.issues = slices.DeleteFunc(o.issues, func(is Issue) bool {
		return is.TxType != "not-in-vs" && is.TxType != "this-code-not-in-vs"
	})
	o.unknown, o.unknownInfo = nil, nil
}

func (s *Snapshot) judgeCoding(req ValidateRequest, c Coding, prefix string) *codingOutcome {
	o := &codingOutcome{code: c.Code, system: c.System}
	notInVS, reportedp := notInValueSet(o, req, c, prefix)
	if c.System == "" {
		if req.ValueSet != "" {
			// Against a value set: not in it, and a warning that says why
			// (tests validation/simple-coding-no-system).
			notInVS()
			codingPath := strings.TrimSuffix(prefix, ".")
			if codingPath == "" {
				codingPath = "code"
			}
			o.add("warning", "invalid", "invalid-data", "Coding_has_no_system__cannot_validate", codingPath,
				"Coding has no system. A code with no system has no defined meaning, and it cannot be validated. A system should be provided")
			o.issues[len(o.issues)-1].InMessage = true
			return o
		}
		o.add("error", "invalid", "invalid-data", "Coding_has_no_system__cannot_validate", prefix+"system",
			"A code with no system has no defined meaning, and it cannot be validated. A system should be provided")
		return o
	}
	if t, ok := s.SupplementByURL(c.System); ok {
		o.inVS = s.validateSupplement(o, req, c, t, prefix, notInVS) && !*reportedp
		return o
	}
	if canon, ok := req.Supplements[c.System]; ok {
		o.add("error", "invalid", "invalid-data", "CODESYSTEM_CS_NO_SUPPLEMENT", prefix+"system",
			"CodeSystem %s is a supplement, so can't be used as a value in Coding.system", canon)
		return o
	}
	if !IsHCPCSSystem(c.System) && req.Systems != nil {
		version := c.Version
		if version == "" {
			version = req.Version
		}
		includes, included := req.Includes[c.System]
		if included {
			if others := otherIncludes(req, c, includes); len(others) > 0 {
				// The value set includes several versions and neither the
				// coding nor the request picks one: the code is valid if it
				// is valid in any of them, the default first (tests
				// overload/validate-all-good3, validate-good-code2-v1display).
				first, ok := s.validateInInclude(req, c, ChooseInclude(includes, ""), prefix)
				if ok {
					return first
				}
				for _, v := range others {
					if o, ok := s.validateInInclude(req, c, v, prefix); ok {
						return o
					}
				}
				if first != nil {
					return first
				}
				// the default version cannot be had: reported below
			}
			v := c.Version
			if v == "" {
				v = req.Version
			}
			version = versionFor(o, req, c, ChooseInclude(includes, v), prefix)
		}
		cs, err := req.Systems.CodeSystem(valueset.SystemRef{URL: c.System, Version: version, Date: req.Date})
		var unknown *valueset.UnknownSystemError
		switch {
		case err == nil:
			if included {
				checkVersion(o, req, c.System, cs.Info().Version, prefix)
			}
			o.inVS = validateInSystem(o, req, c, cs, prefix, notInVS) && !*reportedp
			return o
		case errors.As(err, &unknown) && unknown.Version != "" && len(unknown.Valid) > 0:
			o.version = c.Version // the coding's own, not one its value set named
			if o.version == "" {
				o.version = req.Version
			}
			o.add("error", "not-found", "not-found", "UNKNOWN_CODESYSTEM_VERSION", prefix+"system",
				"A definition for CodeSystem '%s' version '%s' could not be found, so the code cannot be validated. Valid versions: %s",
				c.System, version, OrList(unknown.Valid))
			o.unknown = append(o.unknown, unknown.Canonical())
			return o
		}
	}
	if !IsHCPCSSystem(c.System) {
		if !strings.Contains(c.System, ":") { // Location1: a local reference, not a URI
			notInVS()
			o.add("error", "invalid", "invalid-data", "Terminology_TX_System_Relative", prefix+"system",
				"Coding.system must be an absolute reference, not a local reference")
			o.add("error", "not-found", "not-found", "UNKNOWN_CODESYSTEM", prefix+"system",
				"A definition for CodeSystem '%s' could not be found, so the code cannot be validated", c.System)
			o.unknownInfo = append(o.unknownInfo, c.System)
			return o
		}
		if req.Systems != nil {
			if _, err := req.Systems.ValueSet(c.System); err == nil {
				notInVS()
				o.add("error", "invalid", "invalid-data", "Terminology_TX_System_ValueSet2", prefix+"system",
					"The Coding references a value set, not a code system ('%s')", c.System)
				return o
			}
		}
		if req.ValueSet != "" {
			// Not in the value set whatever the system holds: the unknown
			// system did not cause the failure. tx.fhir.org words this case
			// without quotes (tests validation/simple-coding-bad-system,
			// errors/errors-unknown-system2).
			notInVS()
			if c.Version != "" {
				o.add("error", "not-found", "not-found", "UNKNOWN_CODESYSTEM_VERSION_NONE", prefix+"system",
					"A definition for CodeSystem '%s' version '%s' could not be found, so the code cannot be validated. No versions of this code system are known", c.System, c.Version)
			} else if _, named := req.Includes[c.System]; named {
				// the value set names the system: quoted, as tx.fhir.org
				// words it then (test regex-bad/validate-regex-bad)
				o.add("error", "not-found", "not-found", "UNKNOWN_CODESYSTEM", prefix+"system",
					"A definition for CodeSystem '%s' could not be found, so the code cannot be validated", c.System)
			} else {
				o.add("error", "not-found", "not-found", "UNKNOWN_CODESYSTEM", prefix+"system",
					"A definition for CodeSystem %s could not be found, so the code cannot be validated", c.System)
			}
			o.unknownInfo = append(o.unknownInfo, c.System)
		} else {
			o.add("error", "not-found", "not-found", "UNKNOWN_CODESYSTEM", prefix+"system",
				"A definition for CodeSystem '%s' could not be found, so the code cannot be validated", c.System)
			o.unknown = append(o.unknown, c.System)
		}
		return o
	}
	if c.System != SystemURL {
		o.add("information", "informational", "", "HCPCS_SYSTEM_ALIAS", prefix+"system",
			"'%s' is an alias of the HCPCS system; the canonical URL '%s' is used", c.System, SystemURL)
		o.system = SystemURL
	}
	version := c.Version
	if version == "" {
		version = req.Version
	}
	var rel *Release
	var err error
	if version != "" {
		rel, err = s.Version(version)
		if err != nil {
			o.version = version
			o.add("error", "not-found", "not-found", "UNKNOWN_CODESYSTEM_VERSION", prefix+"version",
				"A definition for CodeSystem '%s' version '%s' could not be found, so the code cannot be validated. Valid versions: %s",
				SystemURL, version, OrList(s.Versions()))
			o.unknown = append(o.unknown, SystemURL+"|"+version)
			return o
		}
	} else {
		rel, err = s.Select(Selector{Date: req.Date})
		if err != nil {
			o.add("error", "not-found", "not-found", "HCPCS_NO_RELEASE_ON_DATE", "date", "%s", err.Error())
			return o
		}
	}
	o.version = rel.Version
	concept, ok := rel.Concept(c.Code)
	if !ok {
		notInVS()
		o.add("error", "code-invalid", "invalid-code", "Unknown_Code_in_Version", prefix+"code",
			"Unknown code '%s' in the CodeSystem '%s' version '%s'", c.Code, SystemURL, rel.Version)
		if hint, ok := rel.CaseHint(c.Code); ok {
			o.add("information", "code-invalid", "invalid-code", "HCPCS_CODE_CASE", prefix+"code",
				"HCPCS codes are case-sensitive: '%s' is not a code, but '%s' is", c.Code, hint)
		}
		return o
	}
	o.display = concept.LongDescription
	if !req.inValueSet(SystemURL, c.Code) {
		notInVS()
	}
	inactive := concept.InactiveAsOf(req.Date)
	o.inactive = &inactive
	if !req.Date.IsZero() && !concept.AddedDate.IsZero() && Day(req.Date).Before(concept.AddedDate) {
		notInVS()
		o.add("error", "business-rule", "code-rule", "HCPCS_CODE_NOT_YET_IN_EFFECT", prefix+"code",
			"The code '%s' was not in effect on %s: CMS added it on %s", c.Code,
			Day(req.Date).Format(time.DateOnly), concept.AddedDate.Format(time.DateOnly))
	} else if inactive {
		codingPath := strings.TrimSuffix(prefix, ".")
		if codingPath == "" {
			codingPath = "code"
		}
		o.add("warning", "business-rule", "code-comment", "INACTIVE_CONCEPT_FOUND", codingPath,
			"The concept '%s' has a status of inactive and its use should be reviewed", c.Code)
		o.issues[len(o.issues)-1].InMessage = true
		o.add("information", "informational", "", "HCPCS_TERMINATED", codingPath,
			"CMS terminated the code '%s': its last day of use was %s", c.Code, concept.TerminationDate.Format(time.DateOnly))
	}
	if c.Display != "" {
		valid := []string{concept.LongDescription}
		if concept.ShortDescription != "" && concept.ShortDescription != concept.LongDescription {
			valid = append(valid, concept.ShortDescription)
		}
		checkDisplay(o, req, c, SystemURL, valid, prefix)
	}
	o.inVS = !*reportedp
	return o
}

// validateSupplement checks a code of one of the supplementary code tables,
// which are not versioned.
func (s *Snapshot) validateSupplement(o *codingOutcome, req ValidateRequest, c Coding, t *CodeTable, prefix string, notInVS func()) (found bool) {
	version := c.Version
	if version == "" {
		version = req.Version
	}
	if version != "" {
		o.version = version
		o.add("error", "not-found", "not-found", "UNKNOWN_CODESYSTEM_VERSION", prefix+"version",
			"A definition for CodeSystem '%s' version '%s' could not be found, so the code cannot be validated. This code system is not versioned",
			c.System, version)
		o.unknown = append(o.unknown, c.System+"|"+version)
		return false
	}
	e, ok := t.Entry(c.Code)
	if !ok {
		notInVS()
		o.add("error", "code-invalid", "invalid-code", "Unknown_Code_in", prefix+"code",
			"Unknown code '%s' in the CodeSystem '%s'", c.Code, c.System)
		return false
	}
	if !req.inValueSet(c.System, c.Code) {
		notInVS()
	}
	o.display = e.Meaning
	if c.Display != "" {
		checkDisplay(o, req, c, c.System, []string{e.Meaning}, prefix)
	}
	return true
}
