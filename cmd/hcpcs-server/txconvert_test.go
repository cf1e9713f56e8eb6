package main

// The R5 <-> R4 conversion the HL7 runner applies because this server is R4:
// TxTester talks to it through TerminologyClientR4
// (org.hl7.fhir.convertors/.../txClient/TerminologyClientR4.java), which
// converts every request from R5 and every answer back to R5 with
// VersionConvertorFactory_40_50, and which reads the answer with the R4
// JsonParser (org.hl7.fhir.r4/.../formats/JsonParser.java).
//
// Only what the resources of the general suites need is implemented:
//
//   - R4 model (txR4Defs): the elements the R4 JsonParser reads for
//     Parameters, OperationOutcome, ValueSet, CodeSystem, ConceptMap and the
//     data types they use (parse*Properties). The parser ignores anything
//     else, and the 40_50 convertors copy only mapped elements, so both ways
//     an element outside this model is dropped (a key that is no FHIR element,
//     or an R5 element such as ConceptMap.group.unmapped.relationship). Primitive values take the JSON
//     type of their FHIR type, blank strings and empty elements vanish (the
//     Java model's isEmpty). Resources and data types outside the table pass
//     through unchanged.
//   - R5 -> R4 (requests): CodeSystem40_50.convertCodeSystem
//     (versionAlgorithm[x] -> extension EXT_VERSION_ALGORITHM),
//     ValueSet40_50.convertFilterOperator (child-of, descendent-leaf ->
//     extension EXT_VALUESET_FILTER_OP on _op), ConceptMap40_50
//     (sourceScope/targetScope -> source/target, group.source|version ->
//     source + sourceVersion, target.relationship -> equivalence, noMap ->
//     an "unmatched" target, unmapped.mode use-source-code -> provided,
//     identifier 0..* -> 0..1).
//   - R4 -> R5 (answers): ValueSet40_50.convertValueSetExpansionComponent and
//     convertValueSetExpansionContainsComponent (extensions
//     EXT_VS_EXP_PROP -> expansion.property, EXT_EXP_VS_CONT_PROP ->
//     contains.property).

import (
	"fmt"
	"strings"
)

const (
	extVersionAlgorithm = "http://hl7.org/fhir/5.0/StructureDefinition/extension-CanonicalResource.versionAlgorithm"
	extFilterOp         = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.compose.include.filter.op"
	extExpansionProp    = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.property"
	extContainsProp     = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.contains.property"
	extNoMapComment     = "http://hl7.org/fhir/4.0/StructureDefinition/extension-ConceptMap.group.element.target.comment"
	extOldEquivalence   = "http://hl7.org/fhir/1.0/StructureDefinition/extension-ConceptMap.element.target.equivalence"
)

// fromR4Response reads an R4 answer as the R4 parser does and converts it to
// R5.
func fromR4Response(r map[string]any) (map[string]any, error) {
	rt, _ := r["resourceType"].(string)
	out, err := pruneR4("Resource", r, rt)
	if err != nil {
		return nil, fmt.Errorf("the R4 JsonParser would fail: %w", err)
	}
	m := out.(map[string]any)
	compactFHIR(m)
	forEachResource(m, r4ToR5Resource)
	compactFHIR(m)
	return m, nil
}

// forEachResource calls f on r and every resource inside it.
func forEachResource(v any, f func(map[string]any)) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			forEachResource(e, f)
		}
	case map[string]any:
		if _, ok := x["resourceType"].(string); ok {
			f(x)
		}
		for _, e := range x {
			forEachResource(e, f)
		}
	}
}

// ---- R5 -> R4 ----

func r5ToR4Resource(r map[string]any) {
	switch r["resourceType"] {
	case "CodeSystem":
		for _, k := range sortedMapKeys(r) {
			if v := r[k]; strings.HasPrefix(k, "versionAlgorithm") {
				ext := map[string]any{"url": extVersionAlgorithm, "value" + k[len("versionAlgorithm"):]: v}
				r["extension"] = append(asArray(r["extension"]), ext)
				delete(r, k)
			}
		}
	case "ValueSet":
		compose, _ := r["compose"].(map[string]any)
		for _, part := range []string{"include", "exclude"} {
			for _, inc := range asArray(compose[part]) {
				for _, f := range asArray(inc.(map[string]any)["filter"]) {
					fm := f.(map[string]any)
					if op := str(fm, "op"); op == "child-of" || op == "descendent-leaf" {
						el, _ := fm["_op"].(map[string]any)
						if el == nil {
							el = map[string]any{}
						}
						el["extension"] = append(asArray(el["extension"]), map[string]any{"url": extFilterOp, "valueCode": op})
						fm["_op"] = el
						delete(fm, "op")
					}
				}
			}
		}
	case "ConceptMap":
		conceptMapToR4(r)
	}
}

