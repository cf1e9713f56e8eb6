package fhir

import (
	"fmt"
	"path"
	"strings"

	"github.com/hcpcs-server/hcpcs-server/internal/fhirpkg"
	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// LoadedDefinitions are the value sets read from --valuesets sources, and
// what was left out.
type LoadedDefinitions struct {
	ValueSets []*valueset.ValueSet
	Skipped   []terminology.SkippedResource
	Packages  []fhirpkg.Package
}

// LoadValueSets reads ValueSet (and CodeSystem) resources from JSON files,
// directories and FHIR NPM packages. A source that cannot be read is an
// error (the server does not half-start); a resource that cannot be used is
// skipped, with the reason: a ValueSet that does not parse, that has no
// compose, or that repeats the url|version or id of one read before; and
// CodeSystem resources, which this server does not evaluate yet.
func LoadValueSets(sources []string) (*LoadedDefinitions, error) {
	res, err := fhirpkg.Read(sources, fhirpkg.Options{Types: []string{"ValueSet", "CodeSystem"}})
	if err != nil {
		return nil, err
	}
	out := &LoadedDefinitions{Packages: res.Packages}
	for _, s := range res.Skipped {
		out.Skipped = append(out.Skipped, terminology.SkippedResource{Origin: s.Origin, Reason: s.Reason})
	}
	seenCanonical, seenID := map[string]string{}, map[string]string{}
	for _, vs := range terminology.BuiltinValueSets() {
		seenCanonical[vs.Canonical()], seenID[vs.ID] = "built in", "built in"
	}
	skip := func(r fhirpkg.Resource, reason string) {
		out.Skipped = append(out.Skipped, terminology.SkippedResource{Origin: r.Origin, Canonical: canonicalOf(r), Reason: reason})
	}
	for _, r := range res.Resources {
		if r.ResourceType == "CodeSystem" {
			skip(r, "a CodeSystem resource: this server serves HCPCS and its code tables, and does not evaluate FHIR CodeSystem resources yet")
			continue
		}
		vs, err := ParseValueSet(r.JSON, r.Origin)
		if err != nil {
			skip(r, err.Error())
			continue
		}
		if vs.Compose == nil {
			skip(r, "the value set has no compose, so it cannot be evaluated here")
			continue
		}
		if vs.URL == "" {
			skip(r, "the value set has no url")
			continue
		}
		if vs.ID == "" {
			vs.ID = idFromURL(vs.URL)
		}
		if prev, dup := seenCanonical[vs.Canonical()]; dup {
			skip(r, fmt.Sprintf("%s is already loaded (%s)", vs.Canonical(), prev))
			continue
		}
		if prev, dup := seenID[vs.ID]; dup {
			skip(r, fmt.Sprintf("the id %s is already taken (%s)", vs.ID, prev))
			continue
		}
		seenCanonical[vs.Canonical()], seenID[vs.ID] = r.Origin, r.Origin
		out.ValueSets = append(out.ValueSets, vs)
	}
	return out, nil
}

func canonicalOf(r fhirpkg.Resource) string {
	if r.Version == "" {
		return r.URL
	}
	return r.URL + "|" + r.Version
}

// idFromURL makes a resource id from a canonical's last segment: FHIR ids
// are [A-Za-z0-9\-\.]{1,64}.
func idFromURL(u string) string {
	base := path.Base(strings.TrimRight(u, "/"))
	var b strings.Builder
	for _, r := range base {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	id := b.String()
	if len(id) > 64 {
		id = id[:64]
	}
	if id == "" {
		id = "valueset"
	}
	return id
}
