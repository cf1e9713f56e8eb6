package fhirpkg

import (
	"archive/tar"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// npmPackage writes a package shaped like the FHIR package registry's, its
// members in no particular order, and returns its path.
func npmPackage(t *testing.T, name string) string {
	return writeTGZ(t, filepath.Join(t.TempDir(), name),
		tarEntry{name: "package/", typ: tar.TypeDir},
		file("package/ValueSet-vs.json", resource("ValueSet", "vs")),
		file("package/package.json", `{"name":"example.fhir.test","version":"1.2.3","fhirVersions":["4.0.1"],
			"dependencies":{"hl7.fhir.r4.core":"4.0.1"}}`),
		file("package/.index.json", `{"index-version":2,"files":[{"filename":"ValueSet-vs.json"}]}`),
		file("package/example/ValueSet-ex.json", resource("ValueSet", "ex")),
		file("package/broken.json", `{"resourceType":"ValueSet",`),
		file("package/xml/ValueSet-vs.xml", `<ValueSet xmlns="http://hl7.org/fhir"/>`),
		file("package/ValueSet-vs.ttl", `@prefix fhir: <http://hl7.org/fhir/> .`),
		file("package/openapi/ValueSet.openapi.json", `{"openapi":"3.0.2"}`),
		file("package/other/ValueSet-other.json", resource("ValueSet", "other")),
		file("package/other/.index.json", `{"index-version":2}`),
		file("package/other/spec.internals", `{}`),
		file("package/CodeSystem-cs.json", resource("CodeSystem", "cs")),
		file("package/notype.json", `{"files":[]}`),
		tarEntry{name: "package/ValueSet-link.json", body: "ValueSet-vs.json", typ: tar.TypeSymlink},
	)
}

func TestReadPackage(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    string
		opts    Options
		members []string
		ignored int
	}{
		{
			name:    "definitions",
			file:    "example.fhir.test-1.2.3.tgz",
			members: []string{"package/CodeSystem-cs.json", "package/ValueSet-vs.json", "package/other/ValueSet-other.json"},
		},
		{
			name: "with examples",
			file: "example.tar.gz",
			opts: Options{Examples: true},
			members: []string{"package/CodeSystem-cs.json", "package/ValueSet-vs.json",
				"package/example/ValueSet-ex.json", "package/other/ValueSet-other.json"},
		},
		{
			name:    "only CodeSystems",
			file:    "example.TGZ",
			opts:    Options{Types: []string{"CodeSystem"}},
			members: []string{"package/CodeSystem-cs.json"},
			ignored: 2,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := npmPackage(t, tc.file)
			res, err := Read([]string{p}, tc.opts)
			require.NoError(t, err)
			var want []string
			for _, m := range tc.members {
				want = append(want, p+":"+m)
			}
			require.Equal(t, want, origins(res))
			require.Equal(t, tc.ignored, res.Ignored)
			requireSkipped(t, res, map[string]string{
				p + ":package/broken.json": "invalid JSON",
				p + ":package/notype.json": "no resourceType",
			})
			require.Equal(t, []Package{{Name: "example.fhir.test", Version: "1.2.3", FHIRVersion: "4.0.1", Origin: p}}, res.Packages)
			vs := res.Resources[len(res.Resources)-1]
			require.Equal(t, resource(vs.ResourceType, vs.ID), string(vs.JSON), "a member's JSON, byte for byte")
		})
	}
}

