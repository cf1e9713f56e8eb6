package fhir

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// The version inputs of $validate-code: the HCPCS release a validation
// asks for, the version parameters, and the versions a value set's
// includes name (terminology.versionFor decides from them).

// hcpcsVersion is the HCPCS version a validation asks for: the first HCPCS
// coding's own, else the request's.
func hcpcsVersion(req terminology.ValidateRequest) string {
	for _, c := range req.Codings {
		if terminology.IsHCPCSSystem(c.System) && c.Version != "" {
			return c.Version
		}
	}
	return req.Version
}

// systemVersion reads systemVersion, or the tx ecosystem's system-version
// canonical (url|version) for HCPCS.
func systemVersion(p *opParams) (string, error) {
	v, ok, err := p.nonEmptyText("systemVersion", versionTypes)
	if err != nil || ok {
		return v, err
	}
	return canonicalVersion(p, "system-version")
}

func forcedVersion(p *opParams) (string, error) { return canonicalVersion(p, "force-system-version") }

// canonicalVersion reads a repeatable url|version parameter and returns the
// version given for HCPCS; versions for other systems are irrelevant here.
func canonicalVersion(p *opParams, name string) (string, error) {
	versions, err := canonicalVersions(p, name)
	return versions[terminology.SystemURL], err
}

// includeVersions maps each system a compose includes to the versions
// its includes name ("" for one that names none). When some includes of a
// system list the code being validated, only theirs count: the code is
// judged by the include it is in.
func includeVersions(c *valueset.Compose, codings []terminology.Coding) map[string][]string {
	listing := func(in valueset.ConceptSet) bool {
		for _, cd := range codings {
			if cd.System == in.System && slices.ContainsFunc(in.Concepts, func(r valueset.ConceptReference) bool { return r.Code == cd.Code }) {
				return true
			}
		}
		return false
	}
	all, listed := map[string][]string{}, map[string][]string{}
	for _, in := range c.Include {
		if in.System == "" {
			continue
		}
		if !slices.Contains(all[in.System], in.Version) {
			all[in.System] = append(all[in.System], in.Version)
		}
		if listing(in) && !slices.Contains(listed[in.System], in.Version) {
			listed[in.System] = append(listed[in.System], in.Version)
		}
	}
	for system, versions := range listed {
		all[system] = versions
	}
	return all
}

// splitCanonical reads a code system given as a canonical url|version where
// a uri is taken (`url` of CodeSystem/$validate-code, `system` of $lookup
// and ValueSet/$validate-code: HAPI and the IG tooling send them so). The
// version part must agree with the version parameter (versionName) when
// both are given.
func splitCanonical(name, value, versionName, version string) (url, ver string, err error) {
	url, ver, ok := strings.Cut(value, "|")
	if !ok {
		return value, version, nil
	}
	switch {
	case url == "" || ver == "":
		return "", "", badRequest(name, fmt.Sprintf("`%s` %s is not a canonical url|version.", name, value))
	case version != "" && version != ver:
		return "", "", badRequest(versionName, fmt.Sprintf("`%s` %s contradicts `%s` (%s).", versionName, version, name, value))
	}
	return url, ver, nil
}
