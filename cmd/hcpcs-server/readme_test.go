package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
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

// usageFlag matches a flag of serve's usage text and the variable its help
// names: "  -name type\n    \thelp … (HCPCS_NAME) (default …)".
var usageFlag = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)(?: \w+)?\n\s+.*\((HCPCS_[A-Z0-9_]+|REDIS_URL)\)`)

// TestReadmeFlags: every flag of serve has its row in the README's table,
// with the environment variable the server reads for it, and so does every
// variable serve reads that has no flag.
func TestReadmeFlags(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "README.md"))
	require.NoError(t, err)
	var usage bytes.Buffer
	_, err = parseServeFlags([]string{"-h"}, func(string) string { return "" }, &usage)
	require.ErrorIs(t, err, flag.ErrHelp)
	flags := usageFlag.FindAllStringSubmatch(usage.String(), -1)
	require.Equal(t, strings.Count(usage.String(), "\n  -"), len(flags), "a flag's help does not name its variable:\n%s", usage.String())
	withFlag := map[string]bool{}
	for _, f := range flags {
		require.Contains(t, string(readme), "| `--"+f[1]+"` | `"+f[2]+"` |", "README: no row for --%s", f[1])
		withFlag[f[2]] = true
	}
	for name := range envRead("serve") {
		if !withFlag[name] {
			require.Contains(t, string(readme), "| — | `"+name+"` |", "README: no row for %s", name)
		}
	}
}
