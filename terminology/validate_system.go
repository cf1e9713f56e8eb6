package terminology

import (
	"strings"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// validateInSystem checks a code of a code system other than HCPCS and its
// code tables: one a request brought as a tx-resource, or the server
// loaded. The checks and their wording are those of tx.fhir.org, as the HL7
// tx-ecosystem tests pin them.
func validateInSystem(o *codingOutcome, req ValidateRequest, c Coding, cs valueset.CodeSystem, prefix string, notInVS func()) (found bool) {
	info := cs.Info()
	o.system, o.version = info.URL, info.Version
	concept, ok := cs.Concept(c.Code)
	if !ok && (info.Content == "fragment" || info.Content == "example") {
		// The resource says it is not all of the system: the code may be in
		// another fragment, so it is not refused (FHIRsmith checkConceptSet).
		o.add("warning", "code-invalid", "invalid-code", "UNKNOWN_CODE_IN_FRAGMENT", prefix+"code",
			"Unknown Code '%s' in the CodeSystem '%s' version '%s' - note that the code system is labeled as a fragment, so the code may be valid in some other fragment",
			c.Code, info.URL, info.Version)
		return true
	}
	if !ok {
		notInVS()
		sev := "error"
		if info.Version != "" {
			o.add(sev, "code-invalid", "invalid-code", "Unknown_Code_in_Version", prefix+"code",
				"Unknown code '%s' in the CodeSystem '%s' version '%s'", c.Code, info.URL, info.Version)
		} else {
			o.add(sev, "code-invalid", "invalid-code", "Unknown_Code_in", prefix+"code",
				"Unknown code '%s' in the CodeSystem '%s'", c.Code, info.URL)
		}
		return false
	}
	if concept.Code != c.Code {
		o.add("information", "business-rule", "code-rule", "CODE_CASE_DIFFERENCE", prefix+"code",
			"The code '%s' differs from the correct code '%s' by case. Although the code system '%s' is case insensitive, implementers are strongly encouraged to use the correct case anyway",
			c.Code, concept.Code, info.Canonical())
		o.normalized = concept.Code
	}
	o.display = preferredDisplay(info, concept, workingLanguages(req.DisplayLanguage))
	if concept.Abstract && req.NoAbstract {
		o.add("error", "business-rule", "code-rule", "ABSTRACT_CODE_NOT_ALLOWED", prefix+"code",
			"Code '%s#%s' is abstract, and not allowed in this context", info.URL, concept.Code)
		notInVS()
	}
	if !req.inValueSetVersion(info.URL, info.Version, concept.Code) {
		if concept.Inactive && req.activeOnly() {
			o.add("error", "business-rule", "code-rule", "STATUS_CODE_WARNING_CODE", prefix+"code",
				"The concept '%s' is valid but is not active", concept.Code)
		}
		notInVS()
	}
	inactive := concept.Inactive
	o.inactive = &inactive
	status := conceptStatus(cs, concept)
	codingPath := strings.TrimSuffix(prefix, ".")
	if codingPath == "" {
		codingPath = "code"
	}
	if inactive {
		o.status = status
		described := "inactive"
		if status != "" && status != "inactive" {
			described = status + " and inactive"
		}
		o.add("warning", "business-rule", "code-comment", "INACTIVE_CONCEPT_FOUND", codingPath,
			"The concept '%s' has a status of %s and its use should be reviewed", concept.Code, described)
		o.issues[len(o.issues)-1].InMessage = true
	} else if strings.EqualFold(status, "deprecated") {
		o.status = status
		o.add("warning", "business-rule", "code-comment", "DEPRECATED_CONCEPT_FOUND", codingPath,
			"The concept '%s' is deprecated and its use should be reviewed", concept.Code)
		o.issues[len(o.issues)-1].InMessage = true
	}
	if l, ok := req.Members.(interface {
		Lookup(system, version, code string) (*valueset.Member, bool)
	}); ok {
		if m, in := l.Lookup(info.URL, info.Version, concept.Code); in && m.Status == "deprecated" {
			o.add("warning", "business-rule", "code-comment", "CONCEPT_DEPRECATED_IN_VALUESET", prefix+"code",
				"The presence of the concept '%s' in the system '%s' in the value set %s is marked with a status of deprecated and its use should be reviewed", concept.Code, info.URL, req.ValueSet)
		}
	}
	if c.Display != "" {
		checkDisplayIn(o, req, c, info, concept, prefix)
	}
	return true
}

// conceptStatus is the value of the concept's status property, if any.
func conceptStatus(cs valueset.CodeSystem, c *valueset.Concept) string {
	for _, pv := range cs.Properties(c) {
		if pv.Code == "status" {
			return pv.Value
		}
	}
	return ""
}

// inValueSetVersion is inValueSet for a system with versions side by side.
func (req *ValidateRequest) inValueSetVersion(system, version, code string) bool {
	if req.Members == nil {
		return true
	}
	return req.Members.Contains(system, version, code)
}

// validateInInclude validates a coding of a system the value set includes
// in the version one include names, as a trial: ok when the code is in the
// value set in that version without an error; nil when that version cannot
// be had.
func (s *Snapshot) validateInInclude(req ValidateRequest, c Coding, include, prefix string) (o *codingOutcome, ok bool) {
	o = &codingOutcome{code: c.Code, system: c.System}
	notInVS, reported := notInValueSet(o, req, c, prefix)
	version := versionFor(o, req, c, include, prefix)
	cs, err := req.Systems.CodeSystem(valueset.SystemRef{URL: c.System, Version: version, Date: req.Date})
	if err != nil {
		return nil, false
	}
	checkVersion(o, req, c.System, cs.Info().Version, prefix)
	o.inVS = validateInSystem(o, req, c, cs, prefix, notInVS) && !*reported
	return o, o.inVS && o.valid()
}
