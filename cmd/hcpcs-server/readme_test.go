package main

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/internal/testenv"
)

// readmeCurl matches the curl examples of the README: optional -H headers,
// then the URL in single quotes or bare.
var (
	readmeCurl   = regexp.MustCompile(`^curl((?: -H '[^']*')*) '?(localhost:8080/[^' ]+)'?`)
	readmeHeader = regexp.MustCompile(`-H '([^:]+): ([^']*)'`)
)

// TestReadmeCommands runs every curl example of the README against a
// server started as `make run` starts one, so that the README stays true:
// each must answer 200 with FHIR JSON.
func TestReadmeCommands(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "README.md"))
	require.NoError(t, err)
	base := strings.TrimSuffix(startSuiteServer(t), "/fhir")
	n := 0
	for _, line := range strings.Split(string(readme), "\n") {
		m := readmeCurl.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		n++
		target := strings.Replace(m[2], "localhost:8080", base[len("http://"):], 1)
		req, err := http.NewRequest(http.MethodGet, "http://"+target, nil)
		require.NoError(t, err, line)
		for _, h := range readmeHeader.FindAllStringSubmatch(m[1], -1) {
			req.Header.Set(h[1], h[2])
		}
		resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gzip: the README's own headers apply
		require.NoError(t, err, line)
		var body io.Reader = resp.Body
		if resp.Header.Get("Content-Encoding") == "gzip" {
			body, err = gzip.NewReader(resp.Body)
			require.NoError(t, err, line)
		}
		var v map[string]any
		require.NoError(t, json.NewDecoder(body).Decode(&v), line)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %v", line, v)
		require.Equal(t, "application/fhir+json; charset=utf-8", resp.Header.Get("Content-Type"), line)
		require.NotEqual(t, "OperationOutcome", v["resourceType"], line)
	}
	require.GreaterOrEqual(t, n, 5, "the README's curl examples were not found")
}
