// Package fhir is the FHIR R4 API of the HCPCS terminology server: it turns
// HTTP requests (gin) into questions to the terminology domain and answers
// with FHIR JSON built from samply's models, or with the FHIR XML that
// fhirxml converts it to at the one write path (writeResource) when the
// client asked for XML (negotiate, format.go). XML bodies are converted to
// JSON before the Parameters readers see them.
//
// # Interactions
//
//	GET  /fhir/metadata                         CapabilityStatement
//	GET  /fhir/metadata?mode=terminology        TerminologyCapabilities
//	GET  /fhir/$versions                        FHIR versions served (4.0)
//	GET  /fhir/CodeSystem[?url,version,name,title,status,_id,_summary,_elements,_count,_offset]
//	GET  /fhir/CodeSystem/{id}                  hcpcs-YYYY-MM, or a supplementary code system
//	GET|POST /fhir/CodeSystem[/{id}]/$lookup
//	GET|POST /fhir/CodeSystem[/{id}]/$validate-code
//	GET|POST /fhir/CodeSystem[/{id}]/$history     release history: one code, or a release diff (history.go)
//	GET  /fhir/ValueSet[/{id}][?url,version,name,title,status,_id,_summary,_elements,_count,_offset]
//	                                            built-in and loaded value sets
//	GET|POST /fhir/ValueSet[/{id}]/$validate-code
//	GET|POST /fhir/ValueSet[/{id}]/$expand
//	GET|POST /fhir/ConceptMap[/{id}]/$translate
//	GET|POST /fhir/ValueSet/$batch-validate-code  many $validate-code in one (batch.go)
//	POST /fhir/$cache-control?mode=start|end   cache-id sessions (X-Cache-Id)
//
// # A request's own definitions
//
// Every operation takes tx-resource CodeSystems, ValueSets and ConceptMaps
// (txresource.go): parsed, checked and built per request (terminology/local
// for code systems), and laid over the snapshot by a valueset.Overlay that
// the request alone sees; its concept maps are consulted before the loaded
// ones. A $cache-control session (sessions.go) keeps
// them parsed for the requests that carry its X-Cache-Id; bounded in
// number, size and idle time. The response cache keys answers by the body,
// so a definition never leaks into another request's answer, and does not
// cache a session's answers at all. txresource_cache.go keeps what
// identical tx-resource bytes were built into, so that a client resending
// the same definitions pays their parsing once.
//
// # Value sets
//
// The value-set engine (terminology/valueset) evaluates every value set:
// expand.go reads the request (the value set by url, id or inline, the
// evaluation options, paging and the text filter), compiles the set through
// the snapshot's cache of compiled sets, and renders the page; validate.go
// asks the same compiled set for membership. valueset_json.go reads FHIR
// ValueSet JSON into the engine's model (for inline sets and for files and
// packages, load.go) and writes ValueSet resources and expansions. R4 has
// no expansion.property or contains.property: they go in the R5
// cross-version extensions, which R4 validators accept and converters turn
// back into the R5 elements. The extensions of concepts, designations and
// compose listings reach the engine as valueset.Extension
// (extension_json.go), which says what an expansion entry takes from them;
// used-supplement names the supplements applied to the systems used.
//
// # Concept maps
//
// translate.go answers $translate with the model and translation of
// terminology/conceptmap; translate_params.go reads the question, in R4's
// parameter names and in the R5 ones tx.fhir.org also takes (sourceCode,
// targetCode, targetSystem, …). conceptmap_json.go reads ConceptMap JSON
// (tx-resource, the conceptMap parameter, loaded files and packages). The
// answer is tx.fhir.org's: match.equivalence, concept, product, dependsOn
// and originMap (the map's url|version; R4's match.source uri is not sent),
// and for a reverse match its source concept as match.source, a Coding.
// $translate answers are not cached.
//
// # Errors
//
// Handlers return errors; errorResponse in errors.go is the only place that
// turns them into a status and an OperationOutcome:
//
//	malformed, missing, contradictory parameter   400 invalid
//	unreadable query, > 10,000 query parameters   400 invalid (query.go, before the cache)
//	> 100 codings in one CodeableConcept          400 invalid (params.go maxCodings)
//	unknown code, system, version, resource       404 not-found
//	a broken compose, filter or regex             400 invalid, expression = its path
//	a ConceptMap that breaks a rule of R4         400 invalid, expression = its path
//	a ConceptMap whose other-map is missing/loops 422 business-rule
//	unknown code system in a compose ($expand)    404 not-found, UNKNOWN_CODESYSTEM_EXP
//	expansion too large without count             422 too-costly, VALUESET_TOO_COSTLY
//	unsupported parameter (context, codeSystem)   422 not-supported
//	too many or too large tx-resources            413 too-costly / too-long
//	too many validations in a batch               413 too-costly
//	too many live sessions                        429 throttled
//	unknown or expired cache-id                   404 not-found
//	a format other than JSON or XML asked for     406 not-supported (in XML if XML was asked)
//	unsupported Content-Type                      415 not-supported
//	an XML body that is not FHIR XML (fhirxml)    400 invalid, the element at fault
//	anything else                                 500 exception, "Internal error."
//
// A $validate-code whose answer is "no" is not an error: it is 200 with
// result=false and an issues OperationOutcome. In a $batch-validate-code,
// the error of one validation is that validation's answer, the
// OperationOutcome errorResponse builds (its status is not sent).
//
// # Serialisation
//
// samply's CodeSystemConceptProperty marshals every value[x] at once, which
// is invalid FHIR; concepts are serialised through our own types with one
// pointer per value[x]. OperationOutcome issues are built only by newIssue,
// because samply's IssueType zero value is "invalid".
//
// # Access log
//
// NewEngine logs requests as Config.AccessLog says (accesslog.go): off,
// errors (4xx, 5xx) or all (every error and a sample of the rest), one
// slog line each with the method, the route pattern (never the URL, its
// query or a body), the $operation named in the path, the status, the
// duration, the request id, the bytes written and the X-Cache tier. It
// runs outside the panic recovery, so a panic is logged with its 500, and
// a request it does not log costs no allocation.
//
// # Caching
//
// ResponseCache (cache.go) is the caching middleware: it keys answers by the
// data fingerprint, the request and the negotiated format and encoding, and
// sends each operation to the tiers where it pays. It consumes LocalCache
// and SharedCache, two interfaces declared here and implemented by the
// cache package.
//
// This package must not import go-redis or the cache package: the cache is
// handed in through an interface declared here.
package fhir
