package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The cases of the hostile-input corpus, by category (TestHostileInput).

const hcpcsSystem = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"

// postOps are the operations that take a POSTed Parameters resource.
var postOps = []string{
	"/fhir/CodeSystem/$lookup",
	"/fhir/CodeSystem/$validate-code",
	"/fhir/ValueSet/$validate-code",
	"/fhir/ValueSet/$expand",
	"/fhir/ValueSet/$batch-validate-code",
	"/fhir/ConceptMap/$translate",
	"/fhir/$cache-control",
}

// routes are the routes of the API, one request-target each.
var routes = []string{
	"/fhir/metadata",
	"/fhir/$versions",
	"/fhir/$cache-control",
	"/fhir/CodeSystem",
	"/fhir/CodeSystem/_search",
	"/fhir/CodeSystem/hcpcs-2025-10",
	"/fhir/CodeSystem/$lookup",
	"/fhir/CodeSystem/$validate-code",
	"/fhir/CodeSystem/hcpcs-2025-10/$lookup",
	"/fhir/ValueSet",
	"/fhir/ValueSet/_search",
	"/fhir/ValueSet/$expand",
	"/fhir/ValueSet/$validate-code",
	"/fhir/ValueSet/$batch-validate-code",
	"/fhir/ConceptMap/$translate",
	"/fhir/ConceptMap/x/$translate",
}

func hostileCases() []hostileCase {
	var all []hostileCase
	for _, gen := range []func() []hostileCase{
		brokenJSONCases, parameterShapeCases, deepJSONCases, bigBodyCases, queryCases, encodingCases,
		methodCases, contentTypeCases, traversalCases, unknownCases, codingFloodCases, formatCases, xmlBodyCases,
	} {
		all = append(all, gen()...)
	}
	return all
}

func fixed(b []byte) func() io.Reader { return func() io.Reader { return bytes.NewReader(b) } }

func postJSON(category, target, body string, want int) hostileCase {
	return hostileCase{category: category, method: http.MethodPost, target: target,
		header: map[string]string{"Content-Type": "application/fhir+json"}, body: fixed([]byte(body)), size: int64(len(body)), want: want}
}

func get(category, target string, want int) hostileCase {
	return hostileCase{category: category, method: http.MethodGet, target: target, want: want}
}

// brokenJSONCases: bodies that are not JSON, or not a Parameters resource,
// to every POST operation. All 400.
func brokenJSONCases() []hostileCase {
	bodies := []string{
		``, `   `, `{`, `[`, `}`, `{"resourceType":"Parameters"`, `{"resourceType":"Parameters",}`,
		`{"resourceType":"Parameters"} trailing`, `{"resourceType":"Parameters"}{}`, "\xef\xbb\xbf{\"resourceType\":\"Parameters\"}",
		`"Parameters"`, `42`, `null`, `true`, `[]`, `{}`, `{"resourceType":42}`, `{"resourceType":null}`,
		`{"resourceType":"Patient","id":"x"}`, `{"resourceType":"parameters"}`,
		`{"resourceType":"Parameters","parameter":{}}`, `{"resourceType":"Parameters","parameter":"x"}`,
		`{"resourceType":"Parameters","parameter":[1]}`, `{"resourceType":"Parameters","parameter":[[]]}`,
		`{"resourceType":"Parameters","parameter":[null]}`, "{\"resourceType\":\"Parameters\",\x00}",
		`<Parameters xmlns="http://hl7.org/fhir"/>`, `resourceType=Parameters`,
	}
	var out []hostileCase
	for _, op := range postOps {
		for _, b := range bodies {
			out = append(out, postJSON("broken JSON", op, b, http.StatusBadRequest))
		}
	}
	return out
}

