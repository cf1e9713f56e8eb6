package fhir

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	fm "github.com/samply/golang-fhir-models/fhir-models/fhir"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

const (
	terminologyServerCapability = "http://hl7.org/fhir/CapabilityStatement/terminology-server"
	fhirVersion                 = "4.0.1"
	softwareName                = "hcpcs-server"
)

// metadata serves the CapabilityStatement, or with mode=terminology the
// TerminologyCapabilities.
func (s *Server) metadata(c *gin.Context) error {
	switch mode := c.Query("mode"); mode {
	case "", "full", "normative":
		s.write(c, http.StatusOK, s.capabilityStatement(c))
	case "terminology":
		s.write(c, http.StatusOK, s.terminologyCapabilities(c))
	default:
		return badRequest("mode", "mode="+mode+" is not one of full, normative, terminology.")
	}
	return nil
}

func operation(name, def string) fm.CapabilityStatementRestResourceOperation {
	return fm.CapabilityStatementRestResourceOperation{Name: name, Definition: def}
}

func searchParam(name string, typ fm.SearchParamType, doc string) fm.CapabilityStatementRestResourceSearchParam {
	return fm.CapabilityStatementRestResourceSearchParam{Name: name, Type: typ, Documentation: ptr(doc)}
}

// capabilityStatement lists exactly what the server implements.
func (s *Server) capabilityStatement(c *gin.Context) fm.CapabilityStatement {
	snap := s.cfg.Data.Snapshot()
	base := s.baseURL(c)
	read := fm.CapabilityStatementRestResourceInteraction{Code: fm.TypeRestfulInteractionRead}
	search := fm.CapabilityStatementRestResourceInteraction{Code: fm.TypeRestfulInteractionSearchType}
	return fm.CapabilityStatement{
		Url:          ptr(base + "/metadata"),
		Version:      ptr(s.cfg.SoftwareVersion),
		Name:         ptr("HCPCSTerminologyServer"),
		Title:        ptr("HCPCS Level II terminology server"),
		Status:       fm.PublicationStatusActive,
		Experimental: ptr(false),
		Date:         snap.LoadedAt().Format(time.RFC3339),
		Publisher:    ptr("hcpcs-server"),
		Description:  ptr("FHIR R4 terminology server for CMS HCPCS Level II, every release loaded as a version of " + terminology.SystemURL + "."),
		Kind:         fm.CapabilityStatementKindInstance,
		Instantiates: []string{terminologyServerCapability},
		Software:     &fm.CapabilityStatementSoftware{Name: softwareName, Version: ptr(s.cfg.SoftwareVersion)},
		Implementation: &fm.CapabilityStatementImplementation{
			Description: "HCPCS Level II, releases " + snap.Versions()[0] + " to " + snap.Latest().Version,
			Url:         ptr(base),
		},
		FhirVersion: fm.FHIRVersion4_0_1,
		Format:      []string{"application/fhir+json", "json"},
		Rest: []fm.CapabilityStatementRest{{
			Mode: fm.RestfulCapabilityModeServer,
			Security: &fm.CapabilityStatementRestSecurity{
				Cors: ptr(true),
				// The tx IG asks for security.service; no restful-security-service
				// code means "open", so the concept is given as text.
				Service:     []fm.CodeableConcept{{Text: ptr("Open: no authentication is required")}},
				Description: ptr("Open: no authentication. CORS is enabled for every origin."),
			},
			Resource: []fm.CapabilityStatementRestResource{
				{
					Type:        fm.ResourceTypeCodeSystem,
					Interaction: []fm.CapabilityStatementRestResourceInteraction{read, search},
					SearchParam: []fm.CapabilityStatementRestResourceSearchParam{
						searchParam("_id", fm.SearchParamTypeToken, "Logical id, e.g. hcpcs-2025-10."),
						searchParam("url", fm.SearchParamTypeUri, "Canonical URL; the HCPCS aliases (https, urn:oid) match too."),
						searchParam("version", fm.SearchParamTypeToken, "Release version YYYY-MM."),
						searchParam("name", fm.SearchParamTypeString, "Computer-friendly name (:exact, :contains)."),
						searchParam("title", fm.SearchParamTypeString, "Human-friendly title (:exact, :contains)."),
						searchParam("status", fm.SearchParamTypeToken, "Publication status."),
					},
					Operation: []fm.CapabilityStatementRestResourceOperation{
						operation("lookup", "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup"),
						operation("validate-code", "http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code"),
					},
				},
				{
					Type:        fm.ResourceTypeValueSet,
					Interaction: []fm.CapabilityStatementRestResourceInteraction{read, search},
					SearchParam: []fm.CapabilityStatementRestResourceSearchParam{
						searchParam("_id", fm.SearchParamTypeToken, "Logical id."),
						searchParam("url", fm.SearchParamTypeUri, "Canonical URL."),
					},
					Operation: []fm.CapabilityStatementRestResourceOperation{
						operation("validate-code", "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code"),
					},
				},
			},
			Operation: []fm.CapabilityStatementRestResourceOperation{
				operation("versions", base+"/OperationDefinition/versions"),
			},
		}},
	}
}

// terminologyCapabilities lists HCPCS with every loaded version (the latest
// is the default) and the supplementary code systems.
func (s *Server) terminologyCapabilities(c *gin.Context) fm.TerminologyCapabilities {
	snap := s.cfg.Data.Snapshot()
	versions := make([]fm.TerminologyCapabilitiesCodeSystemVersion, 0, len(snap.Releases()))
	latest := snap.Latest().Version
	for _, r := range snap.Releases() {
		versions = append(versions, fm.TerminologyCapabilitiesCodeSystemVersion{
			Code: ptr(r.Version), IsDefault: ptr(r.Version == latest), Compositional: ptr(false),
			Language: []string{"en"}, Property: propertyCodes(),
		})
	}
	systems := []fm.TerminologyCapabilitiesCodeSystem{{Uri: ptr(terminology.SystemURL), Version: versions, Subsumption: ptr(false)}}
	for _, t := range snap.Supplements() {
		systems = append(systems, fm.TerminologyCapabilitiesCodeSystem{Uri: ptr(terminology.SupplementURL(t.ID)), Subsumption: ptr(false)})
	}
	return fm.TerminologyCapabilities{
		Url:          ptr(s.baseURL(c) + "/metadata?mode=terminology"),
		Version:      ptr(s.cfg.SoftwareVersion),
		Name:         ptr("HCPCSTerminologyCapabilities"),
		Title:        ptr("HCPCS Level II terminology capabilities"),
		Status:       fm.PublicationStatusActive,
		Experimental: ptr(false),
		Date:         snap.LoadedAt().Format(time.RFC3339),
		Kind:         fm.CapabilityStatementKindInstance,
		Software:     &fm.TerminologyCapabilitiesSoftware{Name: softwareName, Version: ptr(s.cfg.SoftwareVersion)},
		CodeSystem:   systems,
		ValidateCode: &fm.TerminologyCapabilitiesValidateCode{Translations: false},
	}
}

// versions implements $versions: the FHIR versions this server speaks.
func (s *Server) versions(c *gin.Context) error {
	out := newParametersOut()
	out.code("version", "4.0")
	out.code("default", "4.0")
	s.write(c, http.StatusOK, out.p)
	return nil
}
