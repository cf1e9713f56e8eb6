package fhirpkg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadSingleResource(t *testing.T) {
	cs := `{
  "resourceType": "CodeSystem", "id": "colors", "url": "http://example.org/fhir/CodeSystem/colors",
  "version": "2.1", "status": "active", "content": "complete",
  "concept": [{"code": "red", "display": "Red"}]
}
`
	for _, tc := range []struct {
		name, file, body, wantJSON string
	}{
		{"plain", "colors.json", cs, cs},
		{"upper-case extension", "COLORS.JSON", cs, cs},
		{"byte order mark dropped", "colors.json", "\xef\xbb\xbf" + cs, cs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, filepath.Join(t.TempDir(), tc.file), tc.body)
			res, err := Read([]string{p}, Options{})
			require.NoError(t, err)
			require.Equal(t, []Resource{{
				ResourceType: "CodeSystem",
				ID:           "colors",
				URL:          "http://example.org/fhir/CodeSystem/colors",
				Version:      "2.1",
				Origin:       p,
				JSON:         []byte(tc.wantJSON),
			}}, res.Resources)
			require.Empty(t, res.Skipped)
			require.Empty(t, res.Packages)
			require.Zero(t, res.Ignored)
		})
	}
}

func TestReadBundle(t *testing.T) {
	vs, cs := resource("ValueSet", "vs1"), resource("CodeSystem", "cs1")
	nested := bundle(entry(resource("ValueSet", "inner")))
	body := bundle(
		entry(vs),
		`{"fullUrl":"urn:uuid:gone","request":{"method":"DELETE","url":"ValueSet/old"}}`,
		entry(cs),
		entry(`{"id":"typeless"}`),
		`"not an object"`,
		entry(nested),
		entry(`{"resourceType":"ValueSet","id":7}`),
	)
	p := writeFile(t, filepath.Join(t.TempDir(), "bundle.json"), body)

	res, err := Read([]string{p}, Options{})
	require.NoError(t, err)
	require.Equal(t, []string{p + "#entry[0]", p + "#entry[2]", p + "#entry[5]#entry[0]"}, origins(res))
	require.Equal(t, vs, string(res.Resources[0].JSON), "an entry's resource, byte for byte")
	require.Equal(t, cs, string(res.Resources[1].JSON))
	require.Equal(t, "CodeSystem", res.Resources[1].ResourceType)
	require.Equal(t, "http://example.org/fhir/CodeSystem/cs1", res.Resources[1].URL)
	require.Equal(t, "inner", res.Resources[2].ID)
	requireSkipped(t, res, map[string]string{
		p + "#entry[1]": "entry has no resource",
		p + "#entry[3]": "no resourceType",
		p + "#entry[4]": "not a JSON object but a string",
		p + "#entry[6]": "id is a number, not a string",
	})
}

func TestReadBundleNestedTooDeep(t *testing.T) {
	body := resource("ValueSet", "deep")
	for range maxBundleDepth + 1 {
		body = bundle(entry(body))
	}
	p := writeFile(t, filepath.Join(t.TempDir(), "deep.json"), body)
	res, err := Read([]string{p}, Options{})
	require.NoError(t, err)
	require.Empty(t, res.Resources)
	require.Len(t, res.Skipped, 1)
	require.Contains(t, res.Skipped[0].Reason, "Bundle nested more than")
}

func TestReadDirectory(t *testing.T) {
	root := filepath.Join(t.TempDir(), "defs")
	outside := filepath.Join(t.TempDir(), "outside")
	writeFile(t, filepath.Join(root, "a.json"), resource("ValueSet", "a"))
	writeFile(t, filepath.Join(root, "sub", "b.json"), resource("CodeSystem", "b"))
	writeFile(t, filepath.Join(root, "sub", "deeper", "c.json"), resource("ValueSet", "c"))
	writeFile(t, filepath.Join(root, "sub-x.json"), resource("ValueSet", "x"))
	writeFile(t, filepath.Join(root, ".git", "hidden.json"), resource("ValueSet", "hidden"))
	writeFile(t, filepath.Join(root, "sub", ".hidden.json"), resource("ValueSet", "hidden2"))
	writeFile(t, filepath.Join(root, "notes.txt"), "not read")
	writeFile(t, filepath.Join(root, "unpacked", "package", "package.json"), `{"name":"not a resource"}`)
	writeFile(t, filepath.Join(root, "unpacked", "package", ".index.json"), `{"index-version":2}`)
	writeFile(t, filepath.Join(root, "broken.json"), `{"resourceType":`)
	writeFile(t, filepath.Join(root, "typeless.json"), `{"id":"x"}`)
	writeTGZ(t, filepath.Join(root, "pkg", "p.tgz"),
		file("package/package.json", `{"name":"example.p","version":"0.1.0"}`),
		file("package/ValueSet-p.json", resource("ValueSet", "p")))
	writeFile(t, filepath.Join(outside, "e.json"), resource("ValueSet", "e"))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "ext")))                      // followed
	require.NoError(t, os.Symlink(filepath.Join(root, "sub"), filepath.Join(root, "zlink"))) // already read
	require.NoError(t, os.Symlink("../..", filepath.Join(root, "sub", "deeper", "loop")))    // a loop
	require.NoError(t, os.Symlink("a.json", filepath.Join(root, "zz.json")))                 // already read

	res, err := Read([]string{root}, Options{})
	require.NoError(t, err)
	in := func(p ...string) string { return filepath.Join(append([]string{root}, p...)...) }
	require.Equal(t, []string{
		in("a.json"),
		in("ext", "e.json"),
		in("pkg", "p.tgz") + ":package/ValueSet-p.json",
		in("sub", "b.json"),
		in("sub", "deeper", "c.json"),
		in("sub-x.json"),
	}, origins(res))
	requireSkipped(t, res, map[string]string{
		in("broken.json"):   "invalid JSON",
		in("typeless.json"): "no resourceType",
	})
	require.Equal(t, []Package{{Name: "example.p", Version: "0.1.0", Origin: in("pkg", "p.tgz")}}, res.Packages)
}

