package fhirxml_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir"
	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// meaning reads JSON into plain values with numbers as their literals, so
// that two documents compare equal whatever their member order and
// whitespace, and 1.50 differs from 1.5.
func meaning(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v), "%.300s", b)
	return v
}

// goldens are the JSON answers of the fhir package's golden tests.
func goldens(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(t), "fhir", "testdata", "golden", "*.json"))
	require.NoError(t, err)
	require.Greater(t, len(files), 100, "the fhir package's golden answers")
	return files
}

// serverAnswer loads the 2025-10 release read in place from the shared CMS
// data, once per test binary, and returns the JSON body the FHIR API
// answers to GET target.
func serverAnswer(tb testing.TB, target string) []byte {
	tb.Helper()
	engine := server(tb)
	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	require.Equal(tb, http.StatusOK, rec.Code, "%.500s", rec.Body.String())
	return rec.Body.Bytes()
}

var loaded struct {
	once    sync.Once
	handler http.Handler
	err     error
}

func server(tb testing.TB) http.Handler {
	tb.Helper()
	release := testenv.Release(tb, "2025-10_quarterly")
	loaded.once.Do(func() {
		releases, err := terminology.LoadSources([]string{release}, terminology.LoadOptions{})
		if err != nil {
			loaded.err = err
			return
		}
		snap, err := terminology.NewSnapshotEvaluated(releases, terminology.Definitions{})
		if err != nil {
			loaded.err = err
			return
		}
		loaded.handler = fhir.NewServer(fhir.Config{Data: terminology.NewStore(snap), BaseURL: "http://tx.example/fhir"}).NewEngine()
	})
	require.NoError(tb, loaded.err, "loading the 2025-10 release")
	return loaded.handler
}
