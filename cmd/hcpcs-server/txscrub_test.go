package main

// What the HL7 runner removes from the server's answer, once converted to R5,
// before comparing it: TxTesterScrubbers.java
// (org.hl7.fhir.validation/src/main/java/org/hl7/fhir/validation/special/):
// scrubParameters, scrubValueSet, scrubOperationOutcome, scrubDomainResource
// with TxTesterScrubberVisitor.isManagedExtension, tight = false as in the
// CLI. Sorting is in txsort_test.go.

import (
	"slices"
	"strings"
)

// managedExtensions are the absolute extension URLs the scrubber keeps
// (isManagedExtension); relative URLs (sub-extensions) are always kept.
var managedExtensions = []string{
	"http://hl7.org/fhir/StructureDefinition/codesystem-alternate",
	"http://hl7.org/fhir/StructureDefinition/codesystem-conceptOrder",
	"http://hl7.org/fhir/StructureDefinition/codesystem-label",
	"http://hl7.org/fhir/StructureDefinition/coding-sctdescid",
	"http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status",
	"http://hl7.org/fhir/StructureDefinition/itemWeight",
	"http://hl7.org/fhir/StructureDefinition/rendering-style",
	"http://hl7.org/fhir/StructureDefinition/rendering-xhtml",
	"http://hl7.org/fhir/StructureDefinition/translation",
	"http://hl7.org/fhir/StructureDefinition/valueset-concept-definition",
	"http://hl7.org/fhir/StructureDefinition/valueset-conceptOrder",
	"http://hl7.org/fhir/StructureDefinition/valueset-deprecated",
	"http://hl7.org/fhir/StructureDefinition/valueset-label",
	"http://hl7.org/fhir/StructureDefinition/valueset-supplement",
	"http://hl7.org/fhir/test/CodeSystem/de-multi",
	"http://hl7.org/fhir/test/CodeSystem/en-multi",
	"http://hl7.org/fhir/test/StructureDefinition/unknown-extension-1",
	"http://hl7.org/fhir/test/StructureDefinition/unknown-extension-3",
	"http://hl7.org/fhir/test/StructureDefinition/unknown-extension-4",
	"http://hl7.org/fhir/test/StructureDefinition/unknown-extension-5",
	"http://hl7.org/fhir/test/ValueSet/extensions-bad-supplement",
	"http://hl7.org/fhir/test/ValueSet/simple-all",
	"http://hl7.org/fhir/test/ValueSet/simple-enumerated",
	"http://hl7.org/fhir/StructureDefinition/alternate-code-use",
	"http://hl7.org/fhir/StructureDefinition/alternate-code-status",
	"http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id",
	"http://hl7.org/fhir/test/ValueSet/simple-filter-isa",
	"http://hl7.org/fhir/StructureDefinition/valueset-unclosed",
	"http://hl7.org/fhir/StructureDefinition/valueset-unclosed-reason",
}

func isManagedExtension(url string) bool {
	return !isAbsoluteURL(url) || slices.Contains(managedExtensions, url)
}

// isAbsoluteURL is Utilities.isAbsoluteUrl.
func isAbsoluteURL(ref string) bool {
	scheme, details, ok := strings.Cut(ref, ":")
	if !ok {
		return false
	}
	known := slices.Contains([]string{"http", "https", "urn"}, scheme) || (isJavaToken(scheme) && scheme == strings.ToLower(scheme)) ||
		hasAnyPrefix(ref, "urn:iso:", "urn:iso-iec:", "urn:iso-cie:", "urn:iso-astm:", "urn:iso-ieee:", "urn:iec:")
	return known && details != "" && !strings.Contains(details, " ")
}

func isJavaToken(s string) bool {
	alpha := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	if s == "" || !alpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !alpha(c) && !(c >= '0' && c <= '9') && c != '_' && c != '[' && c != ']' {
			return false
		}
	}
	return true
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// scrubParameters: meta and "diagnostics" parameters go; resources in
// parameters are scrubbed by type. Extensions of the Parameters themselves
// are kept.
func scrubParameters(p map[string]any) {
	delete(p, "meta")
	var kept []any
	for _, x := range asArray(p["parameter"]) {
		if str(x, "name") == "diagnostics" {
			continue
		}
		kept = append(kept, x)
		if r, ok := x.(map[string]any)["resource"].(map[string]any); ok {
			switch r["resourceType"] {
			case "ValueSet":
				scrubDomainResource(r)
			case "OperationOutcome":
				scrubOperationOutcome(r)
			case "Parameters":
				scrubParameters(r)
			}
		}
	}
	setArray(p, "parameter", kept)
}

// scrubDomainResource removes text and meta, then unmanaged extensions
// everywhere below, except inside ValueSet.compose (its own extensions are
// scrubbed, not those of its children).
func scrubDomainResource(r map[string]any) {
	delete(r, "text")
	delete(r, "meta")
	scrubExtensions(r, false)
	compactFHIR(r)
}

func scrubExtensions(v any, noChildren bool) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			scrubExtensions(e, false)
		}
	case map[string]any:
		if exts, ok := x["extension"].([]any); ok {
			var kept []any
			for _, e := range exts {
				if isManagedExtension(str(e, "url")) {
					kept = append(kept, e)
				}
			}
			setArray(x, "extension", kept)
		}
		if noChildren {
			return
		}
		isValueSet := x["resourceType"] == "ValueSet"
		for k, c := range x {
			scrubExtensions(c, isValueSet && k == "compose")
		}
	}
}

// scrubOperationOutcome drops issues that have diagnostics and no details,
// and the diagnostics of the others unless they mention x-request-id.
func scrubOperationOutcome(oo map[string]any) {
	scrubDomainResource(oo)
	var kept []any
	for _, is := range asArray(oo["issue"]) {
		im, _ := is.(map[string]any)
		_, hasDiag := im["diagnostics"]
		if hasDiag && fhirEmpty(im["details"]) {
			continue
		}
		if d, ok := im["diagnostics"].(string); ok && !strings.Contains(strings.ToLower(d), "x-request-id") {
			delete(im, "diagnostics")
		}
		kept = append(kept, is)
	}
	setArray(oo, "issue", kept)
}

// ---- JSON helpers ----

// fhirEmpty is Base.isEmpty of the Java model: no value anywhere below
// (blank strings count as empty).
func fhirEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		for _, e := range x {
			if !fhirEmpty(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for k, e := range x {
			if k != "resourceType" && !fhirEmpty(e) {
				return false
			}
		}
		return true
	}
	return false
}

// compactFHIR drops what the Java composer never writes: empty objects and
// arrays (a resource is kept, since its resourceType is always written).
func compactFHIR(v any) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			compactFHIR(e)
		}
	case map[string]any:
		for k, e := range x {
			compactFHIR(e)
			switch c := e.(type) {
			case []any:
				kept := c[:0]
				for _, i := range c {
					if m, ok := i.(map[string]any); !ok || len(m) > 0 {
						kept = append(kept, i)
					}
				}
				setArray(x, k, kept)
			case map[string]any:
				if len(c) == 0 {
					delete(x, k)
				}
			}
		}
	}
}

func setArray(m map[string]any, k string, a []any) {
	if len(a) == 0 {
		delete(m, k)
	} else {
		m[k] = a
	}
}

func str(v any, key string) string {
	m, _ := v.(map[string]any)
	s, _ := m[key].(string)
	return s
}

func asArray(v any) []any {
	a, _ := v.([]any)
	return a
}
