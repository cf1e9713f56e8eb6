package main

// The R4 model the HL7 runner's R4 client reads answers with, and writes
// requests in: the elements the R4 JsonParser
// (org.hl7.fhir.r4/src/main/java/org/hl7/fhir/r4/formats/JsonParser.java,
// parse*Properties and parseType) reads for the resources of the general
// suites. The parser ignores anything else, and the 40_50 convertors copy
// only mapped elements, so an element outside this model is dropped both
// ways. See txconvert_test.go.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// txR4Defs: "E" is Element (id, extension), "B" BackboneElement (+
// modifierExtension), "R" Resource, "D" DomainResource. name* is a list,
// name[x] a choice of any R4 data type, as the parser's parseType reads it.
var txR4Defs = map[string]string{
	"Element":         "E",
	"Extension":       "E url:uri value[x]",
	"Narrative":       "E status:code div:xhtml",
	"Meta":            "E versionId:id lastUpdated:instant source:uri profile*:canonical security*:Coding tag*:Coding",
	"Coding":          "E system:uri version:string code:code display:string userSelected:boolean",
	"CodeableConcept": "E coding*:Coding text:string",
	"Identifier":      "E use:code type:CodeableConcept system:uri value:string period:Period assigner:Reference",
	"Period":          "E start:dateTime end:dateTime",
	"Reference":       "E reference:string type:uri identifier:Identifier display:string",
	"ContactPoint":    "E system:code value:string use:code rank:positiveInt period:Period",
	"ContactDetail":   "E name:string telecom*:ContactPoint",
	"UsageContext":    "E code:Coding value[x]",
	"Quantity":        "E value:decimal comparator:code unit:string system:uri code:code",

	"Parameters":           "R parameter*:Parameters.parameter",
	"Parameters.parameter": "B name:string value[x] resource:Resource part*:Parameters.parameter",

	"OperationOutcome":       "D issue*:OperationOutcome.issue",
	"OperationOutcome.issue": "B severity:code code:code details:CodeableConcept diagnostics:string location*:string expression*:string",

	"ValueSet": "D url:uri identifier*:Identifier version:string name:string title:string status:code experimental:boolean " +
		"date:dateTime publisher:string contact*:ContactDetail description:markdown useContext*:UsageContext " +
		"jurisdiction*:CodeableConcept immutable:boolean purpose:markdown copyright:markdown compose:ValueSet.compose expansion:ValueSet.expansion",
	"ValueSet.compose":     "B lockedDate:date inactive:boolean include*:ValueSet.include exclude*:ValueSet.include",
	"ValueSet.include":     "B system:uri version:string concept*:ValueSet.concept filter*:ValueSet.filter valueSet*:canonical",
	"ValueSet.concept":     "B code:code display:string designation*:ValueSet.designation",
	"ValueSet.designation": "B language:code use:Coding value:string",
	"ValueSet.filter":      "B property:code op:code value:string",
	"ValueSet.expansion": "B identifier:uri timestamp:dateTime total:integer offset:integer " +
		"parameter*:ValueSet.expansion.parameter contains*:ValueSet.contains",
	"ValueSet.expansion.parameter": "B name:string value[x]",
	"ValueSet.contains": "B system:uri abstract:boolean inactive:boolean version:string code:code display:string " +
		"designation*:ValueSet.designation contains*:ValueSet.contains",

	"CodeSystem": "D url:uri identifier*:Identifier version:string name:string title:string status:code experimental:boolean " +
		"date:dateTime publisher:string contact*:ContactDetail description:markdown useContext*:UsageContext " +
		"jurisdiction*:CodeableConcept purpose:markdown copyright:markdown caseSensitive:boolean valueSet:canonical " +
		"hierarchyMeaning:code compositional:boolean versionNeeded:boolean content:code supplements:canonical count:unsignedInt " +
		"filter*:CodeSystem.filter property*:CodeSystem.property concept*:CodeSystem.concept",
	"CodeSystem.filter":   "B code:code description:string operator*:code value:string",
	"CodeSystem.property": "B code:code uri:uri description:string type:code",
	"CodeSystem.concept": "B code:code display:string definition:string designation*:CodeSystem.designation " +
		"property*:CodeSystem.concept.property concept*:CodeSystem.concept",
	"CodeSystem.designation":      "B language:code use:Coding value:string",
	"CodeSystem.concept.property": "B code:code value[x]",

	"ConceptMap": "D url:uri identifier:Identifier version:string name:string title:string status:code experimental:boolean " +
		"date:dateTime publisher:string contact*:ContactDetail description:markdown useContext*:UsageContext " +
		"jurisdiction*:CodeableConcept purpose:markdown copyright:markdown source[x] target[x] group*:ConceptMap.group",
	"ConceptMap.group":    "B source:uri sourceVersion:string target:uri targetVersion:string element*:ConceptMap.element unmapped:ConceptMap.unmapped",
	"ConceptMap.element":  "B code:code display:string target*:ConceptMap.target",
	"ConceptMap.target":   "B code:code display:string equivalence:code comment:string dependsOn*:ConceptMap.other product*:ConceptMap.other",
	"ConceptMap.other":    "B property:uri system:canonical value:string display:string",
	"ConceptMap.unmapped": "B mode:code code:code display:string url:canonical",
}

