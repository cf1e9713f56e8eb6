package fhir

import (
	"encoding/json"
	"fmt"
	"strings"

	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology/conceptmap"
)

// The inputs of $translate. R4 names first; tx.fhir.org also takes the R5
// names, and the HL7 tests send them (FHIRsmith tx/workers/translate.js,
// handleTypeLevelTranslate):
//
//	concept to translate   code+system(+version) | coding | codeableConcept
//	                       R5: sourceCode+sourceSystem(+sourceVersion), sourceCoding, sourceCodeableConcept
//	reverse                reverse=true with the above (R4), or R5's
//	                       targetCode+targetSystem, targetCoding, targetCodeableConcept
//	system of the answers  targetsystem (R4), targetSystem; reverse R5: system or sourceSystem
//	value set scopes       source, target (R4; swapped by reverse=true), sourceScope, targetScope
//	dependency             parts element (uri) and concept (CodeableConcept)
//
// Every coding of a codeableConcept is translated.
var (
	forwardCodeNames = [][2]string{{"code", "sourceCode"}, {"coding", "sourceCoding"}, {"codeableConcept", "sourceCodeableConcept"}}
	reverseCodeNames = []string{"targetCode", "targetcode", "targetCoding", "targetCodeableConcept"}
)

// readTranslateQueries reads the question: one query per concept to
// translate (a codeableConcept may have several codings).
func readTranslateQueries(p *opParams) ([]conceptmap.Query, error) {
	var given []string
	for _, pair := range forwardCodeNames {
		for _, n := range pair {
			if p.has(n) {
				given = append(given, n)
			}
		}
	}
	for _, n := range reverseCodeNames {
		if p.has(n) {
			given = append(given, n)
		}
	}
	switch len(given) {
	case 0:
		return nil, badRequest("code", "Give the concept to translate: code and system, coding or codeableConcept (R5: sourceCode and sourceSystem, sourceCoding, sourceCodeableConcept; in reverse targetCode and targetSystem, targetCoding, targetCodeableConcept).")
	case 1:
	default:
		return nil, badRequest(given[1], fmt.Sprintf("Give the concept to translate once; this request has %s.", strings.Join(quoted(given), " and ")))
	}
	reverseR4, err := p.boolean("reverse")
	if err != nil {
		return nil, err
	}
	var base conceptmap.Query
	fromScope, err := textOf(p, uriTypes, "source", "sourceScope")
	if err != nil {
		return nil, err
	}
	toScope, err := textOf(p, uriTypes, "target", "targetScope")
	if err != nil {
		return nil, err
	}
	targetSystem, err := textOf(p, uriTypes, "targetsystem", "targetSystem")
	if err != nil {
		return nil, err
	}
	base.FromScope, base.ToScope, base.ToSystem = fromScope, toScope, targetSystem
	if base.Dependencies, err = readDependencies(p); err != nil {
		return nil, err
	}
	var codings []conceptmap.Coding
	switch name := given[0]; name {
	case "code", "sourceCode":
		c, err := codeAndSystem(p, name, []string{"system", "sourceSystem"}, []string{"version", "sourceVersion"})
		if err != nil {
			return nil, err
		}
		codings = []conceptmap.Coding{c}
	case "targetCode", "targetcode":
		c, err := codeAndSystem(p, name, []string{"targetSystem", "targetsystem"}, []string{"targetVersion"})
		if err != nil {
			return nil, err
		}
		codings = []conceptmap.Coding{c}
	case "coding", "sourceCoding", "targetCoding":
		c, err := p.coding(name)
		if err != nil {
			return nil, err
		}
		codings = []conceptmap.Coding{fromFHIRCoding(*c)}
	default: // the CodeableConcepts
		cc, err := p.codeableConcept(name)
		if err != nil {
			return nil, err
		}
		for _, c := range cc.Coding {
			codings = append(codings, fromFHIRCoding(c))
		}
	}
	reverseR5 := strings.HasPrefix(given[0], "target")
	switch {
	case reverseR5 && reverseR4:
		return nil, badRequest("reverse", fmt.Sprintf("Parameter `reverse` cannot be combined with `%s`, which already names the target concept.", given[0]))
	case reverseR5:
		// The concept is the target one; the answers' system is the source
		// system, which R5 spells system (sourceSystem accepted).
		base.Reverse = true
		if base.ToSystem, err = textOf(p, uriTypes, "system", "sourceSystem"); err != nil {
			return nil, err
		}
	case reverseR4:
		// "reverses the meaning of the source and target parameters"
		base.Reverse = true
		base.FromScope, base.ToScope = toScope, fromScope
	}
	var out []conceptmap.Query
	for i, c := range codings {
		if c.System == "" || c.Code == "" {
			return nil, badRequest(given[0], fmt.Sprintf("The coding %d of `%s` needs both a system and a code.", i+1, given[0]))
		}
		q := base
		q.Coding = c
		out = append(out, q)
	}
	if len(out) == 0 {
		return nil, badRequest(given[0], fmt.Sprintf("Parameter `%s` has no coding to translate.", given[0]))
	}
	return out, nil
}

