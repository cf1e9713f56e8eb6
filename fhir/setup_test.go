package fhir_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/hcpcs-server/hcpcs-server/fhir"
	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// testBaseURL is the configured public base of the API under test.
const testBaseURL = "http://tx.example/fhir"

// The releases under test: the newest (default) and one older release.
const (
	latestVersion = "2025-10"
	olderVersion  = "2023-01"
	hcpcsURL      = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
)

var fixture struct {
	once   sync.Once
	err    error
	store  *terminology.Store
	engine *gin.Engine
}

// testEngine loads the two releases once per test binary and returns the
// gin engine of the FHIR API serving them. A load failure fails every test
// that asks: these tests never skip.
func testEngine(tb testing.TB) *gin.Engine {
	tb.Helper()
	paths := []string{testenv.Release(tb, "2025-10_quarterly"), testenv.Release(tb, "2023-01_quarterly")}
	fixture.once.Do(func() {
		releases, err := terminology.LoadSources(paths, terminology.LoadOptions{})
		if err != nil {
			fixture.err = err
			return
		}
		snap, err := terminology.NewSnapshot(releases)
		if err != nil {
			fixture.err = err
			return
		}
		fixture.store = terminology.NewStore(snap)
		fixture.engine = fhir.NewServer(fhir.Config{Data: fixture.store, BaseURL: testBaseURL}).NewEngine()
	})
	if fixture.err != nil {
		tb.Fatalf("loading the test releases: %v", fixture.err)
	}
	return fixture.engine
}

// doRequest sends one request to the engine and returns the recorded response.
func doRequest(tb testing.TB, method, target, body string, headers map[string]string) *httptest.ResponseRecorder {
	tb.Helper()
	e := testEngine(tb)
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/fhir+json")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}
