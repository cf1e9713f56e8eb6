package browse

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

// hostile is a display written into the fixture: every page must show it
// as text.
const hostile = `<img src=x onerror="alert(1)"> & "quotes"`

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixtureSnapshot is two releases written for these tests, two quarters
// apart (2024-04 is not loaded):
//
//	A1001  in both; long description revised; cross-references A1002; note 0001
//	A1002  in 2024-01 only (removed)
//	A1003  terminated in 2024-07
//	A1004  added in 2024-07, with a hostile display
//	LT     a modifier in both
func fixtureSnapshot(t testing.TB) *terminology.Snapshot {
	t.Helper()
	older := []*terminology.Concept{
		{Code: "A1001", Kind: terminology.Procedure, LongDescription: "Wheelchair seat cushion, general use", ShortDescription: "W/c cushion",
			CrossReferences: []string{"A1002"}, ProcessingNote: "0001", BETOS: "D1D", Coverage: "C", AddedDate: date("2020-01-01")},
		{Code: "A1002", Kind: terminology.Procedure, LongDescription: "Crutches, underarm, pair", ShortDescription: "Crutches", BETOS: "D1D", Coverage: "D"},
		{Code: "A1003", Kind: terminology.Procedure, LongDescription: "Cane, quad", ShortDescription: "Quad cane", Coverage: "C"},
		{Code: "LT", Kind: terminology.Modifier, LongDescription: "Left side", ShortDescription: "Left side"},
	}
	newer := []*terminology.Concept{
		{Code: "A1001", Kind: terminology.Procedure, LongDescription: "Wheelchair seat cushion, general use, any width", ShortDescription: "W/c cushion",
			CrossReferences: []string{"A1002"}, ProcessingNote: "0001", BETOS: "D1D", Coverage: "C", AddedDate: date("2020-01-01"),
			ActionCode: "C", ActionEffectiveDate: date("2024-07-01")},
		{Code: "A1003", Kind: terminology.Procedure, LongDescription: "Cane, quad", ShortDescription: "Quad cane", Coverage: "C",
			TerminationDate: date("2024-06-30"), ActionCode: "D", ActionEffectiveDate: date("2024-06-30")},
		{Code: "A1004", Kind: terminology.Procedure, LongDescription: "Wheelchair " + hostile, ShortDescription: "W/c " + hostile, Coverage: "C",
			ActionCode: "N", ActionEffectiveDate: date("2024-07-01")},
		{Code: "LT", Kind: terminology.Modifier, LongDescription: "Left side", ShortDescription: "Left side"},
	}
	r1, err := terminology.NewRelease("2024-01", []string{"fixture-2024-01"}, older, map[string]string{"0001": "See the cushion <policy> & rules."})
	require.NoError(t, err)
	r2, err := terminology.NewRelease("2024-07", []string{"fixture-2024-07"}, newer, nil)
	require.NoError(t, err)
	snap, err := terminology.NewSnapshot([]*terminology.Release{r1, r2})
	require.NoError(t, err)
	return snap
}

// get sends one request to a browser over the fixture.
func get(t testing.TB, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

// inlineScripts counts the <script> elements of a page that have no src:
// the CSP would block them, so there must be none.
func inlineScripts(body string) int {
	n := 0
	for rest := body; ; {
		i := strings.Index(rest, "<script")
		if i < 0 {
			return n
		}
		rest = rest[i:]
		end := strings.IndexByte(rest, '>')
		if end < 0 || !strings.Contains(rest[:end], " src=") {
			n++
		}
		rest = rest[len("<script"):]
	}
}