// parameterShapeCases: Parameters whose parameters are ill-formed: no
// name, wrong value[x] types, two value[x], a resource that is not one.
func parameterShapeCases() []hostileCase {
	params := []string{
		`{"valueCode":"E0114"}`,
		`{"name":"","valueCode":"E0114"}`,
		`{"name":42,"valueCode":"E0114"}`,
		`{"name":null}`,
		`{"name":"code","valueCode":"E0114","valueString":"E0114"}`,
		`{"name":"code","valueCode":42}`,
		`{"name":"code","valueCode":{}}`,
		`{"name":"code","valueCode":["E0114"]}`,
		`{"name":"code","valueCode":null}`,
		`{"name":"coding","valueCoding":"E0114"}`,
		`{"name":"coding","valueCoding":{"code":42}}`,
		`{"name":"codeableConcept","valueCodeableConcept":[1]}`,
		`{"name":"codeableConcept","valueCodeableConcept":{"coding":{}}}`,
		`{"name":"system","valueBoolean":true}`,
		`{"name":"url","valueInteger":1}`,
		`{"name":"valueSet","resource":"x"}`,
		`{"name":"tx-resource","resource":42}`,
		`{"name":"tx-resource","resource":{"resourceType":"CodeSystem","concept":"x"}}`,
		`{"name":"validation","part":"x"}`,
		`{"name":"code","valueFoo":"E0114"}`,
		`{"name":"code","valueCode":"E0114","resource":{}}`,
	}
	var out []hostileCase
	for _, op := range postOps {
		for _, p := range params {
			out = append(out, postJSON("Parameters shape", op, `{"resourceType":"Parameters","parameter":[`+p+`]}`, 0))
		}
	}
	return out
}

// deepJSONCases: JSON nested 100,000 levels deep, as the body and inside a
// resource parameter.
func deepJSONCases() []hostileCase {
	const depth = 100_000
	arrays := strings.Repeat("[", depth) + strings.Repeat("]", depth)
	objects := strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
	var out []hostileCase
	for _, op := range postOps {
		out = append(out,
			postJSON("deep JSON", op, arrays, http.StatusBadRequest),
			postJSON("deep JSON", op, objects, http.StatusBadRequest),
			postJSON("deep JSON", op, `{"resourceType":"Parameters","parameter":[{"name":"tx-resource","resource":`+objects+`}]}`, http.StatusBadRequest))
	}
	return out
}

// junkReader generates n bytes of a Parameters body that never ends
// well, without holding them: the test must not allocate 100 MB.
type junkReader struct{ left int64 }

func (r *junkReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	for i := range p {
		p[i] = ' '
	}
	if len(p) > 0 && r.left == int64(len(p)) {
		p[len(p)-1] = '}'
	}
	r.left -= int64(len(p))
	return len(p), nil
}

func junk(n int64) func() io.Reader {
	return func() io.Reader {
		j := &junkReader{left: n}
		return &junkBody{Reader: io.MultiReader(strings.NewReader(`{"resourceType":"Parameters","parameter":[]`), j), junk: j}
	}
}

// junkBody is a junk body that tells how much of its junk was never read
// (bodyLeft).
type junkBody struct {
	io.Reader
	junk *junkReader
}

func (b *junkBody) Left() int64 { return b.junk.left }

// bigBodyCases: bodies of 10 MB and 100 MB, with a length and chunked,
// streamed; the server stops reading at its limit (4 MiB) and answers 413
// at once: a 100 MB body is never all sent. (Loopback socket buffers can
// hold the rest of a 10 MB one.) How long the exchange takes is not a
// measure of that: under -race, with the other tests running, reading 4 MiB
// chunked took up to 10 s.
func bigBodyCases() []hostileCase {
	var out []hostileCase
	for _, op := range postOps {
		for _, n := range []int64{10 << 20, 100 << 20} {
			for _, chunked := range []bool{false, true} {
				size := n + int64(len(`{"resourceType":"Parameters","parameter":[]`))
				if chunked {
					size = -1
				}
				out = append(out, hostileCase{category: "huge body", method: http.MethodPost, target: op,
					header: map[string]string{"Content-Type": "application/fhir+json"}, body: junk(n), size: size,
					want: http.StatusRequestEntityTooLarge, stopsReading: n == 100<<20})
			}
		}
	}
	return out
}

