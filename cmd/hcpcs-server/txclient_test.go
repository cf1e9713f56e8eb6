package main

// The HTTP side of the HL7 runner against an R4 server, written from
// TxTester.connectToServer/checkClient (special/TxTester.java),
// TerminologyClientR4 (convertors/txClient/TerminologyClientR4.java) and the
// R4 FHIRToolingClient (org.hl7.fhir.r4/.../utils/client/FHIRToolingClient.java,
// network/Client.java, network/FhirRequestBuilder.java, ResourceAddress.java):
//
//   - the server's version comes from GET $versions?_format=json (the
//     "default" parameter's valueString), else from GET metadata?_format=json
//     (fhirVersion), else 4.0; an R4 server gets the R4 client;
//   - GET metadata and GET metadata?mode=terminology are read once, converted
//     to R5, and are what the metadata and term-caps tests compare;
//   - every request carries Accept: application/fhir+json; fhirVersion=4.0,
//     User-Agent: Tools/Java, Accept-Language when the test gives one, the
//     X-Request-Id txTests:suite/test, the test's header and X-Cache-Id when
//     the suite uses a server cache; a body is sent with Content-Type
//     application/fhir+json; fhirVersion=4.0;charset=UTF-8;
//   - lookup, expand and translate always POST; validate-code,
//     cs-validate-code and batch-validate (operateType) GET with the
//     parameters in the query when every value is primitive, else POST;
//   - the answer is read by unmarshalReference: an OperationOutcome with an
//     error or fatal issue is a server error whatever the HTTP status, one
//     without is no resource at all; an error status without such an outcome,
//     or an answer of the wrong type, makes the Java client throw, and the
//     test fails.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	txFormat      = "application/fhir+json; fhirVersion=4.0"
	txContentType = txFormat + ";charset=UTF-8"
	txUserAgent   = "Tools/Java"
	// txFHIRVersion is FhirPublication.R4.toCode(), the $version$ variable.
	txFHIRVersion = "4.0.1"
)

type txClient struct {
	base     string
	http     *http.Client
	capStmt  map[string]any // R5
	termCaps map[string]any // R5
}

// txHeader is one extra request header.
type txHeader struct{ name, value string }

// txAnswer is what a client operation gives TxTester: a resource (R4), or a
// server error with its HTTP status and OperationOutcome (R4).
type txAnswer struct {
	resource map[string]any
	code     int
	outcome  map[string]any
}

func connectTxClient(base string) (*txClient, error) {
	c := &txClient{base: strings.TrimSuffix(base, "/"), http: &http.Client{Timeout: 2 * time.Minute}}
	version := c.serverVersion()
	switch {
	case hasAnyPrefix(version, "4.5", "5.0", "6.0"):
		return nil, fmt.Errorf("the server speaks FHIR %s: the runner would use its R5 client, which this port does not implement", version)
	case !hasAnyPrefix(version, "4.0", "3.2", "3.3", "3.5", "4.1", "4.3"):
		return nil, fmt.Errorf("unsupported FHIR Version for terminology tests: %s", version)
	}
	var err error
	if c.capStmt, err = c.readMetadata("/metadata", "CapabilityStatement"); err != nil {
		return nil, fmt.Errorf("Error fetching the server's capability statement: %w", err)
	}
	if c.termCaps, err = c.readMetadata("/metadata?mode=terminology", "TerminologyCapabilities"); err != nil {
		return nil, fmt.Errorf("Error fetching the server's terminology capabilities: %w", err)
	}
	return c, nil
}

func (c *txClient) serverVersion() string {
	get := func(path string) map[string]any {
		req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
		if err != nil {
			return nil
		}
		req.Header.Set("Accept", "application/json, application/fhir+json")
		resp, err := c.http.Do(req)
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		v, _ := decodeJSON(b)
		m, _ := v.(map[string]any)
		return m
	}
	vl := get("/$versions?_format=json&nocache=" + strconv.FormatInt(time.Now().UnixMilli(), 10))
	if vl["resourceType"] == "Parameters" {
		for _, p := range asArray(vl["parameter"]) {
			if str(p, "name") == "default" {
				if v := str(p, "valueString"); v != "" {
					return v
				}
			}
		}
	} else if v := str(vl, "default"); v != "" {
		return v
	}
	if v := str(get("/metadata?_format=json"), "fhirVersion"); v != "" {
		return v
	}
	return "4.0"
}