// The value[x] suffixes the R4 parser knows (JsonParser.parseType).
var (
	txR4PrimitiveTypes = strings.Fields("Base64Binary Boolean Canonical Code Date DateTime Decimal Id Instant Integer Markdown " +
		"Oid PositiveInt String Time UnsignedInt Uri Url Uuid")
	txR4ComplexTypes = strings.Fields("Address Age Annotation Attachment CodeableConcept Coding ContactDetail ContactPoint " +
		"Contributor Count DataRequirement Distance Dosage Duration Expression Extension HumanName Identifier MarketingStatus " +
		"Meta Money Narrative ParameterDefinition Period Population ProdCharacteristic ProductShelfLife Quantity Range Ratio " +
		"Reference RelatedArtifact SampledData Signature SubstanceAmount Timing TriggerDefinition UsageContext")
)

type r4Element struct {
	typ   string // "*" for a choice
	array bool
}

var txR4Model = func() map[string]map[string]r4Element {
	base := map[string]string{
		"E": "id:string extension*:Extension",
		"B": "id:string extension*:Extension modifierExtension*:Extension",
		"R": "id:id meta:Meta implicitRules:uri language:code",
		"D": "id:id meta:Meta implicitRules:uri language:code text:Narrative contained*:Resource extension*:Extension modifierExtension*:Extension",
	}
	out := map[string]map[string]r4Element{}
	for name, def := range txR4Defs {
		fields := strings.Fields(def)
		m := map[string]r4Element{}
		for _, f := range append(strings.Fields(base[fields[0]]), fields[1:]...) {
			if n, ok := strings.CutSuffix(f, "[x]"); ok {
				m[n] = r4Element{typ: "*"}
				continue
			}
			n, t, _ := strings.Cut(f, ":")
			n, arr := strings.CutSuffix(n, "*")
			m[n] = r4Element{typ: t, array: arr}
		}
		out[name] = m
	}
	return out
}()

func isR4Primitive(t string) bool { return t != "" && unicode.IsLower(rune(t[0])) }

// toR4Request converts an R5 request resource to what TerminologyClientR4
// sends.
func toR4Request(r map[string]any) (map[string]any, error) {
	forEachResource(r, r5ToR4Resource)
	out, err := pruneR4("Resource", r, r["resourceType"].(string))
	if err != nil {
		return nil, err
	}
	m := out.(map[string]any)
	compactFHIR(m)
	return m, nil
}

