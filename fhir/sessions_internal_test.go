package fhir

import (
	"fmt"
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
