package fhir

import (
	"encoding/json"

	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"
)

// parametersResource is the Parameters resource of operation answers.
// samply's ParametersParameter has a field for each of the ~50 value[x]
// types, and marshalling it dominated $lookup (80 µs, 90 KB per answer);
// this type carries only the value[x] types our operations return, each a
// pointer so that exactly one is serialised.
type parametersResource struct {
	ResourceType string      `json:"resourceType"`
	Parameter    []parameter `json:"parameter,omitempty"`
}

type parameter struct {
	Name                 string              `json:"name"`
	ValueString          *string             `json:"valueString,omitempty"`
	ValueCode            *string             `json:"valueCode,omitempty"`
	ValueUri             *string             `json:"valueUri,omitempty"`
	ValueCanonical       *string             `json:"valueCanonical,omitempty"`
	ValueDateTime        *string             `json:"valueDateTime,omitempty"`
	ValueBoolean         *bool               `json:"valueBoolean,omitempty"`
	ValueInteger         *int                `json:"valueInteger,omitempty"`
	ValueDecimal         *json.Number        `json:"valueDecimal,omitempty"`
	ValueCoding          *fm.Coding          `json:"valueCoding,omitempty"`
	ValueCodeableConcept *fm.CodeableConcept `json:"valueCodeableConcept,omitempty"`
	Resource             json.RawMessage     `json:"resource,omitempty"`
	Part                 []parameter         `json:"part,omitempty"`
}
