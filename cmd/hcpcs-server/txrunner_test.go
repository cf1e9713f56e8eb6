package main

// txRunner is the HL7 tx-ecosystem runner (TxTester.execute, runSuite,
// runTest and the per-operation methods lookup, expand, validate, validateCS,
// batchValidate, translate, metadata, termcaps of
// org.hl7.fhir.validation/src/main/java/org/hl7/fhir/validation/special/TxTester.java),
// run the way the CLI (TxTestsCommand) runs it: modes {general}, no
// -test-version, no externals file, tight = false.
//
//   - A suite runs when it has no mode or its mode is on and it is not
//     disabled; a test when it has no mode or its mode is on and it is not
//     disabled (runSuite; the "modes" list is only read by executeTest, which
//     the CLI does not use). "version" is matched against -test-version,
//     which the CLI leaves unset, so it never filters.
//   - request:{mode} / response:{mode} replace request / response when that
//     mode is on (chooseParam): with only general on, response:flat and
//     response:tx.fhir.org are never used.
//   - The request gets every setup resource of the suite as a tx-resource,
//     then the parameters of the test's profile file (parameters-default.json
//     when none), and is converted to R4. When the server's
//     CapabilityStatement lists $cache-control, the setup is instead loaded
//     once per suite with $cache-control?mode=start and the requests carry
//     its cache-id as X-Cache-Id (suiteCacheId); the cache is ended when the
//     suite is done (runSuite's endSuiteCache). A cache-id serves one request
//     at a time, as a Java thread's does.
//   - The answer is converted to R5, scrubbed and sorted, and compared with
//     the response template; then the HTTP status must match http-code
//     (default 2xx; a successful answer counts as 200).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

type txRunner struct {
	dir    string // the folder of test-cases.json
	client *txClient
	modes  map[string]bool
	files  sync.Map // file name -> loaded JSON (shared, never modified)
	suites []*txSuite
}

type txSuite struct {
	name  string
	setup []map[string]any
	tests []txCase // the applicable tests

	cacheOnce sync.Once
	cacheID   string
	// cacheUse makes the requests of a suite that carry its cache-id one at
	// a time: TxTester's caches are per thread, so the Java runner never
	// sends two requests with the same cache-id at once.
	cacheUse sync.Mutex
}

// txCase is one test; name is unique in its suite, like the subtest: a test
// whose name is already taken (test-cases.json repeats a few) is name#01, …
type txCase struct {
	name string
	raw  map[string]any
}

// txResult is the outcome of one test: msg is "" when it passed.
type txResult struct {
	msg      string
	expected any
	actual   any
	server   string // what the server's error said, for reports
	warnings []string
	notes    []string
}

func newTxRunner(t *testing.T, base, dir string, modes ...string) *txRunner {
	t.Helper()
	client, err := connectTxClient(base)
	if err != nil {
		t.Fatalf("connecting to %s: %v", base, err)
	}
	r := &txRunner{dir: dir, client: client, modes: map[string]bool{}}
	for _, m := range modes {
		r.modes[m] = true
	}
	cases, err := r.load("test-cases.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, so := range asArray(cases.(map[string]any)["suites"]) {
		s := so.(map[string]any)
		if !r.modeOn(s) || s["disabled"] == true {
			continue
		}
		suite := &txSuite{name: str(s, "name")}
		for _, f := range stringList(s["setup"]) {
			res, err := r.load(f)
			if err != nil {
				t.Fatalf("suite %s: %v", suite.name, err)
			}
			suite.setup = append(suite.setup, res.(map[string]any))
		}
		seen := map[string]int{}
		for _, to := range asArray(s["tests"]) {
			if tc := to.(map[string]any); r.modeOn(tc) && tc["disabled"] != true {
				name := str(tc, "name")
				if n := seen[name]; n > 0 {
					name = fmt.Sprintf("%s#%02d", name, n)
				}
				seen[str(tc, "name")]++
				suite.tests = append(suite.tests, txCase{name: name, raw: tc})
			}
		}
		r.suites = append(r.suites, suite)
	}
	if len(r.suites) == 0 {
		t.Fatalf("%s/test-cases.json: no suite applies to modes %v", dir, modes)
	}
	return r
}

