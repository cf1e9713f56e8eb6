package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestHL7ValidatorReplay replays, request by request, what the HL7
// validator (`java -jar validator_cli.jar -tx <server>`) sends to a
// terminology server, and reads each answer the way it does. Rebuilt from
// hapifhir/org.hl7.fhir.core (commit b06c7ee7, 2026-08):
//
//   - org.hl7.fhir.r5/.../terminologies/client/TerminologyClientContext.java:
//     initialize() reads the CapabilityStatement, then checkFeature()
//     refuses the server unless an application-feature extension
//     (ExtensionDefinitions.EXT_FEATURE) declares the tx-ecosystem test
//     version (FEATURE_TX_TEST_VERSION, at least MIN_TEST_VERSION 1.6.0 by
//     major.minor) and another CodeSystemAsParameter = true
//     (FEATURE_TX_CS_PARAMS); each value read by Element.getExtensionString,
//     which takes a primitive value[x]. Then the TerminologyCapabilities,
//     kept in the validator's cache while software.version stays the
//     CapabilityStatement's; supportsSystem() matches codeSystem.uri, or
//     uri|version against codeSystem.version.code. serverSupportsCacheControl()
//     looks for a system-level operation named cache-control; startCache()
//     POSTs $cache-control?mode=start with sealed=false and reads cache-id;
//     every later request carries it in X-Cache-Id; shutdown() POSTs
//     mode=end.
//   - org.hl7.fhir.r5/.../context/BaseWorkerContext.java:
//     constructParameters() puts the coding (or codeableConcept) in a
//     Parameters; addServerValidationParameters() adds the value set inline
//     as valueSet (or, once sent in this cache session, url +
//     valueSetVersion), the expansion parameters (ValidationEngine.java
//     makeExpProfile: profile-url) and diagnostics=true;
//     processValidationResult() reads result as a BooleanType, message,
//     display, system, version, code, diagnostics, status and
//     x-caused-by-unknown-system as primitives, cause as a StringType, and
//     issues as an OperationOutcome.
//   - org.hl7.fhir.convertors/.../txClient/TerminologyClientR4.java and
//     org.hl7.fhir.r4/.../utils/client/FHIRToolingClient.java: GET metadata,
//     GET metadata?mode=terminology, operateType() POSTs a Parameters with a
//     non-primitive value, with Accept and Content-Type
//     application/fhir+json; fhirVersion=4.0.
//   - org.hl7.fhir.r4b/.../context/BaseWorkerContext.java: older validators
//     sent the session as a cache-id parameter instead of the header.
func TestHL7ValidatorReplay(t *testing.T) {
	v := &callerClient{base: startSuiteServer(t), headers: map[string]string{
		"Accept": txFormat, "Content-Type": txContentType, "User-Agent": "fhir/validator",
	}}

	// Startup: the CapabilityStatement and its features.
	metadata := v.do(t, http.MethodGet, "metadata", nil, nil)
	require.Equal(t, http.StatusOK, metadata.status)
	cs := metadata.body
	require.Equal(t, "CapabilityStatement", cs["resourceType"])
	testVersion, csParams := validatorFeatures(t, cs)
	require.NotEmpty(t, testVersion, "checkFeature: no test-version feature, the validator refuses the server")
	require.True(t, atLeastMinor(testVersion, "1.6.0"), "checkFeature: test version %s is older than MIN_TEST_VERSION", testVersion)
	require.Equal(t, "true", csParams, "checkFeature: CodeSystemAsParameter must be true")
	require.True(t, hasSystemOperation(cs, "cache-control"), "serverSupportsCacheControl")

	terminology := v.do(t, http.MethodGet, "metadata?mode=terminology", nil, nil)
	require.Equal(t, http.StatusOK, terminology.status)
	tc := terminology.body
	require.Equal(t, "TerminologyCapabilities", tc["resourceType"])
	require.Equal(t, str(cs["software"], "version"), str(tc["software"], "version"), "the validator's cached TerminologyCapabilities are reused while the versions agree")
	require.True(t, supportsSystem(tc, hcpcsSystem))
	require.True(t, supportsSystem(tc, hcpcsSystem+"|2023-01"))
	require.False(t, supportsSystem(tc, hcpcsSystem+"|1999-01"))

	start := v.do(t, http.MethodPost, "$cache-control?mode=start", parameters("sealed", val("Boolean", false)), nil)
	require.Equal(t, http.StatusOK, start.status)
	ids := params(start.body, "cache-id")
	require.Len(t, ids, 1)
	cacheID, _, ok := primitiveValue(ids[0])
	require.True(t, ok && cacheID != "", "cache-id")
	session := map[string]string{"X-Cache-Id": cacheID}

	profile := []any{
		"profile-url", val("String", "http://hl7.org/fhir/ExpansionProfile/dc8fd4bc-091a-424a-8a3b-6198ef146891"),
		"diagnostics", val("Boolean", true),
	}
	coding := func(code, display string) map[string]any {
		c := map[string]any{"system": hcpcsSystem, "code": code}
		if display != "" {
			c["display"] = display
		}
		return val("Coding", c)
	}
	const e0114 = "Crutches underarm, other than wood, adjustable or fixed, pair, with pads, tips and handgrips"
	inlineVS := map[string]any{
		"resourceType": "ValueSet", "url": "http://example.org/fhir/ValueSet/validator-replay", "version": "1.0.0", "status": "active",
		"compose": map[string]any{"include": []any{map[string]any{
			"system": hcpcsSystem, "concept": []any{map[string]any{"code": "E0114"}, map[string]any{"code": "E0110"}},
		}}},
	}
	vsInline := []any{"valueSet", map[string]any{"resource": inlineVS}}
	vsByURL := []any{"url", val("Uri", inlineVS["url"]), "valueSetVersion", val("String", "1.0.0")}

	for _, tc := range []struct {
		name    string
		path    string
		params  []any
		headers map[string]string
		valid   bool
		display string // the display the answer gives, if valid
		message string // part of the message, if not
	}{
		{"CodeSystem, valid", "CodeSystem/$validate-code", []any{"coding", coding("E0114", e0114)}, session, true, e0114, ""},
		{"CodeSystem, wrong display", "CodeSystem/$validate-code", []any{"coding", coding("E0114", "Wooden crutches")}, session, false, "", "Wrong Display Name"},
		{"CodeSystem, unknown code", "CodeSystem/$validate-code", []any{"coding", coding("X9999", "")}, session, false, "", "X9999"},
		{"CodeSystem, an older validator's cache-id parameter", "CodeSystem/$validate-code",
			[]any{"coding", coding("E0114", ""), "cache-id", val("String", "validator-session-1")}, nil, true, e0114, ""},
		// The value set goes inline once; in the same session the validator
		// then sends only its url (addServerValidationParameters).
		{"ValueSet inline, valid", "ValueSet/$validate-code", append([]any{"coding", coding("E0114", "")}, vsInline...), session, true, e0114, ""},
		{"ValueSet by url in the session", "ValueSet/$validate-code", append([]any{"coding", coding("E0110", "")}, vsByURL...), session, true, "", ""},
		{"ValueSet by url in the session, not in it", "ValueSet/$validate-code", append([]any{"coding", coding("E0100", "")}, vsByURL...), session, false, "", "validator-replay"},
		{"ValueSet inline, codeableConcept", "ValueSet/$validate-code", append([]any{"codeableConcept", val("CodeableConcept", map[string]any{
			"coding": []any{map[string]any{"system": hcpcsSystem, "code": "E0114"}}})}, vsInline...), session, true, e0114, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := v.do(t, http.MethodPost, tc.path, parameters(append(tc.params, profile...)...), tc.headers)
			require.Equal(t, http.StatusOK, a.status, "%v", a.body)
			r := readValidationResult(t, a.body)
			require.Equal(t, tc.valid, r.ok, "%v", a.body)
			if tc.valid {
				require.Equal(t, hcpcsSystem, r.system)
				require.Equal(t, "2025-10", r.version)
				if tc.display != "" {
					require.Equal(t, tc.display, r.display)
				}
				return
			}
			require.Contains(t, r.message, tc.message)
			require.NotEmpty(t, r.issues, "the issues the validator reports")
		})
	}

	// shutdown(): the session ends, and its id is unknown afterwards.
	end := v.do(t, http.MethodPost, "$cache-control?mode=end", parameters(), session)
	require.Equal(t, http.StatusOK, end.status)
	after := v.do(t, http.MethodPost, "CodeSystem/$validate-code", parameters("coding", coding("E0114", "")), session)
	require.Equal(t, http.StatusNotFound, after.status)
}

