package fhir_test

import (
	"archive/tar"
	"compress/gzip"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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
	tmp    string // holds the NPM package built from testdata/package
}

// TestMain removes what the fixture wrote outside the tree.
func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.tmp != "" {
		_ = os.RemoveAll(fixture.tmp)
	}
	os.Exit(code)
}

// fixtureValueSets are the value sets the API under test loads: the
// self-written JSON files of testdata/valuesets, and an NPM package built
// from testdata/package as the FHIR package registry ships one.
func fixtureValueSets() (*fhir.LoadedDefinitions, error) {
	dir, err := os.MkdirTemp("", "hcpcs-fhir-test-")
	if err != nil {
		return nil, err
	}
	fixture.tmp = dir
	tgz := filepath.Join(dir, "example.hcpcs.ambulance-0.1.0.tgz")
	if err := writeTarGz(tgz, filepath.Join("testdata", "package")); err != nil {
		return nil, err
	}
	return fhir.LoadValueSets([]string{filepath.Join("testdata", "valuesets"), tgz})
}

// writeTarGz packs the files under root into a gzipped tarball, with paths
// relative to root.
func writeTarGz(out, root string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(b))}); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
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
		defs, err := fixtureValueSets()
		if err != nil {
			fixture.err = err
			return
		}
		snap, err := terminology.NewSnapshotEvaluated(releases, defs.Definitions)
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

// fhirServer is an engine over the test releases with a configuration of
// its own (limits, say).
func fhirServer(tb testing.TB, cfg fhir.Config) *gin.Engine {
	tb.Helper()
	testEngine(tb)
	cfg.Data, cfg.BaseURL = fixture.store, testBaseURL
	return fhir.NewServer(cfg).NewEngine()
}

// doRequest sends one request to the engine and returns the recorded response.
func doRequest(tb testing.TB, method, target, body string, headers map[string]string) *httptest.ResponseRecorder {
	tb.Helper()
	return serve(testEngine(tb), method, target, body, headers)
}

// serve sends one request to an engine.
func serve(e *gin.Engine, method, target, body string, headers map[string]string) *httptest.ResponseRecorder {
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
