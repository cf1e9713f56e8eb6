package conceptmap

import (
	"strconv"
	"strings"
)

// Find returns the map with the canonical ref (url or url|version; a
// separate version wins over one in ref). Without a version, the highest
// version of the url is chosen; nil when there is none.
func Find(maps []*Map, ref, version string) *Map {
	url, v, _ := strings.Cut(ref, "|")
	if version != "" {
		v = version
	}
	var best *Map
	for _, m := range maps {
		if m.URL != url || url == "" {
			continue
		}
		if v != "" {
			if m.Version == v {
				return m
			}
			continue
		}
		if best == nil || compareVersions(m.Version, best.Version) > 0 {
			best = m
		}
	}
	return best
}

// FindID returns the first map with the id; nil when there is none.
func FindID(maps []*Map, id string) *Map {
	for _, m := range maps {
		if m.ID == id && id != "" {
			return m
		}
	}
	return nil
}

// Select returns the maps, in order, that can answer q: a group applies
// (see the package doc) and the scopes the question names agree with the
// ones the map declares. A map that declares no scope on a side is not
// ruled out by it.
func Select(maps []*Map, q Query) []*Map {
	var out []*Map
	for _, m := range maps {
		from, to := m.SourceScope, m.TargetScope
		if q.Reverse {
			from, to = to, from
		}
		if !sameCanonical(q.FromScope, from) || !sameCanonical(q.ToScope, to) {
			continue
		}
		for i := range m.Groups {
			if q.groupApplies(&m.Groups[i]) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// sameCanonical: asked is not given, the map declares nothing, or the two
// name the same resource (a version on only one side does not matter).
func sameCanonical(asked, declared string) bool {
	if asked == "" || declared == "" || asked == declared {
		return true
	}
	au, av, _ := strings.Cut(asked, "|")
	du, dv, _ := strings.Cut(declared, "|")
	return au == du && (av == "" || dv == "" || av == dv)
}

// groupApplies: forward, the group maps from the concept's system (to the
// system asked for); reverse, it maps to the concept's system (from the
// system asked for).
func (q Query) groupApplies(g *Group) bool {
	from, fromVersion, to := g.Source, g.SourceVersion, g.Target
	if q.Reverse {
		from, fromVersion, to = g.Target, g.TargetVersion, g.Source
	}
	return from == q.Coding.System && q.Coding.System != "" &&
		(fromVersion == "" || q.Coding.Version == "" || fromVersion == q.Coding.Version) &&
		(q.ToSystem == "" || to == q.ToSystem)
}

// compareVersions orders versions by their dot-separated parts, numbers
// as numbers; -1, 0 or 1.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		an, aerr := strconv.Atoi(as[i])
		bn, berr := strconv.Atoi(bs[i])
		switch {
		case aerr == nil && berr == nil && an != bn:
			if an < bn {
				return -1
			}
			return 1
		case (aerr != nil || berr != nil) && as[i] != bs[i]:
			return strings.Compare(as[i], bs[i])
		}
	}
	switch {
	case len(as) < len(bs):
		return -1
	case len(as) > len(bs):
		return 1
	}
	return 0
}