func (r *txRunner) modeOn(o map[string]any) bool {
	m, has := o["mode"].(string)
	return !has || r.modes[m]
}

// load reads a file of the test folder once; callers clone before changing.
func (r *txRunner) load(name string) (any, error) {
	if v, ok := r.files.Load(name); ok {
		return v, nil
	}
	b, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, err
	}
	v, err := decodeJSON(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("%s: not a JSON object", name)
	}
	v, _ = r.files.LoadOrStore(name, v)
	return v, nil
}

// chooseParam: name:{mode} for a mode that is on, else name.
func (r *txRunner) chooseParam(tc map[string]any, name string) string {
	for m := range r.modes {
		if s, ok := tc[name+":"+m].(string); ok {
			return s
		}
	}
	return str(tc, name)
}

// suiteCacheID starts the suite's server cache on first use, when the
// server has $cache-control and the suite has setup; "" means no cache.
func (r *txRunner) suiteCacheID(s *txSuite) string {
	if len(s.setup) == 0 || !r.client.supportsCacheControl() {
		return ""
	}
	s.cacheOnce.Do(func() {
		p := map[string]any{"resourceType": "Parameters"}
		for _, res := range s.setup {
			p["parameter"] = append(asArray(p["parameter"]), map[string]any{"name": "tx-resource", "resource": cloneJSON(res)})
		}
		out, err := r.client.cacheControl("start", p, nil)
		if err != nil {
			return // not caching this suite
		}
		for _, x := range asArray(out["parameter"]) {
			if str(x, "name") == "cache-id" {
				_, s.cacheID, _ = primitiveValueOf(x.(map[string]any))
			}
		}
	})
	return s.cacheID
}

func (r *txRunner) endSuiteCache(s *txSuite) {
	if s.cacheID != "" {
		_, _ = r.client.cacheControl("end", map[string]any{"resourceType": "Parameters"}, []txHeader{{"X-Cache-Id", s.cacheID}})
	}
}

