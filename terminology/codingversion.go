package terminology

import (
	"slices"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// Which version of a code system a coding is validated in, against a value
// set, when the coding, the value set's include and the request's version
// parameters may each name one. The rules and the wording are the
// reference server's (FHIRsmith tx/workers/worker.js determineVersionBase
// and checkVersion, tx/workers/validate.js determineVersion), as the HL7
// tx-ecosystem "version" suite pins them.

// VersionRules are the request's version parameters, by system URL:
// force-system-version, system-version (a default) and
// check-system-version.
type VersionRules struct {
	Force, Default, Check map[string]string
}

// base is the version the include asks for once the rules apply: a forced
// version, else the include's, else the default, else the check's.
func (r VersionRules) base(system, include string) string {
	if v := r.Force[system]; v != "" {
		return v
	}
	if include != "" {
		return include
	}
	if v := r.Default[system]; v != "" {
		return v
	}
	return r.Check[system]
}

// moreDetailed reports whether version b narrows the pattern a: 1.0.0
// narrows 1.x. A plain version narrows nothing: 1.0.0 is not version 1
// (tests version/*-vs1wb).
func moreDetailed(a, b string) bool {
	return a != "" && a != b && valueset.IsVersionPattern(a) && valueset.VersionMatches(a, b)
}

// versionFor decides the version of c.System the coding is checked in,
// given the version the value set's include names (include, "" for none),
// and adds the issues of a disagreement with the coding's own version.
// It returns the version to resolve ("" for the system's default).
func versionFor(o *codingOutcome, req ValidateRequest, c Coding, include, prefix string) string {
	result := req.Rules.base(c.System, include)
	vc := c.Version
	if vc == "" {
		vc = req.Version // systemVersion
	}
	if vc == "" {
		return result
	}
	if result != "" && moreDetailed(result, vc) {
		result = vc
	}
	if result == "" {
		if _, err := req.Systems.CodeSystem(valueset.SystemRef{URL: c.System, Version: vc}); err == nil {
			result = vc
		}
	}
	cs, err := req.Systems.CodeSystem(valueset.SystemRef{URL: c.System, Version: result})
	if err != nil {
		if result != vc {
			o.add("error", "invalid", "vs-invalid", "VALUESET_VALUE_MISMATCH", prefix+"version",
				"The code system '%s' version '%s' in the ValueSet include is different to the one in the value ('%s')", c.System, result, vc)
		}
		return result
	}
	got := cs.Info()
	if got.Version == vc || moreDetailed(vc, got.Version) {
		return result
	}
	switch {
	case result == "":
		sev := "warning"
		if got.VersionNeeded {
			sev = "error"
		}
		o.add(sev, "invalid", "vs-invalid", "VALUESET_VALUE_MISMATCH_DEFAULT", prefix+"version",
			"The code system '%s' version '%s' for the versionless include in the ValueSet include is different to the one in the value ('%s')", c.System, got.Version, vc)
	case result != include:
		o.add("error", "invalid", "vs-invalid", "VALUESET_VALUE_MISMATCH_CHANGED", prefix+"version",
			"The code system '%s' version '%s' resulting from the version '%s' in the ValueSet include is different to the one in the value ('%s')", c.System, result, include, vc)
	default:
		o.add("error", "invalid", "vs-invalid", "VALUESET_VALUE_MISMATCH", prefix+"version",
			"The code system '%s' version '%s' in the ValueSet include is different to the one in the value ('%s')", c.System, include, vc)
	}
	if _, err := req.Systems.CodeSystem(valueset.SystemRef{URL: c.System, Version: vc}); err != nil {
		var valid []string
		if us, ok := err.(*valueset.UnknownSystemError); ok {
			valid = us.Valid
		}
		o.add("error", "not-found", "not-found", "UNKNOWN_CODESYSTEM_VERSION", prefix+"system",
			"A definition for CodeSystem '%s' version '%s' could not be found, so the code cannot be validated. Valid versions: %s", c.System, vc, OrList(valid))
		o.unknown = append(o.unknown, c.System+"|"+vc)
	}
	return result
}

// checkVersion applies check-system-version to the version a coding was
// checked in.
func checkVersion(o *codingOutcome, req ValidateRequest, system, version, prefix string) {
	want := req.Rules.Check[system]
	if want == "" || valueset.VersionMatches(want, version) {
		return
	}
	o.add("error", "exception", "version-error", "VALUESET_VERSION_CHECK", prefix+"version",
		"The version '%s' is not allowed for system '%s': required to be '%s' by a version-check parameter", version, system, want)
}

// ResolvedVersion is the version of system a coding with version vc is
// checked in against an include naming include: what the value set must
// be evaluated with so that membership and validation agree.
func ResolvedVersion(res valueset.Resolver, rules VersionRules, system, include, vc string) string {
	req := ValidateRequest{Systems: res, Rules: rules}
	o := &codingOutcome{}
	v := versionFor(o, req, Coding{System: system, Version: vc}, include, "")
	if v == "" {
		return "" // the system's default, whatever the compose makes of it
	}
	if cs, err := res.CodeSystem(valueset.SystemRef{URL: system, Version: v}); err == nil {
		return cs.Info().Version
	}
	return v
}

// ChooseInclude picks, among the versions the includes of one system name,
// the one a coding of version vc is judged by: the one vc matches, else
// the newest ("" naming none counts as the default).
func ChooseInclude(includes []string, vc string) string {
	if len(includes) == 0 {
		return ""
	}
	if vc != "" {
		for _, v := range includes {
			if v == vc || moreDetailed(v, vc) {
				return v
			}
		}
	}
	best := includes[0]
	for _, v := range includes[1:] {
		if best != "" && (v == "" || valueset.CompareVersions(v, best) > 0) {
			best = v
		}
	}
	return best
}

// otherIncludes lists, newest first, the versions the value set's includes
// name for the coding's system besides the one ChooseInclude takes by
// default, when nothing else decides the version: neither the coding nor
// the request names one, and no version is forced.
func otherIncludes(req ValidateRequest, c Coding, includes []string) []string {
	if c.Version != "" || req.Version != "" || req.Rules.Force[c.System] != "" || req.Rules.Default[c.System] != "" {
		return nil
	}
	def := ChooseInclude(includes, "")
	var out []string
	for _, v := range includes {
		if v != "" && v != def && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return valueset.CompareVersions(b, a) })
	return out
}