// queryCases: many and long query parameters that fit in the server's
// 64 KiB of headers (longer ones are answered by net/http:
// hostile_nethttp_test.go), and 20,000 parameters in a form body.
func queryCases() []hostileCase {
	lookup := "/fhir/CodeSystem/$lookup?system=" + url.QueryEscape(hcpcsSystem)
	many := strings.Repeat("&x", 12_000) // more pairs than net/url reads (10,000)
	long := strings.Repeat("A", 60_000)
	form := "system=" + url.QueryEscape(hcpcsSystem) + "&code=E0114" + strings.Repeat("&j=1", 20_000)
	var out []hostileCase
	for _, target := range []string{lookup + "&code=E0114" + many, "/fhir/CodeSystem" + "?" + many[1:], "/fhir/ValueSet/$expand?url=x" + many} {
		out = append(out, get("query flood", target, http.StatusBadRequest))
	}
	out = append(out,
		get("query flood", lookup+"&code="+long, http.StatusNotFound),
		get("query flood", "/fhir/ValueSet/$expand?url="+long, 0),
		get("query flood", "/fhir/ConceptMap/$translate?coding="+long, http.StatusBadRequest),
		get("query flood", "/fhir/CodeSystem/"+long, http.StatusNotFound),
		get("query flood", "/fhir/CodeSystem?url="+long+"&version="+long[:1000]+"&x=%zz", http.StatusBadRequest))
	for _, op := range postOps[:6] {
		out = append(out, hostileCase{category: "query flood", method: http.MethodPost, target: op,
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			body:   fixed([]byte(form)), size: int64(len(form)), want: http.StatusBadRequest})
	}
	return out
}

// encodingCases: bad percent-encoding (400 naming the parameter), invalid
// UTF-8 and NUL bytes in parameters and bodies.
func encodingCases() []hostileCase {
	queries := []string{
		"code=%zz", "code=%", "code=%4", "%zz=1", "%=1", "system=a;b", "code=E0114%",
		"code=%FF%FE", "code=%00", "system=%00%00", "code=%C0%80", "code=E01%0014",
	}
	targets := []string{"/fhir/CodeSystem/$lookup", "/fhir/CodeSystem/$validate-code", "/fhir/ValueSet/$validate-code",
		"/fhir/ValueSet/$expand", "/fhir/ConceptMap/$translate", "/fhir/CodeSystem", "/fhir/metadata"}
	var out []hostileCase
	for _, target := range targets {
		for i, q := range queries {
			want := 0
			if i < 7 {
				want = http.StatusBadRequest // bad escaping, or a raw ';'
			}
			if target == "/fhir/metadata" || target == "/fhir/CodeSystem" {
				if i >= 7 {
					continue // well-escaped junk is a search with no match, or ignored: 200
				}
			}
			out = append(out, get("encoding", target+"?"+q, want))
		}
	}
	bodies := []string{
		"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"code\",\"valueCode\":\"\xff\xfe\"}]}",
		"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"code\",\"valueCode\":\"E01\x0014\"}]}",
		"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"code\",\"valueCode\":\"E01\\u000014\"}]}",
		"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"\xc0\x80\",\"valueCode\":\"E0114\"}]}",
		"\x00\x00\x00\x00",
		"\xff\xfe{\x00\"\x00}\x00",
	}
	for _, op := range postOps {
		for _, b := range bodies {
			out = append(out, postJSON("encoding", op, b, 0))
		}
	}
	return out
}

// methodCases: every method on every route. PUT, PATCH, DELETE, a plain
// OPTIONS (no CORS preflight) and an invented method are 405; GET and POST
// of an operation without its parameters are 4xx; HEAD is answered with a
// status only.
func methodCases() []hostileCase {
	var out []hostileCase
	for _, route := range routes {
		for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions, "PROPFIND", "TRACE"} {
			out = append(out, hostileCase{category: "method", method: m, target: route, want: http.StatusMethodNotAllowed})
		}
	}
	for _, route := range routes {
		if !strings.Contains(route, "$") || strings.HasSuffix(route, "$versions") {
			continue
		}
		out = append(out, get("method", route, 0), postJSON("method", route, `{"resourceType":"Parameters"}`, 0),
			hostileCase{category: "method", method: http.MethodHead, target: route})
	}
	return out
}

// contentTypeCases: POSTs whose body is not FHIR JSON: 415.
func contentTypeCases() []hostileCase {
	types := []string{"text/plain", "application/xhtml+xml", "multipart/form-data; boundary=x",
		"garbage", ";;;", "application/", "text/html; charset=utf-8", "image/png"}
	body := `{"resourceType":"Parameters","parameter":[{"name":"code","valueCode":"E0114"}]}`
	var out []hostileCase
	for _, op := range postOps {
		for _, ct := range types {
			out = append(out, hostileCase{category: "Content-Type", method: http.MethodPost, target: op,
				header: map[string]string{"Content-Type": ct}, body: fixed([]byte(body)), size: int64(len(body)),
				want: http.StatusUnsupportedMediaType})
		}
	}
	return out
}