// runTest runs one test. inline sends the suite's setup as tx-resource
// parameters even when the server has $cache-control: the HL7 runner uses
// a session then, and FHIRsmith's CI runs the suites both ways.
func (r *txRunner) runTest(s *txSuite, tc map[string]any, inline bool) (res txResult) {
	fail := func(format string, args ...any) txResult {
		res.msg = fmt.Sprintf(format, args...)
		return res
	}
	profileFile := str(tc, "profile")
	if profileFile == "" {
		profileFile = "parameters-default.json"
	}
	profile, err := r.load(profileFile)
	if err != nil {
		return fail("exception: %v", err)
	}
	respFile := r.chooseParam(tc, "response")
	expected, err := r.load(respFile)
	if err != nil {
		return fail("exception: %v", err)
	}
	res.expected = expected
	cmp := &txComparer{modes: r.modes, vars: map[string]string{"version": txFHIRVersion}}

	op := str(tc, "operation")
	if op == "metadata" || op == "term-caps" {
		src, sorter := r.client.capStmt, sortCapStmt
		if op == "term-caps" {
			src, sorter = r.client.termCaps, sortTermCaps
		}
		act := cloneJSON(src).(map[string]any)
		sorter(act)
		res.actual = act
		cmp.pattern = true
		res.msg = cmp.compareObjects("", expected.(map[string]any), act)
		res.warnings, res.notes = cmp.warnings, cmp.notes
		return res
	}

	var hdrs []txHeader
	cid := ""
	if !inline {
		cid = r.suiteCacheID(s)
	}
	if cid != "" {
		hdrs = append(hdrs, txHeader{"X-Cache-Id", cid})
	}
	if h, ok := tc["header"].(map[string]any); ok {
		if m, has := h["mode"].(string); !has || r.modes[m] {
			hdrs = append(hdrs, txHeader{str(h, "name"), str(h, "value")})
		}
	}
	if lang := str(tc, "Accept-Language"); lang != "" {
		hdrs = append(hdrs, txHeader{"Accept-Language", lang})
	}
	hdrs = append(hdrs, txHeader{"X-Request-Id", "txTests:" + s.name + "/" + str(tc, "name")})

	reqFile := r.chooseParam(tc, "request")
	if reqFile == "" {
		return fail("exception: the test has no request")
	}
	reqV, err := r.load(reqFile)
	if err != nil {
		return fail("exception: %v", err)
	}
	req := cloneJSON(reqV).(map[string]any)
	params := asArray(req["parameter"])
	if cid == "" {
		for _, sr := range s.setup {
			params = append(params, map[string]any{"name": "tx-resource", "resource": cloneJSON(sr)})
		}
	}
	if op == "expand" {
		// hasValueUriType: uri or one of its subtypes (url, canonical, uuid, oid).
		for _, p := range params {
			if str(p, "name") == "url" && !hasAnyKey(p.(map[string]any), "valueUri", "valueUrl", "valueCanonical", "valueUuid", "valueOid") {
				return fail("exception: Wrong param type (the url parameter of an expand must be a uri)")
			}
		}
	}
	params = append(params, asArray(cloneJSON(profile).(map[string]any)["parameter"])...)
	req["parameter"] = params
	r4, err := toR4Request(req)
	if err != nil {
		return fail("exception: converting the request to R4: %v", err)
	}

	if cid != "" {
		s.cacheUse.Lock()
	}
	ans, err := r.client.operation(op, r4, hdrs)
	if cid != "" {
		s.cacheUse.Unlock()
	}
	if err != nil {
		return fail("exception: %v", err)
	}
	code := 200
	var act map[string]any
	if ans.outcome != nil {
		code = ans.code
		res.server = outcomeText(ans.outcome)
		if act, err = fromR4Response(ans.outcome); err != nil {
			return fail("exception: %v", err)
		}
		if op == "cs-validate-code" {
			delete(act, "text") // validateCS only clears the text
		} else {
			scrubOperationOutcome(act)
		}
	} else {
		if act, err = fromR4Response(ans.resource); err != nil {
			return fail("exception: %v", err)
		}
		if op == "expand" {
			scrubDomainResource(act)
			err = sortValueSet(act)
		} else {
			scrubParameters(act)
			err = sortParameters(act)
		}
		if err != nil {
			res.actual = act
			return fail("exception: %v", err)
		}
	}
	res.actual = act
	diff := cmp.compareObjects("", expected.(map[string]any), act)
	res.warnings, res.notes = cmp.warnings, cmp.notes
	tcode := str(tc, "http-code")
	if tcode == "" {
		tcode = "2xx"
	}
	if ok, known := httpCodeOk(tcode, code); !known {
		return fail("exception: unknown code string %s", tcode)
	} else if !ok {
		return fail("Response Code fail: should be '%s' but is '%d'", tcode, code)
	}
	res.msg = diff
	return res
}

func hasAnyKey(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

func httpCodeOk(tcode string, code int) (ok, known bool) {
	switch tcode {
	case "2xx", "3xx", "4xx", "5xx":
		lo := int(tcode[0]-'0') * 100
		return code >= lo && code < lo+100, true
	}
	return false, false
}

// outcomeText is the text of the first error issue of an answer.
func outcomeText(oo map[string]any) string {
	for _, is := range asArray(oo["issue"]) {
		if s := str(is, "severity"); s == "error" || s == "fatal" {
			if t := str(is.(map[string]any)["details"], "text"); t != "" {
				return t
			}
			return str(is, "diagnostics")
		}
	}
	return ""
}

// decodeJSON keeps numbers as json.Number, so that 1 and 1.0 stay distinct.
func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = cloneJSON(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = cloneJSON(e)
		}
		return a
	}
	return v
}

func pretty(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return buf.String()
}

func sortedMapKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
