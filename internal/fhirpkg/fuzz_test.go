package fhirpkg

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzReadPackage feeds arbitrary bytes to Read as a .tgz, as the tar stream
// inside a .tgz, as a .json file, and as the JSON members (manifest and
// resource) of a package, and requires that it neither panics nor returns
// anything malformed.
func FuzzReadPackage(f *testing.F) {
	f.Add(tgz(f,
		file("package/package.json", `{"name":"p","version":"1","fhirVersions":["4.0.1"]}`),
		file("package/ValueSet-a.json", resource("ValueSet", "a")),
		file("../x/CodeSystem-b.json", resource("CodeSystem", "b"))))
	f.Add(tarball(f,
		file("package/example/ValueSet-ex.json", resource("ValueSet", "ex")),
		file("/package/.index.json", `{}`),
		file("package/broken.json", `{"resourceType":`)))
	f.Add([]byte(resource("ValueSet", "a")))
	f.Add([]byte(bundle(entry(resource("CodeSystem", "b")), `{}`, entry(bundle(entry(`{"id":1}`))))))
	f.Add([]byte("\x1f\x8b\x08\x00garbage"))
	f.Add([]byte(`{"resourceType":"Bundle","entry":{}}`))

	// One directory and one gzip writer per fuzzing process keep each run
	// quick (the inputs are rewritten every time).
	dir := f.TempDir()
	zw := gzip.NewWriter(nil)
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw.Reset(&buf)
		_, _ = zw.Write(b)
		_ = zw.Close()
		return buf.Bytes()
	}
	write := func(t *testing.T, name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	opts := Options{MaxFileBytes: 1 << 20, MaxTotalBytes: 4 << 20}

	f.Fuzz(func(t *testing.T, data []byte) {
		members := write(t, "members.tgz", gz(tarball(t,
			file("package/package.json", string(data)), file("package/x.json", string(data)))))
		sources := []string{
			write(t, "raw.tgz", data),
			write(t, "tar.tgz", gz(data)),
			write(t, "doc.json", data),
			members,
		}
		for _, src := range sources {
			res, err := Read([]string{src}, opts)
			if src == members {
				// JSON members never make their package fail to load, and
				// the manifest is either read or skipped.
				require.NoError(t, err)
				_, manifestSkipped := skipped(res)[members+":package/package.json"]
				require.True(t, len(res.Packages) == 1 != manifestSkipped, "manifest: %+v", res)
			}
			if err != nil {
				require.Nil(t, res)
				require.Contains(t, err.Error(), src)
				continue
			}
			checkResult(t, src, res)
		}
	})
}

// checkResult requires what Read returned from src to be well formed.
func checkResult(t *testing.T, src string, res *Result) {
	for _, r := range res.Resources {
		require.NotEmpty(t, r.ResourceType)
		require.NotEqual(t, "Bundle", r.ResourceType)
		require.True(t, json.Valid(r.JSON), "JSON of %s", r.Origin)
		require.True(t, strings.HasPrefix(r.Origin, src), r.Origin)
	}
	for _, s := range res.Skipped {
		require.NotEmpty(t, s.Reason)
		require.True(t, strings.HasPrefix(s.Origin, src), s.Origin)
	}
}
