package valueset

import "slices"

// versionsMatch reports whether the compose treats the versions of one
// code system as one: a code is a member once whatever version includes
// it, and an exclude of one version removes the code from the others.
// The compose says so with its versionsMatch expansion parameter; without
// one, a compose whose includes and excludes all name versions of one
// system, none the same, means it (FHIRsmith tx/workers/expand.js,
// checkForExclusionVersionSpecialCase).
func versionsMatch(compose *Compose) bool {
	if v, ok := compose.Parameter("versionsMatch"); ok {
		return v == "true"
	}
	if len(compose.Include) == 0 || len(compose.Exclude) == 0 {
		return false
	}
	system := compose.Include[0].System
	for _, sets := range [][]ConceptSet{compose.Include, compose.Exclude} {
		for _, s := range sets {
			if s.System != system || s.Version == "" {
				return false
			}
		}
	}
	for _, in := range compose.Include {
		if slices.ContainsFunc(compose.Exclude, func(ex ConceptSet) bool { return ex.Version == in.Version }) {
			return false
		}
	}
	return true
}

// VersionsMatch reports whether the expansion treats the versions of a
// system as one (see versionsMatch); an expansion echoes it.
func (c *Compiled) VersionsMatch() bool { return c.versionsMatch }

// byVersion orders includes for expansion: the includes that name a
// version of one system take the places the system's includes had, newest version first, so that
// the newest version's concept is the one a code is listed with, as
// tx.fhir.org orders them (FHIRsmith tx/workers/expand.js, handleCompose).
func byVersion(sets []*conceptSet) []*conceptSet {
	out := slices.Clone(sets)
	bySystem := map[string][]int{}
	for i, s := range out {
		if s.cs != nil && s.pinned {
			bySystem[s.info.URL] = append(bySystem[s.info.URL], i)
		}
	}
	for _, slots := range bySystem {
		if len(slots) < 2 {
			continue
		}
		group := make([]*conceptSet, len(slots))
		for k, i := range slots {
			group[k] = sets[i]
		}
		slices.SortStableFunc(group, func(a, b *conceptSet) int { return -CompareVersions(a.info.Version, b.info.Version) })
		for k, i := range slots {
			out[i] = group[k]
		}
	}
	return out
}

// mixedVersions reports whether the compose names a system in two ways:
// with two versions, or with and without one (includes and excludes
// alike). tx.fhir.org then names the version of every entry of the
// expansion, even when a forced version makes them one (FHIRsmith
// tx/workers/expand.js, checkSource and doingVersion).
func mixedVersions(compose *Compose) bool {
	first := map[string]string{}
	for _, sets := range [][]ConceptSet{compose.Include, compose.Exclude} {
		for _, s := range sets {
			if s.System == "" {
				continue
			}
			if v, seen := first[s.System]; !seen {
				first[s.System] = s.Version
			} else if v != s.Version {
				return true
			}
		}
	}
	return false
}

// MixedVersions reports whether the compose names a system with different
// versions (see mixedVersions): every entry of its expansion then carries
// its version.
func (c *Compiled) MixedVersions() bool { return c.mixedVersions }
