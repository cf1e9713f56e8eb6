package fhir

import (
	"encoding/json"

	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// R4 has no expansion.property or contains.property (R5 adds them); they
// are carried in the standard cross-version extensions, which converters
// to R5 turn back into the elements.
const (
	extExpansionProperty = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.property"
	extContainsProperty  = "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.expansion.contains.property"
)

// expandedValueSetJSON is the answer of $expand: the definition's metadata
// and the expansion.
type expandedValueSetJSON struct {
	valueSetJSON
	// Extension, with includeDefinition, are the value set's extensions as
	// its source gives them; it takes the place of valueSetJSON's.
	Extension []json.RawMessage `json:"extension,omitempty"`
	Expansion expansionJSON     `json:"expansion"`
}

type expansionJSON struct {
	Extension  []extensionJSON      `json:"extension,omitempty"`
	Identifier string               `json:"identifier"`
	Timestamp  string               `json:"timestamp"`
	Total      int                  `json:"total"`
	Offset     *int                 `json:"offset,omitempty"`
	Parameter  []expansionParamJSON `json:"parameter,omitempty"`
	Contains   []expansionEntryJSON `json:"contains,omitempty"`
}

// expansionParamJSON carries exactly one value[x].
type expansionParamJSON struct {
	Name          string  `json:"name"`
	ValueString   *string `json:"valueString,omitempty"`
	ValueBoolean  *bool   `json:"valueBoolean,omitempty"`
	ValueInteger  *int    `json:"valueInteger,omitempty"`
	ValueUri      *string `json:"valueUri,omitempty"`
	ValueCode     *string `json:"valueCode,omitempty"`
	ValueDateTime *string `json:"valueDateTime,omitempty"`
}

type expansionEntryJSON struct {
	Extension   []extensionJSON   `json:"extension,omitempty"`
	System      string            `json:"system,omitempty"`
	Abstract    *bool             `json:"abstract,omitempty"`
	Inactive    *bool             `json:"inactive,omitempty"`
	Version     string            `json:"version,omitempty"`
	Code        string            `json:"code,omitempty"`
	Display     string            `json:"display,omitempty"`
	Designation []designationJSON `json:"designation,omitempty"`
	// Contains are the entries nested under this one.
	Contains []expansionEntryJSON `json:"contains,omitempty"`
}

// extensionJSON carries exactly one value[x], or nested extensions.
type extensionJSON struct {
	URL            string          `json:"url"`
	Extension      []extensionJSON `json:"extension,omitempty"`
	ValueCode      *string         `json:"valueCode,omitempty"`
	ValueCoding    *fm.Coding      `json:"valueCoding,omitempty"`
	ValueString    *string         `json:"valueString,omitempty"`
	ValueInteger   *int            `json:"valueInteger,omitempty"`
	ValueBoolean   *bool           `json:"valueBoolean,omitempty"`
	ValueDateTime  *string         `json:"valueDateTime,omitempty"`
	ValueDecimal   *json.Number    `json:"valueDecimal,omitempty"`
	ValueUri       *string         `json:"valueUri,omitempty"`
	ValueId        *string         `json:"valueId,omitempty"`
	ValueCanonical *string         `json:"valueCanonical,omitempty"`
	ValueMarkdown  *string         `json:"valueMarkdown,omitempty"`
}

// propertyExtension is one contains.property as its R4 extension.
func propertyExtension(pv valueset.PropertyValue) extensionJSON {
	return extensionJSON{URL: extContainsProperty, Extension: []extensionJSON{{URL: "code", ValueCode: ptr(pv.Code)}, propertyValue(pv)}}
}

// propertyParam is one $lookup property: its code and its value.
func propertyParam(pv valueset.PropertyValue) parameter {
	v := propertyValue(pv)
	value := parameter{Name: "value", ValueCode: v.ValueCode, ValueCoding: v.ValueCoding, ValueString: v.ValueString,
		ValueInteger: v.ValueInteger, ValueBoolean: v.ValueBoolean, ValueDateTime: v.ValueDateTime, ValueDecimal: v.ValueDecimal}
	return parameter{Name: "property", Part: []parameter{{Name: "code", ValueCode: ptr(pv.Code)}, value}}
}

// propertyValue is a property value as the one value[x] of its type.
func propertyValue(pv valueset.PropertyValue) extensionJSON {
	value := extensionJSON{URL: "value"}
	switch pv.Type {
	case valueset.TypeCoding:
		value.ValueCoding = fhirCoding(pv.Coding)
	case valueset.TypeString:
		value.ValueString = ptr(pv.Value)
	case valueset.TypeInteger:
		var n int
		if err := json.Unmarshal([]byte(pv.Value), &n); err == nil {
			value.ValueInteger = &n
		} else {
			value.ValueString = ptr(pv.Value)
		}
	case valueset.TypeBoolean:
		value.ValueBoolean = ptr(pv.Value == "true")
	case valueset.TypeDateTime:
		value.ValueDateTime = ptr(pv.Value)
	case valueset.TypeDecimal:
		value.ValueDecimal = ptr(json.Number(pv.Value))
	default:
		value.ValueCode = ptr(pv.Value)
	}
	return value
}

func expansionPropertyExtension(d valueset.PropertyDefinition, uri string) extensionJSON {
	ext := extensionJSON{URL: extExpansionProperty, Extension: []extensionJSON{{URL: "code", ValueCode: ptr(d.Code)}}}
	if uri != "" {
		ext.Extension = append(ext.Extension, extensionJSON{URL: "uri", ValueUri: ptr(uri)})
	}
	return ext
}

func engineDesignations(ds []valueset.Designation) []designationJSON {
	out := make([]designationJSON, 0, len(ds))
	for _, d := range ds {
		out = append(out, designationJSON{Extension: extensionsOut(d.EchoedExtensions()), Language: d.Language, Use: fhirCoding(d.Use), Value: d.Value})
	}
	return out
}
