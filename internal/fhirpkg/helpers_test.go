package fhirpkg

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// tarEntry is one member of a test archive: a regular file unless typ says
// otherwise.
type tarEntry struct {
	name, body string
	typ        byte
}

func file(name, body string) tarEntry { return tarEntry{name: name, body: body, typ: tar.TypeReg} }

// tgz is a gzipped tar of entries, in the order given.
func tgz(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(tarball(t, entries...))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// tarball is a tar of entries, in the order given.
func tarball(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: 0o644}
		switch e.typ {
		case tar.TypeReg:
			hdr.Size = int64(len(e.body))
		case tar.TypeSymlink:
			hdr.Linkname = e.body
		}
		require.NoError(t, tw.WriteHeader(hdr))
		if e.typ == tar.TypeReg {
			_, err := tw.Write([]byte(e.body))
			require.NoError(t, err)
		}
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

// writeTGZ writes a gzipped tar of entries to path, and returns path.
func writeTGZ(t *testing.T, path string, entries ...tarEntry) string {
	t.Helper()
	return writeFile(t, path, string(tgz(t, entries...)))
}

// writeFile writes body to path, making its directory, and returns path.
func writeFile(t *testing.T, path, body string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

// resource is a tiny resource of type typ, with an id, url and version.
func resource(typ, id string) string {
	return fmt.Sprintf(`{"resourceType":%q,"id":%q,"url":"http://example.org/fhir/%s/%s","version":"1.0.0","status":"active"}`,
		typ, id, typ, id)
}

// bundle is a collection Bundle of the given entries (JSON objects).
func bundle(entries ...string) string {
	return `{"resourceType":"Bundle","type":"collection","entry":[` + strings.Join(entries, ",") + `]}`
}

// entry is a Bundle entry holding res.
func entry(res string) string { return `{"fullUrl":"urn:uuid:x","resource":` + res + `}` }

func origins(res *Result) []string {
	var out []string
	for _, r := range res.Resources {
		out = append(out, r.Origin)
	}
	return out
}

func skipped(res *Result) map[string]string {
	out := map[string]string{}
	for _, s := range res.Skipped {
		out[s.Origin] = s.Reason
	}
	return out
}

// requireSkipped requires res to have skipped exactly the origins in want,
// each for a reason containing the given text.
func requireSkipped(t *testing.T, res *Result, want map[string]string) {
	t.Helper()
	got := skipped(res)
	require.Len(t, res.Skipped, len(got), "an origin is skipped twice: %v", res.Skipped)
	keys := func(m map[string]string) []string {
		var k []string
		for o := range m {
			k = append(k, o)
		}
		return k
	}
	require.ElementsMatch(t, keys(want), keys(got), "skipped: %v", res.Skipped)
	for o, reason := range want {
		require.Contains(t, got[o], reason, "reason for %s", o)
	}
}