// validatorFeatures reads the two features checkFeature reads: each
// application-feature extension's "definition" and "value" sub-extensions,
// one of each, primitive (Element.getExtensionString throws otherwise).
func validatorFeatures(t *testing.T, cs map[string]any) (testVersion, csParams string) {
	t.Helper()
	const (
		extFeature  = "http://hl7.org/fhir/uv/application-feature/StructureDefinition/feature"
		testVersDef = "http://hl7.org/fhir/uv/tx-tests/FeatureDefinition/test-version"
		csParamsDef = "http://hl7.org/fhir/uv/tx-ecosystem/FeatureDefinition/CodeSystemAsParameter"
	)
	sub := func(ext map[string]any, url string) string {
		var found []map[string]any
		for _, e := range asArray(ext["extension"]) {
			if m, ok := e.(map[string]any); ok && m["url"] == url {
				found = append(found, m)
			}
		}
		require.LessOrEqual(t, len(found), 1, "getExtensionString: multiple %s extensions", url)
		if len(found) == 0 {
			return ""
		}
		s, _, ok := primitiveValue(found[0])
		require.True(t, ok, "getExtensionString: %s is not a primitive", url)
		return s
	}
	for _, e := range asArray(cs["extension"]) {
		ext, _ := e.(map[string]any)
		if ext["url"] != extFeature {
			continue
		}
		switch sub(ext, "definition") {
		case testVersDef:
			testVersion = sub(ext, "value")
		case csParamsDef:
			csParams = sub(ext, "value")
		}
	}
	return testVersion, csParams
}

