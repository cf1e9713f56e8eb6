package fhir

import (
	"fmt"
	"path"
	"strings"

	"github.com/hcpcs-server/hcpcs-server/internal/fhirpkg"
	"github.com/hcpcs-server/hcpcs-server/terminology"
	"github.com/hcpcs-server/hcpcs-server/terminology/local"
)

// LoadedDefinitions are the value sets read from --valuesets sources, and
// what was left out.
type LoadedDefinitions struct {
	terminology.Definitions
	Packages []fhirpkg.Package
	// supplements wait until every code system is read.
	supplements []*local.Definition
	bases       map[string]*local.Definition
}

// LoadValueSets reads ValueSet, CodeSystem and ConceptMap resources from
// JSON files, directories and FHIR NPM packages. A source that cannot be read is an
// error (the server does not half-start); a resource that cannot be used is
// skipped, with the reason: a ValueSet that does not parse, that has no
// compose, or that repeats the url|version or id of one read before; a
// CodeSystem that does not parse or contradicts itself; a ConceptMap that
// does not parse, breaks a rule of R4 (Map.Check), has no url or repeats a
// url|version read before. Loaded supplements
// are applied to the loaded code system they name.
func LoadValueSets(sources []string) (*LoadedDefinitions, error) {
	res, err := fhirpkg.Read(sources, fhirpkg.Options{Types: []string{"ValueSet", "CodeSystem", "ConceptMap"}})
	if err != nil {
		return nil, err
	}
	out := &LoadedDefinitions{Packages: res.Packages, bases: map[string]*local.Definition{}}
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
	seenMaps := map[string]string{}
	for _, r := range res.Resources {
		switch r.ResourceType {
		case "CodeSystem":
			if err := out.addCodeSystem(r); err != nil {
				skip(r, err.Error())
			}
			continue
		case "ConceptMap":
			if err := out.addConceptMap(r, seenMaps); err != nil {
				skip(r, err.Error())
			}
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
	out.applySupplements()
	return out, nil
}

// addCodeSystem reads a CodeSystem resource: a supplement is kept for
// applySupplements, any other becomes a code system served beside HCPCS.
func (out *LoadedDefinitions) addCodeSystem(r fhirpkg.Resource) error {
	d, err := ParseCodeSystem(r.JSON, r.Origin)
	if err != nil {
		return err
	}
	if d.URL == "" {
		return fmt.Errorf("the code system has no url")
	}
	if d.Content == "supplement" {
		out.supplements = append(out.supplements, d)
		return nil
	}
	cs, err := local.New(d)
	if err != nil {
		return err
	}
	out.CodeSystems = append(out.CodeSystems, cs)
	out.bases[canonicalOfDefinition(d)] = d
	if _, ok := out.bases[d.URL]; !ok {
		out.bases[d.URL] = d
	}
	return nil
}

// addConceptMap reads a ConceptMap resource, served to $translate.
func (out *LoadedDefinitions) addConceptMap(r fhirpkg.Resource, seen map[string]string) error {
	m, err := ParseConceptMap(r.JSON, r.Origin)
	if err != nil {
		return err
	}
	if m.URL == "" {
		return fmt.Errorf("the concept map has no url")
	}
	if prev, dup := seen[m.Canonical()]; dup {
		return fmt.Errorf("%s is already loaded (%s)", m.Canonical(), prev)
	}
	if m.ID == "" {
		m.ID = idFromURL(m.URL)
	}
	seen[m.Canonical()] = r.Origin
	out.ConceptMaps = append(out.ConceptMaps, m)
	return nil
}

// applySupplements adds each loaded supplement to the loaded code system
// it names; one for a system not loaded is skipped, with the reason.
func (out *LoadedDefinitions) applySupplements() {
	for _, sup := range out.supplements {
		base, ok := out.bases[sup.Supplements]
		if !ok {
			out.Skipped = append(out.Skipped, terminology.SkippedResource{Canonical: canonicalOfDefinition(sup),
				Reason: "a supplement of " + sup.Supplements + ", which is not loaded"})
			continue
		}
		d, err := local.Supplement(base, sup, canonicalOfDefinition(sup))
		var cs *local.System
		if err == nil {
			cs, err = local.New(d)
		}
		if err != nil {
			out.Skipped = append(out.Skipped, terminology.SkippedResource{Canonical: canonicalOfDefinition(sup), Reason: err.Error()})
			continue
		}
		for i, x := range out.CodeSystems {
			if x.Info().Canonical() == canonicalOfDefinition(base) {
				out.CodeSystems[i] = cs
			}
		}
		out.bases[canonicalOfDefinition(base)] = d
	}
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
