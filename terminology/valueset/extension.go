package valueset

// What an expansion entry carries from the extensions of its concept (in
// the code system and its supplements) and of the compose's listing of it,
// as tx.fhir.org's reference server does (FHIRsmith tx/workers/expand.js,
// includeCode; tx/library/designations.js, asObject): some become concept
// properties (label, order, weight), some are repeated as they are, and
// the others are left out.

// Extension is a FHIR extension as the engine keeps it: its url and either
// a primitive value (Type is the value[x] suffix, "String", "Integer",
// "Code", "Id", …, and Value its lexical form) or nested Extensions.
type Extension struct {
	URL, Type, Value string
	Extensions       []Extension
}

// The extensions an expansion reads or repeats.
const (
	ExtCodeSystemLabel   = "http://hl7.org/fhir/StructureDefinition/codesystem-label"
	ExtValueSetLabel     = "http://hl7.org/fhir/StructureDefinition/valueset-label"
	ExtCodeSystemOrder   = "http://hl7.org/fhir/StructureDefinition/codesystem-conceptOrder"
	ExtValueSetOrder     = "http://hl7.org/fhir/StructureDefinition/valueset-conceptOrder"
	ExtItemWeight        = "http://hl7.org/fhir/StructureDefinition/itemWeight"
	ExtSCTDescID         = "http://hl7.org/fhir/StructureDefinition/coding-sctdescid"
	ExtRenderingStyle    = "http://hl7.org/fhir/StructureDefinition/rendering-style"
	ExtRenderingXHTML    = "http://hl7.org/fhir/StructureDefinition/rendering-xhtml"
	ExtAlternate         = "http://hl7.org/fhir/StructureDefinition/codesystem-alternate"
	ExtStandardsStatus   = "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status"
	ExtValueSetSupp      = "http://hl7.org/fhir/StructureDefinition/valueset-supplement"
	ExtValueSetDeprec    = "http://hl7.org/fhir/StructureDefinition/valueset-deprecated"
	ExtConceptDefinition = "http://hl7.org/fhir/StructureDefinition/valueset-concept-definition"
)

// The properties an entry takes from extensions, with the standard
// concept-properties URIs they are declared with.
var (
	LabelProperty  = PropertyDefinition{Code: "label", URI: "http://hl7.org/fhir/concept-properties#label", Type: TypeString}
	OrderProperty  = PropertyDefinition{Code: "order", URI: "http://hl7.org/fhir/concept-properties#order", Type: TypeDecimal}
	WeightProperty = PropertyDefinition{Code: "weight", URI: "http://hl7.org/fhir/concept-properties#itemWeight", Type: TypeDecimal}
)

// extensionProperties: which extension gives which property.
var extensionProperties = []struct {
	codeSystem, valueSet string
	def                  *PropertyDefinition
}{
	{ExtCodeSystemLabel, ExtValueSetLabel, &LabelProperty},
	{ExtCodeSystemOrder, ExtValueSetOrder, &OrderProperty},
	{ExtItemWeight, ExtItemWeight, &WeightProperty},
}

// Echoed from a code system's concept, from a compose's listing, and from
// a designation.
var (
	echoedFromConcept     = []string{ExtSCTDescID, ExtRenderingStyle, ExtRenderingXHTML, ExtAlternate}
	echoedFromListing     = []string{ExtValueSetSupp, ExtValueSetDeprec, ExtStandardsStatus, ExtConceptDefinition, ExtSCTDescID, ExtRenderingStyle, ExtRenderingXHTML}
	echoedFromDesignation = []string{ExtSCTDescID, ExtRenderingStyle, ExtRenderingXHTML, ExtStandardsStatus, ExtAlternate}
)

func findExtension(exts []Extension, url string) (Extension, bool) {
	for _, e := range exts {
		if e.URL == url && e.Value != "" {
			return e, true
		}
	}
	return Extension{}, false
}

// ExtensionProperties are the label, order and weight of the member: the
// code system's, each replaced by the compose's listing's where it gives
// one. A member without extensions costs nothing.
func (m *Member) ExtensionProperties() []PropertyValue {
	if len(m.Concept.Extensions) == 0 && len(m.Extensions) == 0 {
		return nil
	}
	var out []PropertyValue
	for _, p := range extensionProperties {
		e, ok := findExtension(m.Extensions, p.valueSet)
		if !ok {
			e, ok = findExtension(m.Concept.Extensions, p.codeSystem)
		}
		if ok {
			out = append(out, PropertyValue{Code: p.def.Code, Type: p.def.Type, Value: e.Value})
		}
	}
	return out
}

// EchoedExtensions are the extensions of the concept, then of the
// compose's listing, that the member's expansion entry repeats.
func (m *Member) EchoedExtensions() []Extension {
	if len(m.Concept.Extensions) == 0 && len(m.Extensions) == 0 {
		return nil
	}
	return append(only(m.Concept.Extensions, echoedFromConcept, nil), only(m.Extensions, echoedFromListing, nil)...)
}

// EchoedExtensions are the extensions of the designation that an
// expansion repeats with it.
func (d Designation) EchoedExtensions() []Extension {
	return only(d.Extensions, echoedFromDesignation, nil)
}

func only(exts []Extension, urls []string, out []Extension) []Extension {
	for _, e := range exts {
		for _, u := range urls {
			if e.URL == u {
				out = append(out, e)
				break
			}
		}
	}
	return out
}
