package valueset

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Registry holds the value sets a server serves, by canonical URL and
// version. It is immutable once built.
type Registry struct {
	list  []*ValueSet
	byURL map[string][]*ValueSet // versions, newest first
	byID  map[string]*ValueSet
}

// NewRegistry indexes value sets. A second value set with the same url and
// version, or the same id, is left out and reported in dropped, with the
// reason; the first one given wins.
func NewRegistry(vss []*ValueSet) (r *Registry, dropped []string) {
	return newRegistry(vss, true)
}

// newRegistry indexes by id only when ids matter: a request's value sets
// are named by url, and two of them may share an id.
func newRegistry(vss []*ValueSet, byID bool) (r *Registry, dropped []string) {
	r = &Registry{byURL: map[string][]*ValueSet{}, byID: map[string]*ValueSet{}}
	for _, vs := range vss {
		if vs.URL == "" {
			dropped = append(dropped, fmt.Sprintf("%s: the value set has no url", vs.Origin))
			continue
		}
		dup := slices.ContainsFunc(r.byURL[vs.URL], func(x *ValueSet) bool { return x.Version == vs.Version })
		if dup {
			dropped = append(dropped, fmt.Sprintf("%s: %s is already loaded", vs.Origin, vs.Canonical()))
			continue
		}
		if vs.ID != "" && byID {
			if prev, ok := r.byID[vs.ID]; ok {
				dropped = append(dropped, fmt.Sprintf("%s: the id %s is already taken by %s", vs.Origin, vs.ID, prev.Canonical()))
				continue
			}
			r.byID[vs.ID] = vs
		}
		r.list = append(r.list, vs)
		r.byURL[vs.URL] = append(r.byURL[vs.URL], vs)
	}
	for _, versions := range r.byURL {
		slices.SortStableFunc(versions, func(a, b *ValueSet) int { return -CompareVersions(a.Version, b.Version) })
	}
	return r, dropped
}

// All returns the value sets in the order given.
func (r *Registry) All() []*ValueSet {
	if r == nil {
		return nil
	}
	return r.list
}

// Get returns the value set with this url and version; an empty version
// means the newest.
func (r *Registry) Get(url, version string) (*ValueSet, bool) {
	if r == nil {
		return nil, false
	}
	versions := r.byURL[url]
	if len(versions) == 0 {
		return nil, false
	}
	if version == "" {
		return versions[0], true
	}
	for _, vs := range versions {
		if vs.Version == version {
			return vs, true
		}
	}
	return nil, false
}

// ByID returns the value set with this resource id.
func (r *Registry) ByID(id string) (*ValueSet, bool) {
	if r == nil {
		return nil, false
	}
	vs, ok := r.byID[id]
	return vs, ok
}

// Versions lists the versions held of a url, newest first.
func (r *Registry) Versions(url string) []string {
	var out []string
	for _, vs := range r.byURL[url] {
		out = append(out, vs.Version)
	}
	return out
}

// CompareVersions orders versions the way people number them: dotted
// numeric parts compare as numbers (1.10.0 > 1.9.0), anything else as text.
func CompareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errX := strconv.Atoi(as[i])
		y, errY := strconv.Atoi(bs[i])
		if errX == nil && errY == nil {
			if c := cmp.Compare(x, y); c != 0 {
				return c
			}
			continue
		}
		if c := strings.Compare(as[i], bs[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(as), len(bs))
}

// IsVersionPattern reports whether a version is a wildcard pattern, as
// value sets use to pin a major version: 1.x, 1.x.x or 1.*.
func IsVersionPattern(v string) bool {
	for _, part := range strings.Split(v, ".") {
		if part == "x" || part == "X" || part == "*" {
			return true
		}
	}
	return false
}

// VersionMatches reports whether version v matches a version or a wildcard
// pattern: each x or * part matches any part, and a pattern ending in a
// wildcard matches any further parts.
func VersionMatches(pattern, v string) bool {
	if !IsVersionPattern(pattern) {
		return pattern == v
	}
	ps, vs := strings.Split(pattern, "."), strings.Split(v, ".")
	for i, p := range ps {
		wild := p == "x" || p == "X" || p == "*"
		if i >= len(vs) {
			return wild
		}
		if !wild && p != vs[i] {
			return false
		}
		if wild && i == len(ps)-1 {
			return true
		}
	}
	return len(vs) == len(ps)
}