func (c *txClient) readMetadata(path, want string) (map[string]any, error) {
	a, err := c.call(http.MethodGet, path, nil, nil)
	if err != nil {
		return nil, err
	}
	if a.outcome != nil || a.resource == nil || a.resource["resourceType"] != want {
		return nil, fmt.Errorf("GET %s: no %s (HTTP %d)", path, want, a.code)
	}
	return fromR4Response(a.resource)
}

// supportsCacheControl: the CapabilityStatement lists a system-level
// $cache-control (TxTester.serverSupportsCacheControl).
func (c *txClient) supportsCacheControl() bool {
	for _, r := range asArray(c.capStmt["rest"]) {
		for _, op := range asArray(r.(map[string]any)["operation"]) {
			if str(op, "name") == "cache-control" {
				return true
			}
		}
	}
	return false
}

// cacheControl is TerminologyClientR4.cacheControl: POST
// $cache-control?mode=start|end.
func (c *txClient) cacheControl(mode string, body map[string]any, hdrs []txHeader) (map[string]any, error) {
	r4, err := toR4Request(body)
	if err != nil {
		return nil, err
	}
	a, err := c.call(http.MethodPost, "/$cache-control?mode="+mode, r4, hdrs)
	if err != nil {
		return nil, err
	}
	if a.outcome != nil || a.code >= 300 {
		return nil, fmt.Errorf("$cache-control?mode=%s: HTTP %d", mode, a.code)
	}
	return a.resource, nil
}

// operation runs one test operation with the R4 request and returns what
// the R4 terminology client returns or throws (err: the test fails).
func (c *txClient) operation(op string, req map[string]any, hdrs []txHeader) (txAnswer, error) {
	switch op {
	case "lookup":
		return c.post("/CodeSystem/$lookup", req, hdrs, "Parameters", false)
	case "expand":
		return c.post("/ValueSet/$expand", req, hdrs, "ValueSet", false)
	case "translate":
		// TerminologyClientR4.translate does not turn the R4 exception into
		// the R5 one TxTester catches: a server error always fails.
		return c.post("/ConceptMap/$translate", req, hdrs, "Parameters", true)
	case "validate-code":
		return c.operateType("ValueSet", "validate-code", req, hdrs)
	case "cs-validate-code":
		return c.operateType("CodeSystem", "validate-code", req, hdrs)
	case "batch-validate":
		return c.operateType("ValueSet", "batch-validate-code", req, hdrs)
	}
	return txAnswer{}, fmt.Errorf("operation %q is not implemented by this runner (the Java runner has it only for modes this server does not claim)", op)
}

func (c *txClient) post(path string, req map[string]any, hdrs []txHeader, want string, errorsFail bool) (txAnswer, error) {
	a, err := c.call(http.MethodPost, path, req, hdrs)
	if err != nil {
		return a, err
	}
	if a.outcome != nil {
		if errorsFail {
			return a, fmt.Errorf("the server returned an error (HTTP %d: %s), which the Java client does not catch for this operation", a.code, outcomeText(a.outcome))
		}
		return a, nil
	}
	if a.code < 200 || a.code >= 300 {
		return a, fmt.Errorf("Server returned error code %d without an OperationOutcome with an error", a.code)
	}
	if a.resource == nil || a.resource["resourceType"] != want {
		return a, fmt.Errorf("expected a %s, the answer is %s (ClassCastException / NullPointerException in the Java client)", want, describeResource(a.resource))
	}
	return a, nil
}

