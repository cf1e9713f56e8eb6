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

const (
	extFeature                   = "http://hl7.org/fhir/uv/application-feature/StructureDefinition/feature"
	featureTestVersion           = "http://hl7.org/fhir/uv/tx-tests/FeatureDefinition/test-version"
	featureCodeSystemAsParameter = "http://hl7.org/fhir/uv/tx-ecosystem/FeatureDefinition/CodeSystemAsParameter"
	// txTestsVersion is the version of the HL7 tx-ecosystem tests that
	// make test runs (../shared/tx-tests, history.json).
	txTestsVersion = "1.9.0"
)

func feature(definition string, value fm.Extension) fm.Extension {
	return fm.Extension{Url: extFeature, Extension: []fm.Extension{{Url: "definition", ValueCanonical: ptr(definition)}, value}}
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
		// The HL7 validator refuses a server without these two features
		// (org.hl7.fhir.core TerminologyClientContext.checkFeature).
		Extension: []fm.Extension{
			feature(featureTestVersion, fm.Extension{Url: "value", ValueCode: ptr(txTestsVersion)}),
			feature(featureCodeSystemAsParameter, fm.Extension{Url: "value", ValueBoolean: ptr(true)}),
		},
		Instantiates: []string{terminologyServerCapability},
		Software:     &fm.CapabilityStatementSoftware{Name: softwareName, Version: ptr(s.cfg.SoftwareVersion), ReleaseDate: ptr(s.releaseDate(snap))},
		Implementation: &fm.CapabilityStatementImplementation{
			Description: "HCPCS Level II, releases " + snap.Versions()[0] + " to " + snap.Latest().Version,
			Url:         ptr(base),
		},
		FhirVersion: fm.FHIRVersion4_0_1,
		Format:      []string{"application/fhir+json", "json", "application/fhir+xml", "xml"},
		Rest: []fm.CapabilityStatementRest{{
			Mode:          fm.RestfulCapabilityModeServer,
			Documentation: ptr(restDocumentation),
			Security: &fm.CapabilityStatementRestSecurity{
				Cors: ptr(true),
				// The tx IG asks for security.service; no restful-security-service
				// code means "open", so the concept is given as text.
				Service:     []fm.CodeableConcept{{Text: ptr("Open: no authentication is required")}},
				Description: ptr("Open: no authentication. CORS is enabled for every origin."),
			},
			Resource: []fm.CapabilityStatementRestResource{
				{
					Type:            fm.ResourceTypeCodeSystem,
					Documentation:   ptr(codeSystemDocumentation),
					Interaction:     []fm.CapabilityStatementRestResourceInteraction{read, search},
					ConditionalRead: ptr(fm.ConditionalReadStatusFullSupport),
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
						{Name: "history", Definition: base + "/OperationDefinition/history", Documentation: ptr(historyDocumentation)},
					},
				},
				{
					Type:            fm.ResourceTypeValueSet,
					Interaction:     []fm.CapabilityStatementRestResourceInteraction{read, search},
					ConditionalRead: ptr(fm.ConditionalReadStatusNotMatch),
					SearchParam: []fm.CapabilityStatementRestResourceSearchParam{
						searchParam("_id", fm.SearchParamTypeToken, "Logical id."),
						searchParam("url", fm.SearchParamTypeUri, "Canonical URL, or url|version."),
						searchParam("version", fm.SearchParamTypeToken, "Business version."),
						searchParam("name", fm.SearchParamTypeString, "Computer-friendly name (:exact, :contains)."),
						searchParam("title", fm.SearchParamTypeString, "Human-friendly title (:exact, :contains)."),
						searchParam("status", fm.SearchParamTypeToken, "Publication status."),
					},
					Operation: []fm.CapabilityStatementRestResourceOperation{
						{Name: "expand", Definition: "http://hl7.org/fhir/OperationDefinition/ValueSet-expand", Documentation: ptr(expandDocumentation)},
						operation("validate-code", "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code"),
						{Name: "batch-validate-code", Definition: base + "/OperationDefinition/batch-validate-code", Documentation: ptr(batchValidateDocumentation)},
					},
				},
				{
					// No read or search: maps are given as tx-resource or
					// loaded with --valuesets, and used by $translate.
					Type: fm.ResourceTypeConceptMap,
					Operation: []fm.CapabilityStatementRestResourceOperation{
						{Name: "translate", Definition: "http://hl7.org/fhir/OperationDefinition/ConceptMap-translate", Documentation: ptr(translateDocumentation)},
					},
				},
				{
					// The definitions of this server's own operations
					// (operation_definitions.go).
					Type:        fm.ResourceTypeOperationDefinition,
					Interaction: []fm.CapabilityStatementRestResourceInteraction{read},
				},
			},
			Operation: []fm.CapabilityStatementRestResourceOperation{
				operation("versions", base+"/OperationDefinition/versions"),
				// The HL7 validator uses cache-id sessions only with a server
				// that lists this operation (TerminologyClientContext.serverSupportsCacheControl).
				{Name: "cache-control", Definition: base + "/OperationDefinition/cache-control", Documentation: ptr(cacheControlDocumentation)},
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
	var filters []fm.TerminologyCapabilitiesCodeSystemVersionFilter
	for _, d := range terminology.FilterDocumentation() {
		filters = append(filters, fm.TerminologyCapabilitiesCodeSystemVersionFilter{Code: d.Property, Op: d.Operators})
	}
	for _, r := range snap.Releases() {
		versions = append(versions, fm.TerminologyCapabilitiesCodeSystemVersion{
			Code: ptr(r.Version), IsDefault: ptr(r.Version == latest), Compositional: ptr(false),
			Language: []string{"en"}, Property: propertyCodes(), Filter: filters,
		})
	}
	systems := []fm.TerminologyCapabilitiesCodeSystem{{Uri: ptr(terminology.SystemURL), Version: versions, Subsumption: ptr(false)}}
	for _, t := range snap.Supplements() {
		systems = append(systems, fm.TerminologyCapabilitiesCodeSystem{Uri: ptr(terminology.SupplementURL(t.ID)), Subsumption: ptr(false)})
	}
	for _, cs := range snap.CodeSystems().All() { // newest version of each first
		info := cs.Info()
		v := fm.TerminologyCapabilitiesCodeSystemVersion{Code: ptr(info.Version), Compositional: ptr(false)}
		if n := len(systems); n > 0 && *systems[n-1].Uri == info.URL && info.Version != "" {
			systems[n-1].Version = append(systems[n-1].Version, v)
			continue
		}
		entry := fm.TerminologyCapabilitiesCodeSystem{Uri: ptr(info.URL), Subsumption: ptr(false)}
		if info.Version != "" {
			v.IsDefault = ptr(true)
			entry.Version = []fm.TerminologyCapabilitiesCodeSystemVersion{v}
		}
		systems = append(systems, entry)
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
		Expansion: &fm.TerminologyCapabilitiesExpansion{
			Hierarchical: ptr(true), Paging: ptr(true), Incomplete: ptr(false),
			Parameter:  expansionParameters(),
			TextFilter: ptr(textFilterDocumentation),
		},
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

// restDocumentation says what R4 has no interaction code for.
const restDocumentation = "HEAD answers every read and search like GET, without the body. Searches also take POST [type]/_search " +
	"with the parameters as a form. Unknown search parameters are ignored and left out of the self link, or refused with 400 " +
	"under Prefer: handling=strict. Answers of 8 KiB or more are gzip'd for clients that accept it."

// codeSystemDocumentation says what a CodeSystem search returns, and which
// URLs name HCPCS.
const codeSystemDocumentation = "HCPCS is " + terminology.SystemURL + "; https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets and " +
	"urn:oid:2.16.840.1.113883.6.285 are accepted wherever a system is taken, and a canonical url|version wherever a code system's " +
	"url is (system, url, search by url). A search returns each release without its concepts, tagged SUBSETTED; a read " +
	"(GET CodeSystem/hcpcs-YYYY-MM) returns them all, with ETag and Last-Modified (If-None-Match, If-Modified-Since: 304)."

// translateDocumentation says where $translate's maps come from.
const translateDocumentation = "Concept maps given as tx-resource (or in a cache-id session), inline (conceptMap) or loaded with --valuesets; " +
	"by url (+conceptMapVersion), by id, or chosen by the concept's system and targetsystem. R4 and R5 parameter names; reverse."

// textFilterDocumentation says what $expand's filter does.
const textFilterDocumentation = "Case-insensitive and word-based: every word typed must be the start of a word of the code, the long description " +
	"(display) or the short description (designation), in any order. Plurals match their singular (crutches: crutch), hyphenated words " +
	"match joined or apart (wheel-chair: wheelchair), and CMS abbreviations match their words (w/c, wc: wheelchair; pwr: power; " +
	"bld: blood; cath: catheter; hosp: hospital). " +
	"Ranked: the exact code first, then codes that start with the text, then matches within the short description, then within the " +
	"long description, then the rest; ties in code order."

const expandDocumentation = "Value sets by url (url|version), by id or inline (valueSet, POST). Paging with count and offset: every page of one " +
	"expansion is consistent, and total is always given; without count, an expansion over the server's limit is refused with too-costly. " +
	"filter: " + textFilterDocumentation

const cacheControlDocumentation = "Sessions of definitions (the tx ecosystem's cache-id): POST $cache-control?mode=start " +
	"with tx-resource parameters (sealed=false lets later requests add theirs) returns a cache-id; requests that carry it in the " +
	"X-Cache-Id header see the session's definitions without resending them; mode=end releases it. Idle sessions expire."

const batchValidateDocumentation = "Type level. POST a Parameters with one validation parameter per $validate-code request, each a " +
	"Parameters resource; the other top-level parameters (url, valueSet, tx-resource, …) apply to each request that does not give its " +
	"own. The answer has one validation per request, in order: the Parameters the single operation answers, or its OperationOutcome."

// expansionParameters are the $expand inputs this server implements.
func expansionParameters() []fm.TerminologyCapabilitiesExpansionParameter {
	docs := [][2]string{
		{"url", "the value set, or url|version"}, {"valueSet", "the value set inline (POST)"}, {"valueSetVersion", ""},
		{"filter", "text filter; see textFilter"}, {"count", "page size"}, {"offset", "start of the page"},
		{"activeOnly", "leave out terminated codes"}, {"date", "the HCPCS release in effect on that day, and status as of it"},
		{"includeDesignations", "the short description"}, {"designation", "language or use system|code of the designations to include"},
		{"includeDefinition", ""}, {"property", "properties to return per code (* for all), as the R5 cross-version extension"},
		{"displayLanguage", "the language of the displays (also Accept-Language); HCPCS is English only"}, {"excludeNested", "true: a flat list; otherwise children nest under their parents when the code system has a hierarchy"}, {"excludeNotForUI", ""}, {"excludePostCoordinated", ""},
		{"system-version", "url|version"}, {"check-system-version", "url|version"}, {"force-system-version", "url|version"},
		{"exclude-system", "url or url|version"},
		{"tx-resource", "CodeSystem and ValueSet resources for this request only"},
		{"useSupplement", "canonical of a supplement given as tx-resource"},
		{"cache-id", "sessions: $cache-control?mode=start, then the X-Cache-Id header"},
	}
	out := make([]fm.TerminologyCapabilitiesExpansionParameter, len(docs))
	for i, d := range docs {
		out[i] = fm.TerminologyCapabilitiesExpansionParameter{Name: d[0]}
		if d[1] != "" {
			out[i].Documentation = ptr(d[1])
		}
	}
	return out
}

// releaseDate is the software's release date: the build's, else the day
// this process loaded its data (a development build).
func (s *Server) releaseDate(snap *terminology.Snapshot) string {
	if s.cfg.SoftwareReleaseDate != "" {
		return s.cfg.SoftwareReleaseDate
	}
	return snap.LoadedAt().Format(time.DateOnly)
}