func conceptMapToR4(r map[string]any) {
	if ids := asArray(r["identifier"]); len(ids) > 0 {
		r["identifier"] = ids[0]
	}
	for _, side := range []string{"source", "target"} {
		for _, k := range sortedMapKeys(r) {
			if rest, ok := strings.CutPrefix(k, side+"Scope"); ok {
				r[side+rest] = r[k]
				delete(r, k)
			}
		}
	}
	equivalence := map[string]string{"related-to": "relatedto", "equivalent": "equivalent",
		"source-is-narrower-than-target": "wider", "source-is-broader-than-target": "narrower", "not-related-to": "disjoint"}
	for _, g := range asArray(r["group"]) {
		gm := g.(map[string]any)
		for _, side := range []string{"source", "target"} {
			if c, ok := gm[side].(string); ok {
				url, version, _ := strings.Cut(c, "|")
				gm[side] = url
				if version != "" {
					gm[side+"Version"] = version
				}
			}
		}
		for _, e := range asArray(gm["element"]) {
			em := e.(map[string]any)
			if em["noMap"] == true {
				t := map[string]any{"equivalence": "unmatched"}
				for _, x := range asArray(em["extension"]) {
					if str(x, "url") == extNoMapComment {
						t["comment"] = x.(map[string]any)["valueString"]
					}
				}
				em["target"] = []any{t}
			}
			setArray(em, "extension", withoutExtension(asArray(em["extension"]), extNoMapComment))
			if em["noMap"] == true {
				continue
			}
			for _, t := range asArray(em["target"]) {
				tm := t.(map[string]any)
				eq := "relatedto"
				if rel, ok := tm["relationship"].(string); ok {
					eq = equivalence[rel]
					if eq == "" {
						eq = "?" // ConceptMapEquivalence.NULL
					}
				}
				for _, x := range asArray(tm["extension"]) {
					if str(x, "url") == extOldEquivalence {
						eq = str(x, "valueCode")
					}
				}
				setArray(tm, "extension", withoutExtension(asArray(tm["extension"]), extOldEquivalence))
				tm["equivalence"] = eq
			}
		}
		if u, ok := gm["unmapped"].(map[string]any); ok {
			if u["mode"] == "use-source-code" {
				u["mode"] = "provided"
			}
			if om, ok := u["otherMap"]; ok {
				u["url"] = om
			}
		}
	}
}

func withoutExtension(es []any, url string) []any {
	var kept []any
	for _, e := range es {
		if str(e, "url") != url {
			kept = append(kept, e)
		}
	}
	return kept
}

// ---- R4 -> R5 ----

func r4ToR5Resource(r map[string]any) {
	if r["resourceType"] != "ValueSet" {
		return
	}
	exp, ok := r["expansion"].(map[string]any)
	if !ok {
		return
	}
	var kept, props []any
	for _, e := range asArray(exp["extension"]) {
		if str(e, "url") != extExpansionProp {
			kept = append(kept, e)
			continue
		}
		p := map[string]any{}
		if v, ok := subExtensionString(e, "code"); ok {
			p["code"] = v
		}
		if v, ok := subExtensionString(e, "uri"); ok {
			p["uri"] = v
		}
		props = append(props, p)
	}
	setArray(exp, "extension", kept)
	if props != nil {
		exp["property"] = append(asArray(exp["property"]), props...)
	}
	containsToR5(asArray(exp["contains"]))
}

func containsToR5(cs []any) {
	for _, c := range cs {
		cm := c.(map[string]any)
		var kept, props []any
		for _, e := range asArray(cm["extension"]) {
			if str(e, "url") != extContainsProp {
				kept = append(kept, e)
				continue
			}
			em := e.(map[string]any)
			p := map[string]any{}
			if id, ok := em["id"]; ok {
				p["id"] = id
			}
			var subs []any
			var value, valueX map[string]any
			for _, s := range asArray(em["extension"]) {
				switch str(s, "url") {
				case "code":
					if v, ok := primitiveOfExtension(s); ok {
						p["code"] = v
					}
				case "value":
					value, _ = s.(map[string]any)
				case "value[x]":
					valueX, _ = s.(map[string]any)
				default:
					subs = append(subs, s)
				}
			}
			if value == nil {
				value = valueX
			}
			for k, v := range value {
				if strings.HasPrefix(k, "value") || strings.HasPrefix(k, "_value") {
					p[k] = v
				}
			}
			if subs != nil {
				p["extension"] = subs
			}
			props = append(props, p)
		}
		setArray(cm, "extension", kept)
		if props != nil {
			cm["property"] = append(asArray(cm["property"]), props...)
		}
		containsToR5(asArray(cm["contains"]))
	}
}

// subExtensionString is Element.getExtensionString: the primitive value of
// the first sub-extension with that url.
func subExtensionString(e any, url string) (string, bool) {
	for _, s := range asArray(e.(map[string]any)["extension"]) {
		if str(s, "url") == url {
			return primitiveOfExtension(s)
		}
	}
	return "", false
}

func primitiveOfExtension(s any) (string, bool) {
	_, v, ok := primitiveValueOf(s.(map[string]any))
	return v, ok
}