// operateType is FHIRToolingClient.operateType.
func (c *txClient) operateType(typ, name string, req map[string]any, hdrs []txHeader) (txAnswer, error) {
	complex, query := false, ""
	for _, p := range asArray(req["parameter"]) {
		_, v, ok := primitiveValueOf(p.(map[string]any))
		if !ok {
			complex = true
			continue
		}
		query += formEncode(str(p, "name")) + "=" + formEncode(v) + "&"
	}
	var a txAnswer
	var err error
	if complex {
		a, err = c.call(http.MethodPost, "/"+typ+"/$"+name, req, hdrs)
	} else {
		a, err = c.call(http.MethodGet, "/"+typ+"/$"+name+"?"+query, nil, hdrs)
	}
	if err != nil || a.outcome != nil {
		return a, err
	}
	if a.code < 200 || a.code >= 300 {
		return a, fmt.Errorf("Server returned error code %d without an OperationOutcome (ClassCastException in the Java client)", a.code)
	}
	if a.resource == nil || a.resource["resourceType"] != "Parameters" {
		p := map[string]any{"name": "return"}
		if a.resource != nil {
			p["resource"] = a.resource
		}
		a.resource = map[string]any{"resourceType": "Parameters", "parameter": []any{p}}
	}
	return a, nil
}

// formEncode is URLEncodedUtils.format of HttpClient: letters, digits and
// "_-.*" stay, a space is '+', the rest is %XX of its UTF-8 bytes.
func formEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("_-.*", ch) >= 0:
			b.WriteByte(ch)
		case ch == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

// call sends one request and reads the answer as unmarshalReference does.
func (c *txClient) call(method, path string, body map[string]any, hdrs []txHeader) (txAnswer, error) {
	var rd io.Reader
	if body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(body); err != nil {
			return txAnswer{}, err
		}
		rd = &buf
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return txAnswer{}, err
	}
	req.Header.Set("Accept", txFormat)
	if body != nil {
		req.Header.Set("Content-Type", txContentType)
	}
	req.Header.Set("User-Agent", txUserAgent)
	for _, h := range hdrs {
		req.Header.Add(h.name, h.value)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return txAnswer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return txAnswer{}, err
	}
	a := txAnswer{code: resp.StatusCode}
	ok := a.code >= 200 && a.code < 300
	if len(raw) == 0 {
		if !ok {
			return a, fmt.Errorf("Server returned error code %d with no content", a.code)
		}
		return a, nil
	}
	ct, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	var res map[string]any
	switch strings.TrimSpace(ct) {
	case "":
		if !ok {
			res = outcomeFromText(string(raw))
			break
		}
		fallthrough
	case "application/json", "application/fhir+json":
		v, err := decodeJSON(raw)
		if m, isObj := v.(map[string]any); err == nil && isObj {
			res = m
		} else {
			return a, fmt.Errorf("Error parsing response message: %v", err)
		}
	case "application/xml", "application/fhir+xml", "text/xml":
		return a, fmt.Errorf("the answer is XML (%s), which this runner does not read", ct)
	case "text/html":
		res = outcomeFromText(htmlTags.ReplaceAllString(string(raw), ""))
	default:
		res = outcomeFromText(string(raw))
	}
	if res["resourceType"] == "OperationOutcome" {
		if hasErrorIssue(res) {
			a.outcome = res
			return a, nil
		}
		return a, nil // "Got OperationOutcome with no error": no resource
	}
	a.resource = res
	return a, nil
}

var htmlTags = regexp.MustCompile(`<[^>]*>`)

// outcomeFromText is OperationOutcomeUtilities.outcomeFromTextError.
func outcomeFromText(text string) map[string]any {
	return map[string]any{"resourceType": "OperationOutcome",
		"text":  map[string]any{"status": "generated", "div": "<div>" + text + "</div>"},
		"issue": []any{map[string]any{"severity": "error", "code": "exception", "details": map[string]any{"text": text}}}}
}

func hasErrorIssue(oo map[string]any) bool {
	for _, is := range asArray(oo["issue"]) {
		if s := str(is, "severity"); s == "error" || s == "fatal" {
			return true
		}
	}
	return false
}

func describeResource(r map[string]any) string {
	if r == nil {
		return "empty"
	}
	return fmt.Sprintf("a %v", r["resourceType"])
}