func TestReadSourcesInGivenOrder(t *testing.T) {
	dir := t.TempDir()
	z := writeFile(t, filepath.Join(dir, "z.json"), resource("ValueSet", "z"))
	a := writeFile(t, filepath.Join(dir, "a.json"), resource("ValueSet", "a"))
	res, err := Read([]string{z, a, z}, Options{})
	require.NoError(t, err)
	require.Equal(t, []string{z, a, z}, origins(res))
}

func TestReadNoSources(t *testing.T) {
	res, err := Read(nil, Options{})
	require.NoError(t, err)
	require.NotNil(t, res)
	require.Empty(t, res.Resources)
}

func TestReadTypes(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "vs.json"), resource("ValueSet", "vs"))
	writeFile(t, filepath.Join(dir, "cs.json"), resource("CodeSystem", "cs"))
	writeFile(t, filepath.Join(dir, "sd.json"), resource("StructureDefinition", "sd"))
	writeFile(t, filepath.Join(dir, "bundle.json"),
		bundle(entry(resource("ValueSet", "bvs")), entry(resource("SearchParameter", "sp"))))
	writeTGZ(t, filepath.Join(dir, "pkg.tgz"),
		file("package/CodeSystem-pcs.json", resource("CodeSystem", "pcs")),
		file("package/StructureDefinition-psd.json", resource("StructureDefinition", "psd")),
		file("package/broken.json", `[`))

	for _, tc := range []struct {
		name    string
		types   []string
		ids     []string
		ignored int
	}{
		{"all", nil, []string{"bvs", "sp", "cs", "pcs", "psd", "sd", "vs"}, 0},
		{"ValueSet", []string{"ValueSet"}, []string{"bvs", "vs"}, 5},
		{"terminology", []string{"CodeSystem", "ValueSet"}, []string{"bvs", "cs", "pcs", "vs"}, 3},
		{"Bundle is unpacked, not kept", []string{"Bundle"}, nil, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Read([]string{dir}, Options{Types: tc.types})
			require.NoError(t, err)
			var ids []string
			for _, r := range res.Resources {
				ids = append(ids, r.ID)
			}
			require.Equal(t, tc.ids, ids)
			require.Equal(t, tc.ignored, res.Ignored)
			requireSkipped(t, res, map[string]string{filepath.Join(dir, "pkg.tgz") + ":package/broken.json": "invalid JSON"})
		})
	}
}

func TestReadMaxFileBytes(t *testing.T) {
	dir := t.TempDir()
	small := resource("ValueSet", "small")
	big := `{"resourceType":"ValueSet","id":"big","description":"` + strings.Repeat("x", 400) + `"}`
	writeFile(t, filepath.Join(dir, "small.json"), small)
	writeFile(t, filepath.Join(dir, "big.json"), big)
	writeTGZ(t, filepath.Join(dir, "pkg.tgz"),
		file("package/package.json", `{"name":"p","version":"1","description":"`+strings.Repeat("x", 400)+`"}`),
		file("package/ValueSet-big.json", big),
		file("package/ValueSet-small.json", small))
	pkg := filepath.Join(dir, "pkg.tgz")

	res, err := Read([]string{dir}, Options{MaxFileBytes: 300})
	require.NoError(t, err)
	require.Equal(t, []string{pkg + ":package/ValueSet-small.json", filepath.Join(dir, "small.json")}, origins(res))
	requireSkipped(t, res, map[string]string{
		filepath.Join(dir, "big.json"):     "over MaxFileBytes (300)",
		pkg + ":package/ValueSet-big.json": "over MaxFileBytes (300)",
		pkg + ":package/package.json":      "over MaxFileBytes (300)",
	})
	require.Empty(t, res.Packages)

	res, err = Read([]string{dir}, Options{}) // the default bound is far larger
	require.NoError(t, err)
	require.Len(t, res.Resources, 4)
	require.Empty(t, res.Skipped)

	_, err = Read([]string{filepath.Join(dir, "big.json")}, Options{MaxFileBytes: 300})
	require.ErrorContains(t, err, filepath.Join(dir, "big.json"))
	require.ErrorContains(t, err, "over MaxFileBytes (300)")
}
