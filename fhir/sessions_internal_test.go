package fhir

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology/valueset"
)

// TestSessionLifetime: an idle session expires and its place is freed; a
// session may not grow beyond its byte limit.
func TestSessionLifetime(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st := newSessionStore(1, time.Minute, 100)
	st.now = func() time.Time { return now }
	id, err := st.start(&definitions{bytes: 10, valueSets: []*valueset.ValueSet{{URL: "http://example.org/vs0"}}}, false)
	require.NoError(t, err)
	_, err = st.start(nil, true)
	require.Error(t, err, "one session at a time")

	now = now.Add(59 * time.Second)
	one := &definitions{bytes: 50, valueSets: []*valueset.ValueSet{{URL: "http://example.org/vs"}}}
	defs, err := st.use(id, one)
	require.NoError(t, err)
	require.Equal(t, 60, defs.bytes, "an open session keeps what a request adds")
	two := &definitions{bytes: 50, valueSets: []*valueset.ValueSet{{URL: "http://example.org/vs2"}}}
	_, err = st.use(id, two)
	require.ErrorContains(t, err, "at most 100", "the session would grow beyond its limit")

	now = now.Add(61 * time.Second) // idle for more than a minute
	_, err = st.use(id, nil)
	require.ErrorContains(t, err, "is unknown")
	id2, err := st.start(nil, false)
	require.NoError(t, err, "the expired session's place is free")
	require.NotEqual(t, id, id2)

	_, err = st.start(&definitions{bytes: 101}, false)
	require.ErrorContains(t, err, "at most 100")
}

// TestSessionConcurrentUse: requests of one session at once (run with -race).
func TestSessionConcurrentUse(t *testing.T) {
	st := newSessionStore(4, time.Minute, 1<<20)
	id, err := st.start(&definitions{bytes: 1, valueSets: []*valueset.ValueSet{{URL: "http://example.org/vs0"}}}, false)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			own := &definitions{bytes: 1, valueSets: []*valueset.ValueSet{{URL: fmt.Sprintf("http://example.org/vs%d", i+1)}}}
			_, err := st.use(id, own)
			assert.NoError(t, err)
		})
		// Starting a session scans for idle ones while the others are in
		// use: the store's and a session's locks must never be nested
		// the other way round.
		wg.Go(func() {
			if other, err := st.start(nil, true); err == nil {
				assert.NoError(t, st.end(other))
			}
		})
	}
	wg.Wait()
	defs, err := st.use(id, nil)
	require.NoError(t, err)
	require.Len(t, defs.valueSets, 9, "every request's value set was kept")
}

// TestSessionKeepsCompiledSets: the value set a session's request names is
// compiled once over the session's definitions and kept for the requests
// that follow; a definition a request adds replaces the session's
// definitions, and so what was compiled from them; another snapshot gets
// a cache of its own.
func TestSessionKeepsCompiledSets(t *testing.T) {
	store := cacheStore(t, cacheRelease(t, "2025-01", ""))
	srv := NewServer(Config{Data: store, Logger: slog.New(slog.DiscardHandler)})
	e := srv.NewEngine()
	const (
		csURL = "http://example.org/fhir/CodeSystem/colours"
		vsURL = "http://example.org/fhir/ValueSet/warm"
	)
	codeSystem := `{"resourceType":"CodeSystem","url":"` + csURL + `","version":"1","status":"active","content":"complete",
		"concept":[{"code":"red"},{"code":"orange"},{"code":"blue"}]}`
	valueSet := func(codes ...string) string {
		var concepts []string
		for _, c := range codes {
			concepts = append(concepts, `{"code":"`+c+`"}`)
		}
		return `{"resourceType":"ValueSet","url":"` + vsURL + `","version":"1","status":"active",
			"compose":{"include":[{"system":"` + csURL + `","concept":[` + strings.Join(concepts, ",") + `]}]}}`
	}
	params := func(params string, resources ...string) string {
		parts := []string{params}
		for _, r := range resources {
			parts = append(parts, `{"name":"tx-resource","resource":`+r+`}`)
		}
		return `{"resourceType":"Parameters","parameter":[` + strings.Join(parts, ",") + `]}`
	}
	post := func(target, body, id string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/fhir+json")
		if id != "" {
			req.Header.Set(cacheIDHeader, id)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		return rec
	}
	started := post("/fhir/$cache-control?mode=start", params(`{"name":"sealed","valueBoolean":false}`, codeSystem, valueSet("red", "orange")), "")
	id := regexp.MustCompile(`"valueString":"([0-9a-f]{32})"`).FindStringSubmatch(started.Body.String())
	require.Len(t, id, 2, started.Body.String())
	member := func(code string, resources ...string) bool {
		body := post("/fhir/ValueSet/$validate-code", params(`{"name":"url","valueUri":"`+vsURL+`"},{"name":"system","valueUri":"`+csURL+`"},{"name":"code","valueCode":"`+code+`"}`, resources...), id[1]).Body.String()
		return strings.Contains(body, `{"name":"result","valueBoolean":true}`)
	}
	session := func() *definitions {
		st := srv.sessions()
		st.mu.Lock()
		ss := st.m[id[1]]
		st.mu.Unlock()
		ss.mu.Lock()
		defer ss.mu.Unlock()
		return ss.defs
	}

	require.True(t, member("red"))
	require.True(t, member("orange"))
	require.False(t, member("blue"))
	first := session()

	// A request redefines the value set in the open session: the answer
	// follows the new definition, then and in the requests after it.
	require.True(t, member("blue", valueSet("blue")))
	require.False(t, member("red"))
	require.True(t, member("blue"))

	require.NotNil(t, first.compiled, "the session's requests compile through its cache")
	require.Equal(t, 1, first.compiled.Len(), "one value set, compiled once for the three requests")
	require.NotSame(t, first, session(), "the session's definitions were replaced")
	require.NotNil(t, session().compiled)
	require.Equal(t, 1, session().compiled.Len())

	// A reload: the cache over the old snapshot is not used.
	d := session()
	before := d.compiledOver(store.Snapshot())
	store.Swap(cacheStore(t, cacheRelease(t, "2025-01", "(after)")).Snapshot())
	require.True(t, member("blue"))
	require.NotSame(t, before, d.compiledOver(store.Snapshot()))
}
