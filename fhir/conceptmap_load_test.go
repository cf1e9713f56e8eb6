package fhir_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/fhir"
)

// TestLoadConceptMaps: --valuesets serves the ConceptMaps it reads, and
// skips, with the reason, one that breaks a rule, has no url, or repeats a
// url|version.
func TestLoadConceptMaps(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a-good.json":      `{"resourceType":"ConceptMap","url":"http://example.org/cm/good","version":"1","group":[{"source":"http://s","target":"http://t","element":[{"code":"a","target":[{"code":"b","equivalence":"equal"}]}]}]}`,
		"b-again.json":     `{"resourceType":"ConceptMap","id":"again","url":"http://example.org/cm/good","version":"1"}`,
		"c-broken.json":    `{"resourceType":"ConceptMap","url":"http://example.org/cm/broken","group":[{"unmapped":{"mode":"other-map"}}]}`,
		"d-anonymous.json": `{"resourceType":"ConceptMap","status":"draft"}`,
	}
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
	}
	defs, err := fhir.LoadValueSets([]string{dir})
	require.NoError(t, err)
	require.Len(t, defs.ConceptMaps, 1)
	require.Equal(t, "http://example.org/cm/good|1", defs.ConceptMaps[0].Canonical())
	require.Equal(t, "good", defs.ConceptMaps[0].ID, "an id from the url when the map has none")
	reasons := map[string]string{}
	for _, s := range defs.Skipped {
		reasons[filepath.Base(s.Origin)] = s.Reason
	}
	require.Contains(t, reasons["b-again.json"], "http://example.org/cm/good|1 is already loaded")
	require.Contains(t, reasons["c-broken.json"], "ConceptMap.group[0].unmapped has mode other-map but no url")
	require.Equal(t, "the concept map has no url", reasons["d-anonymous.json"])
}