// pruneR4 keeps what the R4 parser reads of v, a value of type typ.
func pruneR4(typ string, v any, path string) (any, error) {
	if typ == "Resource" {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: a resource must be an object", path)
		}
		rt, _ := m["resourceType"].(string)
		if _, known := txR4Model[rt]; !known {
			return m, nil // outside the table: unchanged
		}
		typ = rt
	}
	model, known := txR4Model[typ]
	if !known {
		return v, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: expected an object, got %s", path, jsonKind(v))
	}
	out := map[string]any{}
	if isResourceDef(typ) {
		out["resourceType"] = m["resourceType"]
	}
	for k, val := range m {
		name, elementOnly := strings.CutPrefix(k, "_")
		el, ok := model[name]
		t := el.typ
		if !ok {
			// a choice: valueString, sourceUri, …
			for base, e := range model {
				if e.typ == "*" && strings.HasPrefix(name, base) && isR4TypeName(name[len(base):]) {
					el, ok, t = e, true, choiceType(name[len(base):])
				}
			}
		}
		if !ok || t == "*" {
			continue // not read by the R4 parser
		}
		p := path + "." + k
		var err error
		var kept any
		switch {
		case elementOnly && isR4Primitive(t):
			kept, err = pruneList(el.array, val, p, func(x any, p string) (any, error) { return pruneR4("Element", x, p) })
		case elementOnly:
			continue
		case isR4Primitive(t):
			kept, err = pruneList(el.array, val, p, func(x any, p string) (any, error) { return coercePrimitive(t, x, p) })
		default:
			kept, err = pruneList(el.array, val, p, func(x any, p string) (any, error) { return pruneR4(t, x, p) })
		}
		if err != nil {
			return nil, err
		}
		if kept != nil {
			out[k] = kept
		}
	}
	// A blank primitive without its element is empty and not written.
	for k, val := range out {
		if s, ok := val.(string); ok && strings.TrimSpace(s) == "" && k != "resourceType" {
			if _, hasElement := out["_"+k]; !hasElement {
				delete(out, k)
			}
		}
	}
	return out, nil
}

func isResourceDef(typ string) bool {
	f := strings.Fields(txR4Defs[typ])
	return len(f) > 0 && (f[0] == "R" || f[0] == "D")
}

func isR4TypeName(s string) bool {
	return slices.Contains(txR4PrimitiveTypes, s) || slices.Contains(txR4ComplexTypes, s)
}

// choiceType maps a value[x] suffix to its type name: valueDateTime is a
// dateTime, valueCoding a Coding.
func choiceType(suffix string) string {
	if slices.Contains(txR4PrimitiveTypes, suffix) {
		return strings.ToLower(suffix[:1]) + suffix[1:]
	}
	return suffix
}

func pruneList(array bool, v any, path string, f func(any, string) (any, error)) (any, error) {
	if !array {
		if _, isList := v.([]any); isList {
			return nil, fmt.Errorf("%s: expected a single value, got an array", path)
		}
		return f(v, path)
	}
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: expected an array, got %s", path, jsonKind(v))
	}
	out := make([]any, 0, len(a))
	for i, x := range a {
		if x == nil {
			out = append(out, nil) // a gap in a primitive list with _name
			continue
		}
		y, err := f(x, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, nil
}

// coercePrimitive reads a primitive as Gson does for the R4 parser and gives
// it the JSON type the R5 composer writes.
func coercePrimitive(t string, v any, path string) (any, error) {
	if v == nil {
		return nil, fmt.Errorf("%s: null", path)
	}
	if !isJSONPrimitive(v) {
		return nil, fmt.Errorf("%s: expected a %s, got a JSON %s", path, t, jsonKind(v))
	}
	text := fmt.Sprint(v)
	switch t {
	case "boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return strings.EqualFold(text, "true"), nil // Boolean.parseBoolean
	case "integer", "positiveInt", "unsignedInt":
		// Gson's getAsInt falls back to BigDecimal.intValue: 5.0 reads as 5.
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an integer", path, text)
		}
		if _, err := strconv.ParseInt(text, 10, 64); err != nil {
			text = strconv.FormatInt(int64(f), 10)
		}
		return json.Number(text), nil
	case "decimal":
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			return nil, fmt.Errorf("%s: %q is not a decimal", path, text)
		}
		return json.Number(text), nil
	}
	return text, nil
}