// traversalCases: paths that climb out of /fhir, literally or encoded:
// a 4xx OperationOutcome, never a file.
func traversalCases() []hostileCase {
	paths := []string{
		"/fhir/../etc/passwd", "/fhir/../../../../../../etc/passwd", "/../../etc/passwd", "/etc/passwd",
		"/fhir/%2e%2e/%2e%2e/etc/passwd", "/fhir/%2E%2E%2Fetc%2Fpasswd", "/fhir/CodeSystem/..%2f..%2f..%2fetc%2fpasswd",
		"/fhir/CodeSystem/%2e%2e%2f%2e%2e%2fetc%2fpasswd/$lookup", "/fhir/ValueSet/%252e%252e%252fetc%252fpasswd",
		"/fhir/..%5c..%5cetc%5cpasswd", "/fhir/CodeSystem/....//....//etc/passwd", "/fhir//etc/passwd",
		"/fhir/./metadata/../../etc/passwd", "/fhir/CodeSystem/..", "/fhir/CodeSystem/.", "/fhir/ValueSet/../../etc/passwd",
		"/fhir/%c0%ae%c0%ae/etc/passwd", "/fhir/ConceptMap/..%00/etc/passwd", "/fhir/CodeSystem/hcpcs-2025-10/..%2f$lookup",
		"/fhir/metadata/", "/fhir/CodeSystem/", "/static/../../etc/passwd",
	}
	var out []hostileCase
	for _, p := range paths {
		out = append(out, get("path traversal", p, 0),
			postJSON("path traversal", p, `{"resourceType":"Parameters"}`, 0))
	}
	return out
}

// unknownCases: resource types and operations this server does not have.
func unknownCases() []hostileCase {
	paths := []string{
		"/fhir/Patient", "/fhir/Patient/1", "/fhir/Observation/$validate", "/fhir/NamingSystem", "/fhir/Bundle",
		"/fhir/CodeSystem/$foo", "/fhir/CodeSystem/$expand", "/fhir/ValueSet/$lookup", "/fhir/$lookup", "/fhir/$expand",
		"/fhir/$validate-code", "/fhir/$meta", "/fhir/CodeSystem/hcpcs-2025-10/$expand", "/fhir/ConceptMap/$expand",
		"/fhir/ConceptMap/$closure", "/fhir/CodeSystem/$subsumes", "/fhir/ValueSet/x/$foo", "/fhir/CodeSystem/nope",
		"/fhir/ValueSet/nope", "/fhir/ConceptMap/nope", "/fhir", "/fhir/$", "/fhir/CodeSystem/$",
	}
	var out []hostileCase
	for _, p := range paths {
		out = append(out, get("unknown", p, 0), postJSON("unknown", p, `{"resourceType":"Parameters"}`, 0))
	}
	return out
}

// codingsBody is a CodeableConcept of n codings, each in a system of its
// own when unknownSystems, else all HCPCS.
func codingsBody(param string, n int, unknownSystems bool) string {
	var b strings.Builder
	b.WriteString(`{"resourceType":"Parameters","parameter":[`)
	if param == "validation" {
		b.WriteString(`{"name":"validation","resource":{"resourceType":"Parameters","parameter":[`)
		param = "codeableConcept"
	}
	fmt.Fprintf(&b, `{"name":%q,"valueCodeableConcept":{"coding":[`, param)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		sys := hcpcsSystem
		if unknownSystems {
			sys = fmt.Sprintf("urn:junk:%d", i)
		}
		fmt.Fprintf(&b, `{"system":%q,"code":"E%04d"}`, sys, i%10000)
	}
	b.WriteString(`]}}`)
	if strings.Contains(b.String(), `"validation"`) {
		b.WriteString(`]}}`)
	}
	b.WriteString(`,{"name":"url","valueUri":"http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets/vs"}]}`)
	return b.String()
}

