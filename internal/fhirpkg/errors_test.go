package fhirpkg

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func gzipped(t *testing.T, data string) string {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write([]byte(data))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.String()
}

func TestReadErrors(t *testing.T) {
	good := tgz(t, file("package/ValueSet-a.json", resource("ValueSet", "a")))
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-8] ^= 0xff // the gzip trailer's CRC-32

	for _, tc := range []struct {
		name string
		// setup writes the fixture in dir and returns the sources to read and
		// the path the error must name.
		setup  func(t *testing.T, dir string) (sources []string, blamed string)
		reason string
	}{
		{"missing source", func(t *testing.T, dir string) ([]string, string) {
			ok := writeFile(t, filepath.Join(dir, "ok.json"), resource("ValueSet", "ok"))
			return []string{ok, filepath.Join(dir, "missing.tgz")}, filepath.Join(dir, "missing.tgz")
		}, "no such file or directory"},
		{"corrupt gzip", func(t *testing.T, dir string) ([]string, string) {
			p := writeFile(t, filepath.Join(dir, "corrupt.tgz"), "this is not gzip at all")
			return []string{p}, p
		}, "not a valid gzip stream"},
		{"gzip, but not tar", func(t *testing.T, dir string) ([]string, string) {
			p := writeFile(t, filepath.Join(dir, "text.tar.gz"), gzipped(t, "hello, this is not a tar stream"))
			return []string{p}, p
		}, "not a valid tar stream"},
		{"truncated", func(t *testing.T, dir string) ([]string, string) {
			p := writeFile(t, filepath.Join(dir, "cut.tgz"), string(good[:len(good)/2]))
			return []string{p}, p
		}, "truncated"},
		{"bad checksum", func(t *testing.T, dir string) ([]string, string) {
			p := writeFile(t, filepath.Join(dir, "crc.tgz"), string(badCRC))
			return []string{p}, p
		}, "not a valid gzip stream: gzip: invalid checksum"},
		{"corrupt package in a directory", func(t *testing.T, dir string) ([]string, string) {
			writeFile(t, filepath.Join(dir, "defs", "ok.json"), resource("ValueSet", "ok"))
			p := writeFile(t, filepath.Join(dir, "defs", "sub", "bad.tgz"), "junk")
			return []string{filepath.Join(dir, "defs")}, p
		}, "not a valid gzip stream"},
		{"dangling symlink in a directory", func(t *testing.T, dir string) ([]string, string) {
			p := filepath.Join(dir, "defs", "gone.json")
			writeFile(t, filepath.Join(dir, "defs", "ok.json"), resource("ValueSet", "ok"))
			require.NoError(t, os.Symlink(filepath.Join(dir, "nowhere.json"), p))
			return []string{filepath.Join(dir, "defs")}, p
		}, "no such file or directory"},
		{"top-level .json that does not parse", func(t *testing.T, dir string) ([]string, string) {
			p := writeFile(t, filepath.Join(dir, "bad.json"), `{"resourceType":"ValueSet"`)
			return []string{p}, p
		}, "invalid JSON"},
		{"top-level .json with no resourceType", func(t *testing.T, dir string) ([]string, string) {
			p := writeFile(t, filepath.Join(dir, "plain.json"), `{"name":"x"}`)
			return []string{p}, p
		}, "no resourceType"},
		{"top-level .json that is an array", func(t *testing.T, dir string) ([]string, string) {
			p := writeFile(t, filepath.Join(dir, "list.json"), `[{"resourceType":"ValueSet"}]`)
			return []string{p}, p
		}, "not a JSON object but an array"},
		{"top-level Bundle with entry not a list", func(t *testing.T, dir string) ([]string, string) {
			p := writeFile(t, filepath.Join(dir, "b.json"), `{"resourceType":"Bundle","entry":{}}`)
			return []string{p}, p
		}, "Bundle: entry is an object, not an array"},
		{"unsupported kind of file", func(t *testing.T, dir string) ([]string, string) {
			p := writeFile(t, filepath.Join(dir, "vs.xml"), `<ValueSet/>`)
			return []string{p}, p
		}, "not a .json file, a .tgz or .tar.gz package, or a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sources, blamed := tc.setup(t, t.TempDir())
			res, err := Read(sources, Options{})
			require.Error(t, err)
			require.Nil(t, res, "no half-loaded result")
			require.ErrorContains(t, err, blamed)
			require.ErrorContains(t, err, tc.reason)
		})
	}
}

func TestReadMissingSourceIsNotExist(t *testing.T) {
	_, err := Read([]string{filepath.Join(t.TempDir(), "nope")}, Options{})
	require.ErrorIs(t, err, fs.ErrNotExist)
}
