package local

import (
	"fmt"
	"slices"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// Supplement returns a copy of base with a supplement applied: the
// supplement's designations and property values are added to the concepts
// of the same code, and its property declarations to base's. base is not
// modified. The added designations name source, the supplement's
// canonical. A supplement that names a code base does not have is refused:
// a supplement cannot define concepts.
func Supplement(base, sup *Definition, source string) (*Definition, error) {
	if sup.Content != "supplement" {
		return nil, invalidf("CodeSystem.content", "The CodeSystem %s is not a supplement", sup.URL)
	}
	out := *base
	out.Properties = slices.Clone(base.Properties)
	for _, p := range sup.Properties {
		if !slices.ContainsFunc(out.Properties, func(x valueset.PropertyDefinition) bool { return x.Code == p.Code }) {
			out.Properties = append(out.Properties, p)
		}
	}
	byCode := map[string]*ConceptDefinition{}
	out.Concepts = cloneConcepts(base.Concepts, byCode, base.CaseSensitive)
	var apply func(cs []*ConceptDefinition, path string) error
	apply = func(cs []*ConceptDefinition, path string) error {
		for i, c := range cs {
			where := fmt.Sprintf("%s[%d]", path, i)
			target, ok := byCode[key(c.Code, base.CaseSensitive)]
			if !ok {
				return invalidf(where+".code", "The supplement %s names the code '%s', which is not in the CodeSystem %s", sup.URL, c.Code, base.URL)
			}
			for _, d := range c.Designations {
				d.Source = source
				target.Designations = append(target.Designations, d)
			}
			target.Properties = append(target.Properties, c.Properties...)
			target.Extensions = append(target.Extensions, c.Extensions...)
			if err := apply(c.Concepts, where+".concept"); err != nil {
				return err
			}
		}
		return nil
	}
	if err := apply(sup.Concepts, "CodeSystem.concept"); err != nil {
		return nil, err
	}
	out.Supplemented = append(slices.Clip(base.Supplemented), source)
	return &out, nil
}

func key(code string, caseSensitive bool) string {
	if caseSensitive {
		return code
	}
	return fold(code)
}

// cloneConcepts copies the concept tree deeply enough that appending to a
// copy's designations and properties leaves the original alone.
func cloneConcepts(cs []*ConceptDefinition, byCode map[string]*ConceptDefinition, caseSensitive bool) []*ConceptDefinition {
	out := make([]*ConceptDefinition, len(cs))
	for i, c := range cs {
		cp := *c
		cp.Designations = slices.Clip(slices.Clone(c.Designations))
		cp.Properties = slices.Clip(slices.Clone(c.Properties))
		cp.Extensions = slices.Clip(slices.Clone(c.Extensions))
		cp.Concepts = cloneConcepts(c.Concepts, byCode, caseSensitive)
		if _, dup := byCode[key(c.Code, caseSensitive)]; !dup {
			byCode[key(c.Code, caseSensitive)] = &cp
		}
		out[i] = &cp
	}
	return out
}