// codingFloodCases: 1,000 codings in one CodeableConcept, and 12,000 in
// unknown systems: 400, at most 100 codings (fhir/params.go maxCodings).
// In a $batch-validate-code the 400 is the answer of that validation
// (TestHostileBatchCodings).
func codingFloodCases() []hostileCase {
	var out []hostileCase
	for _, op := range []struct{ target, param string }{
		{"/fhir/CodeSystem/$validate-code", "codeableConcept"},
		{"/fhir/ValueSet/$validate-code", "codeableConcept"},
		{"/fhir/ConceptMap/$translate", "codeableConcept"},
		{"/fhir/ConceptMap/$translate", "targetCodeableConcept"},
	} {
		for _, n := range []int{101, 1000, 12_000} {
			out = append(out, postJSON("codings flood", op.target, codingsBody(op.param, n, n > 1000), http.StatusBadRequest))
		}
	}
	return out
}

// formatCases: formats other than FHIR JSON and XML, or of another FHIR
// version, asked for: 406 (in XML when XML was asked for).
func formatCases() []hostileCase {
	var out []hostileCase
	for _, route := range []string{"/fhir/metadata", "/fhir/CodeSystem", "/fhir/CodeSystem/$lookup?system=x&code=y", "/fhir/ValueSet"} {
		sep := "?"
		if strings.Contains(route, "?") {
			sep = "&"
		}
		for _, f := range []string{"xml%3BfhirVersion%3D3.0", "text/html", "json%3BfhirVersion%3D5.0", "turtle", "%00"} {
			want := http.StatusNotAcceptable
			if f == "%00" {
				want = 0
			}
			out = append(out, get("format", route+sep+"_format="+f, want))
		}
		for _, accept := range []string{"application/fhir+xml; fhirVersion=5.0", "text/html", "application/fhir+json; fhirVersion=3.0", "image/*",
			"application/fhir+json;q=0, application/fhir+xml;q=0"} {
			out = append(out, hostileCase{category: "format", method: http.MethodGet, target: route,
				header: map[string]string{"Accept": accept}, want: http.StatusNotAcceptable})
		}
	}
	return out
}

// xmlBodyCases: POSTed bodies declared FHIR XML that are not: a JSON body,
// malformed XML, another namespace, an unknown element, another resource,
// entity declarations (a billion laughs must be refused at once, never
// expanded), nesting 100,000 deep; to every POST operation, with the
// answer asked for in XML and in JSON. All 4xx.
func xmlBodyCases() []hostileCase {
	const p = `<Parameters xmlns="http://hl7.org/fhir">`
	laughs := `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">`
	prev := "a"
	for i := range 9 {
		name := fmt.Sprintf("a%d", i)
		laughs += `<!ENTITY ` + name + ` "` + strings.Repeat("&"+prev+";", 10) + `">`
		prev = name
	}
	laughs += `]>` + p + `<parameter><name value="code"/><valueCode value="&` + prev + `;"/></parameter></Parameters>`
	bodies := map[string]int{
		`{"resourceType":"Parameters","parameter":[{"name":"code","valueCode":"E0114"}]}`: http.StatusBadRequest,
		p + `<parameter><name value="code">`:                                              http.StatusBadRequest,
		`<Parameters xmlns="http://example.org/fhir"/>`:                                   http.StatusBadRequest,
		`<Parameters><parameter><name value="code"/></parameter></Parameters>`:            http.StatusBadRequest,
		p + `<parameter><nome value="code"/></parameter></Parameters>`:                    http.StatusBadRequest,
		`<Patient xmlns="http://hl7.org/fhir"><id value="x"/></Patient>`:                  http.StatusBadRequest,
		laughs: http.StatusBadRequest,
		`<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + p + `<parameter><name value="&x;"/></parameter></Parameters>`: http.StatusBadRequest,
		p + strings.Repeat("<parameter>", 100_000): 0,
	}
	var out []hostileCase
	for _, op := range postOps {
		for b, want := range bodies {
			for _, accept := range []string{"application/fhir+xml", "application/fhir+json"} {
				out = append(out, hostileCase{category: "XML body", method: http.MethodPost, target: op,
					header: map[string]string{"Content-Type": "application/fhir+xml", "Accept": accept},
					body:   fixed([]byte(b)), size: int64(len(b)), want: want, within: 5 * time.Second})
			}
		}
	}
	return out
}
