package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hcpcs-server/hcpcs-server/terminology/conceptmap"
)

// conceptMapJSON is the FHIR R4 ConceptMap, with the few R5 spellings a
// map written for R5 uses (sourceScope[x]/targetScope[x], relationship,
// noMap, use-source-code, otherMap) read as their R4 equivalents, the way
// the HL7 converter (ConceptMap40_50) maps them.
type conceptMapJSON struct {
	ResourceType         string                `json:"resourceType"`
	ID                   string                `json:"id"`
	URL                  string                `json:"url"`
	Version              string                `json:"version"`
	Name                 string                `json:"name"`
	Title                string                `json:"title"`
	Status               string                `json:"status"`
	SourceURI            string                `json:"sourceUri"`
	SourceCanonical      string                `json:"sourceCanonical"`
	TargetURI            string                `json:"targetUri"`
	TargetCanonical      string                `json:"targetCanonical"`
	SourceScopeURI       string                `json:"sourceScopeUri"`
	SourceScopeCanonical string                `json:"sourceScopeCanonical"`
	TargetScopeURI       string                `json:"targetScopeUri"`
	TargetScopeCanonical string                `json:"targetScopeCanonical"`
	Group                []conceptMapGroupJSON `json:"group"`
}

type conceptMapGroupJSON struct {
	Source        string `json:"source"`
	SourceVersion string `json:"sourceVersion"`
	Target        string `json:"target"`
	TargetVersion string `json:"targetVersion"`
	Element       []struct {
		Code    string                 `json:"code"`
		Display string                 `json:"display"`
		NoMap   bool                   `json:"noMap"`
		Target  []conceptMapTargetJSON `json:"target"`
	} `json:"element"`
	Unmapped *struct {
		Mode     string `json:"mode"`
		Code     string `json:"code"`
		Display  string `json:"display"`
		URL      string `json:"url"`
		OtherMap string `json:"otherMap"`
	} `json:"unmapped"`
}

type conceptMapTargetJSON struct {
	Code         string                `json:"code"`
	Display      string                `json:"display"`
	Equivalence  string                `json:"equivalence"`
	Relationship string                `json:"relationship"`
	Comment      string                `json:"comment"`
	DependsOn    []conceptMapOtherJSON `json:"dependsOn"`
	Product      []conceptMapOtherJSON `json:"product"`
}

type conceptMapOtherJSON struct {
	Property string `json:"property"`
	System   string `json:"system"`
	Value    string `json:"value"`
	Display  string `json:"display"`
}

// r5Relationships are R5's ConceptMap relationships as R4 equivalences
// (ConceptMap40_50.convertConceptMapRelationship, reversed).
var r5Relationships = map[string]conceptmap.Equivalence{
	"related-to": conceptmap.RelatedTo, "equivalent": conceptmap.Equivalent,
	"source-is-narrower-than-target": conceptmap.Wider, "source-is-broader-than-target": conceptmap.Narrower,
	"not-related-to": conceptmap.Disjoint,
}

// ParseConceptMap reads a FHIR ConceptMap and checks it (Map.Check); a
// rejection is a conceptmap.ErrInvalid error that names origin and the
// element at fault.
func ParseConceptMap(b []byte, origin string) (*conceptmap.Map, error) {
	invalid := func(path, format string, args ...any) error {
		return &conceptmap.Error{Kind: conceptmap.ErrInvalid, Path: path, Text: origin + " " + fmt.Sprintf(format, args...)}
	}
	var in conceptMapJSON
	if err := decodeOne(json.NewDecoder(bytes.NewReader(b)), &in); err != nil {
		return nil, invalid("ConceptMap", "is not a valid FHIR ConceptMap: %v", err)
	}
	if in.ResourceType != "ConceptMap" {
		return nil, invalid("resourceType", "is a %q, not a ConceptMap", in.ResourceType)
	}
	if in.Status != "" && !publicationStatuses[in.Status] {
		return nil, invalid("ConceptMap.status", "has status %q, which is not one of draft, active, retired, unknown", in.Status)
	}
	m := &conceptmap.Map{ID: in.ID, URL: in.URL, Version: in.Version, Name: in.Name, Title: in.Title, Status: in.Status, Origin: origin,
		SourceScope: firstOf(in.SourceURI, in.SourceCanonical, in.SourceScopeURI, in.SourceScopeCanonical),
		TargetScope: firstOf(in.TargetURI, in.TargetCanonical, in.TargetScopeURI, in.TargetScopeCanonical)}
	for gi, g := range in.Group {
		out := conceptmap.Group{Source: g.Source, SourceVersion: g.SourceVersion, Target: g.Target, TargetVersion: g.TargetVersion}
		// R5 writes the version into the canonical.
		if u, v, ok := strings.Cut(out.Source, "|"); ok && out.SourceVersion == "" {
			out.Source, out.SourceVersion = u, v
		}
		if u, v, ok := strings.Cut(out.Target, "|"); ok && out.TargetVersion == "" {
			out.Target, out.TargetVersion = u, v
		}
		for ei, e := range g.Element {
			el := conceptmap.Element{Code: e.Code, Display: e.Display}
			if e.NoMap {
				el.Targets = append(el.Targets, conceptmap.Target{Equivalence: conceptmap.Unmatched})
			}
			for ti, t := range e.Target {
				eq := conceptmap.Equivalence(t.Equivalence)
				if eq == "" && t.Relationship != "" {
					var ok bool
					if eq, ok = r5Relationships[t.Relationship]; !ok {
						return nil, invalid(fmt.Sprintf("ConceptMap.group[%d].element[%d].target[%d].relationship", gi, ei, ti),
							"has the relationship %q, which is not an R5 concept map relationship", t.Relationship)
					}
				}
				el.Targets = append(el.Targets, conceptmap.Target{Code: t.Code, Display: t.Display, Equivalence: eq, Comment: t.Comment,
					DependsOn: otherElements(t.DependsOn), Product: otherElements(t.Product)})
			}
			out.Elements = append(out.Elements, el)
		}
		if u := g.Unmapped; u != nil {
			mode := u.Mode
			if mode == "use-source-code" {
				mode = conceptmap.UnmappedProvided
			}
			out.Unmapped = &conceptmap.Unmapped{Mode: mode, Code: u.Code, Display: u.Display, URL: firstOf(u.URL, u.OtherMap)}
		}
		m.Groups = append(m.Groups, out)
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	return m, nil
}

func otherElements(in []conceptMapOtherJSON) []conceptmap.OtherElement {
	var out []conceptmap.OtherElement
	for _, o := range in {
		out = append(out, conceptmap.OtherElement{Property: o.Property, System: o.System, Value: o.Value, Display: o.Display})
	}
	return out
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