func TestReadPackageManifest(t *testing.T) {
	for _, tc := range []struct {
		name, manifest string
		want           []Package // Origin filled in by the test
		skipped        string
	}{
		{"fhirVersions", `{"name":"a","version":"1","fhirVersions":["4.0.1","4.3.0"]}`,
			[]Package{{Name: "a", Version: "1", FHIRVersion: "4.0.1"}}, ""},
		{"fhir-version-list", `{"name":"b","version":"2","fhir-version-list":["3.0.2"]}`,
			[]Package{{Name: "b", Version: "2", FHIRVersion: "3.0.2"}}, ""},
		{"fhirVersions wins", `{"name":"c","version":"3","fhirVersions":["5.0.0"],"fhir-version-list":["4.0.1"]}`,
			[]Package{{Name: "c", Version: "3", FHIRVersion: "5.0.0"}}, ""},
		{"a string, not a list", `{"name":"d","version":"4","fhirVersions":"4.0.1"}`,
			[]Package{{Name: "d", Version: "4", FHIRVersion: "4.0.1"}}, ""},
		{"no FHIR version", `{"name":"e","version":"5","fhirVersions":[]}`,
			[]Package{{Name: "e", Version: "5"}}, ""},
		{"broken", `{"name":`, nil, "package manifest: invalid JSON"},
		{"name not a string", `{"name":["x"]}`, nil, "package manifest: name is an array, not a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeTGZ(t, filepath.Join(t.TempDir(), "p.tgz"),
				file("package/package.json", tc.manifest),
				file("package/ValueSet-vs.json", resource("ValueSet", "vs")))
			res, err := Read([]string{p}, Options{})
			require.NoError(t, err)
			for i := range tc.want {
				tc.want[i].Origin = p
			}
			require.Equal(t, tc.want, res.Packages)
			require.Equal(t, []string{p + ":package/ValueSet-vs.json"}, origins(res), "a manifest is never a resource")
			if tc.skipped == "" {
				require.Empty(t, res.Skipped)
			} else {
				requireSkipped(t, res, map[string]string{p + ":package/package.json": tc.skipped})
			}
		})
	}
}

func TestReadPackageWithoutManifest(t *testing.T) {
	p := writeTGZ(t, filepath.Join(t.TempDir(), "bare.tgz"),
		file("ValueSet-a.json", resource("ValueSet", "a")),
		file("nested/package.json", `{"name":"not the manifest"}`))
	res, err := Read([]string{p}, Options{})
	require.NoError(t, err)
	require.Equal(t, []string{p + ":ValueSet-a.json"}, origins(res))
	require.Empty(t, res.Packages)
	require.Empty(t, res.Skipped)
}

func TestReadPackageHostileNames(t *testing.T) {
	p := writeTGZ(t, filepath.Join(t.TempDir(), "hostile.tgz"),
		file("../../../etc/ValueSet-up.json", resource("ValueSet", "up")),
		file("/abs/ValueSet-abs.json", resource("ValueSet", "abs")),
		file("package/../package/ValueSet-dot.json", resource("ValueSet", "dot")),
		file("package/./sub//CodeSystem-cs.json", resource("CodeSystem", "cs")),
		file("package/ValueSet-dup.json", resource("ValueSet", "first")),
		file("./package/ValueSet-dup.json", resource("ValueSet", "second")),
		file("package/example/../ValueSet-escaped.json", resource("ValueSet", "escaped")),
		file("package/sub/../example/ValueSet-ex.json", resource("ValueSet", "ex")),
	)
	res, err := Read([]string{p}, Options{})
	require.NoError(t, err)
	require.Equal(t, []string{
		p + ":abs/ValueSet-abs.json",
		p + ":etc/ValueSet-up.json",
		p + ":package/ValueSet-dot.json",
		p + ":package/ValueSet-dup.json",
		p + ":package/ValueSet-escaped.json",
		p + ":package/sub/CodeSystem-cs.json",
	}, origins(res))
	require.Equal(t, "second", res.Resources[3].ID, "a later member of the same name replaces an earlier one")
	require.Empty(t, res.Skipped)
}

func TestReadPackageMaxTotalBytes(t *testing.T) {
	// 8 MiB of zeros compresses to a few KiB: a small decompression bomb.
	bomb := string(make([]byte, 8<<20))
	p := writeTGZ(t, filepath.Join(t.TempDir(), "bomb.tgz"),
		file("package/ValueSet-a.json", resource("ValueSet", "a")),
		file("package/zeros.bin", bomb))

	_, err := Read([]string{p}, Options{MaxTotalBytes: 1 << 20})
	require.ErrorContains(t, err, p)
	require.ErrorContains(t, err, "more than 1048576 bytes (MaxTotalBytes)")

	res, err := Read([]string{p}, Options{}) // within the default bound
	require.NoError(t, err)
	require.Equal(t, []string{p + ":package/ValueSet-a.json"}, origins(res))
}