// codeAndSystem reads a code with its system and version, each under the
// first of its names that is given.
func codeAndSystem(p *opParams, codeName string, systemNames, versionNames []string) (conceptmap.Coding, error) {
	code, _, err := p.nonEmptyText(codeName, codeTypes)
	if err != nil {
		return conceptmap.Coding{}, err
	}
	system, err := textOf(p, uriTypes, systemNames...)
	if err != nil {
		return conceptmap.Coding{}, err
	}
	if system == "" {
		return conceptmap.Coding{}, badRequest(systemNames[0], fmt.Sprintf("Parameter `%s` needs `%s`: a code means nothing without its system.", codeName, systemNames[0]))
	}
	version, err := textOf(p, versionTypes, versionNames...)
	return conceptmap.Coding{System: system, Version: version, Code: code}, err
}

// textOf is the value of the first of names that is given; "" when none is.
func textOf(p *opParams, types []string, names ...string) (string, error) {
	for _, n := range names {
		if v, ok, err := p.nonEmptyText(n, types); err != nil || ok {
			return v, err
		}
	}
	return "", nil
}

func fromFHIRCoding(c fm.Coding) conceptmap.Coding {
	return conceptmap.Coding{System: str(c.System), Version: str(c.Version), Code: str(c.Code), Display: str(c.Display)}
}

// readDependencies reads the dependency parameters: parts element (uri)
// and concept (CodeableConcept).
func readDependencies(p *opParams) ([]conceptmap.Dependency, error) {
	var out []conceptmap.Dependency
	for i, x := range p.all("dependency") {
		where := fmt.Sprintf("dependency[%d]", i)
		if x.parts == nil {
			return nil, badRequest("dependency", fmt.Sprintf("Parameter %s must have parts element and concept; POST it in a Parameters resource.", where))
		}
		var raws []map[string]json.RawMessage
		if err := json.Unmarshal(x.parts, &raws); err != nil {
			return nil, badRequest("dependency", fmt.Sprintf("The parts of %s are not a list of parameters: %v.", where, err))
		}
		var d conceptmap.Dependency
		for j, raw := range raws {
			part, err := decodeParam(raw, j)
			if err != nil {
				return nil, err
			}
			switch part.name {
			case "element":
				if err := checkType(&part, uriTypes); err != nil {
					return nil, err
				}
				d.Element = part.text
			case "concept":
				switch {
				case part.concept != nil:
					for _, c := range part.concept.Coding {
						d.Codings = append(d.Codings, fromFHIRCoding(c))
					}
				case part.coding != nil:
					d.Codings = append(d.Codings, fromFHIRCoding(*part.coding))
				default:
					return nil, badRequest("dependency", fmt.Sprintf("The concept of %s must be valueCodeableConcept or valueCoding.", where))
				}
			}
		}
		if d.Element == "" {
			return nil, badRequest("dependency", fmt.Sprintf("Parameter %s has no element part.", where))
		}
		out = append(out, d)
	}
	return out, nil
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "`" + n + "`"
	}
	return out
}
