package testenv

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPackageDocs requires, in every package of the repository (found by
// walking the tree, so that a new package cannot be missed), exactly one
// file with a package comment: doc.go.
func TestPackageDocs(t *testing.T) {
	root := RepoRoot(t)
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "data") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			if len(dirs) == 0 || dirs[len(dirs)-1] != rel {
				dirs = append(dirs, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"terminology", "terminology/valueset", "terminology/local", "fhir", "cache", "cmd/hcpcs-server", "internal/fhirpkg"} {
		if !slices.Contains(dirs, want) {
			t.Fatalf("the walk found no package %s: %v", want, dirs)
		}
	}
	for _, dir := range dirs {
		path := filepath.Join(root, dir)
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("package %s: %v", dir, err)
		}
		files, err := filepath.Glob(filepath.Join(path, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		var withDoc []string
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if f.Doc != nil {
				withDoc = append(withDoc, filepath.Base(name))
			}
		}
		if len(withDoc) != 1 {
			t.Errorf("%s: want exactly one file with a package doc, have %v", dir, withDoc)
		}
		if len(withDoc) == 1 && withDoc[0] != "doc.go" {
			t.Errorf("%s: the package doc belongs in doc.go, not %s", dir, withDoc[0])
		}
	}
}