// atLeastMinor is VersionUtilities.isThisOrLater(min, v, MINOR): major.minor
// compared as numbers.
func atLeastMinor(v, min string) bool {
	parse := func(s string) (int, int) {
		parts := strings.SplitN(s, ".", 3)
		if len(parts) < 2 {
			return -1, -1
		}
		a, err1 := strconv.Atoi(parts[0])
		b, err2 := strconv.Atoi(parts[1])
		if err1 != nil || err2 != nil {
			return -1, -1
		}
		return a, b
	}
	va, vb := parse(v)
	ma, mb := parse(min)
	return va > ma || (va == ma && vb >= mb)
}

func hasSystemOperation(cs map[string]any, name string) bool {
	for _, r := range asArray(cs["rest"]) {
		for _, op := range asArray(r.(map[string]any)["operation"]) {
			if str(op, "name") == name {
				return true
			}
		}
	}
	return false
}

// supportsSystem is TerminologyClientContext.supportsSystem without its
// SNOMED CT special cases.
func supportsSystem(tc map[string]any, system string) bool {
	for _, x := range asArray(tc["codeSystem"]) {
		cs := x.(map[string]any)
		uri := str(cs, "uri")
		versions := asArray(cs["version"])
		if system == uri || (len(versions) > 0 && system == uri+"|"+str(versions[0], "code")) {
			return true
		}
		if strings.HasPrefix(system, uri+"|") {
			for _, v := range versions {
				if system == uri+"|"+str(v, "code") {
					return true
				}
			}
		}
	}
	return false
}

// validationResult is what processValidationResult keeps of an answer.
type validationResult struct {
	ok                                            bool
	message, display, system, version, code, diag string
	issues                                        []any
}

// readValidationResult reads a $validate-code answer as
// BaseWorkerContext.processValidationResult does, failing where its casts
// would throw.
func readValidationResult(t *testing.T, body map[string]any) validationResult {
	t.Helper()
	require.Equal(t, "Parameters", body["resourceType"])
	var r validationResult
	for _, x := range asArray(body["parameter"]) {
		p := x.(map[string]any)
		name, _ := p["name"].(string)
		if res, ok := p["resource"].(map[string]any); ok {
			if name == "issues" {
				require.Equal(t, "OperationOutcome", res["resourceType"], "issues is cast to OperationOutcome")
				for _, is := range asArray(res["issue"]) {
					require.NotEmpty(t, str(is, "severity"))
					require.NotEmpty(t, str(is, "code"))
				}
				r.issues = asArray(res["issue"])
			}
			continue
		}
		s, typ, ok := primitiveValue(p)
		switch name {
		case "result":
			require.Equal(t, "Boolean", typ, "result is cast to BooleanType")
			r.ok = s == "true"
		case "cause":
			require.Contains(t, []string{"String", "Code"}, typ, "cause is cast to StringType")
		case "message", "display", "system", "version", "code", "diagnostics", "inactive", "status",
			"x-caused-by-unknown-system", "x-unknown-system":
			require.True(t, ok, "%s must be a primitive", name)
		}
		switch name {
		case "message":
			r.message = s
		case "display":
			r.display = s
		case "system":
			r.system = s
		case "version":
			r.version = s
		case "code":
			r.code = s
		case "diagnostics":
			r.diag = s
		}
	}
	return r
}
